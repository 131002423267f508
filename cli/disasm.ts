// `vmlab disasm <program>`: an objdump-like listing of a RISC-V ELF file (code disassembled with
// its labels, data in hex). An assembly source (.s) is assembled in memory first.
import { basename } from "node:path";
import { Command } from "commander";
import { assemble, formatDiagnostic } from "../asm/assembler.js";
import { isElf, readElf } from "../asm/elf-reader.js";
import { writeElf } from "../asm/elf-writer.js";
import { formatListing } from "../asm/listing.js";
import { type CliIo, UserError } from "./io.js";
import { includeReader } from "./program.js";
import type { SubcommandFactory } from "./subcommands.js";

interface DisasmOptions {
  aliases: boolean;
}

export const disasmCommand: SubcommandFactory = (io, result) =>
  new Command("disasm")
    .argument("<program>", "an ELF file, or an assembly source ending in .s to assemble first")
    .option("--no-aliases", "print every instruction by its real name (like objdump -M no-aliases)")
    .action((program: string, opts: DisasmOptions) => {
      const bytes = programBytes(program, io);
      if (bytes === undefined) {
        result.status = 1;
        return;
      }
      const r = readElf(bytes);
      if (!r.ok) throw new UserError(`${program}: ${r.error}`);
      io.stdout(formatListing(r.elf, basename(program), { aliases: opts.aliases }));
    });

/** The ELF bytes of `path`, assembling a .s file first; undefined after printing assembly errors. */
function programBytes(path: string, io: CliIo): Uint8Array | undefined {
  const bytes = io.readFile(path);
  if (isElf(bytes) || !/\.(s|S|asm)$/.test(path)) return bytes;
  const r = assemble(new TextDecoder().decode(bytes), path, { readInclude: includeReader(io) });
  for (const d of r.ok ? r.warnings : [...r.errors, ...r.warnings])
    io.stderr(`${formatDiagnostic(d)}\n`);
  return r.ok ? writeElf(r.program) : undefined;
}
