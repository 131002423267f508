// The kernel's replaceable pieces. Each has a reference implementation in kernel/, used unless a
// lab (or an experiment) supplies its own through KernelOptions.plugins. They are plain functions
// and objects: a student's module exports the same shapes.
import type { FitPolicy } from "./contiguous/fits.js";
import type { FrameAllocator } from "./frames.js";
import type { PageFaultHandler } from "./paging/context.js";
import { handlePageFault } from "./paging/fault.js";
import { type PageTableOps, referencePageTable } from "./paging/pagetable.js";
import { refillTlb, type TlbRefillHandler } from "./refill.js";
import type { SwapPolicy } from "./swap/swap.js";

export type { PageFaultHandler } from "./paging/context.js";
export { type PageTableOps, referencePageTable } from "./paging/pagetable.js";
export type { RefillContext, TlbRefillHandler } from "./refill.js";

export interface KernelPlugins {
  /** Every page-table operation of paged memory (the pagetable lab). */
  pageTable: PageTableOps;
  /** Resolves a page fault (the faults lab). */
  pageFault: PageFaultHandler;
  /** Handles a TlbMiss trap in software-refill mode (the tlb lab). */
  tlbRefill: TlbRefillHandler;
  /** Hole choice for base-limit/segmented; overrides --fit when set. */
  fit?: FitPolicy;
  /** Single-frame allocation; built for the frames [first, end) the kernel does not reserve. */
  frameAllocator?: (first: number, end: number) => FrameAllocator;
  /** Page replacement with swap; overrides --policy when set. */
  replacement?: SwapPolicy;
}

export const referencePlugins: KernelPlugins = {
  pageTable: referencePageTable,
  pageFault: handlePageFault,
  tlbRefill: refillTlb,
};
