// Forward progress under memory pressure. One instruction may need several pages at once: its
// code page and the page it loads or stores (two if the access straddles a page), plus the page
// tables above them, which are never evicted. Each missing page is a fault of its own, and each
// fault may evict a page to make room. Were the policy free to choose any page, the pages of one
// instruction could take turns in one frame forever (aging and MRU pick the page just loaded) and
// no instruction would ever retire.
//
// So while the kernel serves the faults of one instruction, the pages that instruction has needed
// so far are protected: the swapper skips them whatever the policy says. The instruction is known
// by (process, pc, instructions retired): it is the same one for as long as these do not change.
// The protection ends at any other trap or when the process leaves the CPU.
//
// When even that leaves no frame to evict, the OOM killer ends a process (kernel.ts). As a last
// guard against spinning, an instruction that faults MAX_FAULTS_PER_INSTRUCTION times is stuck.
import { PAGE_SIZE, type Ram } from "../../hw/ram.js";
import { PTE_V, ptePpn } from "../../hw/sv32.js";
import type { FrameTable } from "../frames.js";
import type { Proc } from "../proc.js";
import { loadPte, NO_PTE, type PageTableOps } from "./pagetable.js";

/**
 * Faults one instruction may take before the kernel calls it stuck. An instruction needs at most
 * a code page and two data pages, each costing a few faults (TLB miss, page fault, A/D trap, a
 * copy-on-write break): far fewer than this.
 */
export const MAX_FAULTS_PER_INSTRUCTION = 64;

/** The instruction being served and the virtual pages it has needed so far. */
export class ProgressGuard {
  /** The process whose instruction is protected; null when none is. */
  proc: Proc | null = null;
  private epc = 0;
  private instret = 0;
  /** The protected virtual pages of `proc`: the code page first, then each faulting page. */
  readonly pages: number[] = [];
  /** Faults of this instruction so far. */
  faults = 0;
  /** The kernel's eviction count at the instruction's first fault. */
  evictionsAtStart = 0;

  /**
   * Notes a fault by `p`'s instruction at `epc` (with `instret` instructions retired) on `va`,
   * starting afresh if it is another instruction; returns the faults of this instruction so far.
   */
  noteFault(p: Proc, epc: number, instret: number, va: number, evictions: number): number {
    if (this.proc !== p || this.epc !== epc || this.instret !== instret) {
      this.clear();
      this.proc = p;
      this.epc = epc;
      this.instret = instret;
      this.evictionsAtStart = evictions;
      this.pages.push(pageOf(epc));
    }
    const page = pageOf(va);
    if (!this.pages.includes(page)) this.pages.push(page);
    return ++this.faults;
  }

  /** Ends the protection (the instruction retired, or its process left the CPU or ended). */
  clear(): void {
    this.proc = null;
    this.pages.length = 0;
    this.faults = 0;
  }

  /** True if frame `ppn` holds one of the protected pages, mapped by the protected process. */
  protects(pt: PageTableOps, ram: Ram, frames: FrameTable, ppn: number): boolean {
    const p = this.proc;
    if (p === null || p.root === 0) return false;
    const va = frames.va[ppn]!;
    if (!this.pages.includes(va)) return false;
    const addr = pt.walk(ram, frames, p.root, va, false, p.pid);
    const pte = addr === NO_PTE ? 0 : loadPte(ram, addr);
    return (pte & PTE_V) !== 0 && ptePpn(pte) === ppn;
  }
}

function pageOf(va: number): number {
  return (va >>> 0) - ((va >>> 0) % PAGE_SIZE);
}
