// The list of subcommands, one file each. Add a new one here.
import type { Command } from "commander";
import { asmCommand } from "./asm.js";
import { disasmCommand } from "./disasm.js";
import type { CliIo } from "./io.js";
import { labCommand } from "./lab.js";
import type { CommandResult } from "./main.js";
import { quizCommand } from "./quiz.js";
import { runCommand } from "./run.js";
import { stepCommand } from "./step.js";
import { traceCommand } from "./trace.js";
import { webCommand } from "./web.js";

export type SubcommandFactory = (io: CliIo, result: CommandResult) => Command;

export const subcommands: SubcommandFactory[] = [
  runCommand,
  stepCommand,
  quizCommand,
  asmCommand,
  disasmCommand,
  traceCommand,
  labCommand,
  webCommand,
];
