// The software TLB-miss handler (`--tlb-refill software`, MIPS/OS161 style): on a TlbMiss trap the
// kernel walks its own page table and writes the entry into the TLB; a page that is not present
// is handled as a page fault first.

import { hex32 } from "../hw/hex.js";
import { Opcode } from "../hw/isa.js";
import type { Machine } from "../hw/machine.js";
import { PTE_A, PTE_U, PTE_V } from "../hw/sv32.js";
import { Access, type Trap } from "../hw/trap.js";
import { Signal } from "./abi.js";
import type { FrameTable } from "./frames.js";
import type { MemoryModel } from "./memory.js";
import { loadPte, NO_PTE, type PageTableOps, storePte } from "./paging/pagetable.js";
import type { Proc } from "./proc.js";
import type { KernelEvent } from "./trace.js";

/** The major opcode of an instruction word: bits 6:0 (hw/isa.ts). */
const OPCODE_MASK = 0x7f;

/** What a TLB-refill handler may touch (the Kernel is one): the machine, the page table, faults. */
export interface RefillContext {
  readonly machine: Machine;
  readonly frames: FrameTable;
  /** The memory model: its fault handler, and user addresses for reading the faulting instruction. */
  readonly memory: Pick<MemoryModel, "fault" | "userPa">;
  /** The plugged page-table operations, so a lab's page table drives refills too. */
  readonly pt: PageTableOps;
  kill(p: Proc, signal: Signal, reason: string): void;
  emit(e: KernelEvent): void;
}

/** Handles a TlbMiss trap in software-refill mode (the tlb lab). */
export type TlbRefillHandler = (k: RefillContext, p: Proc, trap: Trap) => void;

/** Refills the TLB for `trap.tval`, faulting the page in if needed; kills `p` if illegal. */
export function refillTlb(k: RefillContext, p: Proc, trap: Trap): void {
  const { ram, mmu } = k.machine;
  const va = trap.tval;
  const addr = k.pt.walk(ram, k.frames, p.root, va, false, p.pid);
  const pte = addr === NO_PTE ? 0 : loadPte(ram, addr);
  if ((pte & (PTE_V | PTE_U)) === (PTE_V | PTE_U)) {
    if ((pte & PTE_A) === 0) storePte(ram, addr, pte | PTE_A);
    mmu.tlbWrite(va, (pte | PTE_A) >>> 0, addr, 0);
    k.emit({
      kind: "fault",
      pid: p.pid,
      va,
      cause: "TLB miss",
      action: "refilled the TLB from the page table",
    });
    return;
  }
  const access = missedAccess(k, p, trap);
  const r = k.memory.fault(p, va, access);
  const action = r.ok ? `page not present: ${r.action}` : `kill: ${r.reason}`;
  k.emit({ kind: "fault", pid: p.pid, va, cause: "TLB miss", action });
  if (!r.ok)
    k.kill(p, Signal.SIGSEGV, `TLB miss at ${hex32(va)} (${r.reason}), pc ${hex32(trap.epc)}`);
}

/** Which access missed: the fetch if the address is the pc, else the load or store at the pc. */
function missedAccess(k: RefillContext, p: Proc, trap: Trap): Access {
  if (trap.tval === trap.epc) return Access.Fetch;
  const pa = k.memory.userPa(p, trap.epc, Access.Fetch);
  if (pa < 0) return Access.Load;
  const inst = k.machine.ram.i32[pa >>> 2]!;
  return (inst & OPCODE_MASK) === Opcode.Store ? Access.Store : Access.Load;
}
