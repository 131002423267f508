// The kernel's replaceable pieces. Each has a reference implementation in kernel/, used unless a
// lab (or an experiment) supplies its own through KernelOptions.plugins. They are plain functions
// and objects: a student's module exports the same shapes.
import type { Ram } from "../hw/ram.js";
import type { Access, Trap } from "../hw/trap.js";
import type { FitPolicy } from "./contiguous/fits.js";
import type { FrameAllocator, FrameTable } from "./frames.js";
import type { Kernel } from "./kernel.js";
import { type FaultResult, handlePageFault, type VmContext } from "./paging/fault.js";
import { mapPage, unmapPage, vmprint, walk } from "./paging/pagetable.js";
import type { Proc } from "./proc.js";
import { refillTlb } from "./refill.js";
import type { SwapPolicy } from "./swap/swap.js";

/** Sv32 page-table operations on tables in RAM (the pagetable lab). */
export interface PageTableOps {
  /** Address of the level-0 PTE for `va`, creating the level-0 table if `alloc`; -1 if absent or out of memory. */
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

/** Resolves a page fault or says why it is illegal (the faults lab). */
export type PageFaultHandler = (ctx: VmContext, p: Proc, va: number, access: Access) => FaultResult;

/** Handles a TlbMiss trap in software-refill mode (the tlb lab). */
export type TlbRefillHandler = (k: Kernel, p: Proc, trap: Trap) => void;

export interface KernelPlugins {
  pageTable: PageTableOps;
  pageFault: PageFaultHandler;
  tlbRefill: TlbRefillHandler;
  /** Hole choice for base-limit/segmented; overrides --fit when set. */
  fit?: FitPolicy;
  /** Single-frame allocation; built for the frames [first, end) the kernel does not reserve. */
  frameAllocator?: (first: number, end: number) => FrameAllocator;
  /** Page replacement with swap; overrides --policy when set. */
  replacement?: SwapPolicy;
}

export const referencePageTable: PageTableOps = { walk, mapPage, unmapPage, vmprint };

export const referencePlugins: KernelPlugins = {
  pageTable: referencePageTable,
  pageFault: handlePageFault,
  tlbRefill: refillTlb,
};
