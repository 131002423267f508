import { hex32 } from "../../hw/hex.js";
import { Errno } from "../abi.js";
import { pageDown, pageUp } from "../aspace.js";
import type { ExecArgs, MemoryModel } from "../memory.js";
import type { FaultResult } from "../paging/context.js";
import type { Proc } from "../proc.js";
import { buildInitialStack } from "../stack.js";
import {
  CODE,
  ContiguousBlocks,
  done,
  fail,
  GUARD_SIZE,
  GUARD_WORD,
  kib,
  SEGMENT_SPAN,
  STACK,
  STACK_TOP,
} from "./blocks.js";

/** The base-limit and segmented memory models (one partition, or code and stack segments). */
export class ContiguousMemory extends ContiguousBlocks implements MemoryModel {
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

  userPa(p: Proc, va: number): number {
    if (this.inside(p, va)) return this.physical(p, va);
    // A syscall's buffer just below the stack grows it, as the access itself would have.
    if (this.segmented && va >= SEGMENT_SPAN && va < STACK_TOP && this.fault(p, va).ok)
      return this.physical(p, va);
    return -1;
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
}
