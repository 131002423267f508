// The guest's console inside the stepper. Input is recorded as the guest reads it, so a replay
// (`back`) hands the guest exactly the same bytes in the same chunks; output is cut into lines so
// the stepper can print each one marked as the guest's.

/** A source of guest stdin: up to `max` bytes, an empty array at end of input. */
export type StdinSource = (max: number) => Uint8Array;

/** Every chunk the guest has read so far, in order, replayable from the start. */
export class StdinRecording {
  private readonly source: StdinSource;
  private readonly chunks: Uint8Array[] = [];

  constructor(source: StdinSource) {
    this.source = source;
  }

  /**
   * A reader for one boot: it replays the recorded chunks in order, then reads new ones from the
   * source and records them. A deterministic guest asks for the same sizes on every replay.
   */
  reader(): StdinSource {
    let next = 0;
    return (max) => {
      const recorded = this.chunks[next];
      if (recorded !== undefined) {
        next++;
        return recorded.subarray(0, max);
      }
      const fresh = this.source(max).slice();
      this.chunks.push(fresh);
      next++;
      return fresh;
    };
  }
}

/** A stdin source over fixed bytes (a --stdin file, or nothing). */
export function bytesSource(bytes: Uint8Array): StdinSource {
  let at = 0;
  return (max) => {
    const chunk = bytes.subarray(at, at + max);
    at += chunk.length;
    return chunk;
  };
}

/** Cuts the guest's output on each fd into lines; a partial line waits for flush(). */
export class GuestLines {
  private readonly emit: (fd: 1 | 2, line: string) => void;
  private readonly partial: Record<1 | 2, string> = { 1: "", 2: "" };
  private readonly decoders = { 1: new TextDecoder(), 2: new TextDecoder() };

  /** `emit` receives each line without its newline. */
  constructor(emit: (fd: 1 | 2, line: string) => void) {
    this.emit = emit;
  }

  /** Takes bytes the guest wrote to `fd`; each line they complete is emitted at once. */
  write(fd: 1 | 2, bytes: Uint8Array): void {
    const text = this.partial[fd] + this.decoders[fd].decode(bytes, { stream: true });
    const lines = text.split("\n");
    this.partial[fd] = lines.pop() ?? "";
    for (const line of lines) this.emit(fd, line);
  }

  /** Emits any unfinished line (e.g. a prompt the guest wrote without a newline). */
  flush(): void {
    for (const fd of [1, 2] as const) {
      if (this.partial[fd] === "") continue;
      const line = this.partial[fd];
      this.partial[fd] = "";
      this.emit(fd, line);
    }
  }
}
