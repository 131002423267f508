// The command line's side of booting (session/boot.ts does the work): programs are read through
// the CliIo, and the session layer's errors become one-line UserErrors.
import type { ElfImage } from "../hw/elf.js";
import type { KernelHost } from "../kernel/host.js";
import * as session from "../session/boot.js";
import { SessionError } from "../session/errors.js";
import * as step from "../session/step/setup.js";
import { type CliIo, UserError } from "./io.js";
import { cliReader, printDiagnostics } from "./program.js";

export type { Booted } from "../session/boot.js";
export {
  KERNEL_POLICIES,
  MAX_RAM,
  MAX_SWAP,
  type MachineOptions,
} from "../session/boot.js";

/** Runs `f`, turning a SessionError into a UserError with the same message. */
function asUserError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SessionError) throw new UserError(e.message);
    throw e;
  }
}

/**
 * A fresh machine and kernel with every program spawned (nothing run yet); see session/boot.ts
 * bootKernel. execve reads programs through `io` without printing warnings. Throws UserError if
 * the options are not acceptable or a program cannot be started.
 */
export function bootKernel(
  io: CliIo,
  programs: session.Programs,
  opts: session.MachineOptions,
  host: KernelHost,
  hooks: {
    onLoad?: (path: string, image: ElfImage) => void;
    prepare?: (b: session.World) => void;
  } = {},
): session.Booted {
  return asUserError(() => session.bootKernel(cliReader(io), programs, opts, host, hooks));
}

/**
 * The stepper's setup: the options checked and the programs loaded through `io` (diagnostics on
 * stderr). Throws UserError with a one-line message.
 */
export function prepareSetup(
  io: CliIo,
  files: string[],
  args: string[],
  opts: session.MachineOptions,
): step.StepSetup {
  const r = asUserError(() => step.prepareSetup(cliReader(io), files, args, opts));
  printDiagnostics(io, r.warnings);
  if (r.ok) return r.setup;
  printDiagnostics(io, r.diagnostics);
  throw new UserError(r.error);
}
