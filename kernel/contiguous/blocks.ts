// The blocks behind `--mm base-limit` and `--mm segmented` (partitions.ts): each process owns
// contiguous blocks from the hole-list allocator (holes.ts, compaction.ts). Placing a block,
// moving it when the allocator compacts (bytes, base, base register), resizing it in place or by
// moving, keeping the frame table in step, and the invariant check of it all.

import { hex32 } from "../../hw/hex.js";
import type { Machine } from "../../hw/machine.js";
import { MmuMode, type Segment } from "../../hw/mmu.js";
import { PAGE_SIZE, type Ram } from "../../hw/ram.js";
import { PTE_R, PTE_W, PTE_X } from "../../hw/sv32.js";
import { pageUp } from "../aspace.js";
import { type FrameTable, FrameUse } from "../frames.js";
import type { RelocationRegister } from "../memory.js";
import type { FaultResult } from "../paging/context.js";
import type { Block, Proc } from "../proc.js";
import { ContigAllocator } from "./compaction.js";
import type { FitPolicy } from "./fits.js";
import type { Move } from "./holes.js";

export interface ContiguousOptions {
  fit: FitPolicy;
  /** Room for the heap beyond the program image. */
  heapReserve: number;
  /** The stack's size at exec (base-limit: for good; segmented: it grows from there). */
  stackReserve: number;
  /** segmented: the largest the stack segment may grow to (as with paging, ulimit -s). */
  stackLimit: number;
}

/** Who an allocator block belongs to: the process, and the very Block object in its list. */
export interface Owner {
  pid: number;
  /** Moving the allocator block moves this Block, whichever Proc (or execve's saved copy) holds it. */
  block: Block;
}

export const SEGMENT_SPAN = 0x4000_0000;
export const STACK_TOP = 0x8000_0000;
export const CODE = 0;
export const STACK = 1;
/** What each segment holds, by register (OSTEP's layout: code and heap grow up, the stack down). */
export const SEGMENT_NAMES: readonly string[] = ["code+data+heap", "stack"];
/** base-limit: the guard between the heap's room and the stack, and the pattern it holds. */
export const GUARD_SIZE = PAGE_SIZE;
export const GUARD_WORD = 0x5ca1_ab1e;

export const done = (action: string): FaultResult => ({ ok: true, action });
export const fail = (reason: string): FaultResult => ({ ok: false, reason });
export const kib = (n: number) => `${n / 1024} KiB`;

/** The blocks of every process: placing, moving and resizing them, and checking them (base class). */
export class ContiguousBlocks {
  readonly mode: MmuMode;
  readonly ram: Ram;
  protected readonly machine: Machine;
  protected readonly frames: FrameTable;
  protected readonly opts: ContiguousOptions;
  readonly allocator: ContigAllocator<Owner>;
  /** Processes with memory, by pid (for the invariant check). */
  protected readonly procs = new Map<number, Proc>();
  protected active: Proc | null = null;
  /** The blocks whose bases are in the MMU's registers now, by register (partition or segment). */
  protected loaded: Block[] = [];
  protected growths = 0;

  constructor(machine: Machine, frames: FrameTable, mode: MmuMode, opts: ContiguousOptions) {
    this.mode = mode;
    this.machine = machine;
    this.ram = machine.ram;
    this.frames = frames;
    this.opts = opts;
    const start = frames.reserved * PAGE_SIZE;
    this.allocator = new ContigAllocator<Owner>({
      start,
      size: machine.ram.size - start,
      policy: opts.fit,
    });
  }

  protected get segmented(): boolean {
    return this.mode === MmuMode.Segmented;
  }

  /** The registers `p` runs with, named, each with the size of the block reserved behind it. */
  relocationOf(p: Proc): RelocationRegister[] {
    if (!this.segmented) {
      const b = p.blocks[0]!;
      return [
        { name: "partition", base: b.base, limit: b.size, growsDown: false, reserved: b.size },
      ];
    }
    return [CODE, STACK].map((i) => {
      const { base, limit, growsDown } = this.segmentFor(p, i);
      return { name: SEGMENT_NAMES[i]!, base, limit, growsDown, reserved: p.blocks[i]!.size };
    });
  }

  /** Segment register `i` for `p`: code/heap up to the break, the stack, or nothing. */
  protected segmentFor(p: Proc, i: number): Segment {
    const code = p.blocks[CODE]!;
    const stack = p.blocks[STACK]!;
    if (i === CODE)
      return {
        base: code.base,
        limit: pageUp(p.brk),
        growsDown: false,
        perms: PTE_R | PTE_W | PTE_X,
      };
    if (i === STACK)
      return {
        base: stack.base + stack.size,
        limit: stack.size,
        growsDown: true,
        perms: PTE_R | PTE_W,
      };
    return { base: 0, limit: 0, growsDown: false, perms: 0 };
  }

  /** Adds a zeroed block of `size` bytes to `p`, compacting if that helps; false if out of memory. */
  protected allocBlock(p: Proc, size: number): boolean {
    const block: Block = { base: 0, size: this.allocator.roundUp(size) };
    const r = this.allocator.allocOrCompact(size, { pid: p.pid, block }, (m) => this.move(m));
    if (!r.ok) return false;
    block.base = r.start;
    p.blocks.push(block);
    this.ram.zero(r.start, block.size);
    this.syncFrames();
    return true;
  }

  /** Applies one compaction move: the bytes, the block's base, and a base register holding it. */
  protected move(m: Move<Owner>): void {
    this.ram.u8.copyWithin(m.to, m.from, m.from + m.size);
    const b = m.owner.block;
    b.base = m.to;
    const reg = this.loaded.indexOf(b);
    if (reg >= 0) this.rebase(reg, b);
  }

  /** Points base register `reg` (the partition's or a segment's) at `b`'s new place. */
  protected rebase(reg: number, b: Block): void {
    const mmu = this.machine.mmu;
    if (!this.segmented) {
      mmu.setBaseLimit(b.base, mmu.limit);
      return;
    }
    const s = mmu.segments[reg]!;
    mmu.setSegment(reg, { ...s, base: s.growsDown ? b.base + b.size : b.base });
  }

  /** Rewrites the frame table from the allocator's blocks, telling frames.onChange (the trace). */
  protected syncFrames(): void {
    const f = this.frames;
    const owner = new Int32Array(f.count);
    for (const b of this.allocator.blocks())
      owner.fill(b.owner.pid, b.start / PAGE_SIZE, (b.start + b.size) / PAGE_SIZE);
    for (let ppn = f.reserved; ppn < f.count; ppn++) {
      const was = f.use[ppn] === FrameUse.Partition ? f.pid[ppn]! : 0;
      const now = owner[ppn]!;
      if (was === now) continue;
      if (was !== 0) {
        f.onChange?.("free", ppn);
        f.releaseRange(ppn, 1);
      }
      if (now !== 0) {
        f.claimRange(ppn, 1, FrameUse.Partition, now);
        f.onChange?.("alloc", ppn);
      }
    }
  }

  /** The physical address of `va` in `p`'s blocks (the caller has checked it is inside). */
  protected physical(p: Proc, va: number): number {
    if (!this.segmented) return p.blocks[0]!.base + va;
    if (va < SEGMENT_SPAN) return p.blocks[CODE]!.base + va;
    const stack = p.blocks[STACK]!;
    return stack.base + stack.size - (STACK_TOP - va);
  }

  /**
   * Resizes `b` to `size` bytes: in place, into a larger hole, or in place after compacting
   * around it. Contents stay (at the top end when `atTop`); the new part is zeroed. How it went,
   * or undefined (nothing changed) if memory is short.
   */
  protected resizeBlock(p: Proc, b: Block, size: number, atTop: boolean): string | undefined {
    if (this.allocator.resize(b.base, size).ok) {
      this.place(b, b.base, size, atTop);
      return "in place";
    }
    const fits = this.allocator.largestHole() >= size;
    const r = fits ? this.allocator.alloc(size, { pid: p.pid, block: b }) : undefined;
    if (r?.ok) {
      const from = b.base;
      this.place(b, r.start, size, atTop);
      this.allocator.free(from);
      return `by moving it from ${hex32(from)} to ${hex32(r.start)}`;
    }
    const moved = this.allocator.stats().bytesMoved;
    if (!this.allocator.resizeOrCompact(b.base, size, (m) => this.move(m)).ok) return undefined;
    this.place(b, b.base, size, atTop);
    const bytes = this.allocator.stats().bytesMoved - moved;
    return `after compacting memory around it (${kib(bytes)} moved; now at ${hex32(b.base)})`;
  }

  /** Copies `b`'s bytes to `to` (memmove) as the start of a `size`-byte block, zeroing the rest. */
  protected place(b: Block, to: number, size: number, atTop: boolean): void {
    const shift = atTop ? size - b.size : 0;
    this.ram.u8.copyWithin(to + shift, b.base, b.base + b.size);
    this.ram.zero(atTop ? to : to + b.size, size - b.size);
    b.base = to;
    b.size = size;
  }

  /** Whether `va` is inside `p`'s memory as the hardware would decide. */
  protected inside(p: Proc, va: number): boolean {
    if (p.blocks.length === 0) return false;
    if (!this.segmented) return va < p.blocks[0]!.size;
    if (va < SEGMENT_SPAN) return va < pageUp(p.brk);
    return va >= SEGMENT_SPAN && va < STACK_TOP && STACK_TOP - va <= p.blocks[STACK]!.size;
  }

  /** External fragmentation, allocator counters and segment growths, for --stats. */
  report(): Record<string, number> {
    const s = this.allocator.stats();
    return {
      holes: this.allocator.holes().length,
      largestHole: this.allocator.largestHole(),
      externalFragmentation: this.allocator.fragmentation(),
      compactions: s.compactions,
      bytesMoved: s.bytesMoved,
      allocationFailures: s.failures,
      segmentGrowths: this.growths,
    };
  }

  /**
   * The invariant check (--check): the allocator's map is sound, its blocks are exactly the live
   * processes' blocks (same base, size and owner), the frame table agrees, and the MMU's base
   * registers hold the active process's blocks. The first problem, or undefined.
   */
  check(): string | undefined {
    this.allocator.check();
    const owned = new Set<Block>();
    for (const p of this.procs.values())
      for (const b of p.blocks) {
        const a = this.allocator.find(b.base);
        if (a?.owner.block !== b || a.size !== b.size || a.owner.pid !== p.pid)
          return `pid ${p.pid}: block ${hex32(b.base)}+${kib(b.size)} is not the allocator's`;
        owned.add(b);
      }
    for (const a of this.allocator.blocks())
      if (!owned.has(a.owner.block)) return `block ${hex32(a.start)} belongs to no process`;
    return this.checkFrames() ?? this.checkRegisters();
  }

  /** Each frame above the kernel's is a partition frame of its block's pid, or free. */
  protected checkFrames(): string | undefined {
    const f = this.frames;
    const owner = new Int32Array(f.count);
    for (const b of this.allocator.blocks())
      owner.fill(b.owner.pid, b.start / PAGE_SIZE, (b.start + b.size) / PAGE_SIZE);
    for (let ppn = f.reserved; ppn < f.count; ppn++) {
      const pid = f.use[ppn] === FrameUse.Partition ? f.pid[ppn] : 0;
      if (pid !== owner[ppn])
        return `frame ${ppn}: frame table says pid ${pid}, allocator ${owner[ppn]}`;
    }
    return undefined;
  }

  /** The MMU's registers match the active process's blocks. */
  protected checkRegisters(): string | undefined {
    const p = this.active;
    if (!p || p.blocks.length === 0) return undefined;
    const mmu = this.machine.mmu;
    const want = this.segmented
      ? [this.segmentFor(p, CODE), this.segmentFor(p, STACK)]
      : [{ base: p.blocks[0]!.base, limit: p.blocks[0]!.size }];
    const have = this.segmented ? mmu.segments : [{ base: mmu.base, limit: mmu.limit }];
    for (const [i, w] of want.entries())
      if (have[i]?.base !== w.base >>> 0 || have[i]?.limit !== w.limit)
        return `pid ${p.pid}: base register ${i} holds ${hex32(have[i]?.base ?? 0)}, not ${hex32(w.base)}`;
    return undefined;
  }
}
