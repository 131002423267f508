// Compaction for the contiguous allocator: when free memory is enough but no single hole is,
// blocks slide together so the free bytes become one hole. ContigAllocator is the hole list
// (holes.ts) plus compaction; the caller copies the bytes and updates base registers.
import type { AllocResult, Move, MutableBlock, ResizeResult } from "./holes.js";
import { HoleList } from "./holes.js";

/** The contiguous allocator: a hole list with a fit policy (holes.ts, fits.ts) that can compact. */
export class ContigAllocator<Owner = string> extends HoleList<Owner> {
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
}
