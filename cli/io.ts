// The host as the CLI sees it. Subcommands never touch process or fs directly: they go through a
// CliIo, so tests can drive the whole CLI in-process with captured streams and a fake file system.
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readSync,
  type Stats,
  writeFileSync,
  writeSync,
} from "node:fs";

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

const MiB = 1024 * 1024;

/** How much vmlab reads from one input file at most, and what such a file is (for the message). */
export interface FileLimit {
  bytes: number;
  what: string;
}

/** Programs, assembly sources and includes, stepper scripts, guest stdin files. */
export const SOURCE_LIMIT: FileLimit = { bytes: 64 * MiB, what: "a program or input file" };
/** Page-reference traces for `vmlab trace` (recorded runs can be long; a string holds 512 MiB). */
export const TRACE_LIMIT: FileLimit = { bytes: 256 * MiB, what: "a reference trace" };

/**
 * Reads a regular file named by the user, at most `limit.bytes` of it. Anything else (missing, a
 * directory, a device such as /dev/zero, a FIFO, a socket, too large) is a one-line UserError
 * naming the path; nothing here can block or read forever.
 */
export function readUserFile(path: string, limit: FileLimit = SOURCE_LIMIT): Uint8Array {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw fileError(path, e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UserError(`${path}: ${notRegular(st)}`);
    if (st.size > limit.bytes) throw tooLarge(path, limit);
    return readAll(fd, path, limit, st.size);
  } catch (e) {
    throw e instanceof UserError ? e : fileError(path, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * The whole of an open regular file of `size` bytes (as fstat saw it): one read into a buffer of
 * that size, then reads until end of file, refusing the file if it grows past the limit.
 */
function readAll(fd: number, path: string, limit: FileLimit, size: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let want = size; ; want = GROWTH_CHUNK) {
    const chunk = new Uint8Array(Math.min(Math.max(want, 1), limit.bytes + 1 - total));
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) return concatChunks(chunks, total);
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
    if (total > limit.bytes) throw tooLarge(path, limit);
  }
}

/** Read size once a file turns out longer than fstat said (it is growing). */
const GROWTH_CHUNK = 64 * 1024;

/** The chunks as one array (the only chunk itself when it fills its own buffer). */
function concatChunks(chunks: Uint8Array[], total: number): Uint8Array {
  const only = chunks[0];
  if (chunks.length === 1 && only!.byteLength === only!.buffer.byteLength) return only!;
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** All of standard input, at most `limit.bytes` (more is a one-line UserError, not an endless read). */
export function readAllStdin(io: CliIo, limit: FileLimit): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let c = io.readStdin(64 * 1024); c.length > 0; c = io.readStdin(64 * 1024)) {
    chunks.push(c.slice());
    total += c.length;
    if (total > limit.bytes) throw tooLarge("standard input", limit);
  }
  return concatChunks(chunks, total);
}

function tooLarge(path: string, limit: FileLimit): UserError {
  return new UserError(
    `${path}: larger than ${limit.bytes / MiB} MiB, the most vmlab reads as ${limit.what}`,
  );
}

/** Why a file that exists is not one vmlab reads. */
function notRegular(st: Stats): string {
  if (st.isDirectory()) return "is a directory, not a program file";
  const kind = st.isCharacterDevice()
    ? "a character device"
    : st.isBlockDevice()
      ? "a block device"
      : st.isFIFO()
        ? "a FIFO"
        : st.isSocket()
          ? "a socket"
          : "not a plain file";
  return `not a regular file (${kind}); vmlab reads only regular files`;
}

/** A user-named file that does not exist (callers that search several places catch this one). */
export class MissingFileError extends UserError {
  override name = "MissingFileError";
}

function fileError(path: string, e: unknown): UserError {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT" || code === "ENOTDIR") return new MissingFileError(`${path}: no such file`);
  if (code === "EACCES") return new UserError(`${path}: permission denied`);
  if (code === "EISDIR") return new UserError(`${path}: is a directory, not a program file`);
  return new UserError(`${path}: cannot read (${code ?? String(e)})`);
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
