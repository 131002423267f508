// Physical memory as the kernel tracks it: the frame table (who owns each 4 KiB frame, and how
// many mappings share it) and the frame allocator. Printed, it is the memory map.
import { PAGE_SIZE } from "../hw/ram.js";

/** What a frame holds. */
export const FrameUse = {
  Free: 0,
  /** Reserved for the kernel; never mapped for users. */
  Kernel: 1,
  /** A page-table page of process `pid`. */
  PageTable: 2,
  /** A private user page of process `pid` (copy-on-write shared when refs > 1). */
  User: 3,
  /** A page of a MAP_SHARED mapping, owned by the shared object. */
  Shared: 4,
  /** Part of a contiguous partition or segment (base-limit, segmented). */
  Partition: 5,
} as const;
export type FrameUse = (typeof FrameUse)[keyof typeof FrameUse];

/** Allocation strategy for single frames; a lab may replace it. */
export interface FrameAllocator {
  /** A free frame number, or NO_FRAME if none is left. Must not return a reserved frame. */
  alloc(table: FrameTable): number;
  /** Takes back a frame the table has just marked free. */
  release(ppn: number): void;
}

/** Returned by allocators when memory is exhausted (not a frame number: those are >= 0). */
export const NO_FRAME = -1;

/** The default allocator: a stack of free frames, lowest addresses handed out first. */
export class FreeListAllocator implements FrameAllocator {
  private readonly stack: number[] = [];

  constructor(first: number, end: number) {
    for (let p = end - 1; p >= first; p--) this.stack.push(p);
  }

  alloc(): number {
    return this.stack.pop() ?? NO_FRAME;
  }

  release(ppn: number): void {
    this.stack.push(ppn);
  }
}

export class FrameTable {
  readonly count: number;
  /** Frames [0, reserved) belong to the kernel. */
  readonly reserved: number;
  readonly use: Uint8Array;
  /** Owning pid for PageTable/User/Partition frames, 0 otherwise. */
  readonly pid: Int32Array;
  /** Mappings of a User frame (copy-on-write sharing); 0 for unmapped or other uses. */
  readonly refs: Int32Array;
  /** The user virtual address a User frame is mapped at (the same in every sharer after fork). */
  readonly va: Uint32Array;
  /**
   * Pins: how many kernel operations are working on a frame right now. A pinned frame is never
   * chosen for eviction and must not be freed; every pin is dropped before the trap that took it
   * returns (the checker verifies none is left).
   */
  readonly pins: Uint16Array;
  /** Allocations that found no frame, even after reclaiming (the kernel's OOM handling reads it). */
  failedAllocs = 0;
  /**
   * Called when no frame is free: frees one (by evicting a page to swap) and returns true, or
   * returns false if nothing can be freed. Null: no reclaiming.
   */
  reclaim: (() => boolean) | null = null;
  /** Told of every allocation and free (for the `alloc` trace). */
  onChange: ((op: "alloc" | "free", ppn: number) => void) | null = null;
  /** Told when a User frame is freed (the replacement policy forgets it). */
  onUserFree: ((ppn: number) => void) | null = null;
  free: number;
  readonly freeAtBoot: number;
  allocator: FrameAllocator;

  /** A table for `ramSize` bytes with the first `reserved` frames kept for the kernel. */
  constructor(ramSize: number, reserved: number) {
    this.count = ramSize / PAGE_SIZE;
    this.reserved = reserved;
    this.use = new Uint8Array(this.count);
    this.pid = new Int32Array(this.count);
    this.refs = new Int32Array(this.count);
    this.va = new Uint32Array(this.count);
    this.pins = new Uint16Array(this.count);
    this.use.fill(FrameUse.Kernel, 0, reserved);
    this.free = this.count - reserved;
    this.freeAtBoot = this.free;
    this.allocator = new FreeListAllocator(reserved, this.count);
  }

  /**
   * Allocates a frame for `use` by `pid`, reclaiming one if none is free; NO_FRAME when memory is
   * exhausted. Not zeroed.
   */
  alloc(use: FrameUse, pid: number): number {
    let ppn = this.allocator.alloc(this);
    while (ppn === NO_FRAME && this.reclaim?.()) ppn = this.allocator.alloc(this);
    if (ppn === NO_FRAME) {
      this.failedAllocs++;
      return NO_FRAME;
    }
    if (this.use[ppn] !== FrameUse.Free)
      throw new Error(`kalloc: allocator returned frame ${ppn}, which is in use`);
    this.use[ppn] = use;
    this.pid[ppn] = pid;
    this.refs[ppn] = use === FrameUse.User ? 1 : 0;
    this.free--;
    this.onChange?.("alloc", ppn);
    return ppn;
  }

  /** Frees a frame; freeing a free, reserved or pinned frame is a kernel bug. */
  release(ppn: number): void {
    if (ppn < this.reserved || ppn >= this.count || this.use[ppn] === FrameUse.Free) {
      throw new Error(`kfree: frame ${ppn} is not allocated`);
    }
    if (this.pins[ppn] !== 0) throw new Error(`kfree: frame ${ppn} is pinned`);
    this.onChange?.("free", ppn);
    if (this.use[ppn] === FrameUse.User) this.onUserFree?.(ppn);
    this.use[ppn] = FrameUse.Free;
    this.pid[ppn] = 0;
    this.refs[ppn] = 0;
    this.free++;
    this.allocator.release(ppn);
  }

  /** Pins `ppn` while the kernel works on it (copies from it, maps it): no eviction, no freeing. */
  pin(ppn: number): void {
    this.pins[ppn]!++;
  }

  /** Drops a pin taken with pin(). */
  unpin(ppn: number): void {
    if (this.pins[ppn] === 0) throw new Error(`unpin: frame ${ppn} is not pinned`);
    this.pins[ppn]!--;
  }

  /** Drops one mapping of a User frame, freeing it with the last; returns true if freed. */
  unref(ppn: number): boolean {
    if (this.use[ppn] !== FrameUse.User) return false;
    if (--this.refs[ppn]! > 0) return false;
    this.release(ppn);
    return true;
  }

  /** Marks a run of frames as one use (for contiguous partitions). */
  claimRange(first: number, count: number, use: FrameUse, pid: number): void {
    for (let p = first; p < first + count; p++) {
      if (this.use[p] !== FrameUse.Free) throw new Error(`claimRange: frame ${p} is in use`);
      this.use[p] = use;
      this.pid[p] = pid;
      this.free--;
    }
  }

  /** Frees a run of frames claimed with claimRange. */
  releaseRange(first: number, count: number): void {
    for (let p = first; p < first + count; p++) {
      if (this.use[p] === FrameUse.Free) throw new Error(`releaseRange: frame ${p} is free`);
      this.use[p] = FrameUse.Free;
      this.pid[p] = 0;
      this.free++;
    }
  }
}
