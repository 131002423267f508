// Where a run has been: checkpoints along it (checkpoint.ts), so that reaching an earlier position
// restores the nearest checkpoint before it and replays from there, not from the boot. The
// stepper's session keeps one (session/step/session.ts), the browser's engine another, with the
// console's lines as each checkpoint's extra (web/engine.ts).
//
// Checkpoints are taken as the run goes, about every `interval` instructions, the interval chosen
// so that taking them costs at most a fifth of the running time; each shares the copies of the
// pages that have not changed since the checkpoint before it. When they hold more than the budget,
// every other one is dropped (never the first nor the last) and the interval doubles.
import type { Checkpoint } from "./checkpoint.js";

/** Most bytes the checkpoints may hold by default (copies of the pages of RAM and swap, mostly). */
export const BUDGET_BYTES = 256 * 1024 * 1024;
/** Fewest instructions between two checkpoints (unless an interval is given). */
export const MIN_INTERVAL = 1_000_000;
/**
 * Running time per unit of checkpointing time. 4 keeps a replay from the last checkpoint to about
 * four times what taking a checkpoint costs, at a fifth of a quiet run's speed at worst.
 */
const RUN_PER_CHECKPOINT = 4;

/** A run a timeline can checkpoint: it knows its position and records and restores itself. */
export interface Recordable {
  /** Where the run is, in steps. */
  readonly position: number;
  /** The run's state now, sharing unchanged pages with `base` (an earlier checkpoint of it). */
  checkpoint(base?: Checkpoint): Checkpoint;
  /** Puts the run back as `checkpoint` found it. */
  restore(checkpoint: Checkpoint): void;
}

export interface TimelineOptions {
  /** Instructions between checkpoints, fixed (tests); by default adapted to their cost. */
  interval?: number;
  /** Most bytes the checkpoints hold (BUDGET_BYTES by default); the first and the last stay. */
  budgetBytes?: number;
}

/** A checkpoint, where it was taken, and what the owner keeps with it. */
export interface Mark<T> {
  position: number;
  checkpoint: Checkpoint;
  extra: T;
}

export class Timeline<T = undefined> {
  /** In position order (the browser's first is the boot's; the stepper boots instead). */
  private readonly marks: Mark<T>[] = [];
  /** Instructions between checkpoints (fixed when given, else adapted to their cost). */
  interval: number;
  /** The fewest instructions between checkpoints: MIN_INTERVAL, doubled by each trim. */
  private floor = MIN_INTERVAL;
  private readonly fixed: boolean;
  private readonly budget: number;
  /** How many kept checkpoints use each copy (a page's copy is shared by several). */
  private readonly users = new Map<ArrayBufferLike, number>();
  /** The bytes of the copies in `users`. */
  private held = 0;

  constructor(options: TimelineOptions = {}) {
    this.fixed = options.interval !== undefined;
    this.interval = options.interval ?? MIN_INTERVAL;
    this.budget = options.budgetBytes ?? BUDGET_BYTES;
  }

  /** The checkpoints' positions, in order. */
  get positions(): number[] {
    return this.marks.map((m) => m.position);
  }

  /** Bytes the checkpoints hold (their copies of typed arrays, each shared copy once). */
  get bytes(): number {
    return this.held;
  }

  /** Counts `mark`'s copies as held (by one more checkpoint), or no longer (`by` -1). */
  private count(mark: Mark<T>, by: 1 | -1): void {
    for (const copy of mark.checkpoint.holds) {
      const users = (this.users.get(copy) ?? 0) + by;
      if (users === 0) this.users.delete(copy);
      else this.users.set(copy, users);
      if (users === (by === 1 ? 1 : 0)) this.held += by * copy.byteLength;
    }
  }

  /** True if the run has gone `interval` past the last checkpoint before `position`. */
  due(position: number): boolean {
    return position >= this.dueAt(position);
  }

  /**
   * Where the next checkpoint falls due for a run going forward from `position` (until the
   * timeline changes: a checkpoint taken or dropped).
   */
  dueAt(position: number): number {
    return (this.before(position)?.position ?? 0) + this.interval;
  }

  /**
   * Records `run` now, with `extra`. `instructionsPerMs`: how fast the run goes, to keep
   * checkpointing within its share of the time (0: unknown, the interval stays).
   */
  take(run: Recordable, extra: T, instructionsPerMs: number): void {
    const start = performance.now();
    const checkpoint = run.checkpoint(this.before(run.position)?.checkpoint);
    const cost = performance.now() - start;
    const mark = { position: run.position, checkpoint, extra };
    const at = this.marks.findIndex((m) => m.position >= mark.position);
    if (at >= 0 && this.marks[at]!.position === mark.position)
      this.count(this.marks.splice(at, 1)[0]!, -1);
    if (at < 0) this.marks.push(mark);
    else this.marks.splice(at, 0, mark);
    this.count(mark, 1);
    // From the latest cost, not the worst, and at most twice the last interval: one slow
    // checkpoint (the first look at a fresh RAM faults in every page; a collection) would
    // otherwise space all later ones too far apart.
    if (!this.fixed && instructionsPerMs > 0) {
      const affordable = Math.round(RUN_PER_CHECKPOINT * cost * instructionsPerMs);
      this.interval = Math.max(this.floor, Math.min(2 * this.interval, affordable));
    }
    this.trim();
  }

  /** The last checkpoint at or before `position`, if any. */
  before(position: number): Mark<T> | undefined {
    // Binary search: every replay and every quiet run that takes a checkpoint asks.
    let lo = 0;
    let hi = this.marks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.marks[mid]!.position <= position) lo = mid + 1;
      else hi = mid;
    }
    return this.marks[lo - 1];
  }

  /**
   * Drops every other checkpoint between the first and the last while they hold too much (the
   * last is the one `back` near the present needs; dropping it first would drop each new one).
   */
  private trim(): void {
    while (this.marks.length > 2 && this.bytes > this.budget) {
      for (let i = this.marks.length - 2; i >= 1; i -= 2)
        this.count(this.marks.splice(i, 1)[0]!, -1);
      if (!this.fixed) {
        this.floor *= 2;
        this.interval = Math.max(this.interval * 2, this.floor);
      }
    }
  }
}
