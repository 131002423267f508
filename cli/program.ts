// The command line's side of loading programs (session/program.ts does the work): files are read
// through the CliIo, the assembler's diagnostics go to stderr, and every problem is a one-line
// UserError.
import type { AsmDiagnostic, IncludedFile } from "../asm/assembler.js";
import type { ElfImage } from "../hw/elf.js";
import * as session from "../session/program.js";
import { type CliIo, MissingFileError, UserError } from "./io.js";

/** The CliIo's file reading as the session layer's reader (UserErrors become values). */
export function cliReader(io: CliIo): session.FileReader {
  return (path) => {
    try {
      return { ok: true, bytes: io.readFile(path) };
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return { ok: false, missing: e instanceof MissingFileError, message: e.message };
    }
  };
}

/** Reads `path` and returns its image; .s/.S/.asm files are assembled, anything else must be ELF. */
export function loadProgram(path: string, io: CliIo): ElfImage {
  const bytes = io.readFile(path);
  return loaded(session.programImage(path, bytes, cliReader(io)), io);
}

/** The image, with warnings printed; or the diagnostics printed and a UserError thrown. */
function loaded(r: session.ProgramLoad, io: CliIo): ElfImage {
  printDiagnostics(io, r.ok ? r.warnings : r.diagnostics);
  if (!r.ok) throw new UserError(r.error);
  return r.image;
}

/** Prints assembler diagnostics to stderr, one per line. */
export function printDiagnostics(io: CliIo, diagnostics: readonly AsmDiagnostic[]): void {
  for (const line of session.diagnosticLines(diagnostics)) io.stderr(`${line}\n`);
}

/** How every subcommand resolves `.include "path"` (see session/program.ts includeReader). */
export function includeReader(
  io: CliIo,
): (path: string, fromFile: string) => IncludedFile | undefined {
  return session.includeReader(cliReader(io));
}
