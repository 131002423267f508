// Breakpoints and watchpoints, numbered together as gdb numbers them. A breakpoint stops when the
// process on the CPU arrives at its address (any process: addresses are virtual, so a breakpoint
// in a program holds in each process running it). A watchpoint stops when the 32-bit word at its
// address in its process changes, checked after every instruction.
import { hex32 } from "../../hw/hex.js";
import { StepError } from "./errors.js";
import { needProc, peekWords } from "./inspect.js";
import type { Session } from "./session.js";

export interface Breakpoint {
  id: number;
  addr: number;
  /** As the user wrote it (e.g. "_start" or "0x10080"). */
  spec: string;
}

export interface Watchpoint {
  id: number;
  pid: number;
  va: number;
  spec: string;
  /** The word last seen; undefined while the address is not mapped. */
  value: number | undefined;
}

/** The session's breakpoints and watchpoints (kept across back: they are not machine state). */
export class Stops {
  readonly breaks: Breakpoint[] = [];
  readonly watches: Watchpoint[] = [];
  private nextId = 1;

  /** True when there is nothing to check after each instruction (so runs can go at full speed). */
  get empty(): boolean {
    return this.breaks.length === 0 && this.watches.length === 0;
  }

  /** A new breakpoint at `addr`, numbered after every earlier stop. */
  addBreak(addr: number, spec: string): Breakpoint {
    const b = { id: this.nextId++, addr, spec };
    this.breaks.push(b);
    return b;
  }

  /** A new watchpoint on the word at `va` in `pid`, remembering its value now. */
  addWatch(s: Session, pid: number, va: number, spec: string): Watchpoint {
    const w = { id: this.nextId++, pid, va, spec, value: wordAt(s, pid, va) ?? undefined };
    this.watches.push(w);
    return w;
  }

  /** Deletes breakpoint or watchpoint `id`; a StepError if there is none. */
  delete(id: number): void {
    const b = this.breaks.findIndex((x) => x.id === id);
    if (b >= 0) this.breaks.splice(b, 1);
    const w = this.watches.findIndex((x) => x.id === id);
    if (w >= 0) this.watches.splice(w, 1);
    if (b < 0 && w < 0) throw new StepError(`no breakpoint or watchpoint ${id}`);
  }

  /** Deletes every breakpoint and watchpoint. */
  deleteAll(): void {
    this.breaks.length = 0;
    this.watches.length = 0;
  }

  /** Re-reads every watched word (after `back`, so no watchpoint fires on the jump itself). */
  resync(s: Session): void {
    for (const w of this.watches) w.value = wordAt(s, w.pid, w.va) ?? undefined;
  }

  /** Why to stop after the instruction just run (a breakpoint reached, a word changed), if so. */
  check(s: Session): string | undefined {
    return this.checkWatches(s) ?? this.checkBreaks(s);
  }

  /** The breakpoint the process on the CPU has arrived at, described; or undefined. */
  checkBreaks(s: Session): string | undefined {
    if (this.breaks.length === 0) return undefined;
    const { kernel, machine } = s.world;
    if (!kernel.current) return undefined;
    const pc = machine.cpu.pc >>> 0;
    const b = this.breaks.find((x) => x.addr === pc);
    return b && `breakpoint ${b.id} (${b.spec}) reached by pid ${kernel.current.pid}`;
  }

  private checkWatches(s: Session): string | undefined {
    for (const w of this.watches) {
      if (!s.regsOf(w.pid)) {
        this.delete(w.id);
        return `watchpoint ${w.id} (${w.spec}) deleted: pid ${w.pid} has ended`;
      }
      const now = wordAt(s, w.pid, w.va);
      if (now === w.value || now === null) continue;
      const was = w.value;
      w.value = now;
      return `watchpoint ${w.id} (${w.spec}) in pid ${w.pid}: ${show(was)} -> ${show(now)}`;
    }
    return undefined;
  }

  /** One line per breakpoint and watchpoint. */
  list(): string[] {
    const lines = [
      ...this.breaks.map((b) => `${b.id}: break ${hex32(b.addr)} (${b.spec})`),
      ...this.watches.map(
        (w) => `${w.id}: watch ${hex32(w.va)} (${w.spec}) in pid ${w.pid}, now ${show(w.value)}`,
      ),
    ];
    return lines.length === 0 ? ["no breakpoints or watchpoints"] : lines;
  }
}

/** The word at `va` in `pid`; undefined if not mapped, null if it cannot be looked at now. */
function wordAt(s: Session, pid: number, va: number): number | undefined | null {
  try {
    return peekWords(s, needProc(s, pid), va, 1, 4)[0];
  } catch (e) {
    if (e instanceof StepError) return null;
    throw e;
  }
}

function show(v: number | undefined): string {
  return v === undefined ? "not mapped" : hex32(v);
}
