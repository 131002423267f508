// `npm run bench`: guest programs timed on the emulator — CPU-bound programs under each memory
// scheme (and a TLB-thrashing configuration), each by the interpreter and compiled; the same
// programs and a C benchmark as one `vmlab run` each (what a user waits for); the kernel's fork
// and page-fault costs; and reference-trace replay. Prints a table per section, or everything as JSON with --json. Pass
// words to run only the CPU programs whose names contain them. Times are the process's CPU time
// (user + system), so other work on the machine disturbs them less, except the one-shot runs'
// (wall time of a whole process). A benchmark, never a test.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setFlagsFromString } from "node:v8";
import { readRegularFile } from "../host/files.js";
import { ENGINES } from "../hw/cpu.js";
import type { ElfImage } from "../hw/elf.js";
import { defaultMachineConfig, type MachineConfig } from "../hw/machine.js";
import { MmuMode } from "../hw/mmu.js";
import {
  defaultKernelOptions,
  exitStatus,
  type Kernel,
  type KernelOptions,
} from "../kernel/kernel.js";
import { bootWorld } from "../session/boot.js";
import { diagnosticLines, loadProgram } from "../session/program.js";
import { benchTrace } from "./trace.js";

// Compiled guest code on V8's baseline compiler only, as the vmlab command runs it (cli/bin.ts).
setFlagsFromString("--liftoff-only");

interface RunResult {
  instructions: number;
  seconds: number;
  status: number;
  output: string;
  kernel: Kernel;
}

interface Config {
  name: string;
  machine?: Partial<MachineConfig>;
  kernel?: Partial<KernelOptions>;
}

const CPU_CONFIGS: Config[] = [
  { name: "bare", kernel: { mm: MmuMode.Bare } },
  { name: "base-limit", kernel: { mm: MmuMode.BaseLimit } },
  { name: "segmented", kernel: { mm: MmuMode.Segmented } },
  { name: "paged", kernel: { mm: MmuMode.Paged } },
  {
    name: "paged, 8-entry TLB",
    kernel: { mm: MmuMode.Paged },
    machine: { mmu: { ...defaultMachineConfig.mmu, tlb: { entries: 8, ways: 8, policy: "lru" } } },
  },
];

/** Runs `image` once on a fresh 64 MiB machine with `config`; times only the kernel's run loop. */
function runOnce(name: string, image: ElfImage, config: Config): RunResult {
  const machineConfig = { ...defaultMachineConfig, ramSize: 64 * 1024 * 1024, ...config.machine };
  let output = "";
  const dec = new TextDecoder();
  const host = {
    write: (_fd: 1 | 2, bytes: Uint8Array) => {
      output += dec.decode(bytes);
    },
    readStdin: () => new Uint8Array(0),
    message: (line: string) => {
      output += `[vmlab] ${line}\n`;
    },
  };
  const { machine, kernel } = bootWorld({
    config: machineConfig,
    host,
    kernel: { ...defaultKernelOptions, ...config.kernel },
  });
  const pid = kernel.spawn(image, [name], []).pid;
  // CPU time, not wall time: on a busy machine it still measures the emulator's own work.
  const t0 = process.cpuUsage();
  kernel.run();
  const used = process.cpuUsage(t0);
  const seconds = (used.user + used.system) / 1e6;
  const exit = kernel.topLevelExits.get(pid);
  return {
    instructions: machine.cpu.instret,
    seconds,
    status: exit ? exitStatus(exit) : -1,
    output: output.trim(),
    kernel,
  };
}

/** The best of three runs (the first ones also let the JIT settle on this program). */
function best(name: string, image: ElfImage, config: Config): RunResult {
  const runs = [0, 1, 2].map(() => runOnce(name, image, config));
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

/** The image of one of vmlab's programs (assembler warnings on stderr); one that fails stops the bench. */
function program(path: string): ElfImage {
  const r = loadProgram(path, readRegularFile);
  for (const line of diagnosticLines(r.ok ? r.warnings : r.diagnostics)) console.error(line);
  if (!r.ok) throw new Error(r.error);
  return r.image;
}

const BENCH_DIR = "programs/bench";
/** The C benchmark, as committed (its default: 60 rounds, about 341 million instructions). */
const C_BENCH = "programs/c/bin/sortbench.elf";

/** The benchmark programs whose names contain one of `only` (all of them if it is empty). */
function benchFiles(only: string[]): string[] {
  return readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith(".s") && (only.length === 0 || only.some((o) => f.includes(o))))
    .sort();
}

function cpuSection(only: string[], print: (s: string) => void) {
  const files = benchFiles(only);
  const rows = [];
  for (const file of files) {
    const image = program(join(BENCH_DIR, file));
    for (const base of CPU_CONFIGS)
      for (const engine of ENGINES) {
        const config = { ...base, machine: { ...base.machine, engine } };
        const r = best(file, image, config);
        const mips = r.instructions / r.seconds / 1e6;
        rows.push({
          program: file,
          mode: config.name,
          engine,
          instructions: r.instructions,
          seconds: r.seconds,
          mips,
          status: r.status,
        });
        print(
          `${file.padEnd(11)} ${config.name.padEnd(19)} ${engine.padEnd(9)} ${String(r.instructions).padStart(10)} instr ${r.seconds.toFixed(3).padStart(7)} s ${mips.toFixed(1).padStart(7)} MIPS  exit ${r.status}`,
        );
      }
  }
  return rows;
}

function kernelSection(print: (s: string) => void) {
  const forks = program("programs/kbench/forks.s");
  const faults = program("programs/kbench/faults.s");
  const rows = [];
  for (const [label, eager] of [
    ["fork, copy-on-write", false],
    ["fork, full copy", true],
  ] as const) {
    const r = best("forks", forks, { name: label, kernel: { eagerFork: eager } });
    const n = r.kernel.counters.processes - 1;
    rows.push({
      what: label,
      count: n,
      seconds: r.seconds,
      microsecondsEach: (r.seconds / n) * 1e6,
    });
    print(
      `${label.padEnd(22)} ${String(n).padStart(6)} forks of a 1 MiB process  ${((r.seconds / n) * 1e6).toFixed(1).padStart(8)} us each`,
    );
  }
  const r = best("faults", faults, { name: "faults" });
  const n = r.kernel.counters.minorFaults;
  rows.push({
    what: "demand-zero page fault",
    count: n,
    seconds: r.seconds,
    microsecondsEach: (r.seconds / n) * 1e6,
  });
  print(
    `${"demand-zero page fault".padEnd(22)} ${String(n).padStart(6)} faults (with their munmaps) ${((r.seconds / n) * 1e6).toFixed(1).padStart(6)} us each`,
  );
  return rows;
}

function traceSection(print: (s: string) => void) {
  const rows = benchTrace();
  for (const r of rows)
    print(
      `trace replay ${r.policy.padEnd(15)} ${r.refs} references, 100 frames ${r.seconds.toFixed(3).padStart(7)} s`,
    );
  return rows;
}

/** The command-line program beside this file (dist/cli/bin.js once built). */
const CLI = fileURLToPath(new URL("../cli/bin.js", import.meta.url));

/**
 * One `vmlab run` of `path` by `engine` in a fresh process, start-up and the JIT's warm-up
 * included: wall time, best of three, and the instructions it ran.
 */
function oneShot(path: string, engine: string): { seconds: number; instructions: number } {
  let seconds = Number.POSITIVE_INFINITY;
  let instructions = 0;
  for (let i = 0; i < 3; i++) {
    const args = [CLI, "run", "--engine", engine, "--stats", "--json", path];
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { encoding: "utf8" });
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
    const stats = r.stderr
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .at(-1);
    if (r.error || stats === undefined)
      throw new Error(`vmlab run ${path} failed: ${r.error?.message ?? r.stderr}`);
    instructions = (JSON.parse(stats) as { instructions: number }).instructions;
  }
  return { seconds, instructions };
}

/**
 * What a user waits for: each CPU program, and the C benchmark (programs/c/sortbench.c, compiled
 * by GCC with picolibc), as one `vmlab run` in a fresh process (the sections above run each
 * program three times in one process and keep the best, which the warm-up does not burden).
 */
function oneShotSection(only: string[], print: (s: string) => void) {
  const paths = benchFiles(only).map((f) => join(BENCH_DIR, f));
  if (only.length === 0 || only.some((o) => C_BENCH.includes(o))) paths.push(C_BENCH);
  const rows = [];
  for (const path of paths)
    for (const engine of ENGINES) {
      const { seconds, instructions } = oneShot(path, engine);
      const mips = instructions / seconds / 1e6;
      const program = path.split("/").at(-1)!;
      rows.push({ program, engine, instructions, seconds, mips });
      print(
        `${program.padEnd(13)} ${"vmlab run, one shot".padEnd(19)} ${engine.padEnd(9)} ${String(instructions).padStart(10)} instr ${seconds.toFixed(3).padStart(7)} s ${mips.toFixed(1).padStart(7)} MIPS`,
      );
    }
  return rows;
}

function main(): void {
  const json = process.argv.includes("--json");
  const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const print = json ? () => {} : (s: string) => console.log(s);
  const cpu = cpuSection(only, print);
  const oneShot = oneShotSection(only, print);
  const kernel = only.length === 0 ? kernelSection(print) : [];
  const trace = only.length === 0 ? traceSection(print) : [];
  if (json)
    console.log(JSON.stringify({ node: process.version, cpu, oneShot, kernel, trace }, null, 2));
}

main();
