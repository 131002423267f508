// The stepper's commands: one table, one small function each. A command gets the context and
// its parsed line; bad input is a StepError (one line), after which the session goes on.
import { hex32 } from "../../hw/hex.js";
import { Access, causeName } from "../../hw/trap.js";
import { StepError } from "../../session/step/errors.js";
import {
  imagesFor,
  lookupFor,
  needFocus,
  needProc,
  translateIn,
} from "../../session/step/inspect.js";
import { addressTarget } from "../../session/step/motion.js";
import { findLabel } from "../../session/step/symbols.js";
import {
  restartRun,
  runToStop,
  type StepContext,
  stepBack,
  stepInstructions,
  stepOver,
  whereLines,
} from "./control.js";
import {
  type AddressContext,
  type CommandLine,
  parseAddress,
  parseExamineFormat,
  parseNumber,
  registerNumber,
} from "./parse.js";
import {
  disassemblyLines,
  examineLines,
  examinePhysicalLines,
  memmapLines,
  pageTableLines,
  procsLines,
  regsLines,
  statsLines,
  stringLines,
  tlbLines,
} from "./printers.js";
import { mmuLine, splitLine } from "./report.js";

/** One row of the command table. */
export interface StepCommand {
  name: string;
  aliases: readonly string[];
  usage: string;
  help: string;
  /** Most arguments it takes. */
  maxArgs: number;
  /** True if it takes a /format (x and xp). */
  format?: boolean;
  /** Moving commands are async: they let the terminal breathe (progress, Ctrl-C). */
  run(ctx: StepContext, line: CommandLine): void | Promise<void>;
}

/** The command table, in the order help lists it. */
export const COMMANDS: readonly StepCommand[] = [
  {
    name: "step",
    aliases: ["s", "si", "stepi"],
    usage: "step [n]",
    help: "run n instructions (default 1), each with its translations and register changes",
    maxArgs: 1,
    run: (ctx, l) => stepInstructions(ctx, countArg(l, 1)),
  },
  {
    name: "next",
    aliases: ["n", "ni", "nexti"],
    usage: "next",
    help: "like step, but run a call (jal/jalr that links ra) until it returns",
    maxArgs: 0,
    run: (ctx) => stepOver(ctx),
  },
  {
    name: "continue",
    aliases: ["c", "cont"],
    usage: "continue",
    help: "run until a breakpoint, a watchpoint, the end, or the run limit",
    maxArgs: 0,
    run: (ctx) => runToStop(ctx),
  },
  {
    name: "until",
    aliases: ["u", "advance"],
    usage: "until ADDR",
    help: "run until the process on the CPU reaches ADDR (or another stop)",
    maxArgs: 1,
    run: untilCommand,
  },
  {
    name: "back",
    aliases: ["reverse-step", "rs"],
    usage: "back [n]",
    help: "go back n steps (default 1), exactly: the run is replayed from a checkpoint or the start",
    maxArgs: 1,
    run: (ctx, l) => stepBack(ctx, countArg(l, 1)),
  },
  {
    name: "restart",
    aliases: ["run", "r"],
    usage: "restart",
    help: "start the programs again from their first instruction (breakpoints and watchpoints stay)",
    maxArgs: 0,
    run: (ctx) => restartRun(ctx),
  },
  {
    name: "break",
    aliases: ["b"],
    usage: "break [ADDR|label]",
    help: "stop when the process on the CPU arrives at ADDR; without one, list the stops",
    maxArgs: 1,
    run: breakCommand,
  },
  {
    name: "watch",
    aliases: ["w"],
    usage: "watch [VA]",
    help: "stop when the 32-bit word at VA (in the current process) changes; without one, list",
    maxArgs: 1,
    run: watchCommand,
  },
  {
    name: "delete",
    aliases: ["d"],
    usage: "delete [id]",
    help: "delete breakpoint or watchpoint id (all of them without one)",
    maxArgs: 1,
    run: deleteCommand,
  },
  {
    name: "where",
    aliases: ["pc"],
    usage: "where",
    help: "show the next instruction of the current process",
    maxArgs: 0,
    run: (ctx) => whereLines(ctx).forEach(ctx.out),
  },
  {
    name: "regs",
    aliases: ["registers", "info-registers"],
    usage: "regs [pid]",
    help: "the registers of the current process (or of pid)",
    maxArgs: 1,
    run: (ctx, l) => regsLines(ctx.s, procArg(ctx, l)).forEach(ctx.out),
  },
  {
    name: "x",
    aliases: [],
    usage: "x/Nw VA",
    help: "examine N words (/Nh halves, /Nb bytes, /Ni instructions, /Ns strings) of the current process's virtual memory, with the bytes as text",
    maxArgs: 1,
    format: true,
    run: examineCommand,
  },
  {
    name: "xp",
    aliases: [],
    usage: "xp/Nw PA",
    help: "examine N words (/Nh, /Nb) of physical memory",
    maxArgs: 1,
    format: true,
    run: examinePhysicalCommand,
  },
  {
    name: "translate",
    aliases: ["t"],
    usage: "translate VA [r|w|x]",
    help: "explain the translation of VA for a load (r), store (w) or fetch (x), changing nothing",
    maxArgs: 2,
    run: translateCommand,
  },
  {
    name: "pt",
    aliases: ["pagetable"],
    usage: "pt [pid]",
    help: "the page table of the current process (or pid), xv6 vmprint style: valid entries only",
    maxArgs: 1,
    run: (ctx, l) => pageTableLines(ctx.s, procArg(ctx, l)).forEach(ctx.out),
  },
  {
    name: "tlb",
    aliases: [],
    usage: "tlb",
    help: "the TLB's valid entries: set, way, vpn, ppn, asid, flags, LRU stamp",
    maxArgs: 0,
    run: (ctx) => tlbLines(ctx.s).forEach(ctx.out),
  },
  {
    name: "memmap",
    aliases: ["mm"],
    usage: "memmap",
    help: "the physical memory map: who owns each 4 KiB frame",
    maxArgs: 0,
    run: (ctx) => memmapLines(ctx.s, ctx.paint).forEach(ctx.out),
  },
  {
    name: "procs",
    aliases: ["ps"],
    usage: "procs",
    help: "the process table (* marks the process on the CPU)",
    maxArgs: 0,
    run: (ctx) => procsLines(ctx.s).forEach(ctx.out),
  },
  {
    name: "stats",
    aliases: [],
    usage: "stats",
    help: "hardware and kernel counters, as vmlab run --stats prints them",
    maxArgs: 0,
    run: (ctx) => statsLines(ctx.s).forEach(ctx.out),
  },
  {
    name: "help",
    aliases: ["h", "?"],
    usage: "help [command]",
    help: "this list, or one command's usage",
    maxArgs: 1,
    run: helpCommand,
  },
  {
    name: "quit",
    aliases: ["q", "exit"],
    usage: "quit",
    help: "end the session (end of input does too)",
    maxArgs: 0,
    run: () => {},
  },
];

/** The command named `name` (or an alias of it), or a StepError. */
export function findCommand(name: string): StepCommand {
  const c = COMMANDS.find((x) => x.name === name || x.aliases.includes(name));
  if (!c) throw new StepError(`unknown command '${name}' (type help for the list)`);
  return c;
}

/** Runs one parsed line: checks its shape against the table, then the command. */
export async function runCommand(ctx: StepContext, line: CommandLine): Promise<void> {
  const c = findCommand(line.name);
  if (line.format !== undefined && !c.format)
    throw new StepError(`${c.name} takes no /format (usage: ${c.usage})`);
  if (line.args.length > c.maxArgs) throw new StepError(`too many arguments (usage: ${c.usage})`);
  await c.run(ctx, line);
}

/** Every name a user may type, for tab completion. */
export function commandNames(): string[] {
  return COMMANDS.flatMap((c) => [c.name, ...c.aliases]).sort();
}

function countArg(l: CommandLine, fallback: number): number {
  const a = l.args[0];
  return a === undefined ? fallback : parseNumber(a, "count");
}

function procArg(ctx: StepContext, l: CommandLine) {
  const a = l.args[0];
  return a === undefined ? needFocus(ctx.s) : needProc(ctx.s, parseNumber(a, "pid"));
}

function needArg(l: CommandLine, what: string, usage: string): string {
  const a = l.args[0];
  if (a === undefined) throw new StepError(`${what} missing (usage: ${usage})`);
  return a;
}

/** How addresses are read: labels of the programs, registers of the current process. */
function addressContext(ctx: StepContext): AddressContext {
  const s = ctx.s;
  return {
    label: (name) => findLabel(imagesFor(s), name),
    register: (name) => {
      const p = needFocus(s);
      const r = s.regsOf(p.pid);
      if (name === "pc") return r?.pc;
      const n = registerNumber(name);
      return n === undefined || !r ? undefined : r.x[n]! >>> 0;
    },
  };
}

function addressArg(ctx: StepContext, text: string): number {
  return parseAddress(text, addressContext(ctx));
}

function untilCommand(ctx: StepContext, l: CommandLine): Promise<void> {
  const spec = needArg(l, "address", "until ADDR");
  return runToStop(ctx, addressTarget(ctx.s, addressArg(ctx, spec), spec));
}

function breakCommand(ctx: StepContext, l: CommandLine): void {
  const spec = l.args[0];
  if (spec === undefined) {
    ctx.stops.list().forEach(ctx.out);
    return;
  }
  const addr = addressArg(ctx, spec);
  const b = ctx.stops.addBreak(addr, spec);
  const label = lookupFor(ctx.s, undefined)(addr);
  ctx.out(`breakpoint ${b.id} at ${hex32(addr)}${label ? ` <${label}>` : ""}`);
}

function watchCommand(ctx: StepContext, l: CommandLine): void {
  const spec = l.args[0];
  if (spec === undefined) {
    ctx.stops.list().forEach(ctx.out);
    return;
  }
  const va = addressArg(ctx, spec);
  const p = needFocus(ctx.s);
  const w = ctx.stops.addWatch(ctx.s, p.pid, va, spec);
  const now = w.value === undefined ? "not mapped yet" : `now ${hex32(w.value)}`;
  ctx.out(`watchpoint ${w.id}: word at ${hex32(va)} in pid ${p.pid} (${now})`);
}

function deleteCommand(ctx: StepContext, l: CommandLine): void {
  const a = l.args[0];
  if (a === undefined) {
    ctx.stops.deleteAll();
    ctx.out("deleted every breakpoint and watchpoint");
    return;
  }
  const id = parseNumber(a, "breakpoint number");
  ctx.stops.delete(id);
  ctx.out(`deleted ${id}`);
}

function examineCommand(ctx: StepContext, l: CommandLine): void {
  const { count, size, instructions, strings } = parseExamineFormat(l.format);
  const va = addressArg(ctx, needArg(l, "address", "x/Nw VA"));
  const p = needFocus(ctx.s);
  const lines = instructions
    ? disassemblyLines(ctx.s, p, va, count)
    : strings
      ? stringLines(ctx.s, p, va, count)
      : examineLines(ctx.s, p, va, count, size);
  lines.forEach(ctx.out);
}

function examinePhysicalCommand(ctx: StepContext, l: CommandLine): void {
  const { count, size, instructions, strings } = parseExamineFormat(l.format);
  if (instructions) throw new StepError("xp cannot disassemble (use x/Ni with a virtual address)");
  if (strings) throw new StepError("xp shows no strings (use x/s with a virtual address)");
  const text = needArg(l, "address", "xp/Nw PA");
  const pa = parseNumber(text, "physical address", 0);
  examinePhysicalLines(ctx.s, pa, count, size).forEach(ctx.out);
}

const ACCESSES: Record<string, Access> = {
  r: Access.Load,
  load: Access.Load,
  w: Access.Store,
  store: Access.Store,
  x: Access.Fetch,
  fetch: Access.Fetch,
};

function translateCommand(ctx: StepContext, l: CommandLine): void {
  const va = addressArg(ctx, needArg(l, "address", "translate VA [r|w|x]"));
  const kind = (l.args[1] ?? "r").toLowerCase();
  const access = ACCESSES[kind];
  if (access === undefined) throw new StepError(`bad access '${l.args[1]}' (expected r, w or x)`);
  const p = needFocus(ctx.s);
  const lines: string[] = [];
  const r = translateIn(ctx.s, p, va, access, (e) => {
    const line = mmuLine(e);
    if (line !== undefined) lines.push(line);
    const split = e.kind === "start" ? splitLine(ctx.s, e.mode, e.va) : undefined;
    if (split !== undefined) lines.push(split);
  });
  lines.forEach(ctx.out);
  ctx.out(
    r.ok
      ? `pid ${p.pid}: ${hex32(va)} -> ${hex32(r.pa)} (nothing changed: no counter, TLB entry or A/D bit)`
      : `pid ${p.pid}: ${hex32(va)} would fault: ${causeName(r.cause)} (${r.reason}); a real access traps to the kernel`,
  );
}

function helpCommand(ctx: StepContext, l: CommandLine): void {
  const a = l.args[0];
  if (a !== undefined) {
    const c = findCommand(a.toLowerCase());
    const aka = c.aliases.length > 0 ? ` (also ${c.aliases.join(", ")})` : "";
    ctx.out(`${c.usage}${aka}: ${c.help}`);
    return;
  }
  const width = Math.max(...COMMANDS.map((c) => c.usage.length));
  for (const c of COMMANDS) ctx.out(`  ${c.usage.padEnd(width)}  ${c.help}`);
  ctx.out(
    "ADDR and VA: a number (0x10074, 65652), a label (_start), $register ($sp, $pc), or a sum (_start+8)",
  );
}
