// The page-fault handler for paged memory (`--mm paged`): demand zero, lazy loading from the
// program image, stack growth, swap-in (a major fault), copy-on-write (cow.ts) and A/D in trap
// mode; also the kernel's own faults when it touches user memory (userPa). The walk of one fault
// from the CPU's trap to the PTE write is in docs/kernel.md.
import { PAGE_SIZE, type Ram } from "../../hw/ram.js";
import { PTE_A, PTE_D, PTE_U, PTE_V, ptePpn } from "../../hw/sv32.js";
import { Access } from "../../hw/trap.js";
import { pageDown, type Region, RegionKind, type SharedObject } from "../aspace.js";
import { FrameUse, NO_FRAME } from "../frames.js";
import type { Proc } from "../proc.js";
import { leafPermits, permFor } from "../protection.js";
import {
  addResident,
  done,
  type FaultResult,
  fail,
  flushPage,
  outOfMemory,
  USER_TOP,
  type VmContext,
} from "./context.js";
import { breakCow } from "./cow.js";
import { loadPte, PTE_COW, PTE_SWAP, storePte, swapSlot } from "./pagetable.js";

/**
 * Handles a fault by `p` at `va` for `access` (from the trap path or a kernel copy). Returns ok
 * once the access can be retried, or why it is illegal. Out of memory is such a reason too.
 */
export function handlePageFault(ctx: VmContext, p: Proc, va: number, access: Access): FaultResult {
  if (va >= USER_TOP) return fail("kernel address");
  const page = pageDown(va);
  const r = p.space.find(page) ?? growStack(p, page);
  if (!r)
    return fail(
      p.stackLow - PAGE_SIZE <= page && page < p.stackLow
        ? "stack overflow into the guard page"
        : "not mapped",
    );
  if ((r.perm & permFor(access)) === 0)
    return fail(access === Access.Store ? "write to a read-only page" : "no permission");
  const ram = ctx.machine.ram;
  const pteAddr = ctx.pt.walk(ram, ctx.frames, p.root, page, true, p.pid);
  if (pteAddr < 0) return fail("out of memory");
  const pte = loadPte(ram, pteAddr);
  if ((pte & PTE_V) === 0 && pte & PTE_SWAP) return swapIn(ctx, p, r, page, pteAddr, pte);
  if ((pte & PTE_V) === 0) return populate(ctx, p, r, page, access);
  if (access === Access.Store && pte & PTE_COW) return breakCow(ctx, p, page, pteAddr, pte);
  if ((pte & permFor(access)) === 0) return fail("no permission");
  // Present and permitted: the A/D bits (trap mode) or a stale TLB entry caused it.
  const ad = PTE_A | (access === Access.Store ? PTE_D : 0);
  const setAd = (pte & ad) !== ad;
  if (setAd) storePte(ram, pteAddr, pte | ad);
  flushPage(ctx, p, page);
  ctx.counters.minorFaults++;
  return done(setAd ? "set the A/D bits" : "flushed a stale TLB entry");
}

/** Extends the stack region down to `page` if it lies between the stack and its limit. */
function growStack(p: Proc, page: number): Region | undefined {
  const stack = p.space.regions.find((r) => r.kind === RegionKind.Stack);
  if (!stack || page >= stack.start || page < p.stackLow) return undefined;
  if (!p.space.isFree(page, stack.start)) return undefined;
  stack.start = page;
  return stack;
}

/** Maps a fresh frame for `page` of region `r`: zeroed, from the image, or the shared object's. */
function populate(ctx: VmContext, p: Proc, r: Region, page: number, access: Access): FaultResult {
  const flags = PTE_V | PTE_U | PTE_A | r.perm | (access === Access.Store ? PTE_D : 0);
  let ppn: number;
  if (r.shared) {
    ppn = sharedPage(ctx, r.shared.object, r.shared.firstPage + (page - r.start) / PAGE_SIZE);
  } else {
    ppn = ctx.frames.alloc(FrameUse.User, p.pid);
    if (ppn !== NO_FRAME && !fillPage(ctx.machine.ram, r, page, ppn)) ctx.counters.zeroFills++;
  }
  if (ppn === NO_FRAME) return fail(outOfMemory(ctx));
  if (!ctx.pt.mapPage(ctx.machine.ram, ctx.frames, p.root, page, ppn, flags, p.pid)) {
    if (!r.shared) ctx.frames.unref(ppn);
    return fail(outOfMemory(ctx));
  }
  if (!r.shared) ctx.swapper?.loaded(ppn, page);
  addResident(p);
  ctx.counters.minorFaults++;
  return done(`${populateAction(r, page)} into frame 0x${ppn.toString(16)}`);
}

/** How a new page of `r` gets its contents. */
function populateAction(r: Region, page: number): string {
  if (r.shared) return "mapped the shared page";
  if (r.kind === RegionKind.Stack && page === r.start) return "grew the stack: zero-filled a page";
  const img = r.image;
  if (img && page < img.va + img.data.length && page + PAGE_SIZE > img.va)
    return "loaded the page from the program image";
  return "zero-filled a page";
}

/** A major fault: reads a swapped-out page back into a new frame. */
function swapIn(
  ctx: VmContext,
  p: Proc,
  r: Region,
  page: number,
  pteAddr: number,
  pte: number,
): FaultResult {
  const swapper = ctx.swapper;
  if (!swapper) throw new Error(`swapIn: pid ${p.pid} has a swapped page but there is no swap`);
  const ppn = swapper.swapIn(swapSlot(pte), p, page);
  if (ppn < 0) return fail(outOfMemory(ctx));
  // Mapped dirty: the slot is freed, so the page must be written out again if evicted.
  storePte(ctx.machine.ram, pteAddr, 0);
  if (
    !ctx.pt.mapPage(
      ctx.machine.ram,
      ctx.frames,
      p.root,
      page,
      ppn,
      PTE_U | PTE_A | PTE_D | r.perm,
      p.pid,
    )
  ) {
    ctx.frames.unref(ppn);
    return fail(outOfMemory(ctx));
  }
  swapper.loaded(ppn, page);
  addResident(p);
  return done(`swapped the page in from slot ${swapSlot(pte)} into frame 0x${ppn.toString(16)}`);
}

/** The frame holding page `index` of a shared object, allocating a zeroed one; NO_FRAME if none. */
function sharedPage(ctx: VmContext, obj: SharedObject, index: number): number {
  const have = obj.pages.get(index);
  if (have !== undefined) return have;
  const ppn = ctx.frames.alloc(FrameUse.Shared, 0);
  if (ppn === NO_FRAME) return NO_FRAME;
  ctx.machine.ram.zero(ppn * PAGE_SIZE, PAGE_SIZE);
  ctx.counters.zeroFills++;
  obj.pages.set(index, ppn);
  return ppn;
}

/** Fills a new frame for `page` of `r`: image bytes where the region has an image, zeros elsewhere; true if any image byte was copied. */
export function fillPage(ram: Ram, r: Region, page: number, ppn: number): boolean {
  const pa = ppn * PAGE_SIZE;
  ram.zero(pa, PAGE_SIZE);
  const img = r.image;
  if (!img) return false;
  const from = Math.max(page, img.va);
  const to = Math.min(page + PAGE_SIZE, img.va + img.data.length);
  if (from >= to) return false;
  ram.writeBytes(pa + (from - page), img.data.subarray(from - img.va, to - img.va));
  return true;
}

/**
 * Serves a fault through the plugged handler. If it failed because no frame could be had, the
 * kernel's OOM killer may end a process and the fault is tried again; each retry follows the end
 * of a process, so this never spins.
 */
export function serveFault(ctx: VmContext, p: Proc, va: number, access: Access): FaultResult {
  for (;;) {
    const failedBefore = ctx.frames.failedAllocs;
    const r = ctx.pageFault(ctx, p, va, access);
    if (r.ok || ctx.frames.failedAllocs === failedBefore || p.exit) return r;
    if (!ctx.outOfMemory?.(p, va) || p.exit) return r;
  }
}

/**
 * The physical address for a kernel access to user `va` (copyIn/copyOut), faulting the page in
 * as the hardware would; -1 if the user may not make that access there. Sets A/D like hardware.
 * Everything is allocated before the address is returned: it stays valid until the caller's next
 * allocation, so a copy through it must come first.
 */
export function userPa(ctx: VmContext, p: Proc, va: number, access: Access): number {
  const ram = ctx.machine.ram;
  if (va >= USER_TOP) return -1;
  const pteOf = () => {
    const addr = ctx.pt.walk(ram, ctx.frames, p.root, va, false, p.pid);
    return { addr, pte: addr < 0 ? 0 : loadPte(ram, addr) };
  };
  let { addr, pte } = pteOf();
  if (!leafPermits(pte, access)) {
    if (!serveFault(ctx, p, va, access).ok) return -1;
    ({ addr, pte } = pteOf());
    if (!leafPermits(pte, access)) return -1;
  }
  const ad = PTE_A | (access === Access.Store ? PTE_D : 0);
  if ((pte & ad) !== ad) storePte(ram, addr, pte | ad);
  return ptePpn(pte) * PAGE_SIZE + (va % PAGE_SIZE);
}
