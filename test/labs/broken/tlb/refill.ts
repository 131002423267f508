// A student's software TLB refill for the tlb lab, with a deliberate bug (marked BUG):
//   BUG 1: the A bit goes into the TLB entry but not into the PTE in RAM.
import {
  Access,
  hex32,
  type Kernel,
  kernelWalk,
  type Proc,
  PTE_A,
  PTE_U,
  PTE_V,
  readPte,
  Signal,
  type Trap,
} from "./vmlab.js";

export function tlbRefill(k: Kernel, p: Proc, trap: Trap): void {
  const va = trap.tval;
  const pte = readPte(k.machine.ram, p.root, va);
  if ((pte & (PTE_V | PTE_U)) === (PTE_V | PTE_U)) {
    const addr = kernelWalk(k.machine.ram, k.frames, p.root, va, false, p.pid);
    k.machine.mmu.tlbWrite(va, (pte | PTE_A) >>> 0, addr, 0); // BUG 1: RAM's PTE keeps A clear
    return;
  }
  const r = k.memory.fault(p, va, missedAccess(k, p, trap));
  if (!r.ok)
    k.kill(p, Signal.SIGSEGV, `TLB miss at ${hex32(va)} (${r.reason}), pc ${hex32(trap.epc)}`);
}

function missedAccess(k: Kernel, p: Proc, trap: Trap): Access {
  if (trap.tval === trap.epc) return Access.Fetch;
  const pa = k.memory.userPa(p, trap.epc, Access.Fetch);
  if (pa < 0) return Access.Load;
  return (k.machine.ram.i32[pa >>> 2]! & 0x7f) === 0x23 ? Access.Store : Access.Load;
}
