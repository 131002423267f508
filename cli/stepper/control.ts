// Moving through the run: step (traced), next (over calls), continue and until (quiet, to a stop),
// and back (replay to an earlier step). Each prints what happened through the context.
import { REG_RA } from "../../asm/isa.js";
import { hex32 } from "../../hw/trap.js";
import { StepError } from "../../session/step/errors.js";
import {
  focus,
  instructionAt,
  lookupFor,
  needFocus,
  peekWords,
} from "../../session/step/inspect.js";
import type { Session } from "../../session/step/session.js";
import type { Stops } from "../../session/step/stops.js";
import { symbolLookup } from "../../session/step/symbols.js";
import type { Paint } from "./colour.js";
import { formatStep, instructionLine } from "./report.js";

/** What every command gets: the session, the stops, how to print, and the run limit. */
export interface StepContext {
  s: Session;
  stops: Stops;
  paint: Paint;
  out: (line: string) => void;
  /** Most instructions one continue, next or until may run. */
  runLimit: number;
}

const OP_JAL = 0x6f;
const OP_JALR = 0x67;
const OP_AUIPC = 0x17;
/** The alternate link register of the calling convention (t0). */
const REG_T0 = 5;
const REG_SP = 2;

/** Refuses to move when nothing is left to run. */
function needLive(ctx: StepContext): void {
  if (!ctx.s.hasLive())
    throw new StepError("every process has ended (use back to return to an earlier state)");
}

/** step [n]: n instructions, each explained; stops early at a breakpoint, watchpoint or the end. */
export function stepInstructions(ctx: StepContext, n: number): void {
  needLive(ctx);
  const { s, paint, out } = ctx;
  for (let i = 0; i < n; i++) {
    if (i > 0 && !s.hasLive()) break;
    const r = s.stepTraced();
    const lookup = symbolLookup(s.images.get(r.fetched?.program ?? "") ?? s.setup.images[0]);
    for (const line of formatStep(r, s.world.machine.cpu.instret, lookup, paint)) out(line);
    const why = ctx.stops.check(s);
    if (why) {
      out(paint("red", `stopped: ${why}`));
      break;
    }
  }
  if (!s.hasLive()) out("every process has ended");
}

/**
 * next: like step, but a call (jal/jalr linking ra or t0, or the auipc+jalr pair of `call`) runs
 * until the same process is back at the return address with its stack no deeper (so a recursive
 * call does not stop it early).
 */
export function stepOver(ctx: StepContext): void {
  needLive(ctx);
  const { s } = ctx;
  const p = needFocus(s);
  const { pc, word } = safeInstructionAt(ctx);
  const ret = word === undefined ? undefined : returnAddress(ctx, pc, word);
  if (ret === undefined) {
    stepInstructions(ctx, 1);
    return;
  }
  const sp = s.regsOf(p.pid)!.x[REG_SP]! >>> 0;
  const pid = p.pid;
  runToStop(ctx, () => {
    const r = s.regsOf(pid);
    if (!r) return `pid ${pid} ended inside the call`;
    const here = s.world.kernel.current?.pid === pid && r.pc === ret && r.x[REG_SP]! >>> 0 >= sp;
    return here ? `returned from the call at ${hex32(pc)}` : undefined;
  });
}

/** True for a jal or jalr that links ra or t0 (a call). */
function isCall(word: number): boolean {
  const op = word & 0x7f;
  return (op === OP_JAL || op === OP_JALR) && isLinkRegister((word >>> 7) & 31);
}

function isLinkRegister(rd: number): boolean {
  return rd === REG_RA || rd === REG_T0;
}

/**
 * Where the call starting at `pc` returns to, or undefined if `word` starts no call. A `call`
 * pseudo-instruction (auipc ra + jalr ra) counts as one call, returning after the jalr.
 */
function returnAddress(ctx: StepContext, pc: number, word: number): number | undefined {
  if (isCall(word)) return (pc + 4) >>> 0;
  const rd = (word >>> 7) & 31;
  if ((word & 0x7f) !== OP_AUIPC || !isLinkRegister(rd)) return undefined;
  const next = peekWords(ctx.s, needFocus(ctx.s), (pc + 4) >>> 0, 1, 4)[0];
  const pairs = next !== undefined && isCall(next) && ((next >>> 15) & 31) === rd;
  return pairs ? (pc + 8) >>> 0 : undefined;
}

/** continue / until: runs quietly until a stop (or `target` says so), then shows where it is. */
export function runToStop(ctx: StepContext, target?: () => string | undefined): void {
  needLive(ctx);
  const { s, paint, out } = ctx;
  const start = s.world.machine.cpu.instret;
  const why = runUntil(ctx, target);
  s.flushGuest();
  const ran = s.world.machine.cpu.instret - start;
  out(paint("red", `stopped: ${why} (${ran} instruction${ran === 1 ? "" : "s"} run)`));
  for (const line of whereLines(ctx)) out(line);
}

function runUntil(ctx: StepContext, target?: () => string | undefined): string {
  const { s, stops, runLimit } = ctx;
  const ended = "every process has ended";
  const limited = `the run limit of ${runLimit} instructions (--run-limit) was reached`;
  if (stops.empty && !target) {
    s.runQuiet(runLimit);
    return s.hasLive() ? limited : ended;
  }
  for (let i = 0; i < runLimit; i++) {
    if (!s.hasLive()) return ended;
    s.stepQuiet();
    const why = [target?.(), stops.check(s)].filter((w) => w !== undefined);
    if (why.length > 0) return why.join("; ");
  }
  return s.hasLive() ? limited : ended;
}

/** back [n]: replays the run from the start to n steps ago. */
export function stepBack(ctx: StepContext, n: number): void {
  const { s, out } = ctx;
  const at = s.position;
  if (n > at)
    throw new StepError(`cannot go back ${n}: only ${at} step${at === 1 ? " has" : "s have"} run`);
  s.replayTo(at - n);
  ctx.stops.resync(s);
  out(`back ${n}: at step ${at - n} (replayed from the start)`);
  for (const line of whereLines(ctx)) out(line);
}

/** The next instruction of the focus process, or that nothing is left. */
export function whereLines(ctx: StepContext): string[] {
  const { s, paint } = ctx;
  const p = focus(s);
  const count = s.world.machine.cpu.instret;
  if (!p) return [`=> every process has ended (${count} instructions in all)`];
  const { pc, word } = safeInstructionAt(ctx);
  return [instructionLine("=>", p.pid, pc, word, lookupFor(s, p), paint)];
}

function safeInstructionAt(ctx: StepContext): { pc: number; word: number | undefined } {
  const p = needFocus(ctx.s);
  try {
    return instructionAt(ctx.s, p);
  } catch (e) {
    if (e instanceof StepError) return { pc: p.pc >>> 0, word: undefined };
    throw e;
  }
}
