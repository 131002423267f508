// What paged memory needs from the kernel (VmContext), what a fault returns (FaultResult), and the
// small helpers that the fault handler (fault.ts), copy-on-write (cow.ts), unmapping (unmap.ts)
// and protection (../protection.ts) share. It sits below all of them, so none imports another
// for these.
import type { Machine } from "../../hw/machine.js";
import type { Access } from "../../hw/trap.js";
import type { FrameTable } from "../frames.js";
import type { Proc } from "../proc.js";
import type { Swapper } from "../swap/swap.js";
import type { PageTableOps } from "./pagetable.js";

/** User space is [0, USER_TOP); the upper half of the address space belongs to the kernel. */
export const USER_TOP = 0x8000_0000;

export interface VmCounters {
  minorFaults: number;
  cowCopies: number;
  zeroFills: number;
}

/** A fixed fault says what the kernel did (for traces); an illegal one says why. */
export type FaultResult = { ok: true; action: string } | { ok: false; reason: string };

/** Resolves a page fault or says why it is illegal (the faults lab; reference: handlePageFault). */
export type PageFaultHandler = (ctx: VmContext, p: Proc, va: number, access: Access) => FaultResult;

/** What paged memory needs from the kernel. */
export interface VmContext {
  readonly machine: Machine;
  readonly frames: FrameTable;
  readonly counters: VmCounters;
  /** A/D bits are set by the kernel on faults (`--ad trap`). */
  readonly adTrap: boolean;
  /** Swap and page replacement, when a swap disk is configured. */
  readonly swapper: Swapper | null;
  /** Page-table operations (reference: kernel/paging/pagetable.ts). */
  readonly pt: PageTableOps;
  /** The page-fault handler (reference: handlePageFault in fault.ts). */
  readonly pageFault: PageFaultHandler;
  /**
   * Called when a fault of `p` at `va` failed for want of a frame: the kernel may end a process
   * to free memory (the OOM killer). True if it ended one, so the fault is worth trying again.
   */
  readonly outOfMemory?: (p: Proc, va: number) => boolean;
}

export const done = (action: string): FaultResult => ({ ok: true, action });

export const fail = (reason: string): FaultResult => ({ ok: false, reason });

/** Flushes one page of `p` from the TLB (sfence.vma va, asid). */
export function flushPage(ctx: VmContext, p: Proc, va: number): void {
  ctx.machine.mmu.sfenceVma(va, p.asid);
}

/** Counts one more mapped page of `p`. */
export function addResident(p: Proc): void {
  p.rss++;
  if (p.rss > p.rssPeak) p.rssPeak = p.rss;
}

/** Why a frame could not be had: no memory at all, or swap is full too. */
export function outOfMemory(ctx: VmContext): string {
  return ctx.swapper ? "out of memory and swap" : "out of memory";
}
