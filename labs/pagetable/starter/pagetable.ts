// The pagetable lab: Sv32 page tables in emulated RAM. Fill in each function marked TODO; the
// handout (labs/pagetable/README.md) explains the format and what each must do.
//
//   virtual address   31        22 21        12 11           0
//                    |   VPN[1]   |   VPN[0]   |  page offset |
//
//   PTE              31                 10 9  8 7 6 5 4 3 2 1 0
//                    |    PPN (22 bits)   |RSW|D|A|G|U|X|W|R|V|
//
// A table is one 4 KiB frame of 1024 four-byte PTEs. The root's entry VPN[1] points (V set, R W X
// clear) to a level-0 table, whose entry VPN[0] is the leaf: the page's frame and permissions.
// RAM is read and written as 32-bit words: `ram.i32[pa >>> 2]` is the word at physical address
// pa (read it as `>>> 0` to get an unsigned value).
// biome-ignore-all lint/correctness/noUnusedImports: the imports are for the code you will write
// biome-ignore-all lint/correctness/noUnusedFunctionParameters: the stubs do not use them yet
import {
  type FrameTable,
  FrameUse,
  makePte,
  NO_FRAME,
  PAGE_SIZE,
  PTE_V,
  ptePpn,
  type Ram,
  vpnIndex,
} from "./vmlab.js";

/** What walk returns when there is no PTE for the address. */
export const NO_PTE = -1;

/** The physical address of entry `index` of the table in frame `tablePpn`. */
export function pteAt(tablePpn: number, index: number): number {
  return tablePpn * PAGE_SIZE + index * 4;
}

/**
 * The physical address of the level-0 PTE for `va` in the table whose root is frame `root`. If
 * the level-0 table is missing: with `alloc`, allocates it (frames.alloc(FrameUse.PageTable, pid)),
 * zeroes it and links it into the root; without `alloc`, returns NO_PTE. NO_PTE as well when the
 * allocation fails (out of memory).
 */
export function walk(
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
  alloc: boolean,
  pid: number,
): number {
  // TODO: read the root's entry for vpnIndex(va, 1). If V is set, the level-0 table is frame
  // ptePpn(entry): return the address of its entry vpnIndex(va, 0).
  // TODO: otherwise allocate, zero (ram.zero) and link a new level-0 table — a pointer entry has
  // V set and R, W, X clear: makePte(table, PTE_V).
  throw new Error("walk: not implemented yet");
}

/**
 * Maps page `va` to frame `ppn` with `flags` (PTE_V is added), creating the level-0 table if
 * needed. Returns false if that table could not be allocated. Mapping a page whose PTE is already
 * valid is a kernel bug: throw an Error whose message starts with "mapPage: remap".
 */
export function mapPage(
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
  ppn: number,
  flags: number,
  pid: number,
): boolean {
  // TODO: walk with alloc, check for a remap, write makePte(ppn, flags | PTE_V).
  throw new Error("mapPage: not implemented yet");
}

/**
 * Maps every page that [va, va+size) touches, the first to physical address `pa` (page-aligned)
 * and the following pages to the frames after it, each with `flags`. Returns false if a
 * page-table page could not be allocated — after unmapping the pages this call had mapped, so a
 * failed call leaves no new mapping behind. size must be positive.
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
  // TODO: from the page holding va to the page holding va + size - 1, call mapPage.
  throw new Error("mapPages: not implemented yet");
}

/**
 * Clears the PTE for page `va` and returns the value it held; returns 0 (and allocates nothing)
 * if there is no PTE because the level-0 table is missing.
 */
export function unmapPage(ram: Ram, frames: FrameTable, root: number, va: number): number {
  // TODO: walk without alloc; remember the old PTE, write 0.
  throw new Error("unmapPage: not implemented yet");
}

/**
 * Clears the PTEs of `npages` pages from `va` (page-aligned); pages without a PTE are skipped.
 * With `free`, drops each mapped frame's reference with frames.unref(ppn), which frees the frame
 * with its last reference. Page-table pages stay.
 */
export function unmapPages(
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
  npages: number,
  free: boolean,
): void {
  // TODO
  throw new Error("unmapPages: not implemented yet");
}

/**
 * The page table rooted at frame `root` as text, xv6 vmprint style: a header line, then each
 * valid root entry and, under it, each non-zero entry of its level-0 table. The exact format is
 * in the handout; every line ends with "\n".
 */
export function vmprint(ram: Ram, root: number): string {
  // TODO
  throw new Error("vmprint: not implemented yet");
}
