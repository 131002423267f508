// The contiguous lab, part 2: the hole-list allocator behind `--mm base-limit`. It manages the
// physical range [start, start+size), tiled without gaps or overlaps by
//   - holes: free ranges, kept sorted by address and never adjacent (two holes that touch are
//     merged into one: coalescing), and
//   - blocks: allocated ranges, each with its owner.
// Every size is rounded up to the granule. Fill in each TODO; the handout
// (labs/contiguous/README.md) explains each operation with pictures.
// biome-ignore-all lint/correctness/noUnusedImports: the imports are for the code you will write
// biome-ignore-all lint/correctness/noUnusedFunctionParameters: the stubs do not use them yet
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
  /** First byte of the range; a multiple of the granule. */
  start: number;
  /** Bytes in the range; a positive multiple of the granule. */
  size: number;
  /** Allocation unit (default 4096). */
  granule?: number;
  /** Which hole a request gets. */
  policy: FitPolicy;
}

export class Allocator {
  readonly start: number;
  readonly end: number;
  readonly granule: number;
  /** The fit policy; may be changed between requests. */
  policy: FitPolicy;
  /** Kept for the policy: where the last successful allocation ended (next fit resumes there). */
  readonly state: FitState;
  /** The holes, in address order, never adjacent. */
  private holeList: Hole[];
  /** The allocated blocks, by start address. */
  private blockMap = new Map<number, Block<string>>();

  /** One hole covering the whole range. */
  constructor(opts: AllocatorOptions) {
    this.granule = opts.granule ?? 4096;
    this.start = opts.start;
    this.end = opts.start + opts.size;
    this.policy = opts.policy;
    this.state = { rover: opts.start };
    this.holeList = [{ start: opts.start, size: opts.size }];
  }

  /** `size` rounded up to the granule. */
  roundUp(size: number): number {
    return Math.ceil(size / this.granule) * this.granule;
  }

  /**
   * Allocates `size` bytes (rounded up) for `owner` from the low end of the hole the policy
   * chooses; the rest of the hole stays a hole. Sets state.rover to the block's end. Returns
   * { ok: true, start }, or { ok: false, reason }: AllocFailure.NoMemory ("no memory") if all
   * holes together are smaller than the request, AllocFailure.Fragmented ("fragmented") if they
   * are large enough together but the policy found none (compaction would help).
   */
  alloc(size: number, owner: string): AllocResult {
    // TODO
    throw new Error("alloc: not implemented yet");
  }

  /**
   * Frees the block starting at `start`: it becomes a hole, merged with the hole just before it
   * and/or just after it (coalescing). Throws an Error whose message starts with "free:" if no
   * block starts at `start` (an address inside a block, a hole, a block already freed).
   */
  free(start: number): void {
    // TODO
    throw new Error("free: not implemented yet");
  }

  /**
   * Slides every block down toward `start`, lowest block first, so the blocks end up packed from
   * `start` in their original order and all free space is one hole at the top. Sets state.rover
   * to the start of that hole (or `end` if none). Returns the moves { owner, from, to, size } of
   * the blocks that moved, in the order they moved (the kernel copies the bytes in that order).
   */
  compact(): Move<string>[] {
    // TODO
    throw new Error("compact: not implemented yet");
  }

  /** A copy of the holes, in address order. */
  holes(): Hole[] {
    return this.holeList.map((h) => ({ start: h.start, size: h.size }));
  }

  /** A copy of the blocks, in address order. */
  blocks(): Block<string>[] {
    return [...this.blockMap.values()].sort((a, b) => a.start - b.start).map((b) => ({ ...b }));
  }

  /** Free bytes in all holes. */
  totalFree(): number {
    // TODO
    throw new Error("totalFree: not implemented yet");
  }

  /** Bytes in the largest hole (0 if there is none). */
  largestHole(): number {
    // TODO
    throw new Error("largestHole: not implemented yet");
  }

  /**
   * External fragmentation: 1 - largestHole / totalFree, the fraction of free memory that a
   * single request cannot reach; 0 when nothing is free.
   */
  fragmentation(): number {
    // TODO
    throw new Error("fragmentation: not implemented yet");
  }
}
