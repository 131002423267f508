// Where the stepper's commands come from: a script (a --script file, or all of a piped stdin), or
// a terminal (readline with history and tab completion). In a script every command is echoed
// after a prompt, so the output reads as a transcript; an error names the script line, is
// reported on stderr, and the script goes on (the exit status is then 1).
import { createInterface } from "node:readline";
import { registerName } from "../../asm/isa.js";
import { hex32 } from "../../hw/hex.js";
import { StepError } from "../../session/step/errors.js";
import { focus, imagesFor, lookupFor } from "../../session/step/inspect.js";
import { labelNames } from "../../session/step/symbols.js";
import { INTERRUPTED_STATUS } from "../interrupt.js";
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
async function runLine(
  ctx: StepContext,
  text: string,
  report: (message: string) => void,
): Promise<boolean> {
  const line = splitLine(text);
  if (!line) return true;
  if (line.name === "quit" || line.name === "q" || line.name === "exit") return false;
  try {
    await runCommand(ctx, line);
  } catch (e) {
    if (!(e instanceof StepError)) throw e;
    report(e.message);
  }
  return true;
}

/** How often a long command lets the event loop run (so Ctrl-C is seen), in ms. */
const PACE_MS = 25;
/** A long command shows its progress on a terminal once it has run this long, in ms. */
const PROGRESS_AFTER_MS = 400;

/**
 * Lets long commands breathe: between slices it yields to the event loop every PACE_MS (so a
 * Ctrl-C can arrive), shows the instructions run so far on a terminal, and says whether the user
 * interrupted. `interrupt()` is what Ctrl-C calls; it returns false when no command is running.
 */
export class Pacer {
  private busy = false;
  private interrupted = false;
  private started = 0;
  private turn = 0;
  private shown = false;
  private readonly progress: ((text: string) => void) | null;
  /** Installs a Ctrl-C handler, returning its removal; null where Ctrl-C reaches us otherwise. */
  private readonly listen: ((handler: () => void) => () => void) | null;
  /** Removes the handler installed for the running command, if one was. */
  private unlisten: (() => void) | null = null;

  /**
   * `progress` writes to the terminal (null when output is not a terminal: no progress shown).
   * `listen` installs a Ctrl-C handler; it is installed only while a command that paces itself
   * runs, so a Ctrl-C during any other command still ends the process as it always did.
   */
  constructor(
    progress: ((text: string) => void) | null,
    listen: ((handler: () => void) => () => void) | null = null,
  ) {
    this.progress = progress;
    this.listen = listen;
  }

  /** For StepContext.pace. */
  readonly pace = async (done: number): Promise<boolean> => {
    if (this.busy && this.unlisten === null && this.listen !== null)
      this.unlisten = this.listen(() => this.interrupt());
    if (performance.now() < this.turn + PACE_MS) return this.interrupted;
    await new Promise((resolve) => setImmediate(resolve));
    this.turn = performance.now();
    if (this.progress && !this.interrupted && this.turn - this.started > PROGRESS_AFTER_MS) {
      this.progress(`\r${done} instructions so far (Ctrl-C stops)`);
      this.shown = true;
    }
    return this.interrupted;
  };

  /** Runs one command's `work` as the current one. */
  async around<T>(work: () => Promise<T>): Promise<T> {
    this.busy = true;
    this.interrupted = false;
    this.started = this.turn = performance.now();
    try {
      return await work();
    } finally {
      this.busy = false;
      this.unlisten?.();
      this.unlisten = null;
      this.clearProgress();
    }
  }

  /** Asks the running command to stop; false if none is running. */
  interrupt(): boolean {
    if (this.busy) this.interrupted = true;
    return this.busy;
  }

  /** True if the last command was interrupted. */
  get wasInterrupted(): boolean {
    return this.interrupted;
  }

  /** Erases the progress line (before any other output). */
  clearProgress(): void {
    if (!this.shown) return;
    this.progress?.("\r\x1b[K");
    this.shown = false;
  }
}

/**
 * Runs `text` line by line as commands, echoing each after the prompt. Returns 1 if any command
 * failed (each failure reported on stderr as `name:line: message`), else 0; a Ctrl-C stops the
 * command running and ends the script (130, as a shell reports SIGINT): a command that paces
 * itself stops at an instruction boundary and says where (`pacer` listens for Ctrl-C only then).
 */
export async function runScript(
  ctx: StepContext,
  io: CliIo,
  pacer: Pacer,
  name: string,
  text: string,
): Promise<number> {
  let status = 0;
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === "") lines.pop();
  for (const [i, line] of lines.entries()) {
    if (splitLine(line)) ctx.out(`${promptText(ctx)}${line.trim()}`);
    const go = await pacer.around(() =>
      runLine(ctx, line, (message) => {
        status = 1;
        io.stderr(`vmlab step: ${name}:${i + 1}: ${message}\n`);
      }),
    );
    if (pacer.wasInterrupted) return INTERRUPTED_STATUS;
    if (!go) break;
  }
  return status;
}

/** Commands that an empty line repeats, as in gdb. */
const REPEATABLE = new Set(["step", "s", "si", "stepi", "next", "n", "ni", "nexti"]);

/** The line the interactive session opens with: what runs, where, and how to get help. */
export function openingLine(ctx: StepContext): string {
  const s = ctx.s;
  const p = focus(s);
  const names = s.setup.files.map(baseName).join(", ");
  const where = p ? `pid ${p.pid} at ${whereName(ctx)}` : "nothing left to run";
  return `vmlab step: ${names} ${s.world.kernel.memory.mode}, ${where} — type help (Tab completes, Ctrl-C stops a run)`;
}

/** The focus process's pc as a label (or an address). */
function whereName(ctx: StepContext): string {
  const p = focus(ctx.s);
  if (!p) return "the end";
  const pc = ctx.s.regsOf(p.pid)?.pc ?? p.pc;
  return lookupFor(ctx.s, p)(pc) ?? hex32(pc);
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/**
 * The interactive session on a terminal; resolves with 0 when the user quits or input ends.
 * Ctrl-C stops a running command at the next instruction boundary; at the prompt it clears the
 * line. Lines typed while a command runs wait their turn.
 */
export function runInteractive(ctx: StepContext, io: CliIo, pacer: Pacer): Promise<number> {
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: true,
    historySize: 1000,
    completer: (line: string) => complete(ctx, line),
  });
  let last = "";
  let running = false;
  const waiting: string[] = [];
  const prompt = () => {
    rl.setPrompt(ctx.paint("blue", promptText(ctx)));
    rl.prompt();
  };
  rl.on("SIGINT", () => {
    if (pacer.interrupt()) return;
    const typed = rl.line.length > 0;
    rl.write(null, { ctrl: true, name: "e" });
    rl.write(null, { ctrl: true, name: "u" });
    io.stdout(typed ? "^C\n" : "^C (type quit or press Ctrl-D to leave)\n");
    prompt();
  });
  const serve = async (text: string): Promise<void> => {
    running = true;
    const line = text.trim() === "" ? last : text;
    const name = splitLine(line)?.name;
    last = name && REPEATABLE.has(name) ? line : "";
    const go = await pacer.around(() =>
      runLine(ctx, line, (message) => io.stderr(`${ctx.paint("red", "error:")} ${message}\n`)),
    );
    running = false;
    if (!go) {
      rl.close();
      return;
    }
    const next = waiting.shift();
    if (next !== undefined) return serve(next);
    prompt();
  };
  rl.on("line", (text) => {
    if (running) waiting.push(text);
    else void serve(text);
  });
  return new Promise((resolve) => {
    rl.on("close", () => resolve(0));
    ctx.out(openingLine(ctx));
    prompt();
  });
}

/**
 * Tab completion. On an empty line or in the first word: command names; after a command: labels
 * and $registers (help: command names). No match lists nothing.
 */
export function complete(ctx: StepContext, line: string): [string[], string] {
  const words = line.trimStart().split(/\s+/);
  const word = words.at(-1) ?? "";
  const names = words.length <= 1 ? commandNames() : argumentNames(ctx, words[0]!);
  return [names.filter((n) => n.startsWith(word)), word];
}

/** What may follow command `command`: command names after help, else labels and registers. */
function argumentNames(ctx: StepContext, command: string): string[] {
  if (command === "help" || command === "h" || command === "?") return commandNames();
  const registers = ["$pc", ...Array.from({ length: 32 }, (_, i) => `$${registerName(i)}`)];
  return [...labelNames(imagesFor(ctx.s)), ...registers];
}
