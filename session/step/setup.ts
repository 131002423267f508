// Building the stepper's machine: a Machine and a Kernel with every program spawned, as `vmlab run`
// does, but not run. The stepper boots a fresh one for `back` (deterministic replay), so booting
// depends only on the setup: the same setup gives the same machine, instruction for instruction.
import type { Machine } from "../../hw/machine.js";
import type { ElfImage } from "../../kernel/elf.js";
import type { KernelHost } from "../../kernel/host.js";
import type { Kernel } from "../../kernel/kernel.js";
import { bootKernel, type MachineOptions, machineConfig } from "../boot.js";
import type { CliIo } from "../io.js";
import { loadProgram } from "../program.js";

export type { MachineOptions } from "../boot.js";

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
  const { machine, kernel } = bootKernel(setup.io, setup, setup.opts, host, { onLoad });
  return { machine, kernel };
}
