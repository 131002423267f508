// Running guest programs for a test: a fresh Machine and Kernel per run, the student's plug-ins
// in KernelOptions.plugins, an instruction limit, the invariant checker after every trap, and a
// frame-leak check at the end. The same run with the reference plug-ins gives what to expect.
//
// Limits are counted, never timed: --max-steps style instructions for the guest, and a cap on
// fault and refill handler calls that make no progress (a handler that "fixes" a fault without
// fixing it would otherwise trap forever without retiring an instruction).

import { basename, isAbsolute, join } from "node:path";
import { isElf, readExecutable } from "../../asm/elf-reader.js";
import { readRegularFile } from "../../host/files.js";
import type { ElfImage } from "../../hw/elf.js";
import { hex32 } from "../../hw/hex.js";
import {
  defaultMachineConfig,
  type HwStats,
  type Machine,
  type MachineConfig,
} from "../../hw/machine.js";
import { AdMode, MmuMode, RefillMode } from "../../hw/mmu.js";
import type { TlbConfig } from "../../hw/tlb.js";
import { accessName } from "../../hw/trap.js";
import { FitName as Fit, type FitName } from "../../kernel/contiguous/fits.js";
import {
  defaultKernelOptions,
  ExecError,
  exitStatus,
  type Kernel,
  type KernelCounters,
  type KernelOptions,
} from "../../kernel/kernel.js";
import { MAX_FAULTS_PER_INSTRUCTION } from "../../kernel/paging/progress.js";
import {
  type KernelPlugins,
  type PageFaultHandler,
  referencePlugins,
  type TlbRefillHandler,
} from "../../kernel/plugins.js";
import type { Proc } from "../../kernel/proc.js";
import type { SwapPolicy } from "../../kernel/swap/swap.js";
import { bootWorld } from "../../session/boot.js";
import { assembleSource, diagnosticLines } from "../../session/program.js";
import { packageRoot } from "./paths.js";
import { check, GraderLimit, TestFailure } from "./types.js";

/** A program to start as a top-level process: a file (.s or ELF) and its arguments. */
export interface GuestProgram {
  readonly path: string;
  readonly args?: readonly string[];
}

export interface GuestRunOptions {
  readonly programs: readonly GuestProgram[];
  /** The plug-ins under test; the rest are the reference ones. */
  readonly plugins?: Partial<KernelPlugins>;
  /** Physical memory in bytes (default 1 MiB: small and fast). */
  readonly ram?: number;
  readonly mm?: MmuMode;
  readonly tlb?: TlbConfig;
  readonly refill?: RefillMode;
  readonly ad?: AdMode;
  /** Swap disk bytes (0: none) and the policy used when the plug-ins give none. */
  readonly swapSize?: number;
  readonly swapPolicy?: SwapPolicy;
  /** Instructions in all before every process is killed (default 2,000,000). */
  readonly maxSteps?: number;
  readonly quantum?: number;
  readonly fit?: FitName;
  readonly eagerFork?: boolean;
  /** Most the stack may grow to (default 8 MiB). */
  readonly stackLimit?: number;
  /** Run the kernel's invariant checker after every trap (default true). */
  readonly check?: boolean;
  readonly stdin?: string;
  /** Called as each process ends, before its memory is freed (snapshots of its page table). */
  readonly onExit?: (k: Kernel, p: Proc) => void;
  /**
   * Drives the kernel instead of `kernel.run()` (e.g. spawning processes at chosen moments).
   * Must end with every process gone. `start` spawns one more program.
   */
  readonly drive?: (k: Kernel, start: (program: GuestProgram) => Proc) => void;
}

/** What a run did. */
export interface GuestRun {
  /** Everything the guests wrote to fd 1. */
  readonly stdout: string;
  /** fd 2, and the kernel's messages (`[vmlab] pid 1 killed: ...`). */
  readonly stderr: string;
  /** Exit status of each top-level process in start order (128 + signal if killed); -1 if none. */
  readonly statuses: readonly number[];
  readonly counters: KernelCounters;
  readonly hw: HwStats;
  readonly framesFree: number;
  readonly framesFreeAtBoot: number;
  /** The most frames in use at once during the run (single-frame allocations only). */
  readonly peakFramesUsed: number;
  /** Why the run stopped abnormally: an exception (student code or a kernel panic), a limit. */
  readonly error?: unknown;
}

export const DEFAULT_RAM = 1024 * 1024;
export const DEFAULT_MAX_STEPS = 2_000_000;
/**
 * The same fault (or TLB miss) this many times without an instruction completing is a loop. It is
 * below the kernel's own guard (MAX_FAULTS_PER_INSTRUCTION), so a student sees the grader's
 * message, which names the handler, rather than the kernel's "no progress" kill.
 */
export const MAX_REPEATS = MAX_FAULTS_PER_INSTRUCTION / 2;

const images = new Map<string, ElfImage>();

/**
 * The image of a guest program file, assembled if it is .s (an `.include` not found next to the
 * file is looked up in programs/lib/ and labs/lib/). vmlab's own programs are cached by path. Throws TestFailure with the assembler's
 * messages if it does not assemble.
 */
export function loadImage(path: string): ElfImage {
  const abs = isAbsolute(path) ? path : join(packageRoot(), path);
  const cached = images.get(abs);
  if (cached) return cached;
  const read = readRegularFile(abs);
  if (!read.ok) throw new TestFailure(`${path}: cannot read the program`);
  const r = readExecutable(isElf(read.bytes) ? read.bytes : assembled(abs, read.bytes));
  if (!r.ok) throw new TestFailure(`${path}: ${r.error}`);
  if (isPackageProgram(abs)) images.set(abs, r.image);
  return r.image;
}

/** True for vmlab's own programs and lab tests, which do not change while vmlab runs. */
function isPackageProgram(abs: string): boolean {
  const root = packageRoot();
  return (
    abs.startsWith(join(root, "programs")) ||
    /[/\\]labs[/\\][^/\\]+[/\\]tests[/\\]/.test(abs.slice(root.length))
  );
}

/** A source's ELF bytes; `.include` looks beside the file, then in programs/lib/ and labs/lib/. */
function assembled(path: string, source: Uint8Array): Uint8Array {
  const root = packageRoot();
  const dirs = [join(root, "programs", "lib"), join(root, "labs", "lib")];
  const result = assembleSource(path, source, readRegularFile, { dirs });
  if (!result.ok) {
    const lines = diagnosticLines(result.errors.slice(0, 5));
    throw new TestFailure(`the program does not assemble:\n${lines.join("\n")}`);
  }
  return result.elf;
}

/** The machine configuration for a run. */
function machineConfig(o: GuestRunOptions): MachineConfig {
  return {
    ...defaultMachineConfig,
    ramSize: o.ram ?? DEFAULT_RAM,
    swapSize: o.swapSize ?? 0,
    mmu: {
      ...defaultMachineConfig.mmu,
      tlb: o.tlb ?? defaultMachineConfig.mmu.tlb,
      refill: o.refill ?? RefillMode.Hardware,
      ad: o.ad ?? AdMode.Hardware,
    },
  };
}

/**
 * Runs the programs on a fresh machine with the given plug-ins (reference ones elsewhere).
 * Never throws for what the guest or the plug-ins do: an exception ends the run and is returned
 * in `error`. Throws TestFailure only if a program cannot be loaded.
 */
export function runGuest(o: GuestRunOptions): GuestRun {
  const out: string[] = [];
  const err: string[] = [];
  const dec = new TextDecoder();
  const stdin = { bytes: new TextEncoder().encode(o.stdin ?? "") };
  const plugins: KernelPlugins = { ...referencePlugins, ...o.plugins };
  const options = (machine: Machine): KernelOptions => ({
    ...defaultKernelOptions,
    mm: o.mm ?? MmuMode.Paged,
    maxSteps: o.maxSteps ?? DEFAULT_MAX_STEPS,
    quantum: o.quantum ?? defaultKernelOptions.quantum,
    fit: o.fit ?? Fit.First,
    eagerFork: o.eagerFork ?? false,
    stackLimit: o.stackLimit ?? defaultKernelOptions.stackLimit,
    swapPolicy: o.swapPolicy ?? null,
    plugins: {
      ...plugins,
      pageFault: guardFault(plugins.pageFault, machine),
      tlbRefill: guardRefill(plugins.tlbRefill, machine),
    },
  });
  const { machine, kernel } = bootWorld({
    config: machineConfig(o),
    host: {
      write: (fd, bytes) => (fd === 1 ? out : err).push(dec.decode(bytes)),
      readStdin: (max) => {
        const chunk = stdin.bytes.subarray(0, max);
        stdin.bytes = stdin.bytes.subarray(chunk.length);
        return chunk;
      },
      message: (line) => err.push(`[vmlab] ${line}\n`),
    },
    kernel: options,
    loadProgram: (path) => {
      try {
        return loadImage(path);
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    },
    check: o.check ?? true,
  });
  if (o.onExit) kernel.onExit = (p) => o.onExit?.(kernel, p);
  const frames = kernel.frames;
  let minFree = frames.free;
  frames.onChange = () => {
    if (frames.free < minFree) minFree = frames.free;
  };
  const pids: number[] = [];
  const start = (g: GuestProgram): Proc => {
    const image = loadImage(g.path);
    let p: Proc;
    try {
      p = kernel.spawn(image, [g.path, ...(g.args ?? [])], []);
    } catch (e) {
      if (!(e instanceof ExecError)) throw e;
      const hint = e.message.includes("stack")
        ? " (exec writes the initial stack with copyOut, which calls the page-fault handler)"
        : "";
      throw new TestFailure(`the kernel could not start ${basename(g.path)}: ${e.message}${hint}`);
    }
    pids.push(p.pid);
    return p;
  };
  let error: unknown;
  try {
    if (o.drive) o.drive(kernel, start);
    else {
      for (const g of o.programs) start(g);
      kernel.run();
    }
  } catch (e) {
    if (e instanceof TestFailure) throw e;
    error = e;
  }
  const statuses = pids.map((pid) => {
    const exit = kernel.topLevelExits.get(pid);
    return exit ? exitStatus(exit) : -1;
  });
  return {
    stdout: out.join(""),
    stderr: err.join(""),
    statuses,
    counters: { ...kernel.counters },
    hw: machine.stats(),
    framesFree: frames.free,
    framesFreeAtBoot: frames.freeAtBoot,
    peakFramesUsed: frames.freeAtBoot - minFree,
    ...(error === undefined ? {} : { error }),
  };
}

/** The fault handler, stopped with a GraderLimit if one fault keeps coming back. */
function guardFault(handler: PageFaultHandler, machine: Machine): PageFaultHandler {
  let last = "";
  let repeats = 0;
  return (ctx, p, va, access) => {
    const key = `${p.pid} ${va >>> 12} ${access} ${machine.cpu.instret}`;
    repeats = key === last ? repeats + 1 : 0;
    last = key;
    if (repeats >= MAX_REPEATS)
      throw new GraderLimit(
        `the ${accessName[access]} fault at ${hex32(va)} (pid ${p.pid}) came back ${MAX_REPEATS} times without the instruction completing: the handler reports it fixed, but the access still faults`,
      );
    return handler(ctx, p, va, access);
  };
}

/** The TLB refill handler, stopped with a GraderLimit if one miss keeps coming back. */
function guardRefill(handler: TlbRefillHandler, machine: Machine): TlbRefillHandler {
  let last = "";
  let repeats = 0;
  return (k, p, trap) => {
    const key = `${p.pid} ${trap.tval >>> 12} ${machine.cpu.instret}`;
    repeats = key === last ? repeats + 1 : 0;
    last = key;
    if (repeats >= MAX_REPEATS)
      throw new GraderLimit(
        `the TLB miss at ${hex32(trap.tval)} (pid ${p.pid}, pc ${hex32(trap.epc)}) came back ${MAX_REPEATS} times without the instruction completing: the handler returns without writing a TLB entry for it`,
      );
    handler(k, p, trap);
  };
}

/** The same run with the reference plug-ins (what the student's run should look like). */
export function referenceRun(o: GuestRunOptions): GuestRun {
  const { plugins: _ignored, ...rest } = o;
  const key = referenceKey(rest);
  if (key === undefined) return runGuest(rest);
  let run = referenceRuns.get(key);
  if (run === undefined) {
    run = runGuest(rest);
    referenceRuns.set(key, run);
  }
  return run;
}

/**
 * Reference runs made so far, by their options: the machine is deterministic, so grading the
 * same lab again (another student, another order of tests) reuses them.
 */
const referenceRuns = new Map<string, GuestRun>();

/** What a reference run is remembered by; undefined for one with callbacks (not repeatable). */
function referenceKey(o: GuestRunOptions): string | undefined {
  if (o.onExit !== undefined || o.drive !== undefined) return undefined;
  return JSON.stringify({ ...o, swapPolicy: o.swapPolicy?.constructor.name });
}

/**
 * Fails the test unless the run ended normally, every frame was free again at the end (the leak
 * check), and — if `expected` is given — stdout and the exit statuses equal the expected run's.
 */
export function expectLike(run: GuestRun, expected?: GuestRun): void {
  if (run.error !== undefined) throw runError(run);
  if (expected) {
    if (expected.error !== undefined)
      throw new Error(`the reference run failed: ${describeError(expected.error)}`);
    expectSameOutput(run.stdout, expected.stdout, run.stderr);
    if (run.statuses.join() !== expected.statuses.join())
      throw new TestFailure(
        `exit status ${run.statuses.join(", ")}, expected ${expected.statuses.join(", ")}${messages(run)}`,
      );
  }
  expectNoLeak(run);
}

/** Fails the test unless every frame is free again (after all processes ended). */
export function expectNoLeak(run: GuestRun): void {
  if (run.framesFree !== run.framesFreeAtBoot)
    throw new TestFailure(
      `frame leak: ${run.framesFreeAtBoot - run.framesFree} frame(s) still in use after every process ended (${run.framesFree} of ${run.framesFreeAtBoot} free)`,
    );
}

/** The run's abnormal end as a test failure (limits and panics keep their own words). */
export function runError(run: GuestRun): Error {
  const e = run.error;
  if (e instanceof GraderLimit || e instanceof TestFailure) return e;
  if (e instanceof Error && e.message.startsWith("kernel invariant broken"))
    return new TestFailure(`${e.message} (the checker runs after every trap)`);
  return e instanceof Error ? e : new Error(String(e));
}

function describeError(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

/** The kernel's message lines (who was killed and why) in a run's stderr. */
function kernelLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => l.startsWith("[vmlab]"));
}

/** The kernel's first messages of a run, for a failure's reason ("" if it said nothing). */
export function messages(run: GuestRun): string {
  const lines = kernelLines(run.stderr);
  return lines.length === 0 ? "" : `\n${lines.slice(0, 4).join("\n")}`;
}

/** Fails the test unless the kernel said the same things (kills and their reasons) in both runs. */
export function expectSameMessages(mine: GuestRun, ref: GuestRun): void {
  const [m, r] = [kernelLines(mine.stderr), kernelLines(ref.stderr)];
  for (let i = 0; i < Math.max(m.length, r.length); i++)
    check(
      m[i] === r[i],
      `kernel message ${i + 1} is ${JSON.stringify(m[i] ?? "(none)")}, expected ${JSON.stringify(r[i] ?? "(none)")}`,
    );
}

/** Fails the test at the first line where `got` differs from `want`. */
export function expectSameOutput(got: string, want: string, stderr = ""): void {
  if (got === want) return;
  const g = got.split("\n");
  const w = want.split("\n");
  let i = 0;
  while (i < g.length && i < w.length && g[i] === w[i]) i++;
  const show = (lines: string[]) => (i < lines.length ? JSON.stringify(lines[i]) : "end of output");
  const killed = kernelLines(stderr);
  throw new TestFailure(
    `output differs at line ${i + 1}: expected ${show(w)}, got ${show(g)}${killed.length ? `\n${killed.slice(0, 4).join("\n")}` : ""}`,
  );
}
