// Running stress programs in-process: one machine and kernel per run, booted as `vmlab run`
// boots them (cli/boot.ts), with the invariant checker after every trap, a watchdog against
// livelock, and the oracle that turns a run into a list of problems.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bootKernel, type MachineOptions } from "../../cli/boot.js";
import { type CliIo, readUserFile, UserError } from "../../cli/io.js";
import { loadProgram } from "../../cli/program.js";
import { consoleHost } from "../../cli/run.js";
import type { ElfImage } from "../../hw/elf.js";
import { AdMode, MmuMode, RefillMode } from "../../hw/mmu.js";
import { TlbPolicy } from "../../hw/tlb.js";
import { checkKernel } from "../../kernel/check.js";
import { FitName } from "../../kernel/contiguous/fits.js";
import { exitStatus, type Kernel } from "../../kernel/kernel.js";
import { EXEC_TARGET, type GeneratedProgram, Rng } from "./gen.js";

/** RAM sizes for crowds: tight enough that page tables may not all fit. */
const CROWD_RAM_SIZES = [128, 160, 192, 256].map((k) => k * 1024);

/** The repository root: exec-target.s is found relative to it, as vmlab run from there would. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const POLICIES = ["fifo", "lru", "mru", "random", "clock", "enhanced-clock", "aging"];
export const REFILLS = [RefillMode.Hardware, RefillMode.Software];
export const AD_MODES = [AdMode.Hardware, AdMode.Trap];
const KiB = 1024;
/** RAM sizes a pressured run may get (128-512 KiB; the kernel keeps 16 frames = 64 KiB). */
const RAM_SIZES = [128, 160, 192, 256, 320, 384, 512].map((k) => k * KiB);
const RESERVED_FRAMES = 16;
/** The unpressured reference: plenty of RAM, no swap. */
export const PLENTY_RAM = 16 * 1024 * KiB;
/** Instructions a program may run in all (they need well under a million). */
export const MAX_STEPS = 20_000_000;
/** Traps in a row without an instruction retiring that count as a livelock. */
const LIVELOCK_TRAPS = 20_000;
/** Wall-clock limit of one run, checked at traps. */
const RUN_MS = 60_000;

/** One run's machine: the `vmlab run` options that vary between runs. */
export interface RunConfig {
  ram: number;
  swap: number;
  policy: string;
  tlbRefill: RefillMode;
  ad: AdMode;
  tlb: number;
  quantum: number;
  forkCopy: boolean;
  check: boolean;
}

/** The `vmlab run` flags for a configuration, as a user would type them. */
export function flagsOf(c: RunConfig): string[] {
  const size = (n: number) => (n % (1024 * KiB) === 0 ? `${n / 1024 / KiB}m` : `${n / KiB}k`);
  const flags = ["--ram", size(c.ram)];
  if (c.swap > 0) flags.push("--swap", size(c.swap), "--policy", c.policy);
  flags.push("--tlb-refill", c.tlbRefill, "--ad", c.ad, "--tlb", String(c.tlb));
  flags.push("--quantum", String(c.quantum));
  if (c.forkCopy) flags.push("--fork-copy");
  if (c.check) flags.push("--check");
  flags.push("--max-steps", String(MAX_STEPS));
  return flags;
}

/** The reference configuration: 16 MiB, no swap, everything at its default. */
export const REFERENCE: RunConfig = {
  ram: PLENTY_RAM,
  swap: 0,
  policy: "clock",
  tlbRefill: RefillMode.Hardware,
  ad: AdMode.Hardware,
  tlb: 64,
  quantum: 10_000,
  forkCopy: false,
  check: true,
};

/**
 * Every policy x TLB refill x A/D mode for a program, each with RAM (128-512 KiB, at least what
 * the program can pin), swap, TLB size, quantum and fork mode drawn from the seed.
 */
export function pressureConfigs(g: GeneratedProgram): RunConfig[] {
  const rng = new Rng(g.seed * 7919 + 17);
  const fits = g.crowd
    ? CROWD_RAM_SIZES
    : RAM_SIZES.filter((r) => r / 4096 - RESERVED_FRAMES >= g.needFrames);
  const sizes = fits.length > 0 ? fits : [RAM_SIZES.at(-1)!];
  const out: RunConfig[] = [];
  for (const policy of POLICIES)
    for (const tlbRefill of REFILLS)
      for (const ad of AD_MODES) {
        // Mostly the smallest RAM that fits: that is where the pressure is.
        const ram = rng.chance(0.5) ? sizes[0]! : rng.pick(sizes);
        const slots = Math.max(256, 2 * g.footprintPages);
        out.push({
          ram,
          swap: Math.ceil(slots / 256) * 1024 * KiB,
          policy,
          tlbRefill,
          ad,
          tlb: rng.pick([4, 16, 64]),
          quantum: rng.pick([300, 2000, 10_000]),
          forkCopy: rng.chance(0.15),
          check: true,
        });
      }
  return out;
}

export interface RunOutcome {
  status: number;
  stdout: string;
  stderr: string;
  /** The error that ended the run early, worded as `vmlab run` would report it. */
  error?: string;
  framesFree: number;
  framesFreeAtBoot: number;
  swapSlotsUsed: number;
  instructions: number;
  majorFaults: number;
  ms: number;
}

class Watchdog extends Error {
  override name = "Watchdog";
}

/** Assembled programs, by name and text (one assembly serves every configuration). */
const images = new Map<string, ElfImage>();

/** A CliIo with captured streams whose files are the generated program, then the real ones. */
function captureIo(files: Map<string, string>, out: string[], err: string[]): CliIo {
  const dec = new TextDecoder();
  const text = (d: string | Uint8Array) => (typeof d === "string" ? d : dec.decode(d));
  return {
    stdout: (d) => out.push(text(d)),
    stderr: (d) => err.push(text(d)),
    readStdin: () => new Uint8Array(0),
    readFile: (path) => {
      const f = files.get(path);
      if (f !== undefined) return new TextEncoder().encode(f);
      return readUserFile(join(REPO_ROOT, path));
    },
    writeFile: () => {
      throw new UserError("the stress harness writes no files");
    },
    createWriter: () => {
      throw new UserError("the stress harness writes no files");
    },
  };
}

/** The image of `path`, assembled once per distinct text (two programs may share a name). */
function imageOf(path: string, io: CliIo): ElfImage {
  const key = `${path}\n${new TextDecoder().decode(io.readFile(path))}`;
  let image = images.get(key);
  if (!image) {
    image = loadProgram(path, io);
    images.set(key, image);
  }
  return image;
}

/**
 * Runs a program as `vmlab run <flags> <program>` would, in-process. The checker runs after every
 * trap (with --check) and a watchdog ends a run whose traps stop instructions from retiring.
 */
export function runProgram(g: GeneratedProgram, c: RunConfig): RunOutcome {
  const out: string[] = [];
  const err: string[] = [];
  const io = captureIo(new Map([[g.name, g.source]]), out, err);
  const started = performance.now();
  const opts: MachineOptions = {
    ram: c.ram,
    mm: MmuMode.Paged,
    tlb: c.tlb,
    tlbPolicy: TlbPolicy.Lru,
    tlbRefill: c.tlbRefill,
    ad: c.ad,
    maxSteps: MAX_STEPS,
    quantum: c.quantum,
    maxProcs: 64,
    forkCopy: c.forkCopy,
    fit: FitName.First,
    swap: c.swap,
    policy: c.policy,
    seed: 1,
    check: false,
  };
  let kernel: Kernel | undefined;
  let status = 0;
  let error: string | undefined;
  try {
    const booted = bootKernel(
      io,
      { files: [g.name], images: [imageOf(g.name, io)], args: [] },
      opts,
      consoleHost(io),
    );
    kernel = booted.kernel;
    const k = kernel;
    k.loadProgram = (path) => {
      try {
        return imageOf(path, io);
      } catch (e) {
        return e instanceof Error ? e.message : String(e);
      }
    };
    k.checker = watchdog(k, c.check, started);
    k.run();
    const first = k.topLevelExits.get(booted.pids[0]!);
    status = first ? exitStatus(first) : 0;
  } catch (e) {
    if (e instanceof Watchdog) error = e.message;
    else if (e instanceof UserError) error = `vmlab: ${e.message}`;
    else error = `vmlab: internal error: ${e instanceof Error ? e.message : String(e)}`;
    status = e instanceof UserError ? e.status : 70;
  }
  return {
    status,
    stdout: out.join(""),
    stderr: err.join(""),
    ...(error === undefined ? {} : { error }),
    framesFree: kernel?.frames.free ?? -1,
    framesFreeAtBoot: kernel?.frames.freeAtBoot ?? -1,
    swapSlotsUsed: kernel?.swapper?.space.used ?? 0,
    instructions: kernel?.machine.cpu.instret ?? 0,
    majorFaults: kernel?.counters.majorFaults ?? 0,
    ms: performance.now() - started,
  };
}

/** The checker hook: invariants (with --check), livelock and time limits. */
function watchdog(k: Kernel, check: boolean, started: number): (k: Kernel) => string | undefined {
  let lastInstret = -1;
  let stuck = 0;
  let traps = 0;
  return () => {
    const instret = k.machine.cpu.instret;
    if (instret === lastInstret) {
      if (++stuck >= LIVELOCK_TRAPS)
        throw new Watchdog(
          `hang: ${LIVELOCK_TRAPS} traps in a row without an instruction retiring (livelock at ${instret} instructions)`,
        );
    } else {
      stuck = 0;
      lastInstret = instret;
    }
    if ((++traps & 1023) === 0 && performance.now() - started > RUN_MS)
      throw new Watchdog(`hang: still running after ${RUN_MS / 1000} s (${instret} instructions)`);
    return check ? checkKernel(k) : undefined;
  };
}

/** One thing wrong with a run; `kind` and `detail` (numbers hidden) say which bug it likely is. */
export interface Problem {
  kind: string;
  detail: string;
  message: string;
}

/**
 * Kernel messages that are not expected: every kill except a page fault's SIGSEGV (the
 * trespassing children's, whose statuses the output checks), and any kill for lack of memory.
 */
function unexpectedKills(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((l) => /killed:/.test(l))
    .filter((l) => /out of memory/.test(l) || !/\(SIGSEGV\)$/.test(l));
}

/** Hides numbers so one bug seen with different frames, pids or addresses dedups to one. */
export function normalize(s: string): string {
  return s
    .replace(/0x[0-9a-f]+/g, "0x#")
    .replace(/\b[0-9a-f]{8}\b/g, "H")
    .replace(/\d+/g, "#");
}

/** Everything wrong with a run, compared with what the model says a correct kernel prints. */
export function judge(g: GeneratedProgram, o: RunOutcome): Problem[] {
  const problems: Problem[] = [];
  const add = (kind: string, message: string, detail = normalize(message)) =>
    problems.push({ kind, detail, message });
  if (o.error) {
    const m = o.error.replace(/^vmlab: /, "");
    if (m.startsWith("hang:")) add("hang", m, normalize(m.replace(/ \(.*$/, "")));
    else if (m.includes("kernel invariant broken")) add("invariant", m);
    else if (m.startsWith("internal error")) add("internal error", m);
    else add("error", m);
  }
  for (const l of unexpectedKills(o.stderr)) {
    const oom = /out of memory/.test(l);
    if (!(oom && g.crowd)) add(oom ? "oom kill" : "kill", l.replace(/^\[vmlab\] /, ""));
  }
  if (g.crowd) {
    const m = crowdMismatch(g, o);
    if (m) add("crowd", m);
  } else if (o.stdout !== g.expectedStdout)
    add("output", outputDiff(g.expectedStdout, o.stdout), firstBadLine(g.expectedStdout, o.stdout));
  if (o.status !== g.expectedStatus && !g.crowd)
    add("status", `exit status ${o.status}, expected ${g.expectedStatus}`);
  if (!o.error && o.framesFree !== o.framesFreeAtBoot)
    add(
      "leak",
      `frames free at exit ${o.framesFree}, at boot ${o.framesFreeAtBoot}`,
      "frames free at exit != at boot",
    );
  if (!o.error && o.swapSlotsUsed !== 0)
    add(
      "leak",
      `${o.swapSlotsUsed} swap slots still used at exit`,
      "swap slots still used at exit",
    );
  return problems;
}

/**
 * A crowd may lose processes to the OOM killer: a child's "c<i> 0" may read "c<i> 9"
 * (SIGKILL), and the parent itself may be killed (status 137, its output cut short), but only
 * as many as the kernel's "out of memory" messages say; a fork may be refused ("c<i> fork 12"
 * for ENOMEM, 11 for EAGAIN); every other line must be exact.
 */
function crowdMismatch(g: GeneratedProgram, o: RunOutcome): string | undefined {
  const ooms = o.stderr.split("\n").filter((l) => /killed: out of memory/.test(l)).length;
  const want = g.expectedStdout.split("\n");
  const got = o.stdout.split("\n");
  let killed = o.status === 137 ? 1 : 0;
  for (let i = 0; i < got.length; i++) {
    if (got[i] === want[i]) continue;
    const child = /^(c\d+) 0$/.exec(want[i] ?? "")?.[1];
    if (child && got[i] === `${child} 9`) killed++;
    else if (child && (got[i] === `${child} fork 12` || got[i] === `${child} fork 11`)) continue;
    else if (!(i === got.length - 1 && got[i] === "" && o.status === 137))
      return `line ${i + 1}: got '${got[i]}', expected '${want[i] ?? "<end>"}'`;
  }
  if (o.status !== 0 && o.status !== 137)
    return `exit status ${o.status}, expected 0 or 137 (an OOM kill)`;
  if (killed > ooms)
    return `${killed} processes ended by SIGKILL but ${ooms} out-of-memory kills reported`;
  return undefined;
}

/** What kind of wrong line the output has first (for deduplication). */
function firstBadLine(want: string, got: string): string {
  const w = want.split("\n");
  const h = got.split("\n");
  for (let i = 0; i < Math.max(w.length, h.length); i++) {
    if (w[i] !== h[i]) {
      const line = h[i] ?? "<missing>";
      // "v3 2 ..." wrong words; "m2 mmap 12" a failed call; "c0 ..." a child.
      return `first differing line: ${normalize(line)}`;
    }
  }
  return "output differs";
}

/** A short unified-style diff of two outputs (first differences only). */
export function outputDiff(want: string, got: string): string {
  const w = want.split("\n");
  const h = got.split("\n");
  const lines: string[] = [];
  for (let i = 0; i < Math.max(w.length, h.length) && lines.length < 12; i++) {
    if (w[i] === h[i]) continue;
    if (w[i] !== undefined) lines.push(`- ${w[i]}`);
    if (h[i] !== undefined) lines.push(`+ ${h[i]}`);
  }
  return lines.join("\n");
}

/** The exec target's source (for reproducers and for checking its helpers are current). */
export function execTargetSource(): string {
  return readFileSync(join(REPO_ROOT, EXEC_TARGET), "utf8");
}
