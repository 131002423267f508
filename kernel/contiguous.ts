// `--mm base-limit` and `--mm segmented`: each process lives in contiguous blocks of physical
// memory from the hole-list allocator (contig.ts), relocated by base registers.
//
// base-limit: one partition; the program sees addresses [0, size):
//     0 .. text, data, bss at the linked addresses, heap (brk) .. stack, ending at `size`
// segmented (2 top VA bits choose one of 4 segments):
//     segment 0  0x00000000-  text, data, bss and heap (RWX: the GNU layout puts them together);
//                             its limit follows brk, so touching past the break faults
//     segment 1  -0x7fffffff  the stack, growing down from 0x80000000
//     segments 2, 3           invalid
// Neither scheme can share or protect pages, so mmap, munmap and mprotect are refused; fork copies
// the blocks. When no hole fits but enough memory is free, the allocator compacts: blocks slide
// down, their bytes are copied, and the owners' base registers are updated.
import type { Machine } from "../hw/machine.js";
import { MmuMode, type Segment } from "../hw/mmu.js";
import { PAGE_SIZE, type Ram } from "../hw/ram.js";
import { PTE_R, PTE_W, PTE_X } from "../hw/sv32.js";
import { hex32 } from "../hw/trap.js";
import { Errno } from "./abi.js";
import { pageUp } from "./aspace.js";
import { ContigAllocator, type FitPolicy, type Move } from "./contig.js";
import { type FrameTable, FrameUse } from "./frames.js";
import type { ExecArgs, MemoryModel } from "./memory.js";
import type { FaultResult } from "./paging.js";
import type { Block, Proc } from "./proc.js";
import { buildInitialStack } from "./stack.js";

export interface ContiguousOptions {
  fit: FitPolicy;
  /** Room for the heap beyond the program image. */
  heapReserve: number;
  /** Room for the stack (fixed: these schemes cannot grow it on demand). */
  stackReserve: number;
}

interface Owner {
  pid: number;
  /** Index into the process's blocks. */
  block: number;
}

const SEGMENT_SPAN = 0x4000_0000;
const STACK_TOP = 0x8000_0000;
const CODE = 0;
const STACK = 1;

export class ContiguousMemory implements MemoryModel {
  readonly mode: MmuMode;
  readonly ram: Ram;
  private readonly machine: Machine;
  private readonly frames: FrameTable;
  private readonly opts: ContiguousOptions;
  readonly allocator: ContigAllocator<Owner>;
  private readonly procs = new Map<number, Proc>();
  private active: Proc | null = null;

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

  private get segmented(): boolean {
    return this.mode === MmuMode.Segmented;
  }

  exec(p: Proc, a: ExecArgs): string | undefined {
    const end = Math.max(...a.image.segments.map((s) => s.vaddr + s.memsz));
    const codeSize = pageUp(end) + this.opts.heapReserve;
    const top = this.segmented ? STACK_TOP : codeSize + this.opts.stackReserve;
    if (!this.segmented && top > SEGMENT_SPAN)
      return `program too large for a partition (${hex32(end)})`;
    if (this.segmented && end > SEGMENT_SPAN)
      return `program does not fit in segment 0 (ends at ${hex32(end)})`;
    const stack = buildInitialStack(
      { top, argv: a.argv, envp: a.envp, entry: a.image.entry, random: a.random },
      this.opts.stackReserve / 2,
    );
    if (!stack) return "arguments and environment are too large for the stack";
    const sizes = this.segmented ? [codeSize, this.opts.stackReserve] : [top];
    this.procs.set(p.pid, p);
    p.blocks = [];
    for (const size of sizes)
      if (!this.allocBlock(p, size)) return `out of memory: no room for ${size / 1024} KiB`;
    for (const s of a.image.segments) {
      this.ram.writeBytes(this.physical(p, s.vaddr), s.data);
      this.ram.zero(this.physical(p, s.vaddr) + s.data.length, s.memsz - s.data.length);
    }
    this.ram.writeBytes(this.physical(p, stack.sp), stack.bytes);
    p.brkStart = p.brk = pageUp(end);
    p.stackLow = top - this.opts.stackReserve;
    p.regs.fill(0);
    p.regs[2] = stack.sp;
    p.pc = a.image.entry;
    return undefined;
  }

  /** Adds a zeroed block of `size` bytes to `p`, compacting if that helps; false if out of memory. */
  private allocBlock(p: Proc, size: number): boolean {
    const owner: Owner = { pid: p.pid, block: p.blocks.length };
    const r = this.allocator.allocOrCompact(size, owner, (m) => this.move(m));
    if (!r.ok) return false;
    p.blocks.push({ base: r.start, size: this.allocator.roundUp(size) });
    this.ram.zero(r.start, size);
    this.syncFrames();
    return true;
  }

  /** Applies one compaction move: the bytes, and the owner's base. */
  private move(m: Move<Owner>): void {
    this.ram.u8.copyWithin(m.to, m.from, m.from + m.size);
    const p = this.procs.get(m.owner.pid);
    const b = p?.blocks[m.owner.block];
    if (b) b.base = m.to;
    if (p && p === this.active) this.activate(p);
  }

  /** Rewrites the frame table from the allocator's blocks (after any change). */
  private syncFrames(): void {
    const f = this.frames;
    for (let ppn = f.reserved; ppn < f.count; ppn++) {
      if (f.use[ppn] !== FrameUse.Free) f.free++;
      f.use[ppn] = FrameUse.Free;
      f.pid[ppn] = 0;
    }
    for (const b of this.allocator.blocks())
      f.claimRange(b.start / PAGE_SIZE, b.size / PAGE_SIZE, FrameUse.Partition, b.owner.pid);
  }

  /** The physical address of `va` in `p`'s blocks (the caller has checked it is inside). */
  private physical(p: Proc, va: number): number {
    if (!this.segmented) return p.blocks[0]!.base + va;
    if (va < SEGMENT_SPAN) return p.blocks[CODE]!.base + va;
    const stack = p.blocks[STACK]!;
    return stack.base + stack.size - (STACK_TOP - va);
  }

  activate(p: Proc): void {
    const mmu = this.machine.mmu;
    this.active = p;
    if (mmu.mode !== this.mode) mmu.setMode(this.mode);
    if (!this.segmented) {
      mmu.setBaseLimit(p.blocks[0]!.base, p.blocks[0]!.size);
      return;
    }
    for (let i = 0; i < mmu.segments.length; i++) mmu.setSegment(i, this.segmentFor(p, i));
  }

  /** Segment register `i` for `p`: code/heap up to the break, the stack, or nothing. */
  private segmentFor(p: Proc, i: number): Segment {
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

  fork(parent: Proc, child: Proc): boolean {
    this.procs.set(child.pid, child);
    child.blocks = [];
    for (const b of parent.blocks) {
      if (!this.allocBlock(child, b.size)) return false;
    }
    parent.blocks.forEach((b, i) => {
      const to = child.blocks[i]!.base;
      this.ram.u8.copyWithin(to, b.base, b.base + b.size);
    });
    Object.assign(child, { brkStart: parent.brkStart, brk: parent.brk, stackLow: parent.stackLow });
    return true;
  }

  release(p: Proc): void {
    for (const b of p.blocks) this.allocator.free(b.base);
    p.blocks = [];
    // execve releases a copy of the process holding the old image: keep the live one.
    if (this.procs.get(p.pid) === p) this.procs.delete(p.pid);
    if (this.active === p) this.active = null;
    this.syncFrames();
  }

  fault(): FaultResult {
    return { ok: false, reason: "outside the process's memory" };
  }

  userPa(p: Proc, va: number): number {
    if (!this.inside(p, va)) return -1;
    return this.physical(p, va);
  }

  /** Whether `va` is inside `p`'s memory as the hardware would decide. */
  private inside(p: Proc, va: number): boolean {
    if (p.blocks.length === 0) return false;
    if (!this.segmented) return va < p.blocks[0]!.size;
    if (va < SEGMENT_SPAN) return va < pageUp(p.brk);
    return va >= SEGMENT_SPAN && va < STACK_TOP && STACK_TOP - va <= p.blocks[STACK]!.size;
  }

  brk(p: Proc, addr: number): number {
    const room = this.segmented ? p.blocks[CODE]!.size : p.stackLow;
    if (addr < p.brkStart) return p.brk;
    if (addr > room && !(this.segmented && this.growCode(p, pageUp(addr)))) return p.brk;
    // Pages given back read as zeros when the break grows over them again (as with paging).
    if (pageUp(addr) < pageUp(p.brk))
      this.ram.zero(this.physical(p, pageUp(addr)), pageUp(p.brk) - pageUp(addr));
    p.brk = addr;
    if (p === this.active) this.activate(p);
    return addr;
  }

  /** Grows segment 0 to `size` bytes: in place, or by moving it to a larger block. */
  private growCode(p: Proc, size: number): boolean {
    const code = p.blocks[CODE]!;
    if (this.allocator.resize(code.base, size).ok) {
      code.size = size;
      this.syncFrames();
      return true;
    }
    const old = { ...code };
    const r = this.allocator.allocOrCompact(size, { pid: p.pid, block: CODE }, (m) => this.move(m));
    if (!r.ok) return false;
    const from = p.blocks[CODE]!.base;
    this.ram.u8.copyWithin(r.start, from, from + old.size);
    this.allocator.free(from);
    p.blocks[CODE] = { base: r.start, size } satisfies Block;
    this.syncFrames();
    return true;
  }

  mmap(): number {
    return -Errno.ENOMEM;
  }

  munmap(): number {
    return -Errno.EINVAL;
  }

  mprotect(): number {
    return -Errno.EINVAL;
  }

  /** External fragmentation and allocator counters, for --stats. */
  report(): Record<string, number> {
    const s = this.allocator.stats();
    return {
      holes: this.allocator.holes().length,
      largestHole: this.allocator.largestHole(),
      externalFragmentation: this.allocator.fragmentation(),
      compactions: s.compactions,
      bytesMoved: s.bytesMoved,
      allocationFailures: s.failures,
    };
  }
}
