// Where the stepper's commands come from: a script (a --script file, or all of a piped stdin), or
// a terminal (readline with history and tab completion). In a script every command is echoed
// after a prompt, so the output reads as a transcript; an error names the script line, is
// reported on stderr, and the script goes on (the exit status is then 1).
import { createInterface } from "node:readline";
import { hex32 } from "../../hw/hex.js";
import { StepError } from "../../session/step/errors.js";
import { focus, imagesFor } from "../../session/step/inspect.js";
import { labelNames } from "../../session/step/symbols.js";
import type { CliIo } from "../io.js";
import { commandNames, runCommand } from "./commands.js";
import type { StepContext } from "./control.js";
import { splitLine } from "./parse.js";

/** The prompt: the current process and its pc, or that nothing is left. */
export function promptText(ctx: StepContext): string {
  const p = focus(ctx.s);
  if (!p) return "(ended) ";
  const pc = ctx.s.regsOf(p.pid)?.pc ?? p.pc;
  return `(pid ${p.pid} ${hex32(pc)}) `;
}

/**
 * Runs one line; true to go on, false after quit. A StepError goes to `report` (one line);
 * anything else is a bug and propagates.
 */
function runLine(ctx: StepContext, text: string, report: (message: string) => void): boolean {
  const line = splitLine(text);
  if (!line) return true;
  if (line.name === "quit" || line.name === "q" || line.name === "exit") return false;
  try {
    runCommand(ctx, line);
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    report(e.message);
  }
  return true;
}

/**
 * Runs `text` line by line as commands, echoing each after the prompt. Returns 1 if any command
 * failed (each failure reported on stderr as `name:line: message`), else 0.
 */
export function runScript(ctx: StepContext, io: CliIo, name: string, text: string): number {
  let status = 0;
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  for (const [i, line] of lines.entries()) {
    if (splitLine(line)) ctx.out(`${promptText(ctx)}${line.trim()}`);
    const go = runLine(ctx, line, (message) => {
      status = 1;
      io.stderr(`vmlab step: ${name}:${i + 1}: ${message}\n`);
    });
    if (!go) break;
  }
  return status;
}

/** Commands that an empty line repeats, as in gdb. */
const REPEATABLE = new Set(["step", "s", "si", "stepi", "next", "n", "ni", "nexti"]);

/** The interactive session on a terminal; resolves with 0 when the user quits or input ends. */
export function runInteractive(ctx: StepContext, io: CliIo): Promise<number> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: 1000,
    completer: (line: string) => complete(ctx, line),
  });
  let last = "";
  const prompt = () => {
    rl.setPrompt(ctx.paint("blue", promptText(ctx)));
    rl.prompt();
  };
  rl.on("SIGINT", () => {
    io.stdout("\n(type quit or press ctrl-d to leave)\n");
    prompt();
  });
  rl.on("line", (text) => {
    const line = text.trim() === "" ? last : text;
    const name = splitLine(line)?.name;
    last = name && REPEATABLE.has(name) ? line : "";
    const go = runLine(ctx, line, (message) =>
      io.stderr(`${ctx.paint("red", "error:")} ${message}\n`),
    );
    if (go) prompt();
    else rl.close();
  });
  return new Promise((resolve) => {
    rl.on("close", () => resolve(0));
    prompt();
  });
}

/** Tab completion: command names first, then labels for commands that take an address. */
function complete(ctx: StepContext, line: string): [string[], string] {
  const words = line.split(/\s+/);
  const word = words.at(-1) ?? "";
  const names = words.length <= 1 ? commandNames() : labelNames(imagesFor(ctx.s));
  const hits = names.filter((n) => n.startsWith(word));
  return [hits.length > 0 ? hits : names, word];
}
