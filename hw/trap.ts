// Traps: how the hardware tells the kernel that an instruction could not complete. A trap is a
// value returned by the CPU, never a thrown exception; the trapping instruction has written nothing
// and is restarted (or skipped, for ecall) by the kernel.
import { EBREAK, ECALL } from "./isa.js";

/** mcause/scause exception codes from the RISC-V privileged spec, plus one custom code. */
export const Cause = {
  InstructionMisaligned: 0,
  InstructionAccessFault: 1,
  IllegalInstruction: 2,
  Breakpoint: 3,
  LoadMisaligned: 4,
  LoadAccessFault: 5,
  StoreMisaligned: 6,
  StoreAccessFault: 7,
  EcallFromU: 8,
  InstructionPageFault: 12,
  LoadPageFault: 13,
  StorePageFault: 15,
  /** Software-refilled TLB missed (MIPS/OS161 style); 24 is in the spec's "custom use" range. */
  TlbMiss: 24,
} as const;
export type Cause = (typeof Cause)[keyof typeof Cause];

/** The kind of memory access a translation is for. */
export const Access = { Fetch: 0, Load: 1, Store: 2 } as const;
export type Access = (typeof Access)[keyof typeof Access];

export const accessName: Record<Access, string> = { 0: "fetch", 1: "load", 2: "store" };

/** Why a memory access faulted; travels with the trap for messages and traces. */
export const FaultReason = {
  None: "none",
  /** The physical address (of the data or of a PTE) is outside RAM: an access fault. */
  BusError: "bus error",
  /** A PTE on the walk has V clear. */
  NotMapped: "not mapped",
  /** The walk reached the last level and found a pointer, not a leaf. */
  NoLeaf: "no leaf PTE",
  /** The virtual address is beyond the page-table format's address space. */
  OutOfRange: "outside the address space",
  /** The leaf (or segment) lacks R, W or X for the access. */
  NoPermission: "no permission",
  UserBit: "U-bit clear",
  /** W without R, or reserved bits set in a pointer PTE (Sv32: D, A, U). */
  Reserved: "reserved encoding",
  BadSuperpage: "misaligned superpage",
  /** Outside a base/limit partition or a segment. */
  Limit: "limit",
  AccessedClear: "A bit clear",
  DirtyClear: "D bit clear",
  Misaligned: "misaligned",
  TlbMiss: "TLB miss",
} as const;
export type FaultReason = (typeof FaultReason)[keyof typeof FaultReason];

/** What the CPU returns when an instruction traps. `epc` is the trapping instruction's pc. */
export interface Trap {
  cause: Cause;
  /** The faulting address (memory faults), the instruction bits (illegal instruction), or 0. */
  tval: number;
  epc: number;
  reason: FaultReason;
}

const pageFaultCause: Record<Access, Cause> = {
  0: Cause.InstructionPageFault,
  1: Cause.LoadPageFault,
  2: Cause.StorePageFault,
};
const accessFaultCause: Record<Access, Cause> = {
  0: Cause.InstructionAccessFault,
  1: Cause.LoadAccessFault,
  2: Cause.StoreAccessFault,
};

/** The page-fault cause for an access kind (12, 13, 15). */
export function pageFault(access: Access): Cause {
  return pageFaultCause[access];
}

/** The access-fault cause for an access kind (1, 5, 7): bus errors, limit and segment violations. */
export function accessFault(access: Access): Cause {
  return accessFaultCause[access];
}

const causeNames: Record<Cause, string> = {
  0: "instruction address misaligned",
  1: "instruction access fault",
  2: "illegal instruction",
  3: "breakpoint",
  4: "load address misaligned",
  5: "load access fault",
  6: "store address misaligned",
  7: "store access fault",
  8: "environment call",
  12: "instruction page fault",
  13: "load page fault",
  15: "store page fault",
  24: "TLB miss",
};

/** True for the page-fault causes (12, 13, 15). */
export function isPageFault(cause: Cause): boolean {
  return (
    cause === Cause.InstructionPageFault ||
    cause === Cause.LoadPageFault ||
    cause === Cause.StorePageFault
  );
}

/** True for the access-fault causes (1, 5, 7). */
export function isAccessFault(cause: Cause): boolean {
  return (
    cause === Cause.InstructionAccessFault ||
    cause === Cause.LoadAccessFault ||
    cause === Cause.StoreAccessFault
  );
}

/** A human name for a cause, as used in kernel messages and traces. */
export function causeName(cause: Cause): string {
  return causeNames[cause];
}

/** The access kind a memory-fault cause is about, or undefined for non-memory causes. */
export function causeAccess(cause: Cause): Access | undefined {
  switch (cause) {
    case Cause.InstructionAccessFault:
    case Cause.InstructionPageFault:
    case Cause.InstructionMisaligned:
      return Access.Fetch;
    case Cause.LoadAccessFault:
    case Cause.LoadPageFault:
    case Cause.LoadMisaligned:
      return Access.Load;
    case Cause.StoreAccessFault:
    case Cause.StorePageFault:
    case Cause.StoreMisaligned:
      return Access.Store;
    default:
      return undefined;
  }
}

/** A misaligned fetch target, load or store address `addr` of the instruction at `pc`. */
export function misalignedTrap(cause: Cause, addr: number, pc: number): Trap {
  return { cause, tval: addr >>> 0, epc: pc >>> 0, reason: FaultReason.Misaligned };
}

/** An illegal instruction `inst` at `pc`. */
export function illegalTrap(inst: number, pc: number): Trap {
  return {
    cause: Cause.IllegalInstruction,
    tval: inst >>> 0,
    epc: pc >>> 0,
    reason: FaultReason.None,
  };
}

/** ecall and ebreak; any other SYSTEM encoding is illegal in U-mode. */
export function systemTrap(inst: number, pc: number): Trap {
  if (inst === ECALL)
    return { cause: Cause.EcallFromU, tval: 0, epc: pc >>> 0, reason: FaultReason.None };
  if (inst === EBREAK)
    return { cause: Cause.Breakpoint, tval: pc >>> 0, epc: pc >>> 0, reason: FaultReason.None };
  return illegalTrap(inst, pc);
}
