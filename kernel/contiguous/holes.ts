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

/** A free range of physical memory: [start, start+size). */
export interface Hole {
  readonly start: number;
  readonly size: number;
}

/** An allocated range and who it belongs to (a pid, a pid and segment: whatever the kernel uses). */
export interface Block<Owner> {
  readonly start: number;
  readonly size: number;
  readonly owner: Owner;
}

/** State the allocator keeps on behalf of its policy. */
export interface FitState {
  /** Where the last successful allocation ended (the range start before any); next fit resumes here. */
  rover: number;
}

/**
 * A placement policy: given the holes in address order, the index of the hole to carve `size`
 * bytes from (always from its low end), or -1 if none will do. Must not modify its arguments.
 */
export interface FitPolicy {
  readonly name: string;
  choose(holes: readonly Hole[], size: number, state: Readonly<FitState>): number;
}

/** The first hole, in address order, that is large enough. */
export const firstFit: FitPolicy = {
  name: "first",
  choose: (holes, size) => holes.findIndex((h) => h.size >= size),
};

/** The smallest hole that is large enough; ties go to the lowest address. */
export const bestFit: FitPolicy = {
  name: "best",
  choose: (holes, size) => pickBy(holes, size, (h, best) => h.size < best.size),
};

/** The largest hole, if it is large enough; ties go to the lowest address. */
export const worstFit: FitPolicy = {
  name: "worst",
  choose: (holes, size) => pickBy(holes, size, (h, best) => h.size > best.size),
};

/**
 * First fit, but the search starts at the hole holding (or else following) the rover — where the
 * last allocation ended — and wraps around to the lowest hole.
 */
export const nextFit: FitPolicy = {
  name: "next",
  choose(holes, size, state) {
    const n = holes.length;
    const from = Math.max(
      0,
      holes.findIndex((h) => h.start + h.size > state.rover),
    );
    for (let k = 0; k < n; k++) {
      const i = (from + k) % n;
      if (holes[i]!.size >= size) return i;
    }
    return -1;
  },
};

/** Index of the fitting hole that `better` prefers over all earlier fitting ones; -1 if none fits. */
function pickBy(
  holes: readonly Hole[],
  size: number,
  better: (h: Hole, best: Hole) => boolean,
): number {
  let best = -1;
  for (let i = 0; i < holes.length; i++) {
    const h = holes[i]!;
    if (h.size >= size && (best < 0 || better(h, holes[best]!))) best = i;
  }
  return best;
}

/** The built-in policies by their `--fit` name. */
export const FitName = { First: "first", Best: "best", Worst: "worst", Next: "next" } as const;
export type FitName = (typeof FitName)[keyof typeof FitName];

export const fitPolicies: Readonly<Record<FitName, FitPolicy>> = {
  first: firstFit,
  best: bestFit,
  worst: worstFit,
  next: nextFit,
};

/** The built-in policy called `name`, or undefined if there is none (the CLI reports the error). */
export function fitPolicyByName(name: string): FitPolicy | undefined {
  return Object.hasOwn(fitPolicies, name) ? fitPolicies[name as FitName] : undefined;
}

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

interface MutableBlock<Owner> {
  start: number;
  size: number;
  owner: Owner;
}

interface MutableHole {
  start: number;
  size: number;
}

const hex = (n: number) => `0x${n.toString(16)}`;

/** A hole list over one physical range, with a pluggable fit policy. */
export class ContigAllocator<Owner = string> {
  readonly start: number;
  readonly end: number;
  readonly granule: number;
  policy: FitPolicy;
  readonly state: FitState;
  private holeList: MutableHole[];
  private blockMap = new Map<number, MutableBlock<Owner>>();
  private readonly counters: ContigStats = {
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

  /**
   * Slides every block down toward `start`, lowest first, leaving one hole at the top. Updates the
   * bookkeeping and returns the moves in the order they must be applied; each has to < from and
   * may overlap its own source, so copy with memmove semantics (Uint8Array.copyWithin).
   * Blocks that do not move are not listed. The caller copies the bytes and updates base registers.
   */
  compact(): Move<Owner>[] {
    const moves: Move<Owner>[] = [];
    const moved = new Map<number, MutableBlock<Owner>>();
    let cursor = this.start;
    for (const b of this.sortedBlocks()) {
      this.slide(b, cursor, moves);
      moved.set(b.start, b);
      cursor += b.size;
    }
    this.blockMap = moved;
    this.holeList = cursor < this.end ? [{ start: cursor, size: this.end - cursor }] : [];
    this.state.rover = cursor;
    this.counters.compactions++;
    return moves;
  }

  /**
   * alloc(), and if it fails only for fragmentation, compact() — calling `move` for each move in
   * order, before returning — and tries again. `move` must copy the bytes (memmove semantics) and
   * update whatever holds the old address; the bookkeeping has already moved when it is called.
   * The result and the counters are as for one alloc() call.
   */
  allocOrCompact(size: number, owner: Owner, move: (m: Move<Owner>) => void): AllocResult {
    const need = this.rounded(size, "contig.allocOrCompact");
    let start = this.place(need, owner);
    if (start === null && this.totalFree() >= need) {
      for (const m of this.compact()) move(m);
      start = this.place(need, owner);
    }
    return this.counted(start, need);
  }

  /**
   * Slides the blocks below and including the one at `start` down (lowest first) and the blocks
   * above it up (highest first), so that all free memory becomes one hole right after that block,
   * which can then grow in place. Updates the bookkeeping and returns the moves in the order they
   * must be applied (each with memmove semantics). Panics if `start` is not an allocated block.
   */
  compactAround(start: number): Move<Owner>[] {
    const target = this.blockAt(start, "contig.compactAround");
    const sorted = this.sortedBlocks();
    const split = sorted.indexOf(target) + 1;
    const moves: Move<Owner>[] = [];
    let low = this.start;
    for (const b of sorted.slice(0, split)) {
      this.slide(b, low, moves);
      low += b.size;
    }
    let high = this.end;
    for (const b of sorted.slice(split).reverse()) {
      high -= b.size;
      this.slide(b, high, moves);
    }
    this.blockMap = new Map(sorted.map((b) => [b.start, b]));
    this.holeList = low < high ? [{ start: low, size: high - low }] : [];
    this.state.rover = low;
    this.counters.compactions++;
    return moves;
  }

  /**
   * resize(), and if the block cannot grow in place although enough memory is free in total,
   * compactAround() it — calling `move` for each move in order — and resize again (the rover is
   * then the end of the grown block, where the one hole starts). `move` is as for allocOrCompact.
   * Returns ok false, changing nothing, only when free memory is short.
   */
  resizeOrCompact(start: number, newSize: number, move: (m: Move<Owner>) => void): ResizeResult {
    const first = this.resize(start, newSize);
    if (first.ok) return first;
    const b = this.blockAt(start, "contig.resizeOrCompact");
    if (this.totalFree() < this.rounded(newSize, "contig.resizeOrCompact") - b.size)
      return { ok: false };
    for (const m of this.compactAround(start)) move(m);
    const grown = this.resize(b.start, newSize);
    this.state.rover = b.start + b.size;
    return grown;
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
  private place(need: number, owner: Owner): number | null {
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
  private counted(start: number | null, need: number): AllocResult {
    if (start !== null) {
      this.counters.allocations++;
      return { ok: true, start };
    }
    this.counters.failures++;
    const reason = this.totalFree() >= need ? AllocFailure.Fragmented : AllocFailure.NoMemory;
    return { ok: false, reason };
  }

  /** `size` rounded up to the granule; a size that is not a positive integer is a panic of `fn`. */
  private rounded(size: number, fn: string): number {
    if (!Number.isSafeInteger(size) || size <= 0) throw new Error(`${fn}: bad size ${size}`);
    return Math.ceil(size / this.granule) * this.granule;
  }

  private blockAt(start: number, fn: string): MutableBlock<Owner> {
    const b = this.blockMap.get(start);
    if (b === undefined) throw new Error(`${fn}: ${hex(start)} is not an allocated block`);
    return b;
  }

  private sortedBlocks(): MutableBlock<Owner>[] {
    return [...this.blockMap.values()].sort((a, b) => a.start - b.start);
  }

  /** Moves `b` to `to` in the bookkeeping, recording the move in `moves` if it goes anywhere. */
  private slide(b: MutableBlock<Owner>, to: number, moves: Move<Owner>[]): void {
    if (b.start === to) return;
    moves.push({ owner: b.owner, from: b.start, to, size: b.size });
    this.counters.bytesMoved += b.size;
    b.start = to;
  }

  /** Removes `size` bytes from the low end of hole `i`, dropping the hole if it empties. */
  private takeFromHole(i: number, size: number): void {
    const h = this.holeList[i]!;
    if (h.size === size) this.holeList.splice(i, 1);
    else this.holeList[i] = { start: h.start + size, size: h.size - size };
  }

  /** Takes `extra` bytes from the hole right after `b`; false (nothing changed) if it is too small. */
  private growInto(b: MutableBlock<Owner>, extra: number): boolean {
    const i = this.holeList.findIndex((h) => h.start === b.start + b.size);
    if (i === -1 || this.holeList[i]!.size < extra) return false;
    this.takeFromHole(i, extra);
    return true;
  }

  /** Adds [start, start+size) as free, merging it with a hole ending at start or starting at its end. */
  private insertHole(start: number, size: number): void {
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
