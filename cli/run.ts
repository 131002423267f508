// `vmlab run <prog...> [-- args]`: run programs as processes on a fresh machine. The guest owns
// stdout; vmlab's own reports (kernel messages, traces, stats, the memory map) go to stderr.

import { Command, Option } from "commander";
import { ENGINES } from "../hw/cpu.js";
import { hex } from "../hw/hex.js";
import { defaultMachineConfig, type Machine } from "../hw/machine.js";
import { AdMode, MmuMode, RefillMode } from "../hw/mmu.js";
import { TlbPolicy } from "../hw/tlb.js";
import type { Access } from "../hw/trap.js";
import { FitName } from "../kernel/contiguous/fits.js";
import type { KernelHost } from "../kernel/host.js";
import { defaultKernelOptions, exitStatus, type Kernel } from "../kernel/kernel.js";
import { renderMemoryMap } from "../kernel/memmap.js";
import { MisalignedMode } from "../kernel/misaligned.js";
import { eventCategory } from "../kernel/trace.js";
import { formatKernelEvent, formatMmuEvent } from "../session/explain.js";
import { collectStats, fixedCounters } from "../session/stats.js";
import { bootKernel, KERNEL_POLICIES, MAX_RAM, MAX_SWAP, type MachineOptions } from "./boot.js";
import { INTERRUPTED_STATUS, interruptReport, runInterruptibly } from "./interrupt.js";
import { type CliIo, UserError } from "./io.js";
import { parseChoice, parseCount, parseSizeAtMost } from "./options.js";
import {
  COLOR_CHOICES,
  type ColorChoice,
  kernelEventColour,
  mmuEventColour,
  paintMemoryMap,
  stderrPaint,
} from "./paint.js";
import { loadProgram } from "./program.js";
import { printStats } from "./stats.js";
import type { Colour, Paint } from "./stepper/colour.js";
import type { SubcommandFactory } from "./subcommands.js";

/** No instruction limit unless asked for: Ctrl-C stops a run (graders and tests set their own). */
export const DEFAULT_MAX_STEPS = 0;
const MODES = [MmuMode.Bare, MmuMode.BaseLimit, MmuMode.Segmented, MmuMode.Paged] as const;
const TRACE_CATEGORIES = ["mmu", "tlb", "fault", "syscall", "sched", "swap", "alloc"] as const;

export interface RunOptions extends MachineOptions {
  trace?: string;
  traceJson?: string;
  record?: string;
  stats: boolean;
  json: boolean;
  memmap: boolean;
  color: ColorChoice;
}

const count = (min: number) => (s: string) => parseCount(s, min);

export const runCommand: SubcommandFactory = (io, result) =>
  new Command("run")
    .argument("<program...>", "program files, each started as a process; guest arguments follow --")
    .addOption(
      new Option("--ram <size>", "physical memory (k/m/g suffixes; at most 2g)")
        .default(defaultMachineConfig.ramSize, "16m")
        .argParser(parseSizeAtMost(MAX_RAM, "2g")),
    )
    .addOption(
      new Option("--mm <scheme>", "memory management: bare | base-limit | segmented | paged")
        .default(MmuMode.Paged)
        .argParser(parseChoice(MODES)),
    )
    .addOption(
      new Option("--tlb <n>", "TLB entries")
        .default(defaultMachineConfig.mmu.tlb.entries)
        .argParser(count(1)),
    )
    .addOption(
      new Option("--tlb-ways <n>", "TLB associativity (1 = direct-mapped)")
        .default(undefined, "fully associative")
        .argParser(count(1)),
    )
    .addOption(
      new Option("--tlb-policy <p>", "TLB replacement: lru | fifo | random")
        .default(TlbPolicy.Lru)
        .argParser(parseChoice(Object.values(TlbPolicy))),
    )
    .addOption(
      new Option("--tlb-refill <who>", "TLB refill: hardware | software")
        .default(RefillMode.Hardware)
        .argParser(parseChoice(Object.values(RefillMode))),
    )
    .addOption(
      new Option("--ad <who>", "A/D bits set by: hardware | trap")
        .default(AdMode.Hardware)
        .argParser(parseChoice(Object.values(AdMode))),
    )
    .addOption(
      new Option(
        "--max-steps <n>",
        "stop after n instructions in all, killing every process with SIGXCPU (0: no limit; Ctrl-C stops a run at any time)",
      )
        .default(DEFAULT_MAX_STEPS, "0, no limit")
        .argParser(count(0)),
    )
    .addOption(
      new Option("--quantum <n>", "instructions per scheduling quantum")
        .default(defaultKernelOptions.quantum)
        .argParser(count(1)),
    )
    .addOption(
      new Option("--max-procs <n>", "size of the process table (fork fails with EAGAIN beyond)")
        .default(defaultKernelOptions.maxProcs)
        .argParser(count(1)),
    )
    .addOption(
      new Option("--fit <policy>", "base-limit/segmented hole choice: first | best | worst | next")
        .default(FitName.First)
        .argParser(parseChoice(Object.values(FitName))),
    )
    .addOption(
      new Option(
        "--swap <size>",
        "swap disk size, enabling swapping in paged mode (k/m/g suffixes; 0: none; at most 4g)",
      )
        .default(0, "0")
        .argParser(parseSizeAtMost(MAX_SWAP, "4g")),
    )
    .addOption(
      new Option(
        "--policy <name>",
        `page replacement with --swap: ${KERNEL_POLICIES.join(" | ")}`,
      ).default("clock"),
    )
    .addOption(
      new Option(
        "--misaligned <how>",
        "misaligned loads/stores: emulate (as Linux) | signal (SIGBUS)",
      )
        .default(MisalignedMode.Emulate)
        .argParser(parseChoice(Object.values(MisalignedMode))),
    )
    .addOption(
      new Option(
        "--engine <engine>",
        "run guest code by: compile (to WebAssembly, the fast way) | interpret (one instruction at a time); both give the same results, and traced runs interpret",
      )
        .default("compile")
        .argParser(parseChoice(ENGINES)),
    )
    .addOption(
      new Option(
        "--compile-after <n>",
        "with --engine compile: instructions a chunk of code runs interpreted before it is compiled (tests use 0)",
      )
        .argParser(count(0))
        .hideHelp(),
    )
    .option(
      "--record <file>",
      "write the run's page-reference trace for vmlab trace (I fetch, R load, W store lines)",
    )
    .option("--fork-copy", "fork copies every page at once instead of copy-on-write", false)
    .addOption(
      new Option("--seed <n>", "seed of the machine's random choices")
        .default(defaultMachineConfig.seed)
        .argParser(count(0)),
    )
    .option(
      "--trace <categories>",
      `explain events on stderr, comma-separated: ${TRACE_CATEGORIES.join(",")}`,
    )
    .option(
      "--trace-json <file>",
      "write every event of the --trace categories (all if none) as JSON lines to a file",
    )
    .option(
      "--stats",
      "print hardware and kernel counters to stderr at exit (docs/stats.md)",
      false,
    )
    .option("--json", "with --stats: print the counters as one JSON object", false)
    .option("--memmap", "print the physical memory map to stderr as each process exits", false)
    .option("--check", "verify kernel invariants after every trap (slow)", false)
    .addOption(
      new Option(
        "--color <when>",
        "colour --memmap and --trace: auto (when stderr is a terminal and NO_COLOR is unset) | always | never",
      )
        .default("auto")
        .argParser(parseChoice(COLOR_CHOICES)),
    )
    .action(async (programs: string[], opts: RunOptions) => {
      const guestArgs = argsAfterDashes(result.argv);
      const files = programs.slice(0, programs.length - guestArgs.length);
      result.status = await runPrograms(io, files, guestArgs, opts);
    });

/** The guest's arguments: whatever followed a bare `--` on the command line. */
function argsAfterDashes(raw: readonly string[]): string[] {
  const at = raw.indexOf("--");
  return at < 0 ? [] : raw.slice(at + 1);
}

/**
 * Runs `files` as processes with `args`; returns the first process's exit status, or 130 if
 * Ctrl-C stopped the run (after saying where on stderr).
 */
export async function runPrograms(
  io: CliIo,
  files: string[],
  args: string[],
  opts: RunOptions,
): Promise<number> {
  const images = files.map((f) => loadProgram(f, io));
  let finishTrace: (() => void) | undefined;
  let finishRecord: (() => void) | undefined;
  let checked = () => 0;
  const paint = stderrPaint(opts.color, io, process.env);
  const { machine, kernel, pids } = bootKernel(io, { files, images, args }, opts, consoleHost(io), {
    prepare: ({ machine, kernel }) => {
      if (opts.memmap) {
        kernel.onExit = (p) =>
          io.stderr(
            `[vmlab] physical memory as pid ${p.pid} (${p.name}) exits:\n${paintMemoryMap(renderMemoryMap(kernel.frames), paint)}`,
          );
      }
      if (opts.trace || opts.traceJson) finishTrace = setUpTrace(io, kernel, opts, paint);
      if (opts.record) finishRecord = recordReferences(io, machine, opts.record);
      if (opts.check) checked = countChecks(kernel);
    },
  });
  const finished = await runInterruptibly(kernel, io);
  finishTrace?.();
  finishRecord?.();
  if (!finished) {
    for (const line of interruptReport(kernel)) io.stderr(`[vmlab] ${line}\n`);
    if (opts.check) io.stderr(`[vmlab] ${checkSummary(checked(), "so far")}\n`);
    if (opts.stats) reportStats(io, machine, kernel, opts.json);
    return INTERRUPTED_STATUS;
  }
  if (opts.memmap)
    io.stderr(
      `[vmlab] after all processes ended: ${kernel.frames.free} of ${kernel.frames.count} frames free\n`,
    );
  if (opts.check) io.stderr(`[vmlab] ${checkSummary(checked())}\n`);
  if (opts.stats) reportStats(io, machine, kernel, opts.json);
  const first = kernel.topLevelExits.get(pids[0]!);
  return first ? exitStatus(first) : 0;
}

/**
 * --check: counts the invariant checker's runs (one after every trap; a broken invariant stops
 * the run with its own error). Returns the count so far.
 */
function countChecks(kernel: Kernel): () => number {
  const check = kernel.checker;
  let runs = 0;
  kernel.checker = (k) => {
    runs++;
    return check?.(k);
  };
  return () => runs;
}

/** What --check verified: `check: 1234 traps, all invariants held`. */
export function checkSummary(traps: number, when?: string): string {
  const what = `${traps} trap${traps === 1 ? "" : "s"}${when ? ` ${when}` : ""}`;
  return `check: ${what}, all invariants held`;
}

/** --stats: every counter as JSON, or the text form without those the setup keeps at 0. */
function reportStats(io: CliIo, machine: Machine, kernel: Kernel, json: boolean): void {
  printStats(io, collectStats(machine, kernel), json, fixedCounters(machine, kernel));
}

/** The letter of each access kind in a recorded trace (kernel/replace/trace.ts, as lackey's). */
const RECORD_LETTER: Record<Access, string> = { 0: "I", 1: "R", 2: "W" };

/**
 * --record: every fetch, load and store the guest makes, as `I 0x...` (an instruction fetch),
 * `R 0x...` and `W 0x...` lines for `vmlab trace` (which replays a fetch as a read). Returns a
 * function that finishes the file.
 */
function recordReferences(io: CliIo, machine: Machine, path: string): () => void {
  const out = io.createWriter(path);
  let lines: string[] = [];
  if (machine.mmu.tracing) throw new UserError("--record cannot be combined with --trace mmu/tlb");
  machine.mmu.setTracer((e) => {
    if (e.kind !== "start") return;
    lines.push(`${RECORD_LETTER[e.access]} ${hex(e.va)}`);
    if (lines.length >= 65536) {
      out.write(`${lines.join("\n")}\n`);
      lines = [];
    }
  });
  return () => {
    if (lines.length > 0) out.write(`${lines.join("\n")}\n`);
    out.close();
  };
}

/** Parses --trace, or every category when only --trace-json is given. */
function traceCategories(text: string | undefined): Set<string> {
  if (text === undefined) return new Set(TRACE_CATEGORIES);
  const wanted = text.split(",").map((c) => c.trim().toLowerCase());
  for (const c of wanted) {
    if (!(TRACE_CATEGORIES as readonly string[]).includes(c)) {
      throw new UserError(
        `--trace: unknown category '${c}' (expected ${TRACE_CATEGORIES.join(", ")})`,
      );
    }
  }
  return new Set(wanted);
}

/**
 * Connects the MMU and kernel tracers: readable lines on stderr (--trace), JSON lines to a file
 * (--trace-json). Returns a function that writes the JSON file at the end.
 */
function setUpTrace(io: CliIo, kernel: Kernel, opts: RunOptions, paint: Paint): () => void {
  const cats = traceCategories(opts.trace);
  const out = opts.traceJson ? io.createWriter(opts.traceJson) : null;
  const json = {
    pending: [] as string[],
    push(line: string) {
      this.pending.push(line);
      if (this.pending.length >= 4096) this.flush();
    },
    flush() {
      if (this.pending.length > 0) out?.write(`${this.pending.join("\n")}\n`);
      this.pending = [];
    },
  };
  const human = opts.trace !== undefined;
  const cpu = kernel.machine.cpu;
  kernel.singleStep = true;
  const show = { mmu: cats.has("mmu"), tlb: cats.has("tlb") };
  if (show.mmu || show.tlb) {
    kernel.machine.mmu.setTracer((e) => {
      if (opts.traceJson && (show.mmu || e.kind === "tlb" || e.kind === "fill")) {
        json.push(
          JSON.stringify({
            t: cpu.instret,
            cat: e.kind === "tlb" || e.kind === "fill" ? "tlb" : "mmu",
            ...e,
          }),
        );
      }
      const line = human ? formatMmuEvent(e, show) : undefined;
      if (line !== undefined) io.stderr(`[trace] ${painted(paint, mmuEventColour(e), line)}\n`);
    });
  }
  if (cats.has("alloc")) {
    const f = kernel.frames;
    f.onChange = (op, ppn) =>
      kernel.emit({
        kind: "frame",
        op,
        ppn,
        use: FRAME_USES[f.use[ppn]!] ?? "?",
        pid: f.pid[ppn]!,
      });
  }
  kernel.tracer = (e) => {
    if (!cats.has(eventCategory[e.kind])) return;
    if (opts.traceJson) json.push(JSON.stringify({ cat: eventCategory[e.kind], ...e }));
    if (human) io.stderr(`[trace] ${paint(kernelEventColour(e), formatKernelEvent(e))}\n`);
  };
  return () => {
    json.flush();
    out?.close();
  };
}

/** `line` in `colour`, keeping its leading blanks plain; unchanged without a colour. */
function painted(paint: Paint, colour: Colour | undefined, line: string): string {
  if (colour === undefined) return line;
  const text = line.trimStart();
  return line.slice(0, line.length - text.length) + paint(colour, text);
}

const FRAME_USES = ["free", "kernel", "page table", "user page", "shared page", "partition"];

/** The console as the kernel sees it: guest output to our stdout/stderr, messages prefixed. */
export function consoleHost(io: CliIo): KernelHost {
  return {
    write: (fd, bytes) => (fd === 1 ? io.stdout(bytes) : io.stderr(bytes)),
    readStdin: (max) => io.readStdin(max),
    message: (line) => io.stderr(`[vmlab] ${line}\n`),
  };
}
