// The real peers vmlab is checked against: GNU binutils for RISC-V (as, ld) and qemu-user's
// qemu-riscv32. gnuBuild assembles and links a guest program the way docs/programs.md says;
// runQemu runs it. Suites that need them use describePeers, which skips with an install hint
// when the tools are absent (set VMLAB_NO_PEERS=1 to skip them on purpose), and fails instead
// where VMLAB_REQUIRE_PEERS=1 (as .ci/run sets it: there the peers must run).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { constants, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { describe, it } from "vitest";

export const GNU_AS = "riscv64-unknown-elf-as";
export const GNU_LD = "riscv64-unknown-elf-ld";
export const QEMU = "qemu-riscv32";
/** Flags for GNU as: the ISA and ABI vmlab implements. */
export const AS_FLAGS: readonly string[] = ["-march=rv32ima", "-mabi=ilp32"];
/** Flags for GNU ld: 32-bit little-endian RISC-V; no relaxation, so nothing relies on gp. */
export const LD_FLAGS: readonly string[] = ["-m", "elf32lriscv", "--no-relax"];

export const PEERS_MISSING_MESSAGE =
  "needs qemu-user and binutils-riscv64-unknown-elf: apt-get install -y qemu-user binutils-riscv64-unknown-elf";

function toolRuns(command: string): boolean {
  const r = spawnSync(command, ["--version"], { stdio: "ignore", timeout: 10_000 });
  return r.status === 0;
}

/** True when GNU as, GNU ld and qemu-riscv32 are all installed (and not disabled). */
export const hasPeers: boolean =
  !process.env.VMLAB_NO_PEERS && [GNU_AS, GNU_LD, QEMU].every(toolRuns);

/** True where the differential tests must run rather than skip (CI). */
export const peersRequired: boolean = process.env.VMLAB_REQUIRE_PEERS === "1";

const warned = new Set<string>();

/**
 * A vitest describe for tests that need outside tools: skipped, with one console message per
 * missing set of tools, when `present` is false; where peers are required it is instead a failing
 * test that says what is missing.
 */
export function describeIfTools(
  name: string,
  present: boolean,
  missing: string,
  body: () => void,
): void {
  if (!present && peersRequired) {
    describe(name, () => {
      it("has its peers installed (VMLAB_REQUIRE_PEERS=1)", () => {
        throw new Error(missing);
      });
    });
    return;
  }
  if (!present && !warned.has(missing)) {
    warned.add(missing);
    console.warn(`skipping "${name}": ${missing}`);
  }
  describe.skipIf(!present)(name, body);
}

/** describeIfTools for GNU as, GNU ld and qemu-riscv32. */
export function describePeers(name: string, body: () => void): void {
  describeIfTools(name, hasPeers, PEERS_MISSING_MESSAGE, body);
}

/** A failed GNU build; the message holds the command and the tool's own diagnostics. */
export class GnuBuildError extends Error {
  override name = "GnuBuildError";
}

let workDir: string | undefined;
let serial = 0;

/** A private temporary directory for this process, removed when the process exits. */
export function peerTempDir(): string {
  if (workDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-peers-"));
    workDir = dir;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return workDir;
}

/** Program text to build, with the directories its .include paths are relative to. */
export interface SourceText {
  text: string;
  /** A file name stem for the outputs (and for GNU as's messages). */
  name?: string;
  includeDirs?: readonly string[];
}

/**
 * Assembles and links a guest program with the GNU toolchain:
 *   riscv64-unknown-elf-as -march=rv32ima -mabi=ilp32 -I <dir of source> -o x.o x.s
 *   riscv64-unknown-elf-ld -m elf32lriscv --no-relax -o x.elf x.o
 * `source` is a path to a .s file, or the text itself. Returns the absolute path of the ELF,
 * in a temporary directory that lives as long as the process. Throws GnuBuildError.
 */
export function gnuBuild(source: string | SourceText): string {
  const dir = join(peerTempDir(), `build-${serial++}`);
  mkdirSync(dir);
  let sourcePath: string;
  let includeDirs: readonly string[];
  if (typeof source === "string") {
    sourcePath = resolve(source);
    includeDirs = [dirname(sourcePath)];
  } else {
    sourcePath = join(dir, `${source.name ?? "program"}.s`);
    writeFileSync(sourcePath, source.text);
    includeDirs = (source.includeDirs ?? []).map((d) => resolve(d));
  }
  const stem = basename(sourcePath, ".s");
  const object = join(dir, `${stem}.o`);
  const elf = join(dir, `${stem}.elf`);
  const includes = includeDirs.flatMap((d) => ["-I", d]);
  runTool(GNU_AS, [...AS_FLAGS, ...includes, "-o", object, sourcePath]);
  runTool(GNU_LD, [...LD_FLAGS, "-o", elf, object]);
  return elf;
}

function runTool(command: string, args: readonly string[]): void {
  const r = spawnSync(command, args, { encoding: "utf8", timeout: 60_000 });
  if (r.status !== 0) {
    const why = r.error?.message ?? `${r.stderr}${r.stdout}`.trim();
    throw new GnuBuildError(`${command} ${args.join(" ")} failed:\n${why}`);
  }
}

export interface QemuResult {
  /** The exit status, or 128 + the signal number when the program was killed (as a shell says). */
  status: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Uint8Array;
  /** The signal that ended it, if any (e.g. "SIGILL"). */
  signal: string | null;
  timedOut: boolean;
}

export interface QemuOptions {
  /** Wall-clock limit; the program is killed with SIGKILL after it. Default 30 s. */
  timeoutMs?: number;
}

/**
 * Runs an ELF under qemu-riscv32 with the guest arguments and standard input given. The
 * environment is reduced to PATH and core dumps are off (qemu-user would write a core file for
 * a program killed by a signal). Never throws for a guest failure: see `status`.
 */
export function runQemu(
  elfPath: string,
  args: readonly string[] = [],
  stdin: string | Uint8Array = "",
  options: QemuOptions = {},
): QemuResult {
  const r = spawnSync("sh", ["-c", 'ulimit -c 0; exec "$0" "$@"', QEMU, elfPath, ...args], {
    input: stdin,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
    timeout: options.timeoutMs ?? 30_000,
    killSignal: "SIGKILL",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error && (r.error as NodeJS.ErrnoException).code !== "ETIMEDOUT") throw r.error;
  const stdoutBytes = new Uint8Array(r.stdout);
  const dec = new TextDecoder();
  return {
    status: r.status ?? 128 + signalNumber(r.signal),
    stdout: dec.decode(stdoutBytes),
    stderr: dec.decode(r.stderr),
    stdoutBytes,
    signal: r.signal,
    timedOut: (r.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT",
  };
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal === null ? 0 : constants.signals[signal];
}
