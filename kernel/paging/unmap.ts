import { PTE_V, ptePpn } from "../../hw/sv32.js";
import type { Region } from "../aspace.js";
import type { Proc } from "../proc.js";
import { flushPage, type VmContext } from "./context.js";
import { forEachPte, freeEmptyTables, PTE_SWAP, storePte, swapSlot } from "./pagetable.js";

/**
 * Unmaps [start, end) of `p`'s page table, dropping frames and swap slots, and frees the
 * page-table pages left mapping nothing; regions are the caller's business.
 */
export function unmapRange(ctx: VmContext, p: Proc, start: number, end: number): void {
  const { ram, frames } = { ram: ctx.machine.ram, frames: ctx.frames };
  forEachPte(ctx.pt, ram, frames, p.root, start, end, (va, addr, pte) => {
    if (pte & PTE_V) {
      frames.unref(ptePpn(pte));
      p.rss--;
    } else if (pte & PTE_SWAP) {
      ctx.swapper?.space.unref(swapSlot(pte));
    }
    storePte(ram, addr, 0);
    flushPage(ctx, p, va);
  });
  freeEmptyTables(ctx.pt, ram, frames, p.root, start, end);
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
