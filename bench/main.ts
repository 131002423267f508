// `npm run bench`: CPU-bound guest programs under each MMU mode, timed. Prints, per program and
// mode, instructions, seconds and guest MIPS (or JSON with --json). A benchmark, never a test.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { processIo } from "../cli/io.js";
import { loadProgram } from "../cli/program.js";
import { defaultMachineConfig, Machine } from "../hw/machine.js";
import { MmuMode } from "../hw/mmu.js";
import type { ElfImage } from "../kernel/elf.js";
import { defaultKernelOptions, exitStatus, Kernel } from "../kernel/kernel.js";

interface BenchResult {
  program: string;
  mode: string;
  instructions: number;
  seconds: number;
  mips: number;
  status: number;
  output: string;
}

const PROGRAM_DIR = "programs/bench";
const MODES = [MmuMode.Bare, MmuMode.Paged] as const;

function runOnce(name: string, image: ElfImage, mode: MmuMode): BenchResult {
  const machine = new Machine({ ...defaultMachineConfig, ramSize: 64 * 1024 * 1024 });
  let output = "";
  const dec = new TextDecoder();
  const kernel = new Kernel(
    machine,
    {
      write: (_fd, bytes) => {
        output += dec.decode(bytes);
      },
      readStdin: () => new Uint8Array(0),
      message: (line) => {
        output += `[vmlab] ${line}\n`;
      },
    },
    { ...defaultKernelOptions, mm: mode },
  );
  const pid = kernel.spawn(image, [name], []).pid;
  const t0 = performance.now();
  kernel.run();
  const exit = kernel.topLevelExits.get(pid);
  const status = exit ? exitStatus(exit) : -1;
  const seconds = (performance.now() - t0) / 1000;
  const instructions = machine.cpu.instret;
  return {
    program: name,
    mode,
    instructions,
    seconds,
    mips: instructions / seconds / 1e6,
    status,
    output: output.trim(),
  };
}

function main(): void {
  const json = process.argv.includes("--json");
  const only = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const io = processIo();
  const files = readdirSync(PROGRAM_DIR)
    .filter((f) => f.endsWith(".s"))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  const results: BenchResult[] = [];
  for (const file of files) {
    const image = loadProgram(join(PROGRAM_DIR, file), io);
    for (const mode of MODES) {
      runOnce(file, image, mode); // warm-up: let the JIT settle
      const r = runOnce(file, image, mode);
      results.push(r);
      if (!json) {
        console.log(
          `${file.padEnd(16)} ${mode.padEnd(10)} ${String(r.instructions).padStart(12)} instr ${r.seconds.toFixed(3).padStart(7)} s ${r.mips.toFixed(1).padStart(7)} MIPS  exit ${r.status}  ${r.output.split("\n").at(-1)}`,
        );
      }
    }
  }
  if (json) console.log(JSON.stringify({ node: process.version, results }, null, 2));
}

main();
