// The scheduler: round robin over the run queue, one quantum (options.quantum instructions) at a
// time. A slice ends when its quantum is spent, its process blocks, yields or ends; the CPU runs
// until the slice's end or a trap, and the trap goes to trap.ts before the slice goes on.
import { Signal as Sig } from "./abi.js";
import type { MisalignedMode } from "./misaligned.js";
import type { KernelPlugins } from "./plugins.js";
import { type Proc, ProcState } from "./proc.js";
import type { Swapper } from "./swap/swap.js";
import { handleTrap, stackOverflowed, type TrapContext } from "./trap.js";

/** Instructions a quantum is stretched by when it ends inside an lr.w/sc.w sequence, once. */
export const LRSC_GRACE = 16;

/** The running process's quantum: who, and the instruction count at which it ends. */
export interface Slice {
  p: Proc;
  end: number;
  /** Stretched once by LRSC_GRACE so an lr/sc loop can finish. */
  graced?: boolean;
}

/** What the scheduler uses of the kernel (the Kernel is one): the run queue, switching, traps. */
export interface SchedContext extends TrapContext {
  /** Processes waiting for the CPU, in order. */
  readonly runQueue: Proc[];
  /** The running process's quantum; null between quanta. */
  slice: Slice | null;
  readonly current: Proc | null;
  /** Run one instruction at a time (tracing). */
  readonly singleStep: boolean;
  /** Set by sched_yield: end the running slice now. */
  yieldNow: boolean;
  readonly options: {
    readonly quantum: number;
    readonly maxSteps: number;
    readonly misaligned: MisalignedMode;
    readonly plugins: Pick<KernelPlugins, "tlbRefill">;
  };
  readonly swapper: Swapper | null;
  /** The invariant checker's first problem (`--check`, after every trap); undefined if none or unset. */
  checkInvariants(): string | undefined;
  /** Puts `p` on the CPU; saves the CPU's registers back into `p`. */
  switchTo(p: Proc): void;
  save(p: Proc): void;
}

/**
 * Runs until `budget` more instructions have completed (traps handled on the way) or no process
 * is left; returns false once every process has ended. Stepping one instruction at a time and
 * running straight through give the same machine states.
 */
export function runFor(k: SchedContext, budget: number): boolean {
  const cpu = k.machine.cpu;
  const stopAt = cpu.instret + budget;
  while (cpu.instret < stopAt) {
    const slice = k.slice ?? startSlice(k);
    if (!slice) return false;
    const p = slice.p;
    if (cpu.instret >= slice.end && cpu.hasReservation() && !slice.graced) {
      // Let a constrained lr/sc loop (16 instructions at most, by the spec) reach its sc.w.
      slice.end += LRSC_GRACE;
      slice.graced = true;
    }
    if (
      p.state !== ProcState.Runnable ||
      k.current !== p ||
      cpu.instret >= slice.end ||
      k.yieldNow
    ) {
      endSlice(k, p);
      continue;
    }
    const limit = k.options.maxSteps;
    if (limit > 0 && cpu.instret >= limit) {
      for (const q of k.procs.values())
        if (!q.exit) k.kill(q, Sig.SIGXCPU, `instruction limit reached (--max-steps ${limit})`);
      continue;
    }
    const before = cpu.instret;
    // Quanta are kept even for a process alone on the CPU, so that running straight through and
    // stepping one instruction at a time schedule the same way.
    const end = Math.min(slice.end, stopAt, limit > 0 ? limit : Number.POSITIVE_INFINITY);
    const trap = cpu.run(k.singleStep ? 1 : end - cpu.instret);
    p.instructions += cpu.instret - before;
    if (!trap) continue;
    cpu.clearReservation(); // any trap into the kernel ends an lr.w/sc.w sequence
    handleTrap(k, p, trap);
    runChecker(k);
  }
  return true;
}

/** Puts the next runnable process on the CPU for a quantum; null if none is left. */
function startSlice(k: SchedContext): Slice | null {
  for (let p = k.runQueue.shift(); p; p = k.runQueue.shift()) {
    if (p.state !== ProcState.Runnable) continue;
    const from = k.current?.pid ?? null;
    k.switchTo(p);
    k.emit({ kind: "sched", from, to: p.pid });
    k.yieldNow = false;
    k.slice = { p, end: k.machine.cpu.instret + k.options.quantum };
    return k.slice;
  }
  const stuck = [...k.procs.values()].filter((p) => p.state === ProcState.Blocked);
  for (const p of stuck) k.kill(p, Sig.SIGKILL, "deadlock: every process is waiting");
  return null;
}

/** Ends the current quantum: saves `p` and puts it at the back of the queue if it can run. */
function endSlice(k: SchedContext, p: Proc): void {
  k.progress.clear();
  if (k.current === p) k.save(p);
  if (p.state === ProcState.Runnable) stackOverflowed(k, p, p.pc);
  k.swapper?.tick(2 * k.machine.cpu.ticks, 2 * k.options.quantum);
  if (p.state === ProcState.Runnable) k.runQueue.push(p);
  k.slice = null;
}

/** Throws if the invariant checker (set by the host) finds a broken invariant. */
function runChecker(k: SchedContext): void {
  const problem = k.checkInvariants();
  if (problem) throw new Error(`kernel invariant broken: ${problem}`);
}
