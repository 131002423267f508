// `vmlab step <prog...> [-- args]`: the interactive single-stepper. Each step prints the
// instruction, every translation it made (TLB, walk levels, permission check, physical address or
// fault, and what the kernel did about it) and the registers it changed; dumps show the page
// table, the TLB, the memory map and the processes; `back` returns exactly to an earlier step.
// Commands come from a terminal, a --script file, or a piped stdin (docs/stepper.md).
import { Command, type Option } from "commander";
import { bytesSource, type StdinSource } from "../session/step/guest-io.js";
import { Session } from "../session/step/session.js";
import { Stops } from "../session/step/stops.js";
import { type MachineOptions, prepareSetup } from "./boot.js";
import { type CliIo, readAllStdin, SOURCE_LIMIT } from "./io.js";
import { parseCount } from "./options.js";
import { runCommand as runSubcommand } from "./run.js";
import { makePaint } from "./stepper/colour.js";
import type { StepContext } from "./stepper/control.js";
import { Pacer, runInteractive, runScript } from "./stepper/driver.js";
import { noteLine } from "./stepper/report.js";
import type { SubcommandFactory } from "./subcommands.js";

/** The `vmlab run` options that make sense here (taken from it, so names and defaults agree). */
const MACHINE_OPTIONS = [
  "ram", "mm", "tlb", "tlbWays", "tlbPolicy", "tlbRefill", "ad", "maxSteps",
  "quantum", "maxProcs", "fit", "forkCopy", "swap", "policy", "seed", "check",
  "misaligned",
]; // biome-ignore format: a list of names

/** Most instructions one continue/next/until runs unless --run-limit says otherwise. */
export const DEFAULT_RUN_LIMIT = 10_000_000;

interface StepOptions extends MachineOptions {
  script?: string;
  stdin?: string;
  runLimit: number;
}

/** The `step` subcommand; its action resolves when the session ends (status 1 if a script command failed). */
export const stepCommand: SubcommandFactory = (io, result) => {
  const cmd = new Command("step")
    .argument("<program...>", "program files, each started as a process; guest arguments follow --")
    .option("--script <file>", "run the commands in a file (no terminal needed) and exit")
    .option("--stdin <file>", "the guest's standard input (default: none; with --script, ours)")
    .option(
      "--run-limit <n>",
      "most instructions one continue, next or until runs",
      (s: string) => parseCount(s, 1),
      DEFAULT_RUN_LIMIT,
    );
  for (const o of runOptions(io, result)) cmd.addOption(o);
  return cmd.action(async (programs: string[], opts: StepOptions) => {
    const guestArgs = argsAfterDashes(result.argv);
    const files = programs.slice(0, programs.length - guestArgs.length);
    result.status = await stepPrograms(io, files, guestArgs, opts);
  });
};

/** `vmlab run`'s own Option objects for the machine options, in its order. */
function runOptions(io: CliIo, result: Parameters<SubcommandFactory>[1]): Option[] {
  return runSubcommand(io, result).options.filter((o) =>
    MACHINE_OPTIONS.includes(o.attributeName()),
  );
}

/** The guest's arguments: whatever followed a bare `--` on the command line. */
function argsAfterDashes(raw: readonly string[]): string[] {
  const at = raw.indexOf("--");
  return at < 0 ? [] : raw.slice(at + 1);
}

/** Runs a stepping session; returns the exit status (1 if a script command failed). */
async function stepPrograms(
  io: CliIo,
  files: string[],
  args: string[],
  opts: StepOptions,
): Promise<number> {
  const setup = prepareSetup(io, files, args, opts);
  const script = scriptText(io, opts);
  const stdoutIsTerminal = io.isTerminal?.("stdout") === true;
  const interactive = script === undefined && io.isTerminal?.("stdin") === true;
  const paint = makePaint(interactive && stdoutIsTerminal && !process.env.NO_COLOR);
  // At a terminal readline reports Ctrl-C itself; in a script the pacer listens while it paces.
  const pacer = new Pacer(
    progressWriter(io, stdoutIsTerminal),
    interactive ? null : (io.onInterrupt?.bind(io) ?? null),
  );
  const out = (line: string) => {
    pacer.clearProgress();
    io.stdout(`${line}\n`);
  };
  const session = new Session(setup, guestStdin(io, opts, script), (n) => {
    const line = noteLine(n, paint);
    if (line !== undefined) out(line);
  });
  const ctx: StepContext = {
    s: session,
    stops: new Stops(),
    paint,
    out,
    runLimit: opts.runLimit,
    pace: pacer.pace,
  };
  if (interactive) return runInteractive(ctx, io, pacer);
  const commands = script ?? { name: "stdin", text: readAll(io) };
  return runScript(ctx, io, pacer, commands.name, commands.text);
}

/** Where long commands show their progress: stdout when it is a terminal, else nowhere. */
function progressWriter(io: CliIo, terminal: boolean): ((text: string) => void) | null {
  return terminal ? (text) => io.stdout(text) : null;
}

function scriptText(io: CliIo, opts: StepOptions): { name: string; text: string } | undefined {
  if (opts.script === undefined) return undefined;
  return { name: opts.script, text: new TextDecoder().decode(io.readFile(opts.script)) };
}

/**
 * The guest's stdin: a --stdin file; else, with --script, our own stdin; else nothing (the
 * terminal or the pipe carries commands).
 */
function guestStdin(io: CliIo, opts: StepOptions, script: object | undefined): StdinSource {
  if (opts.stdin !== undefined) return bytesSource(io.readFile(opts.stdin));
  if (script !== undefined) return (max) => io.readStdin(max);
  return bytesSource(new Uint8Array(0));
}

function readAll(io: CliIo): string {
  return new TextDecoder().decode(readAllStdin(io, SOURCE_LIMIT));
}
