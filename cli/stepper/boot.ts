// Building the stepper's machine: a Machine and a Kernel with every program spawned, as `vmlab run`
// does, but not run. The stepper boots a fresh one for `back` (deterministic replay), so booting
// depends only on the setup: the same setup gives the same machine, instruction for instruction.
import {
  checkMachineConfig,
  defaultMachineConfig,
  Machine,
  type MachineConfig,
} from "../../hw/machine.js";
import type { AdMode, MmuMode, RefillMode } from "../../hw/mmu.js";
import { checkRamSize } from "../../hw/ram.js";
import type { TlbPolicy } from "../../hw/tlb.js";
import { checkKernel } from "../../kernel/check.js";
import type { FitName } from "../../kernel/contig.js";
import type { ElfImage } from "../../kernel/elf.js";
import type { KernelHost } from "../../kernel/host.js";
import { defaultKernelOptions, ExecError, Kernel } from "../../kernel/kernel.js";
import { type CliIo, UserError } from "../io.js";
import { loadProgram } from "../program.js";

/** The `vmlab run` options the stepper accepts (same names, parsers and defaults). */
export interface MachineOptions {
  ram: number;
  mm: MmuMode;
  tlb: number;
  tlbWays?: number;
  tlbPolicy: TlbPolicy;
  tlbRefill: RefillMode;
  ad: AdMode;
  maxSteps: number;
  quantum: number;
  maxProcs: number;
  forkCopy: boolean;
  fit: FitName;
  seed: number;
  check: boolean;
}

/** Everything a boot depends on; booting twice from one setup gives identical machines. */
export interface StepSetup {
  files: string[];
  args: string[];
  opts: MachineOptions;
  /** The programs' images, loaded once (the kernel only reads them). */
  images: ElfImage[];
  io: CliIo;
}

/** A booted machine: every program spawned, no instruction run yet. */
export interface World {
  machine: Machine;
  kernel: Kernel;
}

/** Loads the programs and checks the options; throws UserError with a one-line message. */
export function prepareSetup(
  io: CliIo,
  files: string[],
  args: string[],
  opts: MachineOptions,
): StepSetup {
  if (opts.maxProcs > 511)
    throw new UserError("--max-procs: at most 511 (the number of Sv32 address-space ids)");
  machineConfig(opts);
  const images = files.map((f) => loadProgram(f, io));
  return { files, args, opts, images, io };
}

/**
 * Boots a fresh machine for `setup` with `host` as its console, spawning every program with the
 * guest arguments. `onLoad` sees every image execve loads (for symbols). Throws UserError if a
 * program cannot be started.
 */
export function boot(
  setup: StepSetup,
  host: KernelHost,
  onLoad: (path: string, image: ElfImage) => void,
): World {
  const { opts, io } = setup;
  const machine = new Machine(machineConfig(opts));
  const kernel = new Kernel(machine, host, {
    ...defaultKernelOptions,
    mm: opts.mm,
    maxSteps: opts.maxSteps,
    quantum: opts.quantum,
    maxProcs: opts.maxProcs,
    eagerFork: opts.forkCopy,
    fit: opts.fit,
  });
  kernel.loadProgram = (path) => loadForExec(path, io, onLoad);
  if (opts.check) kernel.checker = checkKernel;
  for (const [i, image] of setup.images.entries())
    spawn(kernel, image, setup.files[i]!, setup.args);
  return { machine, kernel };
}

function loadForExec(
  path: string,
  io: CliIo,
  onLoad: (path: string, image: ElfImage) => void,
): ElfImage | string {
  try {
    const image = loadProgram(path, { ...io, stderr: () => {} });
    onLoad(path, image);
    return image;
  } catch (e) {
    return e instanceof Error ? e.message.replace(`${path}: `, "") : String(e);
  }
}

function spawn(kernel: Kernel, image: ElfImage, path: string, args: string[]): void {
  try {
    kernel.spawn(image, [path, ...args], []);
  } catch (e) {
    if (e instanceof ExecError) throw new UserError(`${path}: ${e.message}`);
    throw e;
  }
}

/** The machine configuration for the options (as `vmlab run` builds it); UserError if invalid. */
function machineConfig(opts: MachineOptions): MachineConfig {
  const config: MachineConfig = {
    ...defaultMachineConfig,
    ramSize: opts.ram,
    seed: opts.seed,
    mmu: {
      ...defaultMachineConfig.mmu,
      tlb: { entries: opts.tlb, ways: opts.tlbWays ?? opts.tlb, policy: opts.tlbPolicy },
      refill: opts.tlbRefill,
      ad: opts.ad,
    },
  };
  const ramProblem = checkRamSize(opts.ram);
  if (ramProblem) throw new UserError(`--ram ${opts.ram}: ${ramProblem}`);
  const problem = checkMachineConfig(config);
  if (problem) throw new UserError(problem);
  return config;
}
