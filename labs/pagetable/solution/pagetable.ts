// The pagetable lab's reference solution: the kernel's own page-table operations (kernel/paging/pagetable.ts),
// with the two range operations built on them. Grade it in place:
//     vmlab lab grade pagetable labs/pagetable/solution
import { mapPage, unmapPage } from "../../../kernel/paging/pagetable.js";
import { type FrameTable, PAGE_SIZE, PTE_V, pageDown, ptePpn, type Ram } from "./vmlab.js";

export { mapPage, unmapPage, vmprint, walk } from "../../../kernel/paging/pagetable.js";

/**
 * Maps every page that [va, va+size) touches, the first to physical address `pa` (page-aligned)
 * and the rest to the frames after it, with `flags` (V added). Returns false if a page-table page
 * could not be allocated, after unmapping the pages this call mapped. size must be positive.
 */
export function mapPages(
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
  size: number,
  pa: number,
  flags: number,
  pid: number,
): boolean {
  if (size <= 0) throw new Error("mapPages: size must be positive");
  if (pa % PAGE_SIZE !== 0) throw new Error("mapPages: pa is not page-aligned");
  const first = pageDown(va);
  const last = pageDown(va + size - 1);
  for (let a = first, p = pa; ; a += PAGE_SIZE, p += PAGE_SIZE) {
    if (!mapPage(ram, frames, root, a, p / PAGE_SIZE, flags, pid)) {
      unmapPages(ram, frames, root, first, (a - first) / PAGE_SIZE, false);
      return false;
    }
    if (a === last) return true;
  }
}

/**
 * Clears the PTEs of `npages` pages from `va` (page-aligned); pages without a PTE are skipped.
 * With `free`, drops each mapped frame's reference (frames.unref), freeing it with the last.
 */
export function unmapPages(
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
  npages: number,
  free: boolean,
): void {
  for (let i = 0; i < npages; i++) {
    const old = unmapPage(ram, frames, root, va + i * PAGE_SIZE);
    if (free && old & PTE_V) frames.unref(ptePpn(old));
  }
}
