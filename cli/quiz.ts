// `vmlab quiz <kind> [OSTEP flags...]`: the flags are the simulator's own, so commander hands
// everything after the kind to quiz/'s optparse-like parser untouched.
import { Command } from "commander";
import type { QuizTerminal } from "../quiz/ask.js";
import { QuizUsageError, quizHelp, quizKinds, runQuizCommand } from "../quiz/index.js";
import { type CliIo, readAllStdin, SOURCE_LIMIT, stdinLines, UserError } from "./io.js";
import type { CommandResult } from "./main.js";

/** Builds the `quiz` subcommand; its exit status is the simulator's (or 2 for a bad flag). */
export function quizCommand(io: CliIo, result: CommandResult): Command {
  return new Command("quiz")
    .argument("[kind]", quizKinds.map((k) => k.name).join(", "))
    .argument("[flags...]", "the OSTEP simulator's flags (vmlab quiz <kind> -h lists them)")
    .helpOption(false)
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      const [kind, ...args] = quizArgs(result.argv);
      if (kind === undefined) {
        throw new UserError(
          `quiz: missing kind (one of ${quizKinds.map((k) => k.name).join(", ")})`,
          2,
        );
      }
      if (kind === "-h" || kind === "--help") {
        io.stdout(quizHelp());
        return;
      }
      try {
        const out = runQuizCommand(kind, args, {
          readFile: (p) => decode(io.readFile(p), p),
          readStdin: () => decode(readAllStdin(io, SOURCE_LIMIT), "standard input"),
          terminal: quizTerminal(io),
        });
        if (out.stdout) io.stdout(out.stdout);
        if (out.stderr) io.stderr(out.stderr);
        result.status = out.status;
      } catch (e) {
        if (e instanceof QuizUsageError) throw new UserError(e.message, 2);
        throw e;
      }
    });
}

/** The terminal `--ask` uses: stdout, stdin line by line, answers echoed unless typed on a TTY. */
function quizTerminal(io: CliIo): QuizTerminal {
  return {
    write: (text) => io.stdout(text),
    readLine: stdinLines(io),
    echo: io.isTerminal?.("stdin") !== true,
  };
}

/** The words after `quiz` exactly as typed (commander would drop a bare `--`). */
function quizArgs(argv: readonly string[]): string[] {
  const at = argv.indexOf("quiz");
  return at >= 0 ? argv.slice(at + 1) : [];
}

function decode(bytes: Uint8Array, path: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${path}: not a text file`);
  }
}
