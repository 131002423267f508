// Sv32, as in the RISC-V privileged spec: 32-bit virtual addresses, two levels of 4 KiB tables.
//
//   virtual address   31        22 21        12 11           0
//                    |   VPN[1]   |   VPN[0]   |  page offset |
//
//   PTE              31                 10 9  8 7 6 5 4 3 2 1 0
//                    |    PPN (22 bits)   |RSW|D|A|G|U|X|W|R|V|
//
//   satp             31   30        22 21                    0
//                    |MODE|  ASID (9) |   PPN of the root    |
//
// A PTE with R, W or X set is a leaf; at level 1 a leaf maps a 4 MiB megapage, whose PPN[0] must
// be zero. R=0 with W=1 is reserved. U-mode may touch only pages with U set. In a pointer
// (non-leaf) PTE, D, A and U are reserved and must be zero. G in a pointer makes every mapping
// below it global. The two RSW bits are left to the kernel's own use (vmlab's marks copy-on-write).
// satp.MODE = 0 is Bare: no translation at all.

export const PTE_V = 1 << 0; // valid
export const PTE_R = 1 << 1; // readable
export const PTE_W = 1 << 2; // writable
export const PTE_X = 1 << 3; // executable
export const PTE_U = 1 << 4; // user-mode accessible
export const PTE_G = 1 << 5; // global: in every address space
export const PTE_A = 1 << 6; // accessed since the bit was last cleared
export const PTE_D = 1 << 7; // dirty: written since the bit was last cleared
export const PTE_FLAGS_MASK = 0x3ff;
export const PTE_PPN_SHIFT = 10;

export const SATP_MODE_SV32 = 0x8000_0000 >>> 0;
export const SATP_ASID_SHIFT = 22;
export const SATP_ASID_MASK = 0x1ff;
export const SATP_PPN_MASK = 0x3f_ffff;

export const LEVELS = 2;
export const PTE_SIZE = 4;
export const VPN_BITS = 10;
export const VPN_MASK = (1 << VPN_BITS) - 1;
/** Bits a pointer PTE must have clear (the spec reserves them for future use). */
export const PTE_POINTER_RESERVED = PTE_D | PTE_A | PTE_U;

/** The physical page number in a PTE (22 bits). */
export function ptePpn(pte: number): number {
  return pte >>> PTE_PPN_SHIFT;
}

/** A PTE for physical page `ppn` with flag bits `flags`. */
export function makePte(ppn: number, flags: number): number {
  return ((ppn << PTE_PPN_SHIFT) | (flags & PTE_FLAGS_MASK)) >>> 0;
}

/** True for a leaf PTE (R, W or X set). */
export function isLeaf(pte: number): boolean {
  return (pte & (PTE_R | PTE_W | PTE_X)) !== 0;
}

/** VPN[level] of a virtual address: level 1 is bits 31..22, level 0 bits 21..12. */
export function vpnIndex(va: number, level: number): number {
  return (va >>> (12 + VPN_BITS * level)) & VPN_MASK;
}

/** A satp value selecting Sv32 with root table at physical page `ppn` and address space `asid`. */
export function makeSatp(ppn: number, asid: number): number {
  return (
    (SATP_MODE_SV32 | ((asid & SATP_ASID_MASK) << SATP_ASID_SHIFT) | (ppn & SATP_PPN_MASK)) >>> 0
  );
}

/** True if satp selects Sv32 (MODE = 1); MODE = 0 is Bare. */
export function satpIsSv32(satp: number): boolean {
  return (satp & SATP_MODE_SV32) !== 0;
}

/** The ASID field of satp (9 bits). */
export function satpAsid(satp: number): number {
  return (satp >>> SATP_ASID_SHIFT) & SATP_ASID_MASK;
}

/** The root page table's physical page number in satp (22 bits). */
export function satpPpn(satp: number): number {
  return satp & SATP_PPN_MASK;
}

/** The letters of flag bits 0 to 7, in bit order. */
const PTE_FLAG_LETTERS = "VRWXUGAD";

/**
 * The flags of a PTE as letters in bit order from bit 0, e.g. "VR--U-A-" ("-" for a clear bit).
 * Only the bits set in `shown` get a column (a page-table format without some bits passes less).
 */
export function pteFlagString(pte: number, shown = PTE_FLAGS_MASK): string {
  let s = "";
  for (let i = 0; i < PTE_FLAG_LETTERS.length; i++) {
    if (shown & (1 << i)) s += pte & (1 << i) ? PTE_FLAG_LETTERS[i] : "-";
  }
  return s;
}
