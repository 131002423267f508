// Building the stepper's machine: a Machine and a Kernel with every program spawned, as `vmlab run`
// does, but not run. The stepper boots a fresh one for `back` (deterministic replay), so booting
// depends only on the setup: the same setup gives the same machine, instruction for instruction.

import type { AsmDiagnostic } from "../../asm/assembler.js";
import type { ElfImage } from "../../hw/elf.js";
import type { KernelHost } from "../../kernel/host.js";
import { bootKernel, type MachineOptions, machineConfig, type World } from "../boot.js";
import { type FileReader, loadProgram } from "../program.js";

export type { MachineOptions, World } from "../boot.js";

/** Everything a boot depends on; booting twice from one setup gives identical machines. */
export interface StepSetup {
  files: string[];
  args: string[];
  opts: MachineOptions;
  /** The programs' images, loaded once (the kernel only reads them). */
  images: ElfImage[];
  /** How execve reads the programs it loads. */
  read: FileReader;
}

/** A setup, or why there is none: a one-line error and the assembler's diagnostics. */
export type SetupResult =
  | { ok: true; setup: StepSetup; warnings: AsmDiagnostic[] }
  | { ok: false; error: string; diagnostics: AsmDiagnostic[]; warnings: AsmDiagnostic[] };

/**
 * Checks the options and loads the programs in order, stopping at the first that fails. Throws
 * SessionError if the options are not acceptable.
 */
export function prepareSetup(
  read: FileReader,
  files: string[],
  args: string[],
  opts: MachineOptions,
): SetupResult {
  machineConfig(opts);
  const images: ElfImage[] = [];
  const warnings: AsmDiagnostic[] = [];
  for (const f of files) {
    const r = loadProgram(f, read);
    if (!r.ok) return { ok: false, error: r.error, diagnostics: r.diagnostics, warnings };
    images.push(r.image);
    warnings.push(...r.warnings);
  }
  return { ok: true, setup: { files, args, opts, images, read }, warnings };
}

/**
 * Boots a fresh machine for `setup` with `host` as its console, spawning every program with the
 * guest arguments. `onLoad` sees every image execve loads (for symbols). Throws SessionError if a
 * program cannot be started.
 */
export function boot(
  setup: StepSetup,
  host: KernelHost,
  onLoad: (path: string, image: ElfImage) => void,
): World {
  const { machine, kernel } = bootKernel(setup.read, setup, setup.opts, host, { onLoad });
  return { machine, kernel };
}
