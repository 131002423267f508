// `vmlab asm <source.s> [-o out.elf]`: assemble a GNU-as-syntax RV32IMA source into an ELF
// executable laid out as `ld -m elf32lriscv --no-relax` would. Every diagnostic goes to stderr as
// file:line:col; any error means no output file and exit status 1.
import { Command, InvalidArgumentError } from "commander";
import { type AsmDiagnostic, assemble, formatDiagnostic } from "../asm/assembler.js";
import { writeElf } from "../asm/elf-writer.js";
import type { SectionAddresses } from "../asm/link.js";
import { SECTION_NAMES, type SectionKind } from "../asm/program.js";
import { type CliIo, UserError } from "./io.js";
import { includeReader } from "./program.js";
import type { SubcommandFactory } from "./subcommands.js";

interface AsmOptions {
  output?: string;
  sectionStart: SectionAddresses;
}

export const asmCommand: SubcommandFactory = (io, result) =>
  new Command("asm")
    .argument("<source>", "assembly source file")
    .option(
      "-o, --output <file>",
      "the executable to write (default: the source with .s replaced by .elf)",
    )
    .option(
      "-T, --section-start <section=address>",
      "place a section (.text, .rodata, .data, .sdata, .sbss, .bss) at an address, e.g. -T .text=0x80000000; repeatable",
      collectSectionStart,
      {},
    )
    .action((source: string, opts: AsmOptions) => {
      result.status = assembleCommand(source, opts, io);
    });

/** Assembles `source` and writes the executable; returns the exit status (1 if any error). */
function assembleCommand(source: string, opts: AsmOptions, io: CliIo): number {
  const bytes = io.readFile(source);
  if (looksLikeElf(bytes))
    throw new UserError(`${source}: an ELF file, not assembly source (try vmlab disasm)`);
  const r = assemble(new TextDecoder().decode(bytes), source, { readInclude: includeReader(io) });
  const diagnostics: AsmDiagnostic[] = r.ok ? r.warnings : [...r.errors, ...r.warnings];
  for (const d of sortByPosition(diagnostics)) io.stderr(`${formatDiagnostic(d)}\n`);
  if (!r.ok) return 1;
  let elf: Uint8Array;
  try {
    elf = writeElf(r.program, opts.sectionStart);
  } catch (e) {
    throw new UserError(
      `${source}: cannot place the sections as asked: ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  io.writeFile(opts.output ?? defaultOutput(source), elf);
  return 0;
}

/** prog.s -> prog.elf (also .S and .asm); any other name gets .elf appended. */
export function defaultOutput(source: string): string {
  return /\.(s|S|asm)$/.test(source) ? source.replace(/\.(s|S|asm)$/, ".elf") : `${source}.elf`;
}

function looksLikeElf(bytes: Uint8Array): boolean {
  return bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

function sortByPosition(list: AsmDiagnostic[]): AsmDiagnostic[] {
  const files = [...new Set(list.map((d) => d.file))];
  const order = (d: AsmDiagnostic): number => files.indexOf(d.file);
  return [...list].sort((a, b) => order(a) - order(b) || a.line - b.line || a.column - b.column);
}

const SECTION_BY_NAME: ReadonlyMap<string, SectionKind> = new Map(
  Object.entries(SECTION_NAMES).flatMap(([kind, name]) => [
    [name, kind as SectionKind],
    [kind, kind as SectionKind],
  ]),
);

function collectSectionStart(text: string, previous: SectionAddresses): SectionAddresses {
  const m = /^([.\w]+)=(0x[0-9a-fA-F]+|\d+)$/.exec(text.trim());
  const kind = m === null ? undefined : SECTION_BY_NAME.get(m[1]!);
  if (m === null || kind === undefined) {
    throw new InvalidArgumentError(
      `'${text}' is not SECTION=ADDRESS with SECTION one of .text, .rodata, .data, .sdata, .sbss, .bss`,
    );
  }
  const address = Number(m[2]);
  if (address >= 2 ** 32)
    throw new InvalidArgumentError(`${m[2]} is beyond the 32-bit address space`);
  return { ...previous, [kind]: address };
}
