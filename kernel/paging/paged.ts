// `--mm paged` (the default): per-process Sv32 page tables in emulated RAM, everything lazy.
//
//   0x8000_0000  USER_TOP ------------------------------------------
//                stack (grows down on demand, up to the stack limit)
//                guard page (never mapped)
//                mmap areas (placed top-down below the guard)
//                ...
//                heap (brk, grows up)
//                bss, data (RW), rodata (R), text (R-X) at the program's linked addresses
//   0x0000_0000  page 0 is never mapped, so null pointers fault
import { MmuMode } from "../../hw/mmu.js";
import { PAGE_SIZE, type Ram } from "../../hw/ram.js";
import { makeSatp, PTE_R, PTE_W } from "../../hw/sv32.js";
import { Access } from "../../hw/trap.js";
import { Errno } from "../abi.js";
import { pageDown, pageUp, type Region, RegionKind, SharedObject } from "../aspace.js";
import { NO_FRAME } from "../frames.js";
import { type ExecArgs, MapFlag, type MemoryModel } from "../memory.js";
import type { Proc } from "../proc.js";
import { protectRange, protToPerm, segmentPerm } from "../protection.js";
import { buildInitialStack } from "../stack.js";
import { type FaultResult, USER_TOP, type VmContext } from "./context.js";
import { copyPages } from "./cow.js";
import { serveFault, userPa } from "./fault.js";
import { freeWalk, newRoot } from "./pagetable.js";
import { releaseShared, unmapRange } from "./unmap.js";

/** The most regions (mappings) one address space may have, like Linux's vm.max_map_count: it keeps
 * region lookups cheap whatever a program does. mmap, munmap and mprotect that could pass it fail
 * with ENOMEM. */
export const MAX_REGIONS = 4096;

/** Heap pages (brk) are read-write. */
const HEAP_PERM = PTE_R | PTE_W;

export interface PagedOptions {
  /** Most the stack may grow to (Linux's default ulimit -s is 8 MiB). */
  stackLimit: number;
  /** Copy every page at fork instead of sharing copy-on-write (for comparison). */
  eagerFork: boolean;
}

export class PagedMemory implements MemoryModel {
  readonly mode = MmuMode.Paged;
  private readonly ctx: VmContext;
  readonly ram: Ram;
  private readonly opts: PagedOptions;

  constructor(ctx: VmContext, opts: PagedOptions) {
    this.ctx = ctx;
    this.ram = ctx.machine.ram;
    this.opts = opts;
  }

  exec(p: Proc, a: ExecArgs): string | undefined {
    const regions = imageRegions(a);
    if (typeof regions === "string") return regions;
    const root = newRoot(this.ctx.machine.ram, this.ctx.frames, p.pid);
    if (root === NO_FRAME) return "out of memory for a page table";
    p.root = root;
    for (const r of regions) p.space.add(r);
    p.brkStart = p.brk = Math.max(...regions.map((r) => r.end));
    p.stackLow = USER_TOP - this.opts.stackLimit;
    const stack = buildInitialStack(
      { top: USER_TOP, argv: a.argv, envp: a.envp, entry: a.image.entry, random: a.random },
      256 * 1024,
    );
    if (!stack) return "arguments and environment are too large for the stack";
    p.space.add({
      start: pageDown(stack.sp),
      end: USER_TOP,
      perm: PTE_R | PTE_W,
      kind: RegionKind.Stack,
    });
    if (!this.copyOut(p, stack.sp, stack.bytes)) return "out of memory for the stack";
    p.regs.fill(0);
    p.regs[2] = stack.sp;
    p.pc = a.image.entry;
    return undefined;
  }

  private copyOut(p: Proc, va: number, bytes: Uint8Array): boolean {
    for (let done = 0; done < bytes.length; ) {
      const pa = this.userPa(p, va + done, Access.Store);
      if (pa < 0) return false;
      const n = Math.min(bytes.length - done, PAGE_SIZE - ((va + done) % PAGE_SIZE));
      this.ctx.machine.ram.writeBytes(pa, bytes.subarray(done, done + n));
      done += n;
    }
    return true;
  }

  activate(p: Proc): void {
    const mmu = this.ctx.machine.mmu;
    if (mmu.mode !== MmuMode.Paged) mmu.setMode(MmuMode.Paged);
    mmu.setSatp(makeSatp(p.root, p.asid));
  }

  fork(parent: Proc, child: Proc): boolean {
    const root = newRoot(this.ctx.machine.ram, this.ctx.frames, child.pid);
    if (root === NO_FRAME) return false;
    child.root = root;
    child.space = parent.space.clone();
    child.brkStart = parent.brkStart;
    child.brk = parent.brk;
    child.stackLow = parent.stackLow;
    return copyPages(this.ctx, parent, child, this.opts.eagerFork);
  }

  release(p: Proc): void {
    if (p.root === 0) return;
    unmapRange(this.ctx, p, 0, USER_TOP);
    releaseShared(this.ctx, p.space.remove(0, USER_TOP));
    freeWalk(this.ctx.pt, this.ctx.machine.ram, this.ctx.frames, p.root);
    p.root = 0;
  }

  fault(p: Proc, va: number, access: Access): FaultResult {
    return serveFault(this.ctx, p, va, access);
  }

  userPa(p: Proc, va: number, access: Access): number {
    return userPa(this.ctx, p, va, access);
  }

  brk(p: Proc, addr: number): number {
    if (addr < p.brkStart) return p.brk;
    const oldEnd = pageUp(p.brk);
    const newEnd = pageUp(addr);
    if (newEnd > oldEnd) {
      if (newEnd > p.stackLow - PAGE_SIZE || !p.space.isFree(oldEnd, newEnd)) return p.brk;
      if ((newEnd - oldEnd) / PAGE_SIZE > this.commitLimit()) return p.brk;
      this.heapRegion(p).end = newEnd;
    } else if (newEnd < oldEnd) {
      unmapRange(this.ctx, p, newEnd, oldEnd);
      p.space.remove(newEnd, oldEnd);
    }
    p.brk = addr;
    return addr;
  }

  /**
   * The read-write heap region ending at the break, created empty there if there is none (at
   * first, or when mprotect changed the top of the heap: new heap pages are read-write, as Linux).
   */
  private heapRegion(p: Proc): Region {
    const heap = p.space.regions.find(
      (r) => r.kind === RegionKind.Heap && r.end === pageUp(p.brk) && r.perm === HEAP_PERM,
    );
    if (heap) return heap;
    const r: Region = {
      start: pageUp(p.brk),
      end: pageUp(p.brk),
      perm: HEAP_PERM,
      kind: RegionKind.Heap,
    };
    p.space.regions.push(r);
    p.space.regions.sort((x, y) => x.start - y.start);
    return r;
  }

  /**
   * The most pages one brk or mmap call may add, as Linux's heuristic overcommit: user RAM (all
   * frames but the kernel's reserve) plus swap. Only an obvious overcommit is refused; pages are
   * allocated when touched.
   */
  private commitLimit(): number {
    const { frames, swapper } = this.ctx;
    return frames.count - frames.reserved + (swapper?.space.slots ?? 0);
  }

  mmap(p: Proc, addr: number, len: number, prot: number, flags: number): number {
    const shared = (flags & MapFlag.SHARED) !== 0;
    if (len === 0 || shared === ((flags & MapFlag.PRIVATE) !== 0)) return -Errno.EINVAL;
    if ((flags & MapFlag.ANONYMOUS) === 0) return -Errno.ENODEV;
    if (p.space.regions.length + 2 > MAX_REGIONS) return -Errno.ENOMEM;
    const size = pageUp(len);
    if (size / PAGE_SIZE > this.commitLimit()) return -Errno.ENOMEM;
    let start: number;
    if (flags & MapFlag.FIXED) {
      if (addr % PAGE_SIZE !== 0 || addr + size > USER_TOP || addr === 0) return -Errno.EINVAL;
      start = addr;
      this.munmap(p, start, size);
    } else {
      const hint =
        addr % PAGE_SIZE === 0 &&
        addr !== 0 &&
        addr + size <= USER_TOP &&
        p.space.isFree(addr, addr + size);
      const found = hint
        ? addr
        : p.space.findFreeTopDown(size, pageUp(p.brk) + PAGE_SIZE, p.stackLow - PAGE_SIZE);
      if (found === undefined) return -Errno.ENOMEM;
      start = found;
    }
    const region: Region = {
      start,
      end: start + size,
      perm: protToPerm(prot),
      kind: RegionKind.Mmap,
    };
    if (shared) region.shared = { object: new SharedObject(), firstPage: 0 };
    p.space.add(region);
    return start;
  }

  munmap(p: Proc, addr: number, len: number): number {
    if (addr % PAGE_SIZE !== 0 || len === 0 || addr + len > USER_TOP) return -Errno.EINVAL;
    if (p.space.regions.length + 1 > MAX_REGIONS) return -Errno.ENOMEM;
    const end = pageUp(addr + len);
    unmapRange(this.ctx, p, addr, end);
    releaseShared(this.ctx, p.space.remove(addr, end));
    return 0;
  }

  mprotect(p: Proc, addr: number, len: number, prot: number): number {
    if (addr % PAGE_SIZE !== 0 || addr + len > USER_TOP) return -Errno.EINVAL;
    const end = pageUp(addr + len);
    if (len === 0) return 0;
    if (!p.space.covers(addr, end) || p.space.regions.length + 2 > MAX_REGIONS)
      return -Errno.ENOMEM;
    const perm = protToPerm(prot);
    p.space.protect(addr, end, perm);
    protectRange(this.ctx, p, addr, end, perm);
    return 0;
  }
}

/** The text/data regions for an image's PT_LOAD segments; an error if two share a page. */
function imageRegions(a: ExecArgs): Region[] | string {
  const regions: Region[] = [];
  for (const s of a.image.segments) {
    const start = pageDown(s.vaddr);
    const end = pageUp(s.vaddr + s.memsz);
    if (start === 0)
      return `segment at 0x${s.vaddr.toString(16)} would map page 0, which stays unmapped to catch null pointers`;
    if (end > USER_TOP)
      return `segment at 0x${s.vaddr.toString(16)} reaches into kernel space (user space ends at 0x80000000)`;
    if (regions.some((r) => r.start < end && start < r.end))
      return `segments share page 0x${start.toString(16)}: link them on separate pages`;
    regions.push({
      start,
      end,
      perm: segmentPerm(s),
      kind: s.executable ? RegionKind.Text : RegionKind.Data,
      image: { va: s.vaddr, data: s.data },
    });
  }
  return regions;
}
