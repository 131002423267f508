// The tlb lab: the software TLB-miss handler. With `--tlb-refill software` the hardware does not
// walk the page table on a TLB miss: it traps (cause TlbMiss, the address in trap.tval) and the
// kernel must find the translation itself and write it into the TLB, as MIPS and OS/161 kernels
// do. Fill in the TODOs; the handout (labs/tlb/README.md) explains each step.
// biome-ignore-all lint/correctness/noUnusedImports: the imports are for the code you will write
// biome-ignore-all lint/correctness/noUnusedFunctionParameters: the stubs do not use them yet
// biome-ignore-all lint/correctness/noUnusedVariables: the stubs do not use them yet
import {
  Access,
  hex32,
  kernelWalk,
  type Proc,
  PTE_A,
  PTE_U,
  PTE_V,
  type RefillContext,
  readPte,
  Signal,
  type Trap,
} from "./vmlab.js";

/**
 * Handles a TLB miss of process `p` at trap.tval (the instruction at trap.epc runs again when
 * this returns):
 *   - if the page table maps the page for user mode (PTE with V and U set): set the PTE's A bit
 *     in RAM if it is clear (the hardware walker would have), and write the entry into the TLB;
 *   - otherwise the page is not there yet (or not at all): ask the kernel to handle it as a page
 *     fault, k.memory.fault(p, va, access); if that fails, kill p with SIGSEGV.
 */
export function tlbRefill(k: RefillContext, p: Proc, trap: Trap): void {
  const { ram, mmu } = k.machine;
  const va = trap.tval;
  // TODO 1: the PTE for va: readPte(ram, p.root, va) gives its value (0 if there is none), and
  // kernelWalk(ram, k.frames, p.root, va, false, p.pid) its physical address.
  // TODO 2: mapped for user mode: set PTE_A in RAM (ram.i32[addr >>> 2]) if it is clear, then
  // mmu.tlbWrite(va, pte | PTE_A, addr, 0) (0: a level-0 leaf) and return.
  // TODO 3: not mapped: const r = k.memory.fault(p, va, missedAccess(k, p, trap)). If !r.ok,
  // k.kill(p, Signal.SIGSEGV, `TLB miss at ${hex32(va)} (${r.reason}), pc ${hex32(trap.epc)}`).
  // If r.ok, just return: the instruction runs again, misses again, and now finds the PTE.
  throw new Error("tlbRefill: not implemented yet");
}

const OPCODE_STORE = 0x23;

/**
 * Which access missed. A TLB-miss trap does not say (a page fault's cause does), so look: the
 * fetch of the instruction if the address is the pc, else the load or store the instruction at
 * the pc makes (RISC-V stores have major opcode 0x23). Given; nothing to do here.
 */
export function missedAccess(k: RefillContext, p: Proc, trap: Trap): Access {
  if (trap.tval === trap.epc) return Access.Fetch;
  const pa = k.memory.userPa(p, trap.epc, Access.Fetch);
  if (pa < 0) return Access.Load;
  return (k.machine.ram.i32[pa >>> 2]! & 0x7f) === OPCODE_STORE ? Access.Store : Access.Load;
}
