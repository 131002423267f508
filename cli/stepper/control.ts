// Moving through the run: step (traced), next (over calls), continue and until (quiet, to a stop),
// and back (replay to an earlier step, from a checkpoint or the start). Each prints what happened through the context; the moving
// itself is session/step/motion.ts.
import { StepError } from "../../session/step/errors.js";
import { focus, instructionAt, lookupFor, needFocus } from "../../session/step/inspect.js";
import * as engine from "../../session/step/motion.js";
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
  /**
   * Called now and then during a long command with the instructions run so far; resolves true
   * when the user asks to stop (Ctrl-C). Without it, commands run to their end.
   */
  pace?: (done: number) => Promise<boolean>;
}

/** The stop line of a command the user interrupted. */
const INTERRUPTED = "interrupted (Ctrl-C)";
/** Traced steps between two calls of ctx.pace. */
const STEPS_PER_PACE = 64;

/** step [n]: n instructions, each explained; stops early at a breakpoint, watchpoint or the end. */
export async function stepInstructions(ctx: StepContext, n: number): Promise<void> {
  engine.needLive(ctx.s);
  const { s, paint, out } = ctx;
  for (let i = 0; i < n; i++) {
    if (i > 0 && !s.hasLive()) break;
    if (i > 0 && i % STEPS_PER_PACE === 0 && (await ctx.pace?.(i))) {
      out(paint("red", `stopped: ${INTERRUPTED} after ${i} steps`));
      return;
    }
    const r = s.stepTraced();
    const lookup = symbolLookup(s.images.get(r.fetched?.program ?? "") ?? s.setup.images[0]);
    for (const line of formatStep(s, r, s.world.machine.cpu.instret, lookup, paint)) out(line);
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
export async function stepOver(ctx: StepContext): Promise<void> {
  engine.needLive(ctx.s);
  const { pc, word } = safeInstructionAt(ctx);
  const ret = word === undefined ? undefined : engine.returnAddress(ctx.s, pc, word);
  if (ret === undefined) return stepInstructions(ctx, 1);
  return runToStop(ctx, engine.returnTarget(ctx.s, pc, ret));
}

/**
 * continue / until: runs quietly until a stop (or `target` says so, or the user interrupts), then
 * shows where it is.
 */
export async function runToStop(ctx: StepContext, target?: engine.RunTarget): Promise<void> {
  const { s, paint, out } = ctx;
  const start = s.world.machine.cpu.instret;
  const run = engine.runInSlices(s, ctx.stops, ctx.runLimit, target);
  let r = run.next();
  while (!r.done && !(await ctx.pace?.(r.value))) r = run.next();
  if (!r.done) s.flushGuest();
  const why = r.done ? r.value.why : INTERRUPTED;
  const ran = s.world.machine.cpu.instret - start;
  out(paint("red", `stopped: ${why} (${ran} instruction${ran === 1 ? "" : "s"} run)`));
  for (const line of whereLines(ctx)) out(line);
}

/** back [n]: the state n steps ago, replayed from the last checkpoint before it or the start. */
export function stepBack(ctx: StepContext, n: number): void {
  const { at, from } = engine.stepBack(ctx.s, ctx.stops, n);
  const origin = from === 0 ? "the start" : `the checkpoint at step ${from}`;
  ctx.out(`back ${n}: at step ${at} (replayed from ${origin})`);
  for (const line of whereLines(ctx)) ctx.out(line);
}

/** restart: back to the very start (step 0), by the same replay as back; the stops stay. */
export function restartRun(ctx: StepContext): void {
  const from = ctx.s.position;
  engine.stepBack(ctx.s, ctx.stops, from);
  ctx.out(`restarted: back at step 0 (from step ${from}); breakpoints and watchpoints kept`);
  for (const line of whereLines(ctx)) ctx.out(line);
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
