// Building a machine and its kernel from the command line's options, shared by `vmlab run` and
// `vmlab step`: the same options give the same machine, instruction for instruction.
import {
  checkMachineConfig,
  defaultMachineConfig,
  Machine,
  type MachineConfig,
} from "../hw/machine.js";
import type { AdMode, MmuMode, RefillMode } from "../hw/mmu.js";
import { checkRamSize } from "../hw/ram.js";
import type { TlbPolicy } from "../hw/tlb.js";
import { checkKernel } from "../kernel/check.js";
import type { FitName } from "../kernel/contig.js";
import type { ElfImage } from "../kernel/elf.js";
import type { KernelHost } from "../kernel/host.js";
import { defaultKernelOptions, ExecError, Kernel } from "../kernel/kernel.js";
import type { MisalignedMode } from "../kernel/misaligned.js";
import { policyFactories, policyFactory } from "../kernel/replace/policy.js";
import type { SwapPolicy } from "../kernel/swap.js";
import { type CliIo, UserError } from "./io.js";
import { loadProgram } from "./program.js";

/** The options that shape the machine and kernel (`vmlab run` and `vmlab step` share them). */
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
  swap: number;
  policy: string;
  seed: number;
  check: boolean;
  /** What the kernel does with misaligned loads and stores (default: emulate). */
  misaligned?: MisalignedMode;
}

const GiB = 1024 ** 3;
/** Largest --ram: the hardware model's physical memory (hw/ram.ts checkRamSize). */
export const MAX_RAM = 2 * GiB;
/** Largest --swap: the most one JavaScript typed array holds (a swapped PTE could name 16 GiB). */
export const MAX_SWAP = 4 * GiB;

/** Policies the kernel can run (OPT needs the future, so only `vmlab trace` has it). */
export const KERNEL_POLICIES = policyFactories()
  .filter((f) => !f.needsFuture)
  .map((f) => f.name);

/** The machine configuration for the options; UserError (one line) if they are not acceptable. */
export function machineConfig(opts: MachineOptions): MachineConfig {
  const config: MachineConfig = {
    ...defaultMachineConfig,
    ramSize: opts.ram,
    seed: opts.seed,
    swapSize: opts.swap,
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
  if (opts.maxProcs > 511)
    throw new UserError("--max-procs: at most 511 (the number of Sv32 address-space ids)");
  return config;
}

/** A machine for `config`; a host that cannot allocate its RAM or swap is a one-line error. */
function newMachine(config: MachineConfig): Machine {
  try {
    return new Machine(config);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const MiB = 1024 * 1024;
    throw new UserError(
      `cannot allocate ${config.ramSize / MiB} MiB of RAM and ${config.swapSize / MiB} MiB of swap on this host (${e.message})`,
    );
  }
}

/** The replacement policy named by --policy, or a one-line error. */
export function kernelPolicy(name: string): SwapPolicy {
  const factory = policyFactory(name);
  if (factory?.needsFuture)
    throw new UserError(
      `--policy ${name}: needs the future reference string; use it with vmlab trace`,
    );
  const policy = factory?.create();
  if (!policy)
    throw new UserError(
      `--policy: unknown policy '${name}' (expected ${KERNEL_POLICIES.join(", ")})`,
    );
  return policy;
}

export interface Booted {
  machine: Machine;
  kernel: Kernel;
  /** The pid of each program, in order. */
  pids: number[];
}

/**
 * A fresh machine and kernel with every program spawned (nothing run yet): execve loads programs
 * like the command line does, `onLoad` sees each image it loads (for symbols), `prepare` runs
 * before the first spawn (for tracers). Throws UserError if a program cannot be started.
 */
export function bootKernel(
  io: CliIo,
  programs: { files: string[]; images: ElfImage[]; args: string[] },
  opts: MachineOptions,
  host: KernelHost,
  hooks: {
    onLoad?: (path: string, image: ElfImage) => void;
    prepare?: (b: Omit<Booted, "pids">) => void;
  } = {},
): Booted {
  const machine = newMachine(machineConfig(opts));
  const kernel = new Kernel(machine, host, {
    ...defaultKernelOptions,
    mm: opts.mm,
    maxSteps: opts.maxSteps,
    quantum: opts.quantum,
    maxProcs: opts.maxProcs,
    eagerFork: opts.forkCopy,
    fit: opts.fit,
    swapPolicy: opts.swap > 0 ? kernelPolicy(opts.policy) : null,
    misaligned: opts.misaligned ?? defaultKernelOptions.misaligned,
  });
  kernel.loadProgram = (path) => {
    try {
      const image = loadProgram(path, { ...io, stderr: () => {} });
      hooks.onLoad?.(path, image);
      return image;
    } catch (e) {
      return e instanceof Error ? e.message.replace(`${path}: `, "") : String(e);
    }
  };
  if (opts.check) kernel.checker = checkKernel;
  hooks.prepare?.({ machine, kernel });
  const pids = programs.images.map((image, i) => {
    const path = programs.files[i]!;
    try {
      return kernel.spawn(image, [path, ...programs.args], []).pid;
    } catch (e) {
      if (e instanceof ExecError) throw new UserError(`${path}: ${e.message}`);
      throw e;
    }
  });
  return { machine, kernel, pids };
}
