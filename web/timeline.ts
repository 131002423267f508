// Where a session has been: checkpoints along the run (web/checkpoint.ts), so that reaching an
// earlier or later position replays from the nearest checkpoint before it, not from the boot.
// Checkpoints are taken as the run goes, about every `interval` instructions, the interval chosen
// so that taking them costs at most a fifth of the running time; when they hold more than
// BUDGET_BYTES, every other one is dropped (never the boot's), its copies kept for reuse, and the
// interval doubles.
import type { Session } from "../session/step/session.js";
import { Checkpoint } from "./checkpoint.js";
import type { ConsoleState } from "./console.js";

/** Most bytes the checkpoints may hold (each holds a copy of RAM and swap). */
const BUDGET_BYTES = 256 * 1024 * 1024;
/** Fewest instructions between two checkpoints. */
export const MIN_INTERVAL = 1_000_000;
/**
 * Running time per unit of checkpointing time. 4 keeps Back from the far end of a run within
 * about 4 checkpoint-copies of replay (a fifth of a second where copying 16 MiB takes 50 ms) at
 * a fifth of Run's speed.
 */
const RUN_PER_CHECKPOINT = 4;

/** A checkpoint and what the page showed then. */
export interface Mark {
  position: number;
  checkpoint: Checkpoint;
  console: ConsoleState;
}

export class Timeline {
  /** In position order; the first is the boot's. */
  private readonly marks: Mark[] = [];
  /** Checkpoints dropped by trim, whose byte copies the next ones reuse (already paged in). */
  private readonly spares: Checkpoint[] = [];
  /** Instructions between checkpoints (fixed when given, else adapted to their cost). */
  interval: number;
  private readonly fixed: boolean;

  constructor(interval?: number) {
    this.fixed = interval !== undefined;
    this.interval = interval ?? MIN_INTERVAL;
  }

  /** The checkpoints' positions (for tests). */
  get positions(): number[] {
    return this.marks.map((m) => m.position);
  }

  /** True if the run has gone `interval` past the last checkpoint before `position`. */
  due(position: number): boolean {
    return position - (this.before(position)?.position ?? 0) >= this.interval;
  }

  /**
   * Records the session now, with the console as it is. `instructionsPerMs`: how fast the run
   * goes, to keep checkpointing within its share of the time.
   */
  take(session: Session, console: ConsoleState, instructionsPerMs: number): void {
    const start = performance.now();
    const checkpoint = new Checkpoint(session, this.spares.pop(), caches(session));
    const cost = performance.now() - start;
    const mark = { position: session.position, checkpoint, console };
    const at = this.marks.findIndex((m) => m.position >= mark.position);
    if (at < 0) this.marks.push(mark);
    else if (this.marks[at]!.position === mark.position) this.marks[at] = mark;
    else this.marks.splice(at, 0, mark);
    if (!this.fixed && instructionsPerMs > 0)
      this.interval = Math.max(
        this.interval,
        MIN_INTERVAL,
        Math.round(RUN_PER_CHECKPOINT * cost * instructionsPerMs),
      );
    this.trim();
  }

  /** The last checkpoint at or before `position` (the boot's at least, once taken). */
  before(position: number): Mark | undefined {
    let best: Mark | undefined;
    for (const m of this.marks) if (m.position <= position) best = m;
    return best;
  }

  /** Drops every other checkpoint after the first while they hold too much. */
  private trim(): void {
    const total = () => this.marks.reduce((n, m) => n + m.checkpoint.bytes, 0);
    while (this.marks.length > 2 && total() > BUDGET_BYTES) {
      for (let i = this.marks.length - 1; i >= 1; i -= 2)
        this.spares.push(this.marks.splice(i, 1)[0]!.checkpoint);
      if (!this.fixed) this.interval *= 2;
    }
  }
}

/**
 * What a checkpoint leaves out: the MMU's fast tables (12 MiB that only cache what the TLB
 * allows; restoring a checkpoint wipes them instead, which changes no count: see hw/mmu/fast.ts),
 * and the compiled code (forgotten on a restore: hw/compile/engine.ts).
 */
function caches(session: Session): ReadonlySet<object> {
  const { cpu, mmu } = session.world.machine;
  const fast = mmu.fast;
  const cached: object[] = [fast.fetch, fast.load, fast.store, cpu.codeWords];
  if (cpu.compiledCode !== null) cached.push(cpu.compiledCode);
  return new Set(cached);
}

/** Puts `mark`'s state back into `session` (the caches left out start empty). */
export function restoreMark(session: Session, mark: Mark): void {
  mark.checkpoint.restore();
  session.world.machine.mmu.fast.wipe();
  session.world.machine.cpu.forgetCompiledCode();
}
