// Building a machine and its kernel: from the command line's options (`vmlab run` and `vmlab step`
// share them: the same options give the same machine, instruction for instruction), or from a
// machine configuration and kernel options directly (the grader, the benchmarks).
import type { Engine } from "../hw/cpu.js";
import type { ElfImage } from "../hw/elf.js";
import {
  checkMachineConfig,
  defaultMachineConfig,
  Machine,
  type MachineConfig,
} from "../hw/machine.js";
import { type AdMode, MmuMode, type RefillMode } from "../hw/mmu.js";
import { checkRamSize, PAGE_SIZE } from "../hw/ram.js";
import type { TlbPolicy } from "../hw/tlb.js";
import { checkKernel } from "../kernel/check.js";
import type { FitName } from "../kernel/contiguous/fits.js";
import type { KernelHost } from "../kernel/host.js";
import { defaultKernelOptions, ExecError, Kernel, type KernelOptions } from "../kernel/kernel.js";
import type { MisalignedMode } from "../kernel/misaligned.js";
import { policyFactories, policyFactory } from "../kernel/replace/policy.js";
import type { SwapPolicy } from "../kernel/swap/swap.js";
import { SessionError } from "./errors.js";
import { type FileReader, loadProgram } from "./program.js";

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
  /** How the CPU runs guest code (default: compile; traced runs interpret either way). */
  engine?: Engine;
  /** Compiling engine: how long code stays interpreted (hw/cpu.ts compileAfter; tests use 0). */
  compileAfter?: number;
}

/** `vmlab run`'s defaults: 16 MiB of RAM, paged, a 64-entry LRU TLB, no swap, seed 1. */
export const DEFAULT_MACHINE_OPTIONS: Readonly<MachineOptions> = {
  ram: 16 * 1024 * 1024,
  mm: "paged",
  tlb: 64,
  tlbPolicy: "lru",
  tlbRefill: "hardware",
  ad: "hardware",
  maxSteps: 0,
  quantum: 10_000,
  maxProcs: 64,
  forkCopy: false,
  fit: "first",
  swap: 0,
  policy: "clock",
  seed: 1,
  check: false,
  engine: "compile",
};

const GiB = 1024 ** 3;
/** Largest --ram: the hardware model's physical memory (hw/ram.ts checkRamSize). */
export const MAX_RAM = 2 * GiB;
/** Largest --swap: the most one JavaScript typed array holds (a swapped PTE could name 16 GiB). */
export const MAX_SWAP = 4 * GiB;
/** Most processes: the number of Sv32 address-space ids, less the kernel's. */
const MAX_PROCS = 511;

/** Policies the kernel can run (OPT needs the future, so only `vmlab trace` has it). */
export const KERNEL_POLICIES = policyFactories()
  .filter((f) => !f.needsFuture)
  .map((f) => f.name);

/** The machine configuration for the options; SessionError (one line) if they are not acceptable. */
export function machineConfig(opts: MachineOptions): MachineConfig {
  const config: MachineConfig = {
    ...defaultMachineConfig,
    ramSize: opts.ram,
    seed: opts.seed,
    swapSize: opts.swap,
    engine: opts.engine ?? "compile",
    ...(opts.compileAfter === undefined ? {} : { compileAfter: opts.compileAfter }),
    mmu: {
      ...defaultMachineConfig.mmu,
      tlb: { entries: opts.tlb, ways: opts.tlbWays ?? opts.tlb, policy: opts.tlbPolicy },
      refill: opts.tlbRefill,
      ad: opts.ad,
    },
  };
  const problem = ramProblem(opts.ram, opts.mm) ?? swapProblem(opts.swap);
  if (problem) throw new SessionError(problem);
  const configProblem = checkMachineConfig(config);
  if (configProblem) throw new SessionError(configProblem);
  if (opts.maxProcs > MAX_PROCS)
    throw new SessionError(
      `--max-procs: at most ${MAX_PROCS} (the number of Sv32 address-space ids)`,
    );
  return config;
}

/**
 * Why `ram` bytes cannot boot a kernel under `mm`, naming the size as `typed` (default: the bytes
 * in k/m/g form), or undefined: not a whole number of 4 KiB pages, beyond the hardware's 2 GiB, or
 * no more than the frames the kernel reserves for itself (all but bare memory).
 */
export function ramProblem(ram: number, mm: MmuMode, typed = sizeText(ram)): string | undefined {
  const problem = checkRamSize(ram);
  if (problem) return `--ram ${typed}: ${problem}`;
  const reserve = mm === MmuMode.Bare ? 0 : defaultKernelOptions.reservedFrames * PAGE_SIZE;
  if (ram > reserve) return undefined;
  return (
    `--ram ${typed}: the kernel keeps the first ${reserve / KiB} KiB of RAM ` +
    `(${defaultKernelOptions.reservedFrames} frames) for itself, so nothing is left for programs ` +
    `(hello.s needs 84k of paged memory; the default is 16m)`
  );
}

/** Why a swap disk of `swap` bytes (typed as `typed`) cannot be, or undefined. */
export function swapProblem(swap: number, typed = sizeText(swap)): string | undefined {
  if (Number.isInteger(swap) && swap >= 0 && swap % PAGE_SIZE === 0) return undefined;
  return `--swap ${typed}: swap size must be a multiple of 4 KiB`;
}

const KiB = 1024;

/** Bytes as a size the options accept: "3k", "16m", "1g", or plain bytes. */
export function sizeText(bytes: number): string {
  for (const [unit, size] of [
    ["g", GiB],
    ["m", KiB * KiB],
    ["k", KiB],
  ] as const) {
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** The kernel options for the command line's options (the replacement policy checked). */
export function kernelOptions(opts: MachineOptions): KernelOptions {
  return {
    ...defaultKernelOptions,
    mm: opts.mm,
    maxSteps: opts.maxSteps,
    quantum: opts.quantum,
    maxProcs: opts.maxProcs,
    eagerFork: opts.forkCopy,
    fit: opts.fit,
    swapPolicy: opts.swap > 0 ? kernelPolicy(opts.policy) : null,
    misaligned: opts.misaligned ?? defaultKernelOptions.misaligned,
  };
}

/** A machine for `config`; a host that cannot allocate its RAM or swap is a SessionError. */
export function newMachine(config: MachineConfig): Machine {
  try {
    return new Machine(config);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const MiB = 1024 * 1024;
    throw new SessionError(
      `cannot allocate ${config.ramSize / MiB} MiB of RAM and ${config.swapSize / MiB} MiB of swap on this host (${e.message})`,
    );
  }
}

/** The replacement policy named by --policy, or a SessionError. */
export function kernelPolicy(name: string): SwapPolicy {
  const factory = policyFactory(name);
  if (factory?.needsFuture)
    throw new SessionError(
      `--policy ${name}: needs the future reference string; use it with vmlab trace`,
    );
  const policy = factory?.create();
  if (!policy)
    throw new SessionError(
      `--policy: unknown policy '${name}' (expected ${KERNEL_POLICIES.join(", ")})`,
    );
  return policy;
}

/** A booted machine: nothing run yet. */
export interface World {
  machine: Machine;
  kernel: Kernel;
}

/** What a boot from a configuration needs. */
export interface WorldSpec {
  config: MachineConfig;
  /** The kernel's console. */
  host: KernelHost;
  /** The kernel's options, or a function of the new machine that gives them. */
  kernel: KernelOptions | ((machine: Machine) => KernelOptions);
  /** How execve loads a program: its image or why not (default: execve fails). */
  loadProgram?: (path: string) => ElfImage | string;
  /** Run the invariant checker after every trap. */
  check?: boolean;
}

/**
 * A fresh machine and kernel for `spec`, no process spawned. Throws SessionError if the host
 * cannot allocate the machine's memory.
 */
export function bootWorld(spec: WorldSpec): World {
  const machine = newMachine(spec.config);
  const options = typeof spec.kernel === "function" ? spec.kernel(machine) : spec.kernel;
  const kernel = new Kernel(machine, spec.host, options);
  if (spec.loadProgram) kernel.loadProgram = spec.loadProgram;
  if (spec.check) kernel.checker = checkKernel;
  return { machine, kernel };
}

export interface Booted extends World {
  /** The pid of each program, in order. */
  pids: number[];
}

/** Programs to start: their files, images loaded from them, and the guest arguments after each. */
export interface Programs {
  files: readonly string[];
  images: readonly ElfImage[];
  args: readonly string[];
}

/**
 * A fresh machine and kernel for the options with every program spawned (nothing run yet):
 * execve loads programs with `read` like the first ones were, `onLoad` sees each image it loads
 * (for symbols), `prepare` runs before the first spawn (for tracers). Throws SessionError if the
 * options are not acceptable or a program cannot be started.
 */
export function bootKernel(
  read: FileReader,
  programs: Programs,
  opts: MachineOptions,
  host: KernelHost,
  hooks: {
    onLoad?: (path: string, image: ElfImage) => void;
    prepare?: (b: World) => void;
  } = {},
): Booted {
  const world = bootWorld({
    config: machineConfig(opts),
    host,
    kernel: () => kernelOptions(opts),
    loadProgram: (path) => {
      const r = loadProgram(path, read);
      if (!r.ok) return r.error.replace(`${path}: `, "");
      hooks.onLoad?.(path, r.image);
      return r.image;
    },
    check: opts.check,
  });
  hooks.prepare?.(world);
  const pids = programs.images.map((image, i) => {
    const path = programs.files[i]!;
    try {
      return world.kernel.spawn(image, [path, ...programs.args], []).pid;
    } catch (e) {
      if (e instanceof ExecError) throw new SessionError(`${path}: ${e.message}`);
      throw e;
    }
  });
  return { ...world, pids };
}
