// A student's faults lab, written from the starter and the handout, with two deliberate bugs
// (marked BUG) for the grader's tests: each must cost exactly the points of the tests it touches.
//   BUG 1: copyOnWrite copies even for the last sharer  -> "copy-on-write: the last sharer ..."
//   BUG 2: the guard page is looked for one page too high -> "stack: running into the guard page ..."
import {
  Access,
  addResident,
  type FaultResult,
  FrameUse,
  fillPage,
  fixed,
  illegal,
  makePte,
  NO_FRAME,
  PAGE_SIZE,
  type Proc,
  PTE_A,
  PTE_COW,
  PTE_D,
  PTE_SWAP,
  PTE_U,
  PTE_V,
  PTE_W,
  pageDown,
  permFor,
  ptePpn,
  type Region,
  RegionKind,
  USER_TOP,
  type VmContext,
} from "./vmlab.js";

export function pageFault(ctx: VmContext, p: Proc, va: number, access: Access): FaultResult {
  if (va >= USER_TOP) return illegal("kernel address");
  const page = pageDown(va);
  const r = p.space.find(page) ?? growStack(p, page);
  if (!r) {
    const guard = page === p.stackLow; // BUG 2: the guard page is the one below p.stackLow
    return illegal(guard ? "stack overflow into the guard page" : "not mapped");
  }
  if ((r.perm & permFor(access)) === 0)
    return illegal(access === Access.Store ? "write to a read-only page" : "no permission");
  const ram = ctx.machine.ram;
  const pteAddr = ctx.pt.walk(ram, ctx.frames, p.root, page, true, p.pid);
  if (pteAddr < 0) return illegal("out of memory");
  const pte = ram.i32[pteAddr >>> 2]! >>> 0;
  if (r.shared || (pte & (PTE_V | PTE_SWAP)) === PTE_SWAP)
    return illegal("MAP_SHARED and swap are not part of this lab");
  if ((pte & PTE_V) === 0) return lazyAllocate(ctx, p, r, page, access);
  if (access === Access.Store && pte & PTE_COW) return copyOnWrite(ctx, p, page, pteAddr, pte);
  if ((pte & permFor(access)) === 0) return illegal("no permission");
  const ad = PTE_A | (access === Access.Store ? PTE_D : 0);
  ram.i32[pteAddr >>> 2] = pte | ad;
  ctx.machine.mmu.sfenceVma(page, p.asid);
  ctx.counters.minorFaults++;
  return fixed("set the A/D bits");
}

export function growStack(p: Proc, page: number): Region | undefined {
  const stack = p.space.regions.find((r) => r.kind === RegionKind.Stack);
  if (!stack || page >= stack.start || page < p.stackLow) return undefined;
  if (!p.space.isFree(page, stack.start)) return undefined;
  stack.start = page;
  return stack;
}

export function lazyAllocate(
  ctx: VmContext,
  p: Proc,
  r: Region,
  page: number,
  access: Access,
): FaultResult {
  const ppn = ctx.frames.alloc(FrameUse.User, p.pid);
  if (ppn === NO_FRAME) return illegal("out of memory");
  const fromImage = fillPage(ctx.machine.ram, r, page, ppn);
  const flags = r.perm | PTE_V | PTE_U | PTE_A | (access === Access.Store ? PTE_D : 0);
  if (!ctx.pt.mapPage(ctx.machine.ram, ctx.frames, p.root, page, ppn, flags, p.pid)) {
    ctx.frames.unref(ppn);
    return illegal("out of memory");
  }
  addResident(p);
  ctx.counters.minorFaults++;
  if (!fromImage) ctx.counters.zeroFills++;
  return fixed(`mapped frame ${ppn}`);
}

export function copyOnWrite(
  ctx: VmContext,
  p: Proc,
  page: number,
  pteAddr: number,
  pte: number,
): FaultResult {
  const ram = ctx.machine.ram;
  const old = ptePpn(pte);
  // BUG 1: copies even when this process is the frame's last user.
  const ppn = ctx.frames.alloc(FrameUse.User, p.pid);
  if (ppn === NO_FRAME) return illegal("out of memory");
  ram.u8.copyWithin(ppn * PAGE_SIZE, old * PAGE_SIZE, old * PAGE_SIZE + PAGE_SIZE);
  ctx.frames.unref(old);
  ctx.counters.cowCopies++;
  const flags = ((pte & 0x3ff & ~PTE_COW) | PTE_W | PTE_A | PTE_D) >>> 0;
  ram.i32[pteAddr >>> 2] = makePte(ppn, flags);
  ctx.machine.mmu.sfenceVma(page, p.asid);
  ctx.counters.minorFaults++;
  return fixed("copied the page");
}
