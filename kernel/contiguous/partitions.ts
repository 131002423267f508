// `--mm base-limit` and `--mm segmented`: each process lives in contiguous blocks of physical
// memory from the hole-list allocator (contig.ts), relocated by base registers.
//
// base-limit: one partition; the program sees addresses [0, size):
//     0 .. text, data, bss at the linked addresses, heap (brk) .. guard .. stack, ending at `size`
//   The partition cannot grow. The guard is a page between the heap's room and the stack, filled
//   with a known pattern: the hardware cannot catch a stack that runs into the heap, so the kernel
//   checks the guard on every trap and kills a process that wrote it (a stack overflow).
// segmented (2 top VA bits choose one of 4 segments):
//     segment 0  0x00000000-  text, data, bss and heap (RWX: the GNU layout puts them together);
//                             its limit follows brk, so touching past the break faults
//     segment 1  -0x7fffffff  the stack, growing down from 0x80000000
//     segments 2, 3           invalid
//   Segments grow: brk beyond segment 0's block, or a fault just below the stack segment (down to
//   the stack limit), enlarges the block — in place, by moving it to a larger hole, or by
//   compacting memory around it — and the faulting instruction is retried.
// Neither scheme can share or protect pages, so mmap, munmap and mprotect are refused; fork copies
// the blocks. When no hole fits but enough memory is free, the allocator compacts: blocks slide,
// their bytes are copied, and the base registers of the blocks' owners follow.
import type { Machine } from "../../hw/machine.js";
import { MmuMode, type Segment } from "../../hw/mmu.js";
import { PAGE_SIZE, type Ram } from "../../hw/ram.js";
import { PTE_R, PTE_W, PTE_X } from "../../hw/sv32.js";
import { hex32 } from "../../hw/trap.js";
import { Errno } from "../abi.js";
import { pageDown, pageUp } from "../aspace.js";
import { type FrameTable, FrameUse } from "../frames.js";
import type { ExecArgs, MemoryModel } from "../memory.js";
import type { FaultResult } from "../paging/fault.js";
import type { Block, Proc } from "../proc.js";
import { buildInitialStack } from "../stack.js";
import { ContigAllocator, type FitPolicy, type Move } from "./holes.js";

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
interface Owner {
  pid: number;
  /** Moving the allocator block moves this Block, whichever Proc (or execve's saved copy) holds it. */
  block: Block;
}

const SEGMENT_SPAN = 0x4000_0000;
const STACK_TOP = 0x8000_0000;
const CODE = 0;
const STACK = 1;
/** base-limit: the guard between the heap's room and the stack, and the pattern it holds. */
const GUARD_SIZE = PAGE_SIZE;
const GUARD_WORD = 0x5ca1_ab1e;

const done = (action: string): FaultResult => ({ ok: true, action });
const fail = (reason: string): FaultResult => ({ ok: false, reason });
const kib = (n: number) => `${n / 1024} KiB`;

export class ContiguousMemory implements MemoryModel {
  readonly mode: MmuMode;
  readonly ram: Ram;
  private readonly machine: Machine;
  private readonly frames: FrameTable;
  private readonly opts: ContiguousOptions;
  readonly allocator: ContigAllocator<Owner>;
  /** Processes with memory, by pid (for the invariant check). */
  private readonly procs = new Map<number, Proc>();
  private active: Proc | null = null;
  /** The blocks whose bases are in the MMU's registers now, by register (partition or segment). */
  private loaded: Block[] = [];
  private growths = 0;

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

  /** segmented: the largest stack segment (the stack limit, within segment 1's span). */
  private get stackMax(): number {
    return Math.min(pageUp(this.opts.stackLimit), SEGMENT_SPAN);
  }

  exec(p: Proc, a: ExecArgs): string | undefined {
    const end = Math.max(...a.image.segments.map((s) => s.vaddr + s.memsz));
    const codeSize = pageUp(end) + this.opts.heapReserve;
    const top = this.segmented ? STACK_TOP : codeSize + GUARD_SIZE + this.opts.stackReserve;
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
      if (!this.allocBlock(p, size)) return `out of memory: no room for ${kib(size)}`;
    for (const s of a.image.segments) {
      this.ram.writeBytes(this.physical(p, s.vaddr), s.data);
      this.ram.zero(this.physical(p, s.vaddr) + s.data.length, s.memsz - s.data.length);
    }
    this.ram.writeBytes(this.physical(p, stack.sp), stack.bytes);
    p.brkStart = p.brk = pageUp(end);
    p.stackLow = this.segmented ? STACK_TOP - this.stackMax : top - this.opts.stackReserve;
    if (!this.segmented) this.fillGuard(p);
    p.regs.fill(0);
    p.regs[2] = stack.sp;
    p.pc = a.image.entry;
    return undefined;
  }

  /** Adds a zeroed block of `size` bytes to `p`, compacting if that helps; false if out of memory. */
  private allocBlock(p: Proc, size: number): boolean {
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
  private move(m: Move<Owner>): void {
    this.ram.u8.copyWithin(m.to, m.from, m.from + m.size);
    const b = m.owner.block;
    b.base = m.to;
    const reg = this.loaded.indexOf(b);
    if (reg >= 0) this.rebase(reg, b);
  }

  /** Points base register `reg` (the partition's or a segment's) at `b`'s new place. */
  private rebase(reg: number, b: Block): void {
    const mmu = this.machine.mmu;
    if (!this.segmented) {
      mmu.setBaseLimit(b.base, mmu.limit);
      return;
    }
    const s = mmu.segments[reg]!;
    mmu.setSegment(reg, { ...s, base: s.growsDown ? b.base + b.size : b.base });
  }

  /** Rewrites the frame table from the allocator's blocks, telling frames.onChange (the trace). */
  private syncFrames(): void {
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
  private physical(p: Proc, va: number): number {
    if (!this.segmented) return p.blocks[0]!.base + va;
    if (va < SEGMENT_SPAN) return p.blocks[CODE]!.base + va;
    const stack = p.blocks[STACK]!;
    return stack.base + stack.size - (STACK_TOP - va);
  }

  activate(p: Proc): void {
    const mmu = this.machine.mmu;
    this.active = p;
    this.loaded = [...p.blocks];
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
    // Only now: allocating the child's blocks may have moved the parent's.
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
    if (this.active === p) {
      this.active = null;
      this.loaded = [];
    }
    this.syncFrames();
  }

  /**
   * A limit fault (the trap path sends base-limit and segmented ones here): under segmented, an
   * access below the stack segment but above the stack limit grows the segment (each growth
   * covers the address, so the retried access goes through); anything else is illegal, and the
   * reason says where the address was.
   */
  fault(p: Proc, va: number): FaultResult {
    if (p.blocks.length === 0) return fail("no memory");
    if (!this.segmented) return fail(`beyond the partition's limit ${hex32(p.blocks[0]!.size)}`);
    if (va < SEGMENT_SPAN) return fail(`above the break ${hex32(p.brk)} (segment 0's limit)`);
    if (va >= STACK_TOP) return fail("no segment there");
    const stack = p.blocks[STACK]!;
    if (va >= STACK_TOP - stack.size) return fail("past the top of the stack segment");
    if (va >= p.stackLow) return this.growStack(p, va);
    return stack.size === this.stackMax
      ? fail(`stack overflow: the stack has reached its limit of ${kib(this.stackMax)}`)
      : fail(`below the stack limit, ${kib(this.stackMax)} under ${hex32(STACK_TOP)}`);
  }

  /** segmented: grows `p`'s stack segment down over `va` (which the caller checked is allowed). */
  private growStack(p: Proc, va: number): FaultResult {
    const stack = p.blocks[STACK]!;
    const before = stack.size;
    const need = STACK_TOP - pageDown(va);
    const how = this.growBlock(p, STACK, need, this.stackMax);
    if (!how) return fail(`out of memory: no room to grow the stack segment to ${kib(need)}`);
    return done(`grew the stack segment from ${kib(before)} to ${kib(stack.size)} ${how}`);
  }

  /**
   * Grows block `i` of `p` to at least `need` bytes (page multiples) — to twice its size if that
   * fits under `max`, so growing by small steps seldom moves it — keeping its contents (the
   * stack's at the top end) and zeroing the new part. Says how it grew (for the trace), or returns
   * undefined, changing nothing, if memory is short.
   */
  private growBlock(p: Proc, i: number, need: number, max: number): string | undefined {
    const b = p.blocks[i]!;
    const roomy = Math.min(Math.max(need, 2 * b.size), max);
    const atTop = i === STACK;
    const how =
      this.resizeBlock(p, b, roomy, atTop) ??
      (roomy > need ? this.resizeBlock(p, b, need, atTop) : undefined);
    if (!how) return undefined;
    this.growths++;
    this.syncFrames();
    if (this.active === p) this.activate(p);
    return how;
  }

  /**
   * Resizes `b` to `size` bytes: in place, into a larger hole, or in place after compacting
   * around it. Contents stay (at the top end when `atTop`); the new part is zeroed. How it went,
   * or undefined (nothing changed) if memory is short.
   */
  private resizeBlock(p: Proc, b: Block, size: number, atTop: boolean): string | undefined {
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
  private place(b: Block, to: number, size: number, atTop: boolean): void {
    const shift = atTop ? size - b.size : 0;
    this.ram.u8.copyWithin(to + shift, b.base, b.base + b.size);
    this.ram.zero(atTop ? to : to + b.size, size - b.size);
    b.base = to;
    b.size = size;
  }

  userPa(p: Proc, va: number): number {
    if (this.inside(p, va)) return this.physical(p, va);
    // A syscall's buffer just below the stack grows it, as the access itself would have.
    if (this.segmented && va >= SEGMENT_SPAN && va < STACK_TOP && this.fault(p, va).ok)
      return this.physical(p, va);
    return -1;
  }

  /** Whether `va` is inside `p`'s memory as the hardware would decide. */
  private inside(p: Proc, va: number): boolean {
    if (p.blocks.length === 0) return false;
    if (!this.segmented) return va < p.blocks[0]!.size;
    if (va < SEGMENT_SPAN) return va < pageUp(p.brk);
    return va >= SEGMENT_SPAN && va < STACK_TOP && STACK_TOP - va <= p.blocks[STACK]!.size;
  }

  brk(p: Proc, addr: number): number {
    const room = this.segmented ? p.blocks[CODE]!.size : p.stackLow - GUARD_SIZE;
    if (addr < p.brkStart) return p.brk;
    if (addr > room && !(this.segmented && this.growCode(p, pageUp(addr)))) return p.brk;
    // Pages given back read as zeros when the break grows over them again (as with paging).
    if (pageUp(addr) < pageUp(p.brk))
      this.ram.zero(this.physical(p, pageUp(addr)), pageUp(p.brk) - pageUp(addr));
    p.brk = addr;
    if (p === this.active) this.activate(p);
    return addr;
  }

  /** segmented: grows segment 0 to hold `size` bytes; false if memory is short. */
  private growCode(p: Proc, size: number): boolean {
    if (size > SEGMENT_SPAN) return false;
    return this.growBlock(p, CODE, size, SEGMENT_SPAN) !== undefined;
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

  /** base-limit: fills `p`'s guard (just below its stack) with the guard pattern. */
  private fillGuard(p: Proc): void {
    const at = this.physical(p, p.stackLow - GUARD_SIZE);
    for (let a = at; a < at + GUARD_SIZE; a += 4) this.ram.i32[a >>> 2] = GUARD_WORD;
  }

  /** base-limit: why `p` must die because its stack ran into its guard; undefined if it did not. */
  stackOverflow(p: Proc): string | undefined {
    if (this.segmented || p.blocks.length === 0) return undefined;
    const at = this.physical(p, p.stackLow - GUARD_SIZE);
    for (let a = at; a < at + GUARD_SIZE; a += 4) {
      if (this.ram.i32[a >>> 2] !== GUARD_WORD)
        return `stack overflow: the stack grew past its ${kib(this.opts.stackReserve)} into the guard at ${hex32(p.stackLow - GUARD_SIZE)} (a base-limit partition cannot grow)`;
    }
    return undefined;
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
  private checkFrames(): string | undefined {
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
  private checkRegisters(): string | undefined {
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
