// The faults lab: the page-fault handler. Fill in each TODO; the handout (labs/faults/README.md)
// explains what happens and why, step by step.
//
// The kernel calls pageFault(ctx, p, va, access) in two situations:
//   - the hardware trapped: a load, store or instruction fetch of process p at va found no valid
//     PTE, or one without the permission it needs. If you return fixed(...), the instruction
//     runs again; if you return illegal(reason), p is killed and the reason is printed.
//   - the kernel itself touches p's memory for a system call (copyIn/copyOut, e.g. the buffer of
//     read or write) and the page is not there yet, or is copy-on-write. If you return fixed(...)
//     the copy goes on; illegal(...) makes the system call fail with -EFAULT.
// Either way you get the same arguments and return the same kind of answer.
// biome-ignore-all lint/correctness/noUnusedImports: the imports are for the code you will write
// biome-ignore-all lint/correctness/noUnusedFunctionParameters: the stubs do not use them yet
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

/**
 * Handles a fault of process `p` at `va` for `access`. Returns fixed(what was done) once the
 * access can be retried, or illegal(why) if `p` may not make it.
 */
export function pageFault(ctx: VmContext, p: Proc, va: number, access: Access): FaultResult {
  // TODO 1: an address at or above USER_TOP belongs to the kernel: illegal("kernel address").
  const page = pageDown(va);
  // TODO 2: the region holding the page is p.space.find(page) — or else, if that finds none,
  // growStack(p, page). If there is still none: illegal("stack overflow into the guard page")
  // when the page is the one just below p.stackLow, illegal("not mapped") otherwise.
  const r = p.space.find(page);
  if (!r) return illegal("not implemented yet");
  // TODO 3: the region must allow the access: (r.perm & permFor(access)) !== 0, else
  // illegal("write to a read-only page") for a store, illegal("no permission") for the others.

  const ram = ctx.machine.ram;
  const pteAddr = ctx.pt.walk(ram, ctx.frames, p.root, page, true, p.pid);
  if (pteAddr < 0) return illegal("out of memory");
  const pte = ram.i32[pteAddr >>> 2]! >>> 0;
  if (r.shared || (pte & (PTE_V | PTE_SWAP)) === PTE_SWAP)
    return illegal("MAP_SHARED and swap are not part of this lab");
  // TODO 4: no valid PTE yet: return lazyAllocate(ctx, p, r, page, access).
  // TODO 5: a store to a copy-on-write page (PTE_COW set): return copyOnWrite(...).

  // Given: the page is present and allows the access. The fault came from a stale TLB entry, or
  // (with --ad trap) from a clear A or D bit: set them, flush the page from the TLB, retry.
  if ((pte & permFor(access)) === 0) return illegal("no permission");
  const ad = PTE_A | (access === Access.Store ? PTE_D : 0);
  ram.i32[pteAddr >>> 2] = pte | ad;
  ctx.machine.mmu.sfenceVma(page, p.asid);
  ctx.counters.minorFaults++;
  return fixed("set the A/D bits");
}

/**
 * The stack region, grown down to `page`, if `page` lies between the stack's lowest page and
 * p.stackLow (the stack limit) and nothing else is mapped in between; undefined otherwise.
 */
export function growStack(p: Proc, page: number): Region | undefined {
  // TODO: find the region of kind RegionKind.Stack in p.space.regions; check
  // p.stackLow <= page < stack.start and p.space.isFree(page, stack.start); then move
  // stack.start down to page and return the region.
  return undefined;
}

/**
 * Gives page `page` of region `r` its first frame: allocate one (ctx.frames.alloc(FrameUse.User,
 * p.pid)), fill it (fillPage: program image bytes or zeros), map it with the region's permissions
 * plus V, U and A (and D for a store). Returns illegal("out of memory") — having freed the frame
 * — if a frame or a page-table page cannot be had.
 */
export function lazyAllocate(
  ctx: VmContext,
  p: Proc,
  r: Region,
  page: number,
  access: Access,
): FaultResult {
  // TODO: allocate, fillPage, ctx.pt.mapPage; count: addResident(p), ctx.counters.minorFaults++
  // and, for a page of zeros, ctx.counters.zeroFills++.
  return illegal("not implemented yet");
}

/**
 * A store to a copy-on-write page whose PTE (at physical address pteAddr) is `pte`: if other
 * processes still share the frame (ctx.frames.refs[ppn] > 1), copy it to a new frame and drop
 * this process's reference to the old one; if this is the last sharer, keep the frame. Either way
 * the PTE becomes writable (W, A, D set; PTE_COW clear) and the page is flushed from the TLB.
 */
export function copyOnWrite(
  ctx: VmContext,
  p: Proc,
  page: number,
  pteAddr: number,
  pte: number,
): FaultResult {
  // TODO: copy with ram.u8.copyWithin, ctx.frames.unref(old), ctx.counters.cowCopies++ (only
  // when you copy); rewrite the PTE with makePte; ctx.machine.mmu.sfenceVma(page, p.asid);
  // ctx.counters.minorFaults++. On a copy, the new frame belongs to p (frames.alloc does that);
  // when keeping the frame, make it p's: ctx.frames.pid[ppn] = p.pid.
  return illegal("not implemented yet");
}
