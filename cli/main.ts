// The `vmlab` command: one subcommand per file, joined here with addCommand. `main` runs in-process
// (tests call it with a captured CliIo); only the bin entry (bin.ts) calls process.exit.
// Only the files of the subcommands the command line names are loaded (subcommands.ts): the
// static imports here must stay clear of hw/, kernel/, asm/, session/ and the rest, so that
// `vmlab --help` starts fast (test/cli/start.test.ts checks).
import { Command, CommanderError, Help } from "commander";
import type { MmuMode } from "../hw/mmu.js";
import { SessionError } from "../session/errors.js";
import { type CliIo, UserError } from "./io.js";
import { commanderMessage, ineffectiveOptionWarnings } from "./options.js";
import { type Subcommand, subcommands } from "./subcommands.js";

/** What an action reports back: the exit status of the whole command. */
export interface CommandResult {
  status: number;
  /** The whole command line as given to main (for arguments after a bare `--`). */
  argv: readonly string[];
}

/** Runs `vmlab` with `argv` (without node and script) and returns the exit status. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const result: CommandResult = { status: 0, argv };
  const program = await vmlabCommand(io, result, namedSubcommands(argv));
  const typed = new Map<string, string>();
  configure(program, io, typed);
  program.hook("preAction", async (_, action) => checkMachineOptions(action, typed, io));
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (e) {
    return reportError(e, io);
  }
  return result.status;
}

/**
 * The `vmlab` command with every subcommand: those in `wanted` in full (their files loaded), the
 * others as stand-ins that only show in `vmlab --help`'s list.
 */
export async function vmlabCommand(
  io: CliIo,
  result: CommandResult,
  wanted: ReadonlySet<string>,
): Promise<Command> {
  const program = new Command("vmlab")
    .description("An emulated RISC-V computer and a small kernel for learning memory management")
    .version("0.1.0")
    .showHelpAfterError("(run with --help for usage)")
    .configureHelp({ subcommandTerm: listedTerm });
  for (const sub of subcommands) {
    const cmd = wanted.has(sub.name)
      ? (await sub.load())(io, result)
      : new Command(sub.name).usage(sub.usage);
    program.addCommand(cmd.description(sub.description));
  }
  return program;
}

/**
 * The subcommands commander might run for `argv`: every one a word names (`vmlab help run` runs
 * run's help, `vmlab -- run` runs run). Loading one more than runs (a guest's argument `step`)
 * only costs time.
 */
function namedSubcommands(argv: readonly string[]): Set<string> {
  const words = new Set(argv);
  return new Set(subcommands.filter((s) => words.has(s.name)).map((s) => s.name));
}

/** A subcommand as `vmlab --help` lists it: its name and usage from subcommands.ts. */
function listedTerm(cmd: Command): string {
  const sub: Subcommand | undefined = subcommands.find((s) => s.name === cmd.name());
  return sub ? `${sub.name} ${sub.usage}`.trim() : new Help().subcommandTerm(cmd);
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
async function checkMachineOptions(
  action: Command,
  typed: ReadonlyMap<string, string>,
  io: CliIo,
): Promise<void> {
  if (!MACHINE_COMMANDS.includes(action.name())) return;
  const { ramProblem, swapProblem } = await import("../session/boot.js");
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
