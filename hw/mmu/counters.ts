// What the MMU counts on the guest path (a quiet translation counts nothing), and the timing
// model's charge for memory accesses.
import { Cause, isAccessFault, isPageFault } from "../trap.js";

const CAUSE_SLOTS = 32;

export class MmuCounters {
  /** TLB lookups that missed (including hits whose PTE had changed when A/D was re-checked). */
  tlbMisses = 0;
  /** Page-table reads: walk levels and A/D re-checks. */
  walkReads = 0;
  pageFaults = 0;
  accessFaults = 0;
  /** PTE writes setting A and/or D. */
  adUpdates = 0;
  tlbRefillTraps = 0;
  /** Loads and stores whose translation faulted (the CPU counts only those that completed). */
  failedDataTranslations = 0;
  /** Faults by cause code: faultsByCause[Cause.LoadPageFault] and so on. */
  readonly faultsByCause = new Float64Array(CAUSE_SLOTS);

  /** Counts one failed translation of `cause`. */
  fault(cause: Cause): void {
    this.faultsByCause[cause] = this.faultCount(cause) + 1;
    if (cause === Cause.TlbMiss) this.tlbRefillTraps++;
    else if (isPageFault(cause)) this.pageFaults++;
    else if (isAccessFault(cause)) this.accessFaults++;
  }

  /** How many faults of `cause` the guest path has taken. */
  faultCount(cause: Cause): number {
    return this.faultsByCause[cause] ?? 0;
  }
}

/** Cycle costs the timing model charges for memory accesses (machine.ts's CycleCosts fits). */
export interface MemoryCosts {
  /** One TLB lookup, hit or miss. */
  tlbHit: number;
  /** One access to RAM (the data itself, or an A/D write). */
  memory: number;
  /** One page-table read of a walk. */
  walkLevel: number;
}

/** Counts the timing model charges for; accesses and lookups come from the CPU's counters. */
export interface AccessCounts {
  accesses: number;
  /** TLB lookups: the accesses made in paged mode. */
  tlbLookups: number;
  walkReads: number;
  adUpdates: number;
}

/**
 * Cycles spent on memory accesses: each access pays one memory access, each TLB lookup `tlbHit`,
 * each page-table read `walkLevel`, each A/D write one memory access. The effective access time
 * is this over `accesses`.
 */
export function accessCycles(c: AccessCounts, costs: MemoryCosts): number {
  return (
    (c.accesses + c.adUpdates) * costs.memory +
    c.tlbLookups * costs.tlbHit +
    c.walkReads * costs.walkLevel
  );
}
