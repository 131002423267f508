// The guest's console inside the stepper. Input is recorded as the guest reads it, so a replay
// (`back`) hands the guest exactly the same bytes in the same chunks; output is cut into lines so
// the stepper can print each one marked as the guest's.

/** A source of guest stdin: up to `max` bytes, an empty array at end of input. */
export type StdinSource = (max: number) => Uint8Array;

/**
 * Every chunk the guest has read so far, in order, replayable from the start. A checkpoint leaves
 * the recording out (input typed after it must survive going back to it) and keeps the reader's
 * place instead.
 */
export class StdinRecording {
  private readonly source: StdinSource;
  private readonly chunks: Uint8Array[] = [];

  constructor(source: StdinSource) {
    this.source = source;
  }

  /** A reader for one boot, at the start of the recording. */
  reader(): StdinReader {
    return new StdinReader(this);
  }

  /** Chunk `i` of the recording, read from the source (and recorded) if it is the next one. */
  chunk(i: number, max: number): Uint8Array {
    const recorded = this.chunks[i];
    if (recorded !== undefined) return recorded.subarray(0, max);
    const fresh = this.source(max).slice();
    this.chunks.push(fresh);
    return fresh;
  }
}

/**
 * One boot's way through a StdinRecording: it replays the recorded chunks in order, then reads new
 * ones from the source and records them. A deterministic guest asks for the same sizes on every
 * replay. Its place is a plain property, so a checkpoint records it.
 */
export class StdinReader {
  private readonly recording: StdinRecording;
  /** How many chunks this boot's guest has read. */
  next = 0;

  constructor(recording: StdinRecording) {
    this.recording = recording;
  }

  /** Up to `max` bytes of stdin; an empty array at end of input. */
  read(max: number): Uint8Array {
    return this.recording.chunk(this.next++, max);
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

/**
 * Decodes UTF-8 that comes in pieces: a character cut between two pieces waits for its last
 * bytes. The bytes waiting are a plain property, not a streaming TextDecoder's hidden state, so
 * a checkpoint records them.
 */
export class Utf8Pieces {
  /** The first bytes of a character begun but not complete (at most 3). */
  pending: number[] = [];

  /** The text of `bytes` after what was pending, up to the last complete character. */
  decode(bytes: Uint8Array): string {
    let all = bytes;
    if (this.pending.length > 0) {
      all = new Uint8Array(this.pending.length + bytes.length);
      all.set(this.pending);
      all.set(bytes, this.pending.length);
    }
    const complete = completeLength(all);
    this.pending = [...all.subarray(complete)];
    return utf8.decode(all.subarray(0, complete));
  }
}

/**
 * Cuts the guest's output on each fd into lines; a partial line waits for flush(). Its state is
 * plain properties (the text of the partial line, and the bytes of a character not yet complete),
 * so a checkpoint records all of it.
 */
export class GuestLines {
  private readonly emit: (fd: 1 | 2, line: string) => void;
  private readonly partial: Record<1 | 2, string> = { 1: "", 2: "" };
  private readonly decoders = { 1: new Utf8Pieces(), 2: new Utf8Pieces() };

  /** `emit` receives each line without its newline. */
  constructor(emit: (fd: 1 | 2, line: string) => void) {
    this.emit = emit;
  }

  /** Takes bytes the guest wrote to `fd`; each line they complete is emitted at once. */
  write(fd: 1 | 2, bytes: Uint8Array): void {
    const lines = (this.partial[fd] + this.decoders[fd].decode(bytes)).split("\n");
    this.partial[fd] = lines.pop() ?? "";
    for (const line of lines) this.emit(fd, line);
  }

  /**
   * Emits any unfinished line (e.g. a prompt the guest wrote without a newline); a character
   * still incomplete waits for its last bytes.
   */
  flush(): void {
    for (const fd of [1, 2] as const) {
      if (this.partial[fd] === "") continue;
      const line = this.partial[fd];
      this.partial[fd] = "";
      this.emit(fd, line);
    }
  }
}

/** Decodes whole characters only (a BOM is kept as text: it may begin any write). */
const utf8 = new TextDecoder("utf-8", { ignoreBOM: true });

/**
 * How many of `bytes` end on a character boundary: all of them, unless they end inside a UTF-8
 * sequence (a lead byte C2-DF, E0-EF or F0-F4 followed by fewer continuation bytes 80-BF than it
 * announces). Bytes that can begin no character (C0, C1, F5-FF) count as complete: they decode
 * as U+FFFD at once, as a streaming decoder shows them.
 */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let i = n - 1; i >= 0 && i >= n - 3; i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue;
    const announced = b >= 0xf5 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 1;
    return n - i < announced ? i : n;
  }
  return n;
}
