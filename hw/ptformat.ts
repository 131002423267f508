// Page-table formats: the shape of a page table, as the hardware walker needs to know it. A format
// is data — levels, index bits per level, page size, PTE size and the PTE's bit layout — and one
// walker (walkTable in mmu/walk.ts, the privileged spec's algorithm 4.3.2 with the numbers taken
// from the format) reads every format from emulated RAM. Levels are numbered as in the spec: the root table is
// level LEVELS-1, the last table level 0.
//
//   sv32              va  | VPN[1] 10 | VPN[0] 10 | offset 12 |      PTE 4 bytes, see sv32.ts
//
//   linear            va  |   VPN (vaBits - pageShift)  | offset |   one table, PTE 4 bytes:
//   (OSTEP paging-    PTE 31 30                              0
//    linear)             |V |          PFN (31 bits)       |
//
//   ostep-multilevel  va  14    10 9      5 4      0              32-byte pages, 128 of them;
//   (OSTEP paging-       | PDindex | PTindex | offset |            PDE and PTE 1 byte each:
//    multilevel)      PDE/PTE 7  6        0
//                        |V | PFN (7)  |
//
// Formats without permission, user or accessed/dirty bits grant everything: the walker presents
// every leaf to the MMU as Sv32-style flags (V R W X U G A D), with absent permission bits set.
import type { Ram } from "./ram.js";
import {
  PTE_A,
  PTE_D,
  PTE_FLAGS_MASK,
  PTE_G,
  PTE_POINTER_RESERVED,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
} from "./sv32.js";

export const FormatName = {
  Sv32: "sv32",
  Linear: "linear",
  OstepMultilevel: "ostep-multilevel",
} as const;
export type FormatName = (typeof FormatName)[keyof typeof FormatName];

/** Where a PTE keeps its fields. A flag mask of 0 means the format has no such bit. */
export interface PteLayout {
  readonly valid: number;
  readonly read: number;
  readonly write: number;
  readonly execute: number;
  readonly user: number;
  readonly global: number;
  readonly accessed: number;
  readonly dirty: number;
  /** The PFN is (pte >>> pfnShift) & pfnMask. */
  readonly pfnShift: number;
  readonly pfnMask: number;
}

export interface PageTableFormat {
  readonly name: FormatName;
  /** Virtual addresses at or above 2^vaBits are outside the address space (32: none are). */
  readonly vaBits: number;
  /** log2 of the page size. */
  readonly pageShift: number;
  /** Index bits of each level, root first (Sv32: [10, 10]). */
  readonly indexBits: readonly number[];
  /** Bytes per PTE: 4 (little-endian word) or 1. */
  readonly pteSize: 1 | 4;
  readonly pte: PteLayout;
  /** Leaves may sit above level 0 (Sv32 megapages: a PTE with R, W or X set). */
  readonly superpages: boolean;
  /** Bits a pointer (non-leaf) PTE must have clear, else the walk faults (Sv32: D, A, U). */
  readonly pointerReserved: number;
}

/** The real RISC-V Sv32 format (privileged spec 4.3). */
export const SV32: PageTableFormat = {
  name: FormatName.Sv32,
  vaBits: 32,
  pageShift: 12,
  indexBits: [10, 10],
  pteSize: 4,
  pte: {
    valid: PTE_V,
    read: PTE_R,
    write: PTE_W,
    execute: PTE_X,
    user: PTE_U,
    global: PTE_G,
    accessed: PTE_A,
    dirty: PTE_D,
    pfnShift: 10,
    pfnMask: 0x3f_ffff,
  },
  superpages: true,
  pointerReserved: PTE_POINTER_RESERVED,
};

/** OSTEP's linear-table valid bit (paging-linear-translate.py). */
export const LINEAR_VALID = 0x8000_0000;
const LINEAR_PFN_MASK = 0x7fff_ffff;

/** A textbook PTE with only a valid bit and a PFN. */
function validPfnLayout(valid: number, pfnMask: number): PteLayout {
  return {
    valid,
    read: 0,
    write: 0,
    execute: 0,
    user: 0,
    global: 0,
    accessed: 0,
    dirty: 0,
    pfnShift: 0,
    pfnMask,
  };
}

/**
 * OSTEP's linear page table for an address space of `addressSpace` bytes in pages of `pageSize`
 * bytes (both powers of two, pageSize <= addressSpace <= 4 GiB); throws RangeError otherwise
 * (check user input with checkLinearFormat first).
 */
export function linearFormat(addressSpace: number, pageSize: number): PageTableFormat {
  const problem = checkLinearFormat(addressSpace, pageSize);
  if (problem) throw new RangeError(problem);
  const vaBits = Math.log2(addressSpace);
  const pageShift = Math.log2(pageSize);
  return {
    name: FormatName.Linear,
    vaBits,
    pageShift,
    indexBits: [vaBits - pageShift],
    pteSize: 4,
    pte: validPfnLayout(LINEAR_VALID, LINEAR_PFN_MASK),
    superpages: false,
    pointerReserved: 0,
  };
}

/** Why a linear format's sizes are not acceptable, or undefined. */
export function checkLinearFormat(addressSpace: number, pageSize: number): string | undefined {
  if (!isPowerOfTwo(pageSize) || pageSize < 4) {
    return `page size must be a power of two of at least 4 bytes (got ${pageSize})`;
  }
  if (!isPowerOfTwo(addressSpace) || addressSpace > 2 ** 32) {
    return `address-space size must be a power of two up to 4g (got ${addressSpace})`;
  }
  if (addressSpace < pageSize) return "the address space must hold at least one page";
  if (addressSpace / pageSize > 2 ** 24) return "a linear table may have at most 2^24 entries";
  return undefined;
}

/** OSTEP's small multi-level format (paging-multilevel-translate.py). */
export const OSTEP_MULTILEVEL: PageTableFormat = {
  name: FormatName.OstepMultilevel,
  vaBits: 15,
  pageShift: 5,
  indexBits: [5, 5],
  pteSize: 1,
  pte: validPfnLayout(0x80, 0x7f),
  superpages: false,
  pointerReserved: 0,
};

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && 2 ** Math.round(Math.log2(n)) === n;
}

/** Number of levels of a format. */
export function levelsOf(fmt: PageTableFormat): number {
  return fmt.indexBits.length;
}

/** Index bits of `level` (0 = last table). */
function bitsAt(fmt: PageTableFormat, level: number): number {
  return fmt.indexBits[fmt.indexBits.length - 1 - level] ?? 0;
}

/** How many VPN bits lie below `level`: a leaf there maps 2^superBits pages (0 at level 0). */
export function superBits(fmt: PageTableFormat, level: number): number {
  let bits = 0;
  for (let l = 0; l < level; l++) bits += bitsAt(fmt, l);
  return bits;
}

/** Shifts and masks of each level, derived once per format (the walker runs on every miss). */
export interface Geometry {
  /** va >>> shift[level] & mask[level] is the level's table index. */
  shift: number[];
  mask: number[];
  pageSize: number;
  /** 2^vaBits: the first address outside the address space. */
  vaLimit: number;
}
const geometries = new WeakMap<PageTableFormat, Geometry>();

export function geometry(fmt: PageTableFormat): Geometry {
  let g = geometries.get(fmt);
  if (!g) {
    const levels = levelsOf(fmt);
    g = {
      shift: Array.from({ length: levels }, (_, l) => fmt.pageShift + superBits(fmt, l)),
      mask: Array.from({ length: levels }, (_, l) => 2 ** bitsAt(fmt, l) - 1),
      pageSize: 2 ** fmt.pageShift,
      vaLimit: 2 ** fmt.vaBits,
    };
    geometries.set(fmt, g);
  }
  return g;
}

/** The index into the level-`level` table for `va` (a 32-bit address). */
export function tableIndex(fmt: PageTableFormat, va: number, level: number): number {
  const g = geometry(fmt);
  return (va >>> g.shift[level]!) & g.mask[level]!;
}

/** The PFN field of a PTE. */
export function pfnOf(fmt: PageTableFormat, pte: number): number {
  return ((pte >>> fmt.pte.pfnShift) & fmt.pte.pfnMask) >>> 0;
}

/** Reads the PTE at `pa` (which must be inside RAM), zero-extended. */
export function readPte(fmt: PageTableFormat, ram: Ram, pa: number): number {
  return fmt.pteSize === 4 ? ram.i32[pa >>> 2]! >>> 0 : ram.u8[pa]!;
}

/** Writes the PTE at `pa` (which must be inside RAM). */
export function writePte(fmt: PageTableFormat, ram: Ram, pa: number, pte: number): void {
  if (fmt.pteSize === 4) ram.i32[pa >>> 2] = pte;
  else ram.u8[pa] = pte;
}

/**
 * A PTE of `fmt` for page `pfn` with Sv32-style `flags` (PTE_V, PTE_R, ...); flags the format
 * lacks are dropped. For tests, quizzes and the kernel.
 */
export function encodePte(fmt: PageTableFormat, pfn: number, flags: number): number {
  const l = fmt.pte;
  if (fmt.name === FormatName.Sv32) return ((pfn << 10) | (flags & PTE_FLAGS_MASK)) >>> 0;
  let pte = (pfn & l.pfnMask) * 2 ** l.pfnShift;
  for (const [sv32Bit, mask] of layoutPairs(l)) if (flags & sv32Bit) pte += mask;
  return pte >>> 0;
}

/** Each Sv32 flag bit paired with the format's mask for it (0 if absent). */
function layoutPairs(l: PteLayout): [number, number][] {
  return [
    [PTE_V, l.valid],
    [PTE_R, l.read],
    [PTE_W, l.write],
    [PTE_X, l.execute],
    [PTE_U, l.user],
    [PTE_G, l.global],
    [PTE_A, l.accessed],
    [PTE_D, l.dirty],
  ];
}

/** Sv32 flags granted when a format has no bit for them (permissions, U, and A/D as if set). */
const GRANTED_WHEN_ABSENT = PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;

/**
 * A leaf PTE's flags as Sv32 flag bits (V R W X U G A D, and for Sv32 the two RSW bits), the
 * form the TLB caches and checks. Bits the format lacks read as granted (G as clear).
 */
export function leafFlags(fmt: PageTableFormat, pte: number): number {
  if (fmt.name === FormatName.Sv32) return pte & PTE_FLAGS_MASK;
  let flags = 0;
  for (const [sv32Bit, mask] of layoutPairs(fmt.pte)) {
    if (mask === 0 ? (GRANTED_WHEN_ABSENT & sv32Bit) !== 0 : (pte & mask) !== 0) flags |= sv32Bit;
  }
  return flags;
}

/** The Sv32 flag bits (V R W X U G A D) that `fmt`'s PTEs have a bit for. */
export function flagBitsOf(fmt: PageTableFormat): number {
  let bits = 0;
  for (const [sv32Bit, mask] of layoutPairs(fmt.pte)) if (mask !== 0) bits |= sv32Bit;
  return bits;
}

/** Why a format descriptor cannot be walked, or undefined. */
export function checkFormat(fmt: PageTableFormat): string | undefined {
  const indexTotal = fmt.indexBits.reduce((a, b) => a + b, 0);
  if (fmt.indexBits.length < 1 || fmt.indexBits.some((b) => !Number.isInteger(b) || b < 1)) {
    return `${fmt.name}: each level needs at least one index bit`;
  }
  if (fmt.pageShift + indexTotal !== fmt.vaBits || fmt.vaBits > 32) {
    return `${fmt.name}: page offset and index bits must add up to the address bits (at most 32)`;
  }
  if (fmt.superpages && fmt.indexBits.length > 2) {
    return `${fmt.name}: superpages are supported in two-level formats only`;
  }
  return undefined;
}
