// The MMU's configuration: which translation scheme runs, who fills the TLB and sets A/D, the
// segment registers' shape, and the check that a configuration is acceptable.
import { checkFormat, type PageTableFormat } from "../ptformat.js";
import { checkTlbConfig, type TlbConfig } from "../tlb.js";

export const MmuMode = {
  Bare: "bare",
  BaseLimit: "base-limit",
  Segmented: "segmented",
  Paged: "paged",
} as const;
export type MmuMode = (typeof MmuMode)[keyof typeof MmuMode];

/** Who sets the PTE's A and D bits: the walker (default), or the kernel after a fault. */
export const AdMode = { Hardware: "hardware", Trap: "trap" } as const;
export type AdMode = (typeof AdMode)[keyof typeof AdMode];

/** Who fills the TLB on a miss: the hardware walker (default), or the kernel after a TlbMiss trap. */
export const RefillMode = { Hardware: "hardware", Software: "software" } as const;
export type RefillMode = (typeof RefillMode)[keyof typeof RefillMode];

/**
 * A segment register. A grows-up segment maps offsets [0, limit) to [base, base+limit); a
 * grows-down one (OSTEP's stack) maps the top `limit` bytes of its range, offset o to
 * base - (segment size - o), i.e. [base-limit, base).
 */
export interface Segment {
  base: number;
  /** Size in bytes; 0 makes the segment invalid. */
  limit: number;
  growsDown: boolean;
  /** PTE_R | PTE_W | PTE_X bits. */
  perms: number;
}

export interface MmuConfig {
  tlb: TlbConfig;
  refill: RefillMode;
  ad: AdMode;
  /** How many top VA bits select a segment (2 gives 4 segments). */
  segmentBits: number;
  /** The page-table format of paged mode (default Sv32). */
  format?: PageTableFormat;
}

/** Fewest ways a software-refilled TLB may have (see checkMmuConfig). */
export const MIN_SOFTWARE_REFILL_WAYS = 2;

/** The largest segmentBits: 256 segment registers. */
export const MAX_SEGMENT_BITS = 8;

/** Why an MMU configuration is not acceptable, or undefined. */
export function checkMmuConfig(c: MmuConfig): string | undefined {
  const tlb = checkTlbConfig(c.tlb);
  if (tlb) return tlb;
  if (!Object.values(RefillMode).includes(c.refill)) return `unknown TLB refill '${c.refill}'`;
  if (c.refill === RefillMode.Software && c.tlb.ways < MIN_SOFTWARE_REFILL_WAYS) {
    // A restarted instruction needs its fetch page and its data page in the TLB at once; with
    // one way per set, refilling either can evict the other, and the guest never progresses.
    return `a software-refilled TLB needs at least ${MIN_SOFTWARE_REFILL_WAYS} ways`;
  }
  if (!Object.values(AdMode).includes(c.ad)) return `unknown A/D mode '${c.ad}'`;
  if (!Number.isInteger(c.segmentBits) || c.segmentBits < 1 || c.segmentBits > MAX_SEGMENT_BITS) {
    return `segment bits must be a whole number from 1 to ${MAX_SEGMENT_BITS}`;
  }
  return c.format ? checkFormat(c.format) : undefined;
}
