// Moving through the run, as the engine sees it: how far a quiet run goes and why it stopped,
// where a call returns (for `next`), and going back to an earlier step. Results are values;
// printing them is the front end's business (cli/stepper/control.ts).
import { REG_RA } from "../../asm/isa.js";
import { hex32 } from "../../hw/hex.js";
import { StepError } from "./errors.js";
import { needFocus, peekWords } from "./inspect.js";
import type { Session } from "./session.js";
import type { Stops } from "./stops.js";

const OP_JAL = 0x6f;
const OP_JALR = 0x67;
const OP_AUIPC = 0x17;
/** The alternate link register of the calling convention (t0). */
const REG_T0 = 5;
const REG_SP = 2;

/** Says why a run should stop here, or undefined to go on (checked after each instruction). */
export type RunTarget = () => string | undefined;

/** Refuses to move (StepError) when nothing is left to run. */
export function needLive(s: Session): void {
  if (!s.hasLive())
    throw new StepError("every process has ended (use back to return to an earlier state)");
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
 * Where the call starting at `pc` in the focus process returns to, or undefined if `word` starts
 * no call. A `call` pseudo-instruction (auipc ra + jalr ra) counts as one call, returning after
 * the jalr.
 */
export function returnAddress(s: Session, pc: number, word: number): number | undefined {
  if (isCall(word)) return (pc + 4) >>> 0;
  const rd = (word >>> 7) & 31;
  if ((word & 0x7f) !== OP_AUIPC || !isLinkRegister(rd)) return undefined;
  const next = peekWords(s, needFocus(s), (pc + 4) >>> 0, 1, 4)[0];
  const pairs = next !== undefined && isCall(next) && ((next >>> 15) & 31) === rd;
  return pairs ? (pc + 8) >>> 0 : undefined;
}

/**
 * The target of `next` over the call at `pc` returning to `ret` in the focus process: stop when
 * the same process is back at `ret` with its stack no deeper (so a recursive call does not stop
 * it early), or when it ends.
 */
export function returnTarget(s: Session, pc: number, ret: number): RunTarget {
  const pid = needFocus(s).pid;
  const sp = s.regsOf(pid)!.x[REG_SP]! >>> 0;
  return () => {
    const r = s.regsOf(pid);
    if (!r) return `pid ${pid} ended inside the call`;
    const here = s.world.kernel.current?.pid === pid && r.pc === ret && r.x[REG_SP]! >>> 0 >= sp;
    return here ? `returned from the call at ${hex32(pc)}` : undefined;
  };
}

/** The target of `until`: a process on the CPU at `addr` (`spec`: the address as written). */
export function addressTarget(s: Session, addr: number, spec: string): RunTarget {
  const { kernel, machine } = s.world;
  return () =>
    kernel.current && machine.cpu.pc >>> 0 === addr
      ? `reached ${spec} (${hex32(addr)})`
      : undefined;
}

/** How a quiet run ended: why it stopped and how many instructions it ran. */
export interface RunStop {
  why: string;
  ran: number;
}

/** Instructions a quiet run makes between two chances for the front end to look (progress, Ctrl-C). */
export const RUN_SLICE = 250_000;
/** The same when every instruction is checked against stops (each is a kernel step of its own). */
const CHECKED_SLICE = 10_000;

/**
 * continue / until: runs quietly (at full speed when nothing is to be checked) until a stop,
 * `target`, the end of every process or `runLimit` instructions; guest output is flushed.
 */
export function runToStop(s: Session, stops: Stops, runLimit: number, target?: RunTarget): RunStop {
  const run = runInSlices(s, stops, runLimit, target);
  for (;;) {
    const r = run.next();
    if (r.done) return r.value;
  }
}

/**
 * runToStop in slices: each resumption runs at most `slice` instructions and yields how many the
 * run has made so far; the return value says why it stopped. A front end may stop resuming (the
 * user pressed Ctrl-C): the machine is then at an instruction boundary, and the front end flushes
 * the guest's output itself (Session.flushGuest).
 */
export function* runInSlices(
  s: Session,
  stops: Stops,
  runLimit: number,
  target?: RunTarget,
  slice = RUN_SLICE,
): Generator<number, RunStop, void> {
  needLive(s);
  const cpu = s.world.machine.cpu;
  const start = cpu.instret;
  const why = yield* runUntil(s, stops, runLimit, target, slice, () => cpu.instret - start);
  s.flushGuest();
  return { why, ran: cpu.instret - start };
}

function* runUntil(
  s: Session,
  stops: Stops,
  runLimit: number,
  target: RunTarget | undefined,
  slice: number,
  ran: () => number,
): Generator<number, string, void> {
  const ended = "every process has ended";
  const limited = `the run limit of ${runLimit} instructions (--run-limit) was reached`;
  if (stops.empty && !target) {
    for (let given = 0; given < runLimit; ) {
      const n = Math.min(slice, runLimit - given);
      given += n;
      if (!s.runQuiet(n)) break;
      yield ran();
    }
    return s.hasLive() ? limited : ended;
  }
  for (let i = 0; i < runLimit; i++) {
    if (!s.hasLive()) return ended;
    s.stepQuiet();
    const why = [target?.(), stops.check(s)].filter((w) => w !== undefined);
    if (why.length > 0) return why.join("; ");
    if ((i + 1) % Math.min(slice, CHECKED_SLICE) === 0) yield ran();
  }
  return s.hasLive() ? limited : ended;
}

/** Where `back` went: the new position, and the step its replay started from (0: the boot). */
export interface BackResult {
  at: number;
  from: number;
}

/**
 * back n: the state n steps ago, replayed from the last checkpoint before it (or from the boot;
 * Session.replayTo).
 */
export function stepBack(s: Session, stops: Stops, n: number): BackResult {
  const now = s.position;
  if (n > now)
    throw new StepError(
      `cannot go back ${n}: only ${now} step${now === 1 ? " has" : "s have"} run`,
    );
  const from = s.replayTo(now - n);
  stops.resync(s);
  return { at: now - n, from };
}
