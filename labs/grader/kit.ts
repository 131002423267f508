// The student kit: everything a lab's starter files may import, in one place. A lab folder reaches
// it through its `vmlab.ts` (written by `vmlab lab start`), so student code says
// `import { PTE_V, type Ram } from "./vmlab.js"` wherever the folder lives.
//
// It re-exports the kernel's and hardware's names (so a lab always sees what the kernel uses) and
// adds a few helpers the labs need that the kernel keeps private.

export { hex32 } from "../../hw/hex.js";
// --- hardware: RAM, Sv32 bits, traps
export { PAGE_SHIFT, PAGE_SIZE, type Ram } from "../../hw/ram.js";
export {
  isLeaf,
  makePte,
  PTE_A,
  PTE_D,
  PTE_FLAGS_MASK,
  PTE_G,
  PTE_PPN_SHIFT,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  pteFlagString,
  ptePpn,
  VPN_BITS,
  VPN_MASK,
  vpnIndex,
} from "../../hw/sv32.js";
export { Access, accessName, Cause, type Trap } from "../../hw/trap.js";
// --- kernel: frames, address spaces, processes
export { Signal } from "../../kernel/abi.js";
export { pageDown, pageUp, type Region, RegionKind } from "../../kernel/aspace.js";
export type { Block, FitPolicy, FitState, Hole } from "../../kernel/contiguous/fits.js";
export {
  AllocFailure,
  type AllocResult,
  type MapEntry,
  type Move,
} from "../../kernel/contiguous/holes.js";
export { type FrameTable, FrameUse, NO_FRAME } from "../../kernel/frames.js";
export type { Kernel } from "../../kernel/kernel.js";
/** The kernel's own helpers for counting resident pages and filling a new page (kernel/paging/). */
export {
  addResident,
  type FaultResult,
  USER_TOP,
  type VmContext,
} from "../../kernel/paging/context.js";
export { fillPage } from "../../kernel/paging/fault.js";
export {
  NO_PTE,
  PTE_COW,
  PTE_SWAP,
  readPte,
  walk as kernelWalk,
} from "../../kernel/paging/pagetable.js";
export type {
  PageFaultHandler,
  PageTableOps,
  RefillContext,
  TlbRefillHandler,
} from "../../kernel/plugins.js";
export type { Proc } from "../../kernel/proc.js";
export { permFor } from "../../kernel/protection.js";
export { fifoPolicy } from "../../kernel/replace/fifo.js";
export { lruPolicy } from "../../kernel/replace/lru.js";
export { optPolicy } from "../../kernel/replace/opt.js";
export type {
  PolicyFactory,
  ReplacementPolicy,
  ResidencyView,
} from "../../kernel/replace/policy.js";
export { type ReplayStats, replay } from "../../kernel/replace/replay.js";
export type { PageTrace } from "../../kernel/replace/trace.js";

/** A successful fault: what the handler did, for traces. */
export function fixed(action: string): { ok: true; action: string } {
  return { ok: true, action };
}

/** An illegal access: why (the process is killed with this reason). */
export function illegal(reason: string): { ok: false; reason: string } {
  return { ok: false, reason };
}
