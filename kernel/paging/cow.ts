import { PAGE_SIZE } from "../../hw/ram.js";
import { makePte, PTE_A, PTE_D, PTE_V, PTE_W, ptePpn } from "../../hw/sv32.js";
import { FrameUse, NO_FRAME } from "../frames.js";
import type { Proc } from "../proc.js";
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
import { forEachPte, loadPte, PTE_COW, PTE_SWAP, storePte, swapSlot } from "./pagetable.js";

/** A store to a copy-on-write page: copy it unless this is its last sharer. */
export function breakCow(
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
  storePte(ram, pteAddr, makePte(ppn, flags));
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
  forEachPte(ctx.pt, ram, ctx.frames, parent.root, 0, USER_TOP, (va, addr) => {
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
  const pte = loadPte(ram, src);
  if ((pte & PTE_V) === 0) {
    // A page on swap: the child shares the slot until either reads it back.
    if (pte & PTE_SWAP) {
      ctx.swapper?.space.ref(swapSlot(pte));
      storePte(ram, dst, pte);
    }
    return true;
  }
  const ppn = ptePpn(pte);
  if (frames.use[ppn] === FrameUse.Shared) {
    storePte(ram, dst, pte);
  } else if (eager) {
    frames.pin(ppn);
    const copy = frames.alloc(FrameUse.User, child.pid);
    if (copy !== NO_FRAME)
      ram.u8.copyWithin(copy * PAGE_SIZE, ppn * PAGE_SIZE, ppn * PAGE_SIZE + PAGE_SIZE);
    frames.unpin(ppn);
    if (copy === NO_FRAME) return false;
    storePte(ram, dst, makePte(copy, pte & 0x3ff));
    ctx.swapper?.loaded(copy, va);
  } else {
    const shared = ((pte & ~PTE_W) | PTE_COW) >>> 0;
    storePte(ram, src, shared);
    storePte(ram, dst, shared);
    frames.refs[ppn]!++;
  }
  addResident(child);
  return true;
}
