// The `vmlab` command: one subcommand per file, joined here with addCommand. `main` runs in-process
// (tests call it with a captured CliIo); only the bin entry at the bottom calls process.exit.
import { Command, CommanderError } from "commander";
import { SessionError } from "../session/errors.js";
import { type CliIo, UserError } from "./io.js";
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
  configure(program, io);
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    return reportError(e, io);
  }
  return result.status;
}

/** Makes commander throw instead of exiting, and write through io, on every subcommand. */
function configure(cmd: Command, io: CliIo): void {
  cmd.exitOverride();
  cmd.showHelpAfterError("(run with --help for usage)");
  cmd.configureOutput({
    writeOut: (s) => io.stdout(s),
    writeErr: (s) => io.stderr(s),
  });
  for (const sub of cmd.commands) configure(sub, io);
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
