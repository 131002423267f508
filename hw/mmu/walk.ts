// The hardware page-table walker and the checks on the leaf it finds: the privileged spec's
// translation algorithm (4.3.2) steps 1-8, with the numbers taken from the page-table format.
// Everything here is pure: it reads emulated RAM and changes nothing, so the MMU's guest path and
// its quiet look share it; setting A/D, filling the TLB and counting are the MMU's (paged.ts).
import {
  geometry,
  levelsOf,
  type PageTableFormat,
  pfnOf,
  readPte,
  superBits,
} from "../ptformat.js";
import type { Ram } from "../ram.js";
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from "../sv32.js";
import { Access, FaultReason } from "../trap.js";

/** The Sv32 permission bit an access needs: X to fetch, R to load, W to store. */
export function permissionFor(access: Access): number {
  return access === Access.Fetch ? PTE_X : access === Access.Load ? PTE_R : PTE_W;
}

/**
 * Step 5 of the walk (and the re-check on a TLB hit) on Sv32-style `flags`: V, the reserved W-only
 * encoding, a leaf at all, then U (vmlab's guests run in U-mode) and the access's permission.
 */
export function leafFault(flags: number, access: Access): FaultReason {
  if ((flags & PTE_V) === 0) return FaultReason.NotMapped;
  if ((flags & (PTE_R | PTE_W)) === PTE_W) return FaultReason.Reserved;
  if ((flags & (PTE_R | PTE_W | PTE_X)) === 0) return FaultReason.NoLeaf;
  if ((flags & PTE_U) === 0) return FaultReason.UserBit;
  if ((flags & permissionFor(access)) === 0) return FaultReason.NoPermission;
  return FaultReason.None;
}

/** Step 6: a leaf above level 0 whose PFN is not aligned to the superpage it maps. */
export function superpageMisaligned(fmt: PageTableFormat, pte: number, level: number): boolean {
  return level > 0 && pfnOf(fmt, pte) % 2 ** superBits(fmt, level) !== 0;
}

/** The Sv32 A/D bits an access needs but `flags` lacks (A for any access, D too for a store). */
export function missingAccessedDirty(flags: number, access: Access): number {
  const need = access === Access.Store ? PTE_A | PTE_D : PTE_A;
  return need & ~flags;
}

/** `pte` with the format's A bit set, and D too for a store (unchanged if it has none). */
export function withAccessedDirty(fmt: PageTableFormat, pte: number, access: Access): number {
  const l = fmt.pte;
  return (pte | l.accessed | (access === Access.Store ? l.dirty : 0)) >>> 0;
}

/**
 * Step 8: the physical page (in the format's pages) that `va` lands in through a leaf `pte` at
 * `level`. A superpage takes its low page bits from the virtual address.
 */
export function leafPpn(fmt: PageTableFormat, pte: number, level: number, va: number): number {
  const pfn = pfnOf(fmt, pte);
  if (level === 0) return pfn;
  const span = 2 ** superBits(fmt, level);
  return pfn - (pfn % span) + (Math.floor(va / 2 ** fmt.pageShift) % span);
}

/** The outcome of walkTable, in an object the caller reuses (no allocation per walk). */
export class WalkResult {
  reason: FaultReason = FaultReason.None;
  /** Level of the leaf found, or of the PTE that stopped the walk. */
  level = 0;
  /** That PTE's value and physical address. */
  pte = 0;
  pteAddr = 0;
  /** G was set in the leaf or in a pointer above it. */
  global = false;
  /** Page-table reads made. */
  reads = 0;
}

/** Told about each PTE the walker reads. */
export type PteReadHook = (level: number, index: number, pteAddr: number, pte: number) => void;

/**
 * Steps 1-4 of the privileged spec's translation algorithm for `fmt`: walks the table rooted at
 * physical address `rootPa` for `va` down to a leaf, reading PTEs from `ram` and changing nothing.
 * Fills `out` and returns out.reason: None with the leaf, or why the walk stopped (NotMapped,
 * Reserved, NoLeaf, OutOfRange, or BusError for a PTE outside RAM — an access fault).
 */
export function walkTable(
  fmt: PageTableFormat,
  ram: Ram,
  rootPa: number,
  va: number,
  out: WalkResult,
  onRead: PteReadHook | null = null,
): FaultReason {
  out.reads = 0;
  out.global = false;
  out.level = levelsOf(fmt) - 1;
  out.pte = 0;
  out.pteAddr = 0;
  const g = geometry(fmt);
  if (va >= g.vaLimit) return (out.reason = FaultReason.OutOfRange);
  const l = fmt.pte;
  let table = rootPa;
  for (let level = levelsOf(fmt) - 1; level >= 0; level--) {
    const index = (va >>> g.shift[level]!) & g.mask[level]!;
    const pteAddr = table + index * fmt.pteSize;
    out.level = level;
    out.pteAddr = pteAddr;
    if (pteAddr + fmt.pteSize > ram.size) return (out.reason = FaultReason.BusError);
    const pte = readPte(fmt, ram, pteAddr);
    out.pte = pte;
    out.reads++;
    onRead?.(level, index, pteAddr, pte);
    if ((pte & l.valid) === 0) return (out.reason = FaultReason.NotMapped);
    if (l.read !== 0 && l.write !== 0 && (pte & (l.read | l.write)) === l.write) {
      return (out.reason = FaultReason.Reserved);
    }
    if ((pte & l.global) !== 0) out.global = true;
    if (isLeafAt(fmt, pte, level)) return (out.reason = FaultReason.None);
    if ((pte & fmt.pointerReserved) !== 0) return (out.reason = FaultReason.Reserved);
    table = pfnOf(fmt, pte) * g.pageSize;
  }
  return (out.reason = FaultReason.NoLeaf);
}

/** Step 4: R or X (W alone is already rejected) marks a leaf; textbook formats end at level 0. */
function isLeafAt(fmt: PageTableFormat, pte: number, level: number): boolean {
  if (!fmt.superpages) return level === 0;
  const l = fmt.pte;
  return (pte & (l.read | l.write | l.execute)) !== 0;
}
