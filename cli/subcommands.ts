// The list of subcommands, one file each. Add a new one here.
//
// A subcommand's file is loaded only when the command line names it: `vmlab --help` lists them
// all from this table alone, without loading the emulator, the kernel or the assembler (issue 16,
// "Fast start"). A command's description lives here only; main.ts gives it to the command.
import type { Command } from "commander";
import type { CliIo } from "./io.js";
import type { CommandResult } from "./main.js";

export type SubcommandFactory = (io: CliIo, result: CommandResult) => Command;

export interface Subcommand {
  readonly name: string;
  /** What follows the name in `vmlab --help`'s list (commander's own term for the command). */
  readonly usage: string;
  readonly description: string;
  /** Loads the command's file and returns its factory. */
  load(): Promise<SubcommandFactory>;
}

export const subcommands: readonly Subcommand[] = [
  {
    name: "run",
    usage: "[options] <program...>",
    description: "run programs (.s assembly or RISC-V ELF32 executables) as processes",
    load: async () => (await import("./run.js")).runCommand,
  },
  {
    name: "step",
    usage: "[options] <program...>",
    description: "single-step programs: instructions, translations, page tables, memory map",
    load: async () => (await import("./step.js")).stepCommand,
  },
  {
    name: "quiz",
    usage: "[kind] [flags...]",
    description:
      "seeded practice problems, byte-identical to the OSTEP homework simulators (and two of vmlab's own)",
    load: async () => (await import("./quiz.js")).quizCommand,
  },
  {
    name: "asm",
    usage: "[options] <source>",
    description: "assemble an RV32IMA source file (GNU as syntax) into an ELF executable",
    load: async () => (await import("./asm.js")).asmCommand,
  },
  {
    name: "disasm",
    usage: "[options] <program>",
    description:
      "list a RISC-V ELF executable: code disassembled with labels, data in hex (like objdump -d)",
    load: async () => (await import("./disasm.js")).disasmCommand,
  },
  {
    name: "trace",
    usage: "[options] <file>",
    description: "replay a page-reference trace through page-replacement policies",
    load: async () => (await import("./trace.js")).traceCommand,
  },
  {
    name: "lab",
    usage: "",
    description: "course labs: list them, start one in a folder, grade a folder",
    load: async () => (await import("./lab.js")).labCommand,
  },
  {
    name: "web",
    usage: "[options]",
    description: "serve the browser visualiser on 127.0.0.1 and print its URL (Ctrl-C stops it)",
    load: async () => (await import("./web.js")).webCommand,
  },
];
