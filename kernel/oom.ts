// Running out of memory. Each fault of one instruction is watched (forward progress, see
// paging/progress.ts): an instruction that keeps faulting while pages are evicted means memory is
// too tight, and the OOM killer ends the process with the largest footprint, as Linux's does.

import { hex32 } from "../hw/hex.js";
import type { Machine } from "../hw/machine.js";
import { MmuMode } from "../hw/mmu.js";
import { Cause, type Trap } from "../hw/trap.js";
import { Signal as Sig } from "./abi.js";
import type { FrameTable } from "./frames.js";
import type { MemoryModel } from "./memory.js";
import { type PageTableOps, tablePages } from "./paging/pagetable.js";
import { MAX_FAULTS_PER_INSTRUCTION, type ProgressGuard } from "./paging/progress.js";
import type { Proc } from "./proc.js";
import { EvictFailure, type Swapper } from "./swap/swap.js";

/** What the progress watch and the OOM killer use of the kernel (the Kernel is one). */
export interface OomContext {
  readonly machine: Machine;
  readonly frames: FrameTable;
  readonly pt: PageTableOps;
  readonly memory: Pick<MemoryModel, "mode">;
  /** Live processes, and old images an execve is replacing (their pages count too). */
  readonly procs: ReadonlyMap<number, Proc>;
  readonly detached: ReadonlySet<Proc>;
  readonly progress: ProgressGuard;
  readonly counters: { readonly evictions: number };
  readonly swapper: Pick<Swapper, "lastFailure"> | null;
  kill(p: Proc, signal: Sig, reason: string): void;
}

/** Traps by which an instruction asks for a page: page faults, and TLB misses (software refill). */
const FAULT_CAUSES: ReadonlySet<number> = new Set([
  Cause.InstructionPageFault,
  Cause.LoadPageFault,
  Cause.StorePageFault,
  Cause.TlbMiss,
]);

/**
 * Forward progress: a page fault or TLB miss keeps the pages its instruction has needed
 * resident (paging/progress.ts); any other trap ends that. An instruction faulting more than
 * MAX_FAULTS_PER_INSTRUCTION times is stuck: if pages were evicted meanwhile, memory is too
 * tight for it and the OOM killer ends a process; if none was, the faults are not being fixed
 * and `p` is ended. False if `p` has ended.
 */
export function watchProgress(k: OomContext, p: Proc, trap: Trap): boolean {
  if (!FAULT_CAUSES.has(trap.cause)) {
    k.progress.clear();
    return true;
  }
  const { progress, counters } = k;
  const instret = k.machine.cpu.instret;
  const faults = progress.noteFault(p, trap.epc, instret, trap.tval, counters.evictions);
  if (faults <= MAX_FAULTS_PER_INSTRUCTION) return true;
  const what = `the instruction at pc ${hex32(trap.epc)} faulted ${faults} times`;
  if (counters.evictions === progress.evictionsAtStart) {
    k.kill(p, Sig.SIGSEGV, `no progress: ${what} and its faults were not fixed`);
    return false;
  }
  const evicted = counters.evictions - progress.evictionsAtStart;
  progress.faults = 0;
  progress.evictionsAtStart = counters.evictions;
  oomKill(k, p, `no progress: ${what}, ${evicted} pages evicted meanwhile`);
  return !p.exit;
}

/**
 * VmContext.outOfMemory: a fault of `p` at `va` found no frame. When swap has room but no page
 * may be evicted (page tables and the pages in use fill RAM), the OOM killer ends a process and
 * the fault is retried (true). Otherwise memory and swap are spent: the fault fails and `p`
 * alone ends, with the fault's reason (false).
 */
export function outOfMemory(k: OomContext, p: Proc, va: number): boolean {
  if (k.swapper?.lastFailure !== EvictFailure.NothingEvictable) return false;
  oomKill(k, p, `pid ${p.pid} needed a frame at ${hex32(va)} and no page could be evicted`);
  return true;
}

/**
 * The OOM killer, as Linux's: ends (SIGKILL) the process with the largest footprint — resident
 * pages plus page-table pages — ties going to the newest (highest pid). `why` names the need.
 */
function oomKill(k: OomContext, needy: Proc, why: string): void {
  let victim = needy;
  let most = { resident: 0, tables: 0 };
  for (const q of k.procs.values()) {
    if (q.exit) continue;
    const size = footprint(k, q);
    if (size.resident + size.tables >= most.resident + most.tables) {
      victim = q;
      most = size;
    }
  }
  k.kill(
    victim,
    Sig.SIGKILL,
    `out of memory (largest footprint: ${most.resident} resident + ${most.tables} page-table pages; ${why})`,
  );
}

/** Resident and page-table pages of `p`, with those of an old image its execve is replacing. */
function footprint(k: OomContext, p: Proc): { resident: number; tables: number } {
  let resident = p.rss;
  let tables = tablePageCount(k, p);
  for (const old of k.detached) {
    if (old.pid !== p.pid) continue;
    resident += old.rss;
    tables += tablePageCount(k, old);
  }
  return { resident, tables };
}

/** Page-table pages of `p`, its root included (paged mode; 0 otherwise). */
function tablePageCount(k: OomContext, p: Proc): number {
  if (k.memory.mode !== MmuMode.Paged || p.root === 0) return 0;
  return 1 + tablePages(k.pt, k.machine.ram, k.frames, p.root).length;
}
