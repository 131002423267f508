// The contiguous physical-memory allocator behind `--mm base-limit` (one partition per process) and
// `--mm segmented` (one block per segment). It keeps a hole list over a physical range
// [start, start+size): free holes sorted by address, never adjacent (freeing coalesces), and the
// allocated blocks with their owners. Where a request goes is decided by a fit policy (first, best,
// worst, next fit, or a lab's own) behind the small FitPolicy interface. When free space is
// enough but no single hole is, compact() slides every block down and reports the moves, so the
// kernel can copy the bytes and update base registers. See docs/contiguous.md.
//
// Failure kinds: running out of memory is an AllocResult with ok false (never thrown); a broken
// invariant (a bad free, a policy choosing an impossible hole) is a panic naming the function.

import { hex } from "../../hw/hex.js";
import { type Block, type FitPolicy, type FitState, firstFit, type Hole } from "./fits.js";

/** Why an allocation failed. */
export const AllocFailure = {
  /** Total free space is smaller than the request: nothing will help but freeing. */
  NoMemory: "no memory",
  /** Enough free space in total, but no hole holds it: compaction would help. */
  Fragmented: "fragmented",
} as const;
export type AllocFailure = (typeof AllocFailure)[keyof typeof AllocFailure];

/** The outcome of alloc(): the block's start address, or why there is none. */
export type AllocResult = { ok: true; start: number } | { ok: false; reason: AllocFailure };

/** The outcome of resize(): the block's new (rounded) size, or the fact it cannot stay in place. */
export type ResizeResult = { ok: true; size: number } | { ok: false };

/**
 * One block moved by compaction: copy `size` bytes from `from` to `to` (memmove semantics). compact()
 * moves blocks down only (to < from); compactAround() moves the blocks above its block up.
 */
export interface Move<Owner> {
  readonly owner: Owner;
  readonly from: number;
  readonly to: number;
  readonly size: number;
}

/** One line of the memory map, in address order. */
export type MapEntry<Owner> =
  | { readonly kind: "free"; readonly start: number; readonly size: number }
  | { readonly kind: "used"; readonly start: number; readonly size: number; readonly owner: Owner };

/** Counters since construction. */
export interface ContigStats {
  /** Successful allocations (alloc and allocOrCompact). */
  allocations: number;
  /** Allocation requests that failed (an allocOrCompact that succeeds after compacting is not one). */
  failures: number;
  frees: number;
  /** resize() calls that succeeded (grown, shrunk or unchanged). */
  resizes: number;
  compactions: number;
  /** Sum of the sizes of all blocks compaction moved. */
  bytesMoved: number;
}

export interface ContigOptions {
  /** First byte of the managed range; a multiple of the granule. */
  start: number;
  /** Bytes in the range; a positive multiple of the granule. */
  size: number;
  /** Allocation unit; every size is rounded up to a multiple. Default 4096. */
  granule?: number;
  /** Placement policy. Default first fit. */
  policy?: FitPolicy;
}

export const DEFAULT_GRANULE = 4096;

export interface MutableBlock<Owner> {
  start: number;
  size: number;
  owner: Owner;
}

interface MutableHole {
  start: number;
  size: number;
}

/**
 * A hole list over one physical range, with a pluggable fit policy: alloc, free, resize in place
 * and the queries. Compaction is added by ContigAllocator (compaction.ts); fit policies: fits.ts.
 */
export class HoleList<Owner = string> {
  readonly start: number;
  readonly end: number;
  readonly granule: number;
  policy: FitPolicy;
  readonly state: FitState;
  protected holeList: MutableHole[];
  protected blockMap = new Map<number, MutableBlock<Owner>>();
  protected readonly counters: ContigStats = {
    allocations: 0,
    failures: 0,
    frees: 0,
    resizes: 0,
    compactions: 0,
    bytesMoved: 0,
  };

  /** One hole covering the whole range. Panics if the range or granule is malformed. */
  constructor(opts: ContigOptions) {
    const granule = opts.granule ?? DEFAULT_GRANULE;
    if (!Number.isSafeInteger(granule) || granule <= 0) {
      throw new Error(`contig.init: granule ${granule} is not a positive integer`);
    }
    if (!Number.isSafeInteger(opts.start) || opts.start < 0 || opts.start % granule !== 0) {
      throw new Error(`contig.init: start ${opts.start} is not a multiple of granule ${granule}`);
    }
    if (!Number.isSafeInteger(opts.size) || opts.size <= 0 || opts.size % granule !== 0) {
      throw new Error(
        `contig.init: size ${opts.size} is not a positive multiple of granule ${granule}`,
      );
    }
    this.start = opts.start;
    this.end = opts.start + opts.size;
    this.granule = granule;
    this.policy = opts.policy ?? firstFit;
    this.state = { rover: opts.start };
    this.holeList = [{ start: opts.start, size: opts.size }];
  }

  /** `size` rounded up to the granule. Panics on a size that is not a positive integer. */
  roundUp(size: number): number {
    return this.rounded(size, "contig.roundUp");
  }

  /**
   * Allocates `size` bytes (rounded up to the granule) for `owner`, placed by the policy at the low
   * end of the chosen hole. Returns the block's start, or ok false with the reason; the caller frees.
   */
  alloc(size: number, owner: Owner): AllocResult {
    const need = this.rounded(size, "contig.alloc");
    return this.counted(this.place(need, owner), need);
  }

  /** Returns the block at `start` to the hole list, coalescing with its neighbours. Panics if
   *  `start` is not the start of an allocated block (including a double free). */
  free(start: number): Block<Owner> {
    const b = this.blockAt(start, "contig.free");
    this.blockMap.delete(start);
    this.insertHole(b.start, b.size);
    this.counters.frees++;
    return { start: b.start, size: b.size, owner: b.owner };
  }

  /**
   * Resizes the block at `start` in place to `newSize` (rounded up): shrinking always works (the
   * tail becomes free); growing works if the hole right after the block is large enough. Returns
   * ok false, changing nothing, when it cannot grow in place (the caller moves the block or
   * compacts). Panics if `start` is not an allocated block.
   */
  resize(start: number, newSize: number): ResizeResult {
    const b = this.blockAt(start, "contig.resize");
    const want = this.rounded(newSize, "contig.resize");
    if (want < b.size) this.insertHole(b.start + want, b.size - want);
    if (want > b.size && !this.growInto(b, want - b.size)) return { ok: false };
    b.size = want;
    this.counters.resizes++;
    return { ok: true, size: want };
  }

  /** The block starting at `start`, or undefined. */
  find(start: number): Block<Owner> | undefined {
    const b = this.blockMap.get(start);
    return b === undefined ? undefined : { start: b.start, size: b.size, owner: b.owner };
  }

  /** A copy of the holes, in address order. */
  holes(): Hole[] {
    return this.holeList.map((h) => ({ start: h.start, size: h.size }));
  }

  /** A copy of the allocated blocks, in address order. */
  blocks(): Block<Owner>[] {
    return this.sortedBlocks().map((b) => ({ start: b.start, size: b.size, owner: b.owner }));
  }

  /** Holes and blocks together, in address order: together they cover [start, end) exactly. */
  memoryMap(): MapEntry<Owner>[] {
    const used = this.blocks().map((b) => ({ kind: "used" as const, ...b }));
    const free = this.holes().map((h) => ({ kind: "free" as const, ...h }));
    return [...used, ...free].sort((a, b) => a.start - b.start);
  }

  /** Free bytes in all holes. */
  totalFree(): number {
    return this.holeList.reduce((sum, h) => sum + h.size, 0);
  }

  /** Bytes in the largest hole (0 if there is none): the largest request that can succeed. */
  largestHole(): number {
    return this.holeList.reduce((max, h) => Math.max(max, h.size), 0);
  }

  /** External fragmentation, 1 - largestHole / totalFree, in [0, 1); 0 when nothing is free. */
  fragmentation(): number {
    const free = this.totalFree();
    return free === 0 ? 0 : 1 - this.largestHole() / free;
  }

  /** A snapshot of the counters. */
  stats(): ContigStats {
    return { ...this.counters };
  }

  /** Panics (naming contig.check) unless holes and blocks tile the range, holes are never
   *  adjacent, and every size is a positive multiple of the granule. For tests and debugging. */
  check(): void {
    let at = this.start;
    let prevFree = false;
    for (const e of this.memoryMap()) {
      const what = `${e.kind} ${hex(e.start)}+${hex(e.size)}`;
      if (e.start !== at) throw new Error(`contig.check: ${what} does not start at ${hex(at)}`);
      if (e.size <= 0 || e.size % this.granule !== 0)
        throw new Error(`contig.check: ${what} bad size`);
      if (prevFree && e.kind === "free") throw new Error(`contig.check: ${what} adjoins a hole`);
      prevFree = e.kind === "free";
      at += e.size;
    }
    if (at !== this.end)
      throw new Error(`contig.check: map ends at ${hex(at)}, not ${hex(this.end)}`);
  }

  /** Carves `need` bytes for `owner` from the hole the policy picks; the start, or null if none. */
  protected place(need: number, owner: Owner): number | null {
    const i = this.policy.choose(this.holeList, need, this.state);
    if (i === -1) return null;
    const hole = this.holeList[i];
    if (!Number.isInteger(i) || hole === undefined || hole.size < need) {
      throw new Error(
        `contig.alloc: policy ${this.policy.name} chose hole ${i}, which cannot hold ${need} bytes`,
      );
    }
    this.takeFromHole(i, need);
    this.blockMap.set(hole.start, { start: hole.start, size: need, owner });
    this.state.rover = hole.start + need;
    return hole.start;
  }

  /** Counts the outcome of one allocation request and turns it into an AllocResult. */
  protected counted(start: number | null, need: number): AllocResult {
    if (start !== null) {
      this.counters.allocations++;
      return { ok: true, start };
    }
    this.counters.failures++;
    const reason = this.totalFree() >= need ? AllocFailure.Fragmented : AllocFailure.NoMemory;
    return { ok: false, reason };
  }

  /** `size` rounded up to the granule; a size that is not a positive integer is a panic of `fn`. */
  protected rounded(size: number, fn: string): number {
    if (!Number.isSafeInteger(size) || size <= 0) throw new Error(`${fn}: bad size ${size}`);
    return Math.ceil(size / this.granule) * this.granule;
  }

  protected blockAt(start: number, fn: string): MutableBlock<Owner> {
    const b = this.blockMap.get(start);
    if (b === undefined) throw new Error(`${fn}: ${hex(start)} is not an allocated block`);
    return b;
  }

  protected sortedBlocks(): MutableBlock<Owner>[] {
    return [...this.blockMap.values()].sort((a, b) => a.start - b.start);
  }

  /** Moves `b` to `to` in the bookkeeping, recording the move in `moves` if it goes anywhere. */
  protected slide(b: MutableBlock<Owner>, to: number, moves: Move<Owner>[]): void {
    if (b.start === to) return;
    moves.push({ owner: b.owner, from: b.start, to, size: b.size });
    this.counters.bytesMoved += b.size;
    b.start = to;
  }

  /** Removes `size` bytes from the low end of hole `i`, dropping the hole if it empties. */
  protected takeFromHole(i: number, size: number): void {
    const h = this.holeList[i]!;
    if (h.size === size) this.holeList.splice(i, 1);
    else this.holeList[i] = { start: h.start + size, size: h.size - size };
  }

  /** Takes `extra` bytes from the hole right after `b`; false (nothing changed) if it is too small. */
  protected growInto(b: MutableBlock<Owner>, extra: number): boolean {
    const i = this.holeList.findIndex((h) => h.start === b.start + b.size);
    if (i === -1 || this.holeList[i]!.size < extra) return false;
    this.takeFromHole(i, extra);
    return true;
  }

  /** Adds [start, start+size) as free, merging it with a hole ending at start or starting at its end. */
  protected insertHole(start: number, size: number): void {
    let i = this.holeList.findIndex((h) => h.start > start);
    if (i === -1) i = this.holeList.length;
    const prev = this.holeList[i - 1];
    const next = this.holeList[i];
    const joinsPrev = prev !== undefined && prev.start + prev.size === start;
    const joinsNext = next !== undefined && start + size === next.start;
    if (joinsPrev && joinsNext)
      this.holeList.splice(i - 1, 2, { start: prev.start, size: prev.size + size + next.size });
    else if (joinsPrev) this.holeList[i - 1] = { start: prev.start, size: prev.size + size };
    else if (joinsNext) this.holeList[i] = { start, size: size + next.size };
    else this.holeList.splice(i, 0, { start, size });
  }
}

/** The memory map as text, one line per entry: `0x00001000-0x00002fff    8K  owner` or `free`. */
export function formatMemoryMap<Owner>(
  map: readonly MapEntry<Owner>[],
  name: (owner: Owner) => string = String,
): string[] {
  const addr = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;
  const kib = (n: number) => (n % 1024 === 0 ? `${n / 1024}K` : `${n}B`);
  return map.map((e) => {
    const who = e.kind === "free" ? "free" : name(e.owner);
    return `${addr(e.start)}-${addr(e.start + e.size - 1)} ${kib(e.size).padStart(7)}  ${who}`;
  });
}
