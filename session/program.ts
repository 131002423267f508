// Turning a program file into a loadable image: an ELF executable as it is, or an assembly source
// assembled first, with `.include` resolved through the same injected reader. The session layer
// has no file system of its own: the front end passes a FileReader (the CLI's checks regular
// files and sizes; a browser's would read from memory). Problems are values, never throws.
import {
  type AsmDiagnostic,
  assemble,
  formatDiagnostic,
  type IncludedFile,
} from "../asm/assembler.js";
import { isElf, readExecutable } from "../asm/elf-reader.js";
import { writeElf } from "../asm/elf-writer.js";
import type { ElfImage } from "../hw/elf.js";
import { dirname, isAbsolute, join } from "./paths.js";

/** What reading one file gave: its bytes, or why not (`missing`: there is no such file). */
export type FileRead =
  | { ok: true; bytes: Uint8Array }
  | { ok: false; missing: boolean; message: string };

/** Reads a whole file by path; the message of a failure names the path (`prog.s: no such file`). */
export type FileReader = (path: string) => FileRead;

/** A loaded program with the assembler's warnings, or a one-line error and the diagnostics. */
export type ProgramLoad =
  | { ok: true; image: ElfImage; warnings: AsmDiagnostic[] }
  | { ok: false; error: string; diagnostics: AsmDiagnostic[] };

/** An assembled source as ELF bytes with its warnings, or the assembler's errors. */
export type AssembleResult =
  | { ok: true; elf: Uint8Array; warnings: AsmDiagnostic[] }
  | { ok: false; errors: AsmDiagnostic[] };

/** Where `.include` looks after the including file's folder: the current directory by default. */
export interface IncludePath {
  /** Folders tried, in order, after the including file's own (default: the path as written). */
  readonly dirs?: readonly string[];
}

/** Reads `path` with `read` and returns its image; .s/.S/.asm are assembled, the rest must be ELF. */
export function loadProgram(
  path: string,
  read: FileReader,
  include: IncludePath = {},
): ProgramLoad {
  const r = read(path);
  if (!r.ok) return { ok: false, error: r.message, diagnostics: [] };
  return programImage(path, r.bytes, read, include);
}

/** The image of a program file's `bytes` (read from `path`); see loadProgram. */
export function programImage(
  path: string,
  bytes: Uint8Array,
  read: FileReader,
  include: IncludePath = {},
): ProgramLoad {
  if (bytes.length === 0) return { ok: false, error: `${path}: empty file`, diagnostics: [] };
  if (!isElf(bytes) && /\.(s|S|asm)$/.test(path)) {
    const asm = assembleSource(path, bytes, read, include);
    if (!asm.ok) {
      const n = asm.errors.length;
      const error = `${path}: ${n} error${n === 1 ? "" : "s"}, nothing run`;
      return { ok: false, error, diagnostics: asm.errors };
    }
    return withWarnings(parseImage(path, asm.elf), asm.warnings);
  }
  if (!isElf(bytes)) {
    const error = `${path}: not a program vmlab can run (expected a RISC-V ELF executable or an assembly file ending in .s)`;
    return { ok: false, error, diagnostics: [] };
  }
  return parseImage(path, bytes);
}

function parseImage(path: string, bytes: Uint8Array): ProgramLoad {
  const r = readExecutable(bytes);
  if (!r.ok) return { ok: false, error: `${path}: ${r.error}`, diagnostics: [] };
  return { ok: true, image: r.image, warnings: [] };
}

function withWarnings(load: ProgramLoad, warnings: AsmDiagnostic[]): ProgramLoad {
  return load.ok ? { ...load, warnings } : { ...load, diagnostics: warnings };
}

/** Assembles a source file's bytes to ELF, resolving `.include` with `read` (see includeReader). */
export function assembleSource(
  path: string,
  bytes: Uint8Array,
  read: FileReader,
  include: IncludePath = {},
): AssembleResult {
  const source = new TextDecoder().decode(bytes);
  const result = assemble(source, path, { readInclude: includeReader(read, include) });
  if (!result.ok) return { ok: false, errors: result.errors };
  return { ok: true, elf: writeElf(result.program), warnings: result.warnings };
}

/** Diagnostics as the lines every front end prints (`file:line:col: error: ...`). */
export function diagnosticLines(diagnostics: readonly AsmDiagnostic[]): string[] {
  return diagnostics.map((d) => formatDiagnostic(d));
}

/**
 * How `.include "path"` is resolved: an absolute path as it is; a relative one beside the
 * including file (so nested includes work from anywhere), then in each of `include.dirs` (by
 * default, as written: relative to the current directory). A file found but unreadable (a
 * directory, a device, too large) is an error, not a reason to look elsewhere. The included file
 * is named as found in messages.
 */
export function includeReader(
  read: FileReader,
  include: IncludePath = {},
): (path: string, fromFile: string) => IncludedFile | undefined {
  return (path, fromFile) => {
    for (const file of includeCandidates(path, fromFile, include)) {
      const r = read(file);
      if (r.ok) return { file, text: new TextDecoder().decode(r.bytes) };
      if (r.missing) continue;
      throw new Error(file === path ? r.message.replace(`${file}: `, "") : r.message);
    }
    return undefined;
  };
}

/** The files `.include "path"` in `fromFile` may mean, in the order they are tried. */
function includeCandidates(path: string, fromFile: string, include: IncludePath): string[] {
  if (isAbsolute(path)) return [path];
  const beside = join(dirname(fromFile), path);
  const elsewhere = include.dirs ? include.dirs.map((d) => join(d, path)) : [path];
  return [...new Set([beside, ...elsewhere])];
}
