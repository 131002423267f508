// Turning a program file named on the command line into a loadable image: an ELF executable as
// it is, or an assembly source assembled first. Every problem is a one-line UserError.
import { dirname, isAbsolute, join } from "node:path";
import { assemble, formatDiagnostic, type IncludedFile } from "../asm/assembler.js";
import { writeElf } from "../asm/elf-writer.js";
import { type ElfImage, isElf, parseElf } from "../kernel/elf.js";
import { type CliIo, MissingFileError, UserError } from "./io.js";

/** Reads `path` and returns its image; .s/.S/.asm files are assembled, anything else must be ELF. */
export function loadProgram(path: string, io: CliIo): ElfImage {
  const bytes = io.readFile(path);
  if (bytes.length === 0) throw new UserError(`${path}: empty file`);
  if (!isElf(bytes) && /\.(s|S|asm)$/.test(path))
    return parseOrFail(path, assembleFile(path, bytes, io));
  if (!isElf(bytes)) {
    throw new UserError(
      `${path}: not a program vmlab can run (expected a RISC-V ELF executable or an assembly file ending in .s)`,
    );
  }
  return parseOrFail(path, bytes);
}

function parseOrFail(path: string, bytes: Uint8Array): ElfImage {
  const r = parseElf(bytes);
  if (!r.ok) throw new UserError(`${path}: ${r.error}`);
  return r.image;
}

/** Assembles a source file to ELF bytes; diagnostics go to stderr and errors stop with status 1. */
export function assembleFile(path: string, bytes: Uint8Array, io: CliIo): Uint8Array {
  const source = new TextDecoder().decode(bytes);
  const result = assemble(source, path, { readInclude: includeReader(io) });
  if (!result.ok) {
    for (const d of result.errors) io.stderr(`${formatDiagnostic(d)}\n`);
    const n = result.errors.length;
    throw new UserError(`${path}: ${n} error${n === 1 ? "" : "s"}, nothing run`);
  }
  for (const w of result.warnings) io.stderr(`${formatDiagnostic(w)}\n`);
  return writeElf(result.program);
}

/**
 * How every subcommand resolves `.include "path"`: an absolute path as it is; a relative one
 * beside the including file (so nested includes work from anywhere), then relative to the current
 * directory. A file found but unreadable (a directory, a device, too large) is an error, not a
 * reason to look elsewhere. The included file is named as found in messages.
 */
export function includeReader(
  io: CliIo,
): (path: string, fromFile: string) => IncludedFile | undefined {
  return (path, fromFile) => {
    const beside = join(dirname(fromFile), path);
    const candidates = isAbsolute(path) || beside === path ? [path] : [beside, path];
    for (const file of candidates) {
      try {
        return { file, text: new TextDecoder().decode(io.readFile(file)) };
      } catch (e) {
        if (e instanceof MissingFileError) continue;
        const message = e instanceof Error ? e.message : String(e);
        throw new Error(file === path ? message.replace(`${file}: `, "") : message);
      }
    }
    return undefined;
  };
}
