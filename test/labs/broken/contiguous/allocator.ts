// A student's hole-list allocator for the contiguous lab, with a deliberate bug (marked BUG):
//   BUG 2: compact() leaves state.rover where it was.
import {
  AllocFailure,
  type AllocResult,
  type Block,
  type FitPolicy,
  type FitState,
  type Hole,
  type Move,
} from "./vmlab.js";

export interface AllocatorOptions {
  start: number;
  size: number;
  granule?: number;
  policy: FitPolicy;
}

export class Allocator {
  readonly start: number;
  readonly end: number;
  readonly granule: number;
  policy: FitPolicy;
  readonly state: FitState;
  private holeList: Hole[];
  private blockMap = new Map<number, Block<string>>();

  constructor(opts: AllocatorOptions) {
    this.granule = opts.granule ?? 4096;
    this.start = opts.start;
    this.end = opts.start + opts.size;
    this.policy = opts.policy;
    this.state = { rover: opts.start };
    this.holeList = [{ start: opts.start, size: opts.size }];
  }

  roundUp(size: number): number {
    return Math.ceil(size / this.granule) * this.granule;
  }

  alloc(size: number, owner: string): AllocResult {
    const need = this.roundUp(size);
    const i = this.policy.choose(this.holeList, need, this.state);
    const hole = this.holeList[i];
    if (i < 0 || !hole) {
      const reason = this.totalFree() >= need ? AllocFailure.Fragmented : AllocFailure.NoMemory;
      return { ok: false, reason };
    }
    if (hole.size === need) this.holeList.splice(i, 1);
    else this.holeList[i] = { start: hole.start + need, size: hole.size - need };
    this.blockMap.set(hole.start, { start: hole.start, size: need, owner });
    this.state.rover = hole.start + need;
    return { ok: true, start: hole.start };
  }

  free(start: number): void {
    const b = this.blockMap.get(start);
    if (!b) throw new Error(`free: ${start} is not an allocated block`);
    this.blockMap.delete(start);
    let i = this.holeList.findIndex((h) => h.start > start);
    if (i < 0) i = this.holeList.length;
    let hole = { start: b.start, size: b.size };
    const next = this.holeList[i];
    if (next && hole.start + hole.size === next.start) {
      hole = { start: hole.start, size: hole.size + next.size };
      this.holeList.splice(i, 1);
    }
    const prev = this.holeList[i - 1];
    if (prev && prev.start + prev.size === hole.start) {
      this.holeList[i - 1] = { start: prev.start, size: prev.size + hole.size };
    } else {
      this.holeList.splice(i, 0, hole);
    }
  }

  compact(): Move<string>[] {
    const moves: Move<string>[] = [];
    const moved = new Map<number, Block<string>>();
    let at = this.start;
    for (const b of this.blocks()) {
      if (b.start !== at) moves.push({ owner: b.owner, from: b.start, to: at, size: b.size });
      moved.set(at, { ...b, start: at });
      at += b.size;
    }
    this.blockMap = moved;
    this.holeList = at < this.end ? [{ start: at, size: this.end - at }] : [];
    return moves; // BUG 2: state.rover should move to `at`
  }

  holes(): Hole[] {
    return this.holeList.map((h) => ({ start: h.start, size: h.size }));
  }

  blocks(): Block<string>[] {
    return [...this.blockMap.values()].sort((a, b) => a.start - b.start).map((b) => ({ ...b }));
  }

  totalFree(): number {
    return this.holeList.reduce((s, h) => s + h.size, 0);
  }

  largestHole(): number {
    return this.holeList.reduce((m, h) => Math.max(m, h.size), 0);
  }

  fragmentation(): number {
    const free = this.totalFree();
    return free === 0 ? 0 : 1 - this.largestHole() / free;
  }
}
