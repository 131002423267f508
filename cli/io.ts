// The host as the CLI sees it. Subcommands never touch process or fs directly: they go through a
// CliIo, so tests can drive the whole CLI in-process with captured streams and a fake file system.
import {
  closeSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";

export interface CliIo {
  /** Guest and report output; a string is written as UTF-8. */
  stdout(data: string | Uint8Array): void;
  stderr(data: string | Uint8Array): void;
  /** Reads up to `max` bytes of stdin; an empty array means end of input. */
  readStdin(max: number): Uint8Array;
  /** Whole file contents; throws UserError with a one-line message (missing, directory, ...). */
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array | string): void;
  /** A file written piece by piece (traces can be larger than one string may be). */
  createWriter(path: string): FileWriter;
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

/** Reads a file for a user-named path, turning every fs failure into a one-line UserError. */
export function readUserFile(path: string): Uint8Array {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ENOENT") throw new UserError(`${path}: no such file`);
    if (code === "EACCES") throw new UserError(`${path}: permission denied`);
    throw new UserError(`${path}: cannot read (${code ?? String(e)})`);
  }
  if (st.isDirectory()) throw new UserError(`${path}: is a directory, not a program file`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UserError(`${path}: cannot read (${(e as { code?: string }).code ?? String(e)})`);
  }
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
    readStdin(max) {
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
    },
    readFile: readUserFile,
    writeFile: writeUserFile,
    createWriter: openUserFile,
  };
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
