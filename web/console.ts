// The Console pane's text: what the guest wrote, kept as the bytes came (a line grows until its
// newline, however many writes make it), with the kernel's messages between the lines. It is fed
// from the kernel's console host directly, so it does not depend on how the run was cut into
// steps and batches: Back and a fresh replay show the same console.
import { Utf8Pieces } from "../session/step/guest-io.js";
import type { ConsoleLine } from "./view.js";

/** Most lines kept (older ones scroll away). */
const MAX_LINES = 2000;

/** What the console holds, for a checkpoint. */
export interface ConsoleState {
  lines: ConsoleLine[];
  /** The line each fd is still writing (no newline yet), or -1. */
  open: { 1: number; 2: number };
  /** The bytes of a character each fd has begun to write. */
  pending: { 1: number[]; 2: number[] };
}

export class GuestConsole {
  lines: ConsoleLine[] = [];
  private open = { 1: -1, 2: -1 };
  private readonly decoders = { 1: new Utf8Pieces(), 2: new Utf8Pieces() };

  /** Takes bytes the guest wrote to `fd`. */
  write(fd: 1 | 2, bytes: Uint8Array): void {
    const parts = this.decoders[fd].decode(bytes).split("\n");
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      if (last && part === "") return;
      const at = this.open[fd];
      if (i === 0 && at >= 0) {
        this.lines[at] = { from: fd, text: this.lines[at]!.text + part };
      } else {
        this.lines.push({ from: fd, text: part });
        this.open[fd] = this.lines.length - 1;
      }
      if (!last) this.open[fd] = -1;
    });
    if (parts.length > 1 && parts[parts.length - 1] === "") this.open[fd] = -1;
    this.trim();
  }

  /** A line from the kernel (why a process was killed, ...). */
  message(text: string): void {
    this.lines.push({ from: "kernel", text });
    this.trim();
  }

  private trim(): void {
    const excess = this.lines.length - MAX_LINES;
    if (excess <= 0) return;
    this.lines.splice(0, excess);
    for (const fd of [1, 2] as const) this.open[fd] = Math.max(-1, this.open[fd] - excess);
  }

  /** A copy of the console now. */
  save(): ConsoleState {
    const pending = { 1: this.decoders[1].pending, 2: this.decoders[2].pending };
    return { lines: this.lines.slice(), open: { ...this.open }, pending };
  }

  /** Puts back what `save` returned. */
  restore(state: ConsoleState): void {
    this.lines = state.lines.slice();
    this.open = { ...state.open };
    this.decoders[1].pending = state.pending[1];
    this.decoders[2].pending = state.pending[2];
  }
}
