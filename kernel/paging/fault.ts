// Paged virtual memory for user processes (the default `--mm paged`): building and tearing down
// mappings, the page-fault handler (demand zero, lazy loading, stack growth, copy-on-write, A/D in
// trap mode), fork's copy, brk/mmap/munmap/mprotect on the page table, and user-memory access.
import type { Machine } from "../../hw/machine.js";
import { PAGE_SIZE, type Ram } from "../../hw/ram.js";
import { makePte, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, ptePpn } from "../../hw/sv32.js";
import { Access } from "../../hw/trap.js";
import { pageDown, type Region, RegionKind, type SharedObject } from "../aspace.js";
import { type FrameTable, FrameUse, NO_FRAME } from "../frames.js";
import type { PageFaultHandler, PageTableOps } from "../plugins.js";
import type { Proc } from "../proc.js";
import type { Swapper } from "../swap/swap.js";
import { forEachPte, freeEmptyTables, PTE_COW, PTE_SWAP } from "./pagetable.js";

/** User space is [0, USER_TOP); the upper half of the address space belongs to the kernel. */
export const USER_TOP = 0x8000_0000;

export interface VmCounters {
  minorFaults: number;
  cowCopies: number;
  zeroFills: number;
}

/** What paged memory needs from the kernel. */
export interface VmContext {
  readonly machine: Machine;
  readonly frames: FrameTable;
  readonly counters: VmCounters;
  /** A/D bits are set by the kernel on faults (`--ad trap`). */
  readonly adTrap: boolean;
  /** Swap and page replacement, when a swap disk is configured. */
  readonly swapper: Swapper | null;
  /** Page-table operations (reference: kernel/vm.ts). */
  readonly pt: PageTableOps;
  /** The page-fault handler (reference: handlePageFault below). */
  readonly pageFault: PageFaultHandler;
  /**
   * Called when a fault of `p` at `va` failed for want of a frame: the kernel may end a process
   * to free memory (the OOM killer). True if it ended one, so the fault is worth trying again.
   */
  readonly outOfMemory?: (p: Proc, va: number) => boolean;
}

/** A fixed fault says what the kernel did (for traces); an illegal one says why. */
export type FaultResult = { ok: true; action: string } | { ok: false; reason: string };
const done = (action: string): FaultResult => ({ ok: true, action });
const fail = (reason: string): FaultResult => ({ ok: false, reason });

/** The PTE permission bit an access needs. */
export function permFor(access: Access): number {
  return access === Access.Fetch ? PTE_X : access === Access.Load ? PTE_R : PTE_W;
}

/** Flushes one page of `p` from the TLB (sfence.vma va, asid). */
function flushPage(ctx: VmContext, p: Proc, va: number): void {
  ctx.machine.mmu.sfenceVma(va, p.asid);
}

/** Counts one more mapped page of `p`. */
export function addResident(p: Proc): void {
  p.rss++;
  if (p.rss > p.rssPeak) p.rssPeak = p.rss;
}

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
  const pte = ram.i32[pteAddr >>> 2]! >>> 0;
  if ((pte & PTE_V) === 0 && pte & PTE_SWAP) return swapIn(ctx, p, r, page, pteAddr, pte);
  if ((pte & PTE_V) === 0) return populate(ctx, p, r, page, access);
  if (access === Access.Store && pte & PTE_COW) return breakCow(ctx, p, page, pteAddr, pte);
  if ((pte & permFor(access)) === 0) return fail("no permission");
  // Present and permitted: the A/D bits (trap mode) or a stale TLB entry caused it.
  const ad = PTE_A | (access === Access.Store ? PTE_D : 0);
  const setAd = (pte & ad) !== ad;
  if (setAd) ram.i32[pteAddr >>> 2] = pte | ad;
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

/** Why a frame could not be had: no memory at all, or swap is full too. */
function outOfMemory(ctx: VmContext): string {
  return ctx.swapper ? "out of memory and swap" : "out of memory";
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
  const ppn = swapper.swapIn(pte >>> 10, p, page);
  if (ppn < 0) return fail(outOfMemory(ctx));
  // Mapped dirty: the slot is freed, so the page must be written out again if evicted.
  ctx.machine.ram.i32[pteAddr >>> 2] = 0;
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
  return done(`swapped the page in from slot ${pte >>> 10} into frame 0x${ppn.toString(16)}`);
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

/** A store to a copy-on-write page: copy it unless this is its last sharer. */
function breakCow(
  ctx: VmContext,
  p: Proc,
  page: number,
  pteAddr: number,
  pte: number,
): FaultResult {
  const { ram, frames } = { ram: ctx.machine.ram, frames: ctx.frames };
  const old = ptePpn(pte);
  let ppn = old;
  if (frames.refs[old]! > 1) {
    // Pinned: finding a frame for the copy must not evict the page being copied.
    frames.pin(old);
    ppn = frames.alloc(FrameUse.User, p.pid);
    if (ppn !== NO_FRAME)
      ram.u8.copyWithin(ppn * PAGE_SIZE, old * PAGE_SIZE, old * PAGE_SIZE + PAGE_SIZE);
    frames.unpin(old);
    if (ppn === NO_FRAME) return fail(`${outOfMemory(ctx)} (copy-on-write)`);
    frames.unref(old);
    ctx.counters.cowCopies++;
    ctx.swapper?.loaded(ppn, page);
  } else {
    frames.pid[old] = p.pid;
  }
  const flags = ((pte & 0x3ff & ~PTE_COW) | PTE_W | PTE_A | PTE_D) >>> 0;
  ram.i32[pteAddr >>> 2] = makePte(ppn, flags);
  flushPage(ctx, p, page);
  ctx.counters.minorFaults++;
  return done(
    ppn === old
      ? "copy-on-write: last sharer, made the page writable"
      : `copy-on-write: copied frame 0x${old.toString(16)} to 0x${ppn.toString(16)}`,
  );
}

/**
 * Copies `parent`'s page table into `child` for fork: private pages become copy-on-write shared
 * (or are copied at once when `eager`), shared mappings are shared. False if out of memory (the
 * caller frees what the child got).
 *
 * Allocation comes before reading: the child's PTE slot is made first (a new page-table page may
 * evict the very page being copied), and only then is the parent's PTE read.
 */
export function copyPages(ctx: VmContext, parent: Proc, child: Proc, eager: boolean): boolean {
  const ram = ctx.machine.ram;
  let ok = true;
  forEachPte(ram, parent.root, 0, USER_TOP, (va, addr) => {
    if (!ok) return;
    const dst = ctx.pt.walk(ram, ctx.frames, child.root, va, true, child.pid);
    if (dst < 0) {
      ok = false;
      return;
    }
    ok = copyPte(ctx, child, va, addr, dst, eager);
  });
  ctx.machine.mmu.sfenceVma(undefined, parent.asid);
  return ok;
}

/** Copies the parent's PTE at `src` (read now) to the child's at `dst`; false if out of memory. */
function copyPte(
  ctx: VmContext,
  child: Proc,
  va: number,
  src: number,
  dst: number,
  eager: boolean,
): boolean {
  const { ram, frames } = { ram: ctx.machine.ram, frames: ctx.frames };
  const pte = ram.i32[src >>> 2]! >>> 0;
  if ((pte & PTE_V) === 0) {
    // A page on swap: the child shares the slot until either reads it back.
    if (pte & PTE_SWAP) {
      ctx.swapper?.space.ref(pte >>> 10);
      ram.i32[dst >>> 2] = pte;
    }
    return true;
  }
  const ppn = ptePpn(pte);
  if (frames.use[ppn] === FrameUse.Shared) {
    ram.i32[dst >>> 2] = pte;
  } else if (eager) {
    frames.pin(ppn);
    const copy = frames.alloc(FrameUse.User, child.pid);
    if (copy !== NO_FRAME)
      ram.u8.copyWithin(copy * PAGE_SIZE, ppn * PAGE_SIZE, ppn * PAGE_SIZE + PAGE_SIZE);
    frames.unpin(ppn);
    if (copy === NO_FRAME) return false;
    ram.i32[dst >>> 2] = makePte(copy, pte & 0x3ff);
    ctx.swapper?.loaded(copy, va);
  } else {
    const shared = ((pte & ~PTE_W) | PTE_COW) >>> 0;
    ram.i32[src >>> 2] = shared;
    ram.i32[dst >>> 2] = shared;
    frames.refs[ppn]!++;
  }
  addResident(child);
  return true;
}

/**
 * Unmaps [start, end) of `p`'s page table, dropping frames and swap slots, and frees the
 * page-table pages left mapping nothing; regions are the caller's business.
 */
export function unmapRange(ctx: VmContext, p: Proc, start: number, end: number): void {
  const { ram, frames } = { ram: ctx.machine.ram, frames: ctx.frames };
  forEachPte(ram, p.root, start, end, (va, addr, pte) => {
    if (pte & PTE_V) {
      frames.unref(ptePpn(pte));
      p.rss--;
    } else if (pte & PTE_SWAP) {
      ctx.swapper?.space.unref(pte >>> 10);
    }
    ram.i32[addr >>> 2] = 0;
    flushPage(ctx, p, va);
  });
  freeEmptyTables(ram, frames, p.root, start, end);
}

/** Frees the frames of shared objects that no region uses any more. */
export function releaseShared(ctx: VmContext, cut: readonly Region[]): void {
  for (const r of cut) {
    const obj = r.shared?.object;
    if (!obj || obj.users > 0) continue;
    for (const ppn of obj.pages.values()) ctx.frames.release(ppn);
    obj.pages.clear();
  }
}

/** Rewrites the permissions of present pages in [start, end) to `perm` (never W on COW pages). */
export function protectRange(
  ctx: VmContext,
  p: Proc,
  start: number,
  end: number,
  perm: number,
): void {
  const ram = ctx.machine.ram;
  forEachPte(ram, p.root, start, end, (va, addr, pte) => {
    if ((pte & PTE_V) === 0) return;
    const w = pte & PTE_COW ? 0 : perm & PTE_W;
    const flags = (pte & ~(PTE_R | PTE_W | PTE_X)) | (perm & (PTE_R | PTE_X)) | w;
    ram.i32[addr >>> 2] = flags >>> 0;
    flushPage(ctx, p, va);
  });
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
    return { addr, pte: addr < 0 ? 0 : ram.i32[addr >>> 2]! >>> 0 };
  };
  let { addr, pte } = pteOf();
  if (!userMayAccess(pte, access)) {
    if (!serveFault(ctx, p, va, access).ok) return -1;
    ({ addr, pte } = pteOf());
    if (!userMayAccess(pte, access)) return -1;
  }
  const ad = PTE_A | (access === Access.Store ? PTE_D : 0);
  if ((pte & ad) !== ad) ram.i32[addr >>> 2] = pte | ad;
  return ptePpn(pte) * PAGE_SIZE + (va % PAGE_SIZE);
}

function userMayAccess(pte: number, access: Access): boolean {
  return (pte & (PTE_V | PTE_U)) === (PTE_V | PTE_U) && (pte & permFor(access)) !== 0;
}
