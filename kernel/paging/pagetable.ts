// Page tables in emulated RAM, in the real Sv32 format the hardware walker reads (see hw/sv32.ts
// for the bit layout). Named after xv6's vm.c: walk, mapPage, unmapPages, freeWalk.
//
// The kernel uses the two RSW bits of a PTE for itself:
//   PTE_COW  (bit 8)  a private page shared read-only after fork; a store copies it.
//   PTE_SWAP (bit 9)  with V clear: the page is on swap, the PPN field holds the swap slot:
//
//   A swapped PTE (V clear):  31 ........ 10 | 9 = PTE_SWAP | 8..0 = 0
//                              swap slot      |
//
// A PTE is one little-endian word of RAM: loadPte and storePte read and write it, swapSlot and
// swapPte decode and encode a swapped one.
//
// The kernel reaches page tables only through PageTableOps (KernelOptions.plugins.pageTable, which
// the pagetable lab replaces): a lookup is `pt.walk`, and the traversals below (forEachPte,
// tablePages, freeWalk, freeEmptyTables) find each level-0 table with `pt.walk` too. What they do
// beyond that is fixed by the Sv32 format the hardware walker reads, which no lab changes: a
// level-0 table is one frame of PTES_PER_TABLE PTEs, a new root is a zeroed frame (newRoot), and
// unlinking an emptied level-0 table clears its root entry. The invariant checker reads the tables
// with the reference walk (referencePageTable), as the hardware does, to witness what a plug-in wrote.
import { hex, hex32 } from "../../hw/hex.js";
import { PAGE_SIZE, type Ram } from "../../hw/ram.js";
import {
  isLeaf,
  makePte,
  PTE_PPN_SHIFT,
  PTE_SIZE,
  PTE_V,
  pteFlagString,
  ptePpn,
  VPN_BITS,
  vpnIndex,
} from "../../hw/sv32.js";
import { type FrameTable, FrameUse, NO_FRAME } from "../frames.js";

export const PTE_COW = 1 << 8;
export const PTE_SWAP = 1 << 9;

/** The PTE in the RAM word at physical address `addr`, unsigned. */
export function loadPte(ram: Ram, addr: number): number {
  return ram.i32[addr >>> 2]! >>> 0;
}

/** Writes `pte` to the RAM word at physical address `addr`. */
export function storePte(ram: Ram, addr: number, pte: number): void {
  ram.i32[addr >>> 2] = pte;
}

/** The swap slot a swapped PTE (V clear, PTE_SWAP set) holds in its PPN field. */
export function swapSlot(pte: number): number {
  return pte >>> PTE_PPN_SHIFT;
}

/** The PTE of a page on swap in `slot`: V clear, PTE_SWAP set, no other flag. */
export function swapPte(slot: number): number {
  return ((slot << PTE_PPN_SHIFT) | PTE_SWAP) >>> 0;
}

/**
 * The page-table operations the kernel calls through KernelOptions.plugins.pageTable (the
 * pagetable lab replaces them; the reference is this file's walk, mapPage, unmapPage, vmprint).
 */
export interface PageTableOps {
  /** Address of the level-0 PTE for `va`, creating the level-0 table if `alloc`; NO_PTE if absent or out of memory. */
  walk(ram: Ram, frames: FrameTable, root: number, va: number, alloc: boolean, pid: number): number;
  /** Maps one page; false if out of memory. */
  mapPage(
    ram: Ram,
    frames: FrameTable,
    root: number,
    va: number,
    ppn: number,
    flags: number,
    pid: number,
  ): boolean;
  /** Clears one PTE and returns its old value (0 if none). */
  unmapPage(ram: Ram, frames: FrameTable, root: number, va: number): number;
  /** A dump of the valid entries, xv6 vmprint style. */
  vmprint(ram: Ram, root: number): string;
}

/** Returned by walk when there is no PTE (and allocation was not asked for or failed). */
export const NO_PTE = -1;

/** PTEs in one page-table page (4 KiB of 4-byte PTEs). */
const PTES_PER_TABLE = 1 << VPN_BITS;

/** Bytes of address space one level-0 table maps (1024 pages: 4 MiB). */
const TABLE_SPAN = PTES_PER_TABLE * PAGE_SIZE;

/** Physical address of the PTE word for `ppn` (page-table page) and index. */
function pteAt(tablePpn: number, index: number): number {
  return tablePpn * PAGE_SIZE + index * PTE_SIZE;
}

/** The frame of the level-0 table mapping `va` under `root`, found with `pt.walk`; NO_FRAME if none. */
function levelZero(
  pt: PageTableOps,
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
): number {
  const addr = pt.walk(ram, frames, root, va - (va % TABLE_SPAN), false, 0);
  return addr === NO_PTE ? NO_FRAME : Math.floor(addr / PAGE_SIZE);
}

/**
 * The address of the level-0 PTE for `va` in the table rooted at `root`, creating the level-0
 * table if `alloc` (owned by `pid`). NO_PTE if absent, or if allocation failed (out of memory).
 */
export function walk(
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
  alloc: boolean,
  pid: number,
): number {
  const l1 = pteAt(root, vpnIndex(va, 1));
  const pde = loadPte(ram, l1);
  if (pde & PTE_V) {
    if (isLeaf(pde)) throw new Error(`walk: unexpected megapage at ${hex32(va)}`);
    return pteAt(ptePpn(pde), vpnIndex(va, 0));
  }
  if (!alloc) return NO_PTE;
  const table = frames.alloc(FrameUse.PageTable, pid);
  if (table === NO_FRAME) return NO_PTE;
  ram.zero(table * PAGE_SIZE, PAGE_SIZE);
  storePte(ram, l1, makePte(table, PTE_V));
  return pteAt(table, vpnIndex(va, 0));
}

/** The PTE for `va`, or 0 if there is no level-0 table. */
export function readPte(ram: Ram, root: number, va: number): number {
  const pde = loadPte(ram, pteAt(root, vpnIndex(va, 1)));
  if ((pde & PTE_V) === 0) return 0;
  return loadPte(ram, pteAt(ptePpn(pde), vpnIndex(va, 0)));
}

/** Allocates a zeroed root table for `pid`; NO_FRAME when out of memory. */
export function newRoot(ram: Ram, frames: FrameTable, pid: number): number {
  const root = frames.alloc(FrameUse.PageTable, pid);
  if (root !== NO_FRAME) ram.zero(root * PAGE_SIZE, PAGE_SIZE);
  return root;
}

/**
 * Calls `visit(va, pteAddr, pte)` for every non-zero level-0 PTE under `root` in [start, end),
 * in address order, each level-0 table found with `pt.walk`. The visitor may rewrite the PTE.
 */
export function forEachPte(
  pt: PageTableOps,
  ram: Ram,
  frames: FrameTable,
  root: number,
  start: number,
  end: number,
  visit: (va: number, pteAddr: number, pte: number) => void,
): void {
  // The checker runs this over every table after every trap: the inner loop reads only locals.
  const pageSize = PAGE_SIZE;
  const pteSize = PTE_SIZE;
  for (let i1 = vpnIndex(start, 1); i1 < PTES_PER_TABLE && i1 * TABLE_SPAN < end; i1++) {
    const table = levelZero(pt, ram, frames, root, i1 * TABLE_SPAN);
    if (table === NO_FRAME) continue;
    const first = pteAt(table, 0);
    for (let i0 = 0; i0 < PTES_PER_TABLE; i0++) {
      const va = i1 * TABLE_SPAN + i0 * pageSize;
      if (va < start || va >= end) continue;
      const addr = first + i0 * pteSize;
      const pte = loadPte(ram, addr);
      if (pte !== 0) visit(va, addr, pte);
    }
  }
}

/** The level-0 tables (frames) under `root`, found with `pt.walk`, for the checker and footprints. */
export function tablePages(pt: PageTableOps, ram: Ram, frames: FrameTable, root: number): number[] {
  const out: number[] = [];
  for (let i1 = 0; i1 < PTES_PER_TABLE; i1++) {
    const table = levelZero(pt, ram, frames, root, i1 * TABLE_SPAN);
    if (table !== NO_FRAME) out.push(table);
  }
  return out;
}

/** Frees every page-table page under `root`, and the root (leaf frames must be gone already). */
export function freeWalk(pt: PageTableOps, ram: Ram, frames: FrameTable, root: number): void {
  for (const table of tablePages(pt, ram, frames, root)) frames.release(table);
  frames.release(root);
}

/**
 * Frees each level-0 table under `root` that covers part of [start, end) and holds no non-zero
 * PTE any more (after munmap, brk shrinking or exit), clearing its root entry. No caller may hold
 * a PTE address into those tables across this.
 */
export function freeEmptyTables(
  pt: PageTableOps,
  ram: Ram,
  frames: FrameTable,
  root: number,
  start: number,
  end: number,
): void {
  const last = Math.min(PTES_PER_TABLE - 1, vpnIndex(Math.max(start, end - 1), 1));
  for (let i1 = vpnIndex(start, 1); i1 <= last; i1++) {
    const table = levelZero(pt, ram, frames, root, i1 * TABLE_SPAN);
    if (table === NO_FRAME) continue;
    const words = ram.i32.subarray(pteAt(table, 0) >>> 2, pteAt(table, PTES_PER_TABLE) >>> 2);
    if (words.some((w) => w !== 0)) continue;
    storePte(ram, pteAt(root, i1), 0);
    frames.release(table);
  }
}

/**
 * Maps `va` to frame `ppn` with `flags` (V is added), creating the level-0 table if needed.
 * False if a table could not be allocated. Mapping over a valid PTE is a kernel bug.
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
  const addr = walk(ram, frames, root, va, true, pid);
  if (addr === NO_PTE) return false;
  if ((loadPte(ram, addr) & PTE_V) !== 0) throw new Error(`mapPage: remap of ${hex32(va)}`);
  storePte(ram, addr, makePte(ppn, flags | PTE_V));
  return true;
}

/** Clears the PTE for `va`; returns what it held (0 if there was no PTE). */
export function unmapPage(ram: Ram, frames: FrameTable, root: number, va: number): number {
  const addr = walk(ram, frames, root, va, false, 0);
  if (addr === NO_PTE) return 0;
  const old = loadPte(ram, addr);
  storePte(ram, addr, 0);
  return old;
}

/** The page table as xv6's vmprint shows it: only valid entries, level 1 then level 0, with flags. */
export function vmprint(ram: Ram, root: number): string {
  const lines = [`page table ${hex(root * PAGE_SIZE)}`];
  for (let i1 = 0; i1 < PTES_PER_TABLE; i1++) {
    const pde = loadPte(ram, pteAt(root, i1));
    if ((pde & PTE_V) === 0) continue;
    lines.push(` ..${i1}: pte ${hex32(pde)} pa ${hex(ptePpn(pde) * PAGE_SIZE)}`);
    for (let i0 = 0; i0 < PTES_PER_TABLE; i0++) {
      const pte = loadPte(ram, pteAt(ptePpn(pde), i0));
      if (pte === 0) continue;
      const va = hex32(i1 * TABLE_SPAN + i0 * PAGE_SIZE);
      const what =
        pte & PTE_V
          ? `pa ${hex(ptePpn(pte) * PAGE_SIZE)} [${pteFlagString(pte)}${pte & PTE_COW ? " COW" : ""}]`
          : pte & PTE_SWAP
            ? `on swap, slot ${swapSlot(pte)}`
            : "invalid";
      lines.push(` .. ..${i0}: pte ${hex32(pte)} va ${va} ${what}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The kernel's own page-table operations: the reference the pagetable lab replaces. */
export const referencePageTable: PageTableOps = { walk, mapPage, unmapPage, vmprint };
