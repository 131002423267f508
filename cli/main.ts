// The `vmlab` command: one subcommand per file, joined here with addCommand. `main` runs in-process
// (tests call it with a captured CliIo); only the bin entry at the bottom calls process.exit.
import { Command, CommanderError } from "commander";
import type { MmuMode } from "../hw/mmu.js";
import { ramProblem, swapProblem } from "../session/boot.js";
import { SessionError } from "../session/errors.js";
import { type CliIo, UserError } from "./io.js";
import { commanderMessage, ineffectiveOptionWarnings } from "./options.js";
import { subcommands } from "./subcommands.js";

/** What an action reports back: the exit status of the whole command. */
export interface CommandResult {
  status: number;
  /** The whole command line as given to main (for arguments after a bare `--`). */
  argv: readonly string[];
}

/** Runs `vmlab` with `argv` (without node and script) and returns the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const result: CommandResult = { status: 0, argv };
  const program = new Command("vmlab")
    .description("An emulated RISC-V computer and a small kernel for learning memory management")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)");
  for (const make of subcommands) program.addCommand(make(io, result));
  const typed = new Map<string, string>();
  configure(program, io, typed);
  program.hook("preAction", (_, action) => checkMachineOptions(action, typed, io));
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    return reportError(e, io);
  }
  return result.status;
}

/**
 * Makes commander throw instead of exiting, and write through io with vmlab's error prefix, on
 * every subcommand; records each option's text as typed in `typed` (by attribute name).
 */
function configure(cmd: Command, io: CliIo, typed: Map<string, string>): void {
  cmd.exitOverride();
  cmd.showHelpAfterError("(run with --help for usage)");
  cmd.configureOutput({
    writeOut: (s) => io.stdout(s),
    writeErr: (s) => io.stderr(s),
    outputError: (s, write) => write(commanderMessage(s)),
  });
  for (const option of cmd.options) {
    cmd.on(`option:${option.name()}`, (text?: string) =>
      typed.set(option.attributeName(), text ?? ""),
    );
  }
  for (const sub of cmd.commands) configure(sub, io, typed);
}

/** The machine commands (`run`, `step`): the RAM size checked as typed, and a warning for each option that does nothing. */
const MACHINE_COMMANDS = ["run", "step"];

/** Before `run` or `step` acts: refuses an unusable --ram or --swap (as typed), warns of ineffective options. */
function checkMachineOptions(action: Command, typed: ReadonlyMap<string, string>, io: CliIo): void {
  if (!MACHINE_COMMANDS.includes(action.name())) return;
  const opts = action.opts<{ ram: number; mm: MmuMode; swap: number }>();
  const problem =
    ramProblem(opts.ram, opts.mm, typed.get("ram")) ?? swapProblem(opts.swap, typed.get("swap"));
  if (problem) throw new UserError(problem);
  for (const line of ineffectiveOptionWarnings(opts, typed)) io.stderr(`vmlab: warning: ${line}\n`);
}

function reportError(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // commander has already printed its message (help, version, or a usage error).
    return e.exitCode;
  }
  if (e instanceof UserError || e instanceof SessionError) {
    io.stderr(`vmlab: ${e.message}\n`);
    return e instanceof UserError ? e.status : 1;
  }
  const err = e as Error;
  io.stderr(`vmlab: internal error: ${err?.message ?? String(e)}\n`);
  if (debugEnabled()) io.stderr(`${err?.stack ?? ""}\n`);
  return 70;
}

function debugEnabled(): boolean {
  return typeof process !== "undefined" && Boolean(process.env.VMLAB_DEBUG);
}
