// The host as the CLI sees it. Subcommands never touch process or fs directly: they go through a
// CliIo, so tests can drive the whole CLI in-process with captured streams and a fake file system.
import { closeSync, openSync, readSync, writeFileSync, writeSync } from "node:fs";
import {
  concatChunks,
  type FileLimit,
  readRegularFile,
  SOURCE_LIMIT,
  tooLargeMessage,
} from "../host/files.js";

export interface CliIo {
  /** Guest and report output; a string is written as UTF-8. */
  stdout(data: string | Uint8Array): void;
  stderr(data: string | Uint8Array): void;
  /** Reads up to `max` bytes of stdin; an empty array means end of input. */
  readStdin(max: number): Uint8Array;
  /**
   * Whole contents of a regular file of at most `limit` (default SOURCE_LIMIT) bytes; throws
   * UserError with a one-line message (missing, a directory or device, too large, ...).
   */
  readFile(path: string, limit?: FileLimit): Uint8Array;
  writeFile(path: string, data: Uint8Array | string): void;
  /** A file written piece by piece (traces can be larger than one string may be). */
  createWriter(path: string): FileWriter;
  /**
   * Calls `handler` on Ctrl-C (SIGINT) until the returned function is called; absent where
   * nothing can interrupt (tests). The handler runs only when the event loop gets a turn.
   */
  onInterrupt?(handler: () => void): () => void;
  /** True if the stream is a terminal (absent: none is, as in tests). */
  isTerminal?(stream: "stdin" | "stdout" | "stderr"): boolean;
}

export interface FileWriter {
  write(text: string): void;
  close(): void;
}

/** Opens `path` for writing, as a FileWriter; failures are one-line UserErrors. */
export function openUserFile(path: string): FileWriter {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    throw new UserError(`${path}: cannot write (${(e as { code?: string }).code ?? String(e)})`);
  }
  return {
    write: (text) => {
      writeSync(fd, text);
    },
    close: () => closeSync(fd),
  };
}

/** An error meant for the user: printed as one line `vmlab: <message>`, never with a stack. */
export class UserError extends Error {
  override name = "UserError";
  readonly status: number;
  constructor(message: string, status = 1) {
    super(message);
    this.status = status;
  }
}

export { type FileLimit, SOURCE_LIMIT, TRACE_LIMIT } from "../host/files.js";

/**
 * Reads a regular file named by the user, at most `limit.bytes` of it (host/files.ts). Anything
 * else (missing, a directory, a device such as /dev/zero, a FIFO, a socket, too large) is a
 * one-line UserError naming the path (MissingFileError if there is no such file).
 */
export function readUserFile(path: string, limit: FileLimit = SOURCE_LIMIT): Uint8Array {
  const r = readRegularFile(path, limit);
  if (r.ok) return r.bytes;
  throw r.missing ? new MissingFileError(r.message) : new UserError(r.message);
}

/** All of standard input, at most `limit.bytes` (more is a one-line UserError, not an endless read). */
export function readAllStdin(io: CliIo, limit: FileLimit): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let c = io.readStdin(STDIN_CHUNK); c.length > 0; c = io.readStdin(STDIN_CHUNK)) {
    chunks.push(c.slice());
    total += c.length;
    if (total > limit.bytes) throw new UserError(tooLargeMessage("standard input", limit));
  }
  return concatChunks(chunks, total);
}

/**
 * Standard input one line at a time (without its newline; a last line without one counts), read
 * as it arrives, so a terminal is answered line by line and a pipe works the same. Undefined at
 * end of input.
 */
export function stdinLines(io: CliIo): () => string | undefined {
  const decoder = new TextDecoder();
  let pending = "";
  let ended = false;
  return () => {
    for (;;) {
      const newline = pending.indexOf("\n");
      if (newline >= 0) {
        const line = pending.slice(0, newline).replace(/\r$/, "");
        pending = pending.slice(newline + 1);
        return line;
      }
      if (ended) {
        const last = pending;
        pending = "";
        return last === "" ? undefined : last;
      }
      const chunk = io.readStdin(STDIN_CHUNK);
      if (chunk.length === 0) ended = true;
      pending += decoder.decode(chunk, { stream: !ended });
    }
  };
}

/** How much of stdin one read asks for. */
const STDIN_CHUNK = 64 * 1024;

/** A user-named file that does not exist (callers that search several places catch this one). */
export class MissingFileError extends UserError {
  override name = "MissingFileError";
}

export function writeUserFile(path: string, data: Uint8Array | string): void {
  try {
    writeFileSync(path, data);
  } catch (e) {
    throw new UserError(`${path}: cannot write (${(e as { code?: string }).code ?? String(e)})`);
  }
}

/** The real host: the process's streams and file system. */
export function processIo(): CliIo {
  return {
    stdout: (d) => process.stdout.write(d),
    stderr: (d) => process.stderr.write(d),
    readStdin: (max) => withDefaultInterrupt(() => readStdinNow(max)),
    readFile: readUserFile,
    writeFile: writeUserFile,
    createWriter: openUserFile,
    onInterrupt(handler) {
      process.on("SIGINT", handler);
      return () => process.off("SIGINT", handler);
    },
    isTerminal: (stream) => process[stream].isTTY === true,
  };
}

function readStdinNow(max: number): Uint8Array {
  const buf = new Uint8Array(max);
  try {
    const n = readSync0(buf);
    return buf.subarray(0, n);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "EAGAIN") return readStdinRetry(buf);
    if (code === "EOF") return new Uint8Array(0);
    throw e;
  }
}

/**
 * Runs a read that may block (a guest waiting for a terminal) with Ctrl-C restored to its default,
 * which ends vmlab at once: no handler could run while the read blocks the event loop.
 */
function withDefaultInterrupt<T>(read: () => T): T {
  const handlers = process.listeners("SIGINT");
  for (const h of handlers) process.off("SIGINT", h);
  try {
    return read();
  } finally {
    for (const h of handlers) process.on("SIGINT", h);
  }
}

function readSync0(buf: Uint8Array): number {
  return readSync(0, buf, 0, buf.length, null);
}

/** stdin may be a non-blocking pipe or tty: spin politely until data or EOF arrives. */
function readStdinRetry(buf: Uint8Array): Uint8Array {
  for (;;) {
    try {
      return buf.subarray(0, readSync0(buf));
    } catch (e) {
      if ((e as { code?: string }).code !== "EAGAIN") return new Uint8Array(0);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
    }
  }
}
