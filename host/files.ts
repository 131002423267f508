// Reading the host's files under Node: a regular file whole, at most a limit, as the session
// layer's FileRead value. The one Node reader the CLI, the grader and the benchmarks share, so
// none of them can be made to read a device, a FIFO or an endless file.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import type { FileRead } from "../session/program.js";

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

/** Read size once a file turns out longer than fstat said (it is growing). */
const GROWTH_CHUNK = 64 * 1024;

/**
 * Reads a regular file, at most `limit.bytes` of it. Anything else (missing, a directory, a
 * device such as /dev/zero, a FIFO, a socket, too large) is a one-line failure naming the path;
 * nothing here can block or read forever.
 */
export function readRegularFile(path: string, limit: FileLimit = SOURCE_LIMIT): FileRead {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused just below).
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    return fileProblem(path, e);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return problem(`${path}: ${notRegular(st)}`);
    if (st.size > limit.bytes) return problem(tooLargeMessage(path, limit));
    return readAll(fd, path, limit, st.size);
  } catch (e) {
    return fileProblem(path, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * The whole of an open regular file of `size` bytes (as fstat saw it): one read into a buffer of
 * that size, then reads until end of file, refusing the file if it grows past the limit.
 */
function readAll(fd: number, path: string, limit: FileLimit, size: number): FileRead {
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (let want = size; ; want = GROWTH_CHUNK) {
    const chunk = new Uint8Array(Math.min(Math.max(want, 1), limit.bytes + 1 - total));
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) return { ok: true, bytes: concatChunks(chunks, total) };
    chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    total += n;
    if (total > limit.bytes) return problem(tooLargeMessage(path, limit));
  }
}

/** The chunks as one array (the only chunk itself when it fills its own buffer). */
export function concatChunks(chunks: Uint8Array[], total: number): Uint8Array {
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

/** The message for input larger than `limit` (`what` names it: a path, "standard input"). */
export function tooLargeMessage(what: string, limit: FileLimit): string {
  return `${what}: larger than ${limit.bytes / MiB} MiB, the most vmlab reads as ${limit.what}`;
}

function problem(message: string, missing = false): FileRead {
  return { ok: false, missing, message };
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

/** A failed open, read or stat as a one-line failure (`missing` for no such file). */
function fileProblem(path: string, e: unknown): FileRead {
  const code = (e as { code?: string }).code;
  if (code === "ENOENT" || code === "ENOTDIR") return problem(`${path}: no such file`, true);
  if (code === "EACCES") return problem(`${path}: permission denied`);
  if (code === "EISDIR") return problem(`${path}: is a directory, not a program file`);
  return problem(`${path}: cannot read (${code ?? String(e)})`);
}
