// The invariant checker (`--check`): after every trap, the frame table, reference counts and page
// tables must agree. Any disagreement is a kernel bug, reported by the first problem found.
//
// In paged mode it verifies the memory-pressure rule too (docs/kernel.md): no user PTE names a
// frame that is free, the kernel's or a page table; every resident user page's reference count
// equals its mappings and it is known to the replacement policy; each swap slot's count equals
// the PTEs naming it; and no frame is left pinned once a trap has been served.

import type { Machine } from "../hw/machine.js";
import { PTE_U, PTE_V, ptePpn } from "../hw/sv32.js";
import { type FrameTable, FrameUse } from "./frames.js";
import type { MemoryModel } from "./memory.js";
import { USER_TOP } from "./paging/context.js";
import { handlePageFault } from "./paging/fault.js";
import {
  forEachPte,
  PTE_SWAP,
  referencePageTable,
  swapSlot,
  tablePages,
} from "./paging/pagetable.js";
import type { KernelPlugins } from "./plugins.js";
import { type Proc, ProcState } from "./proc.js";
import type { Swapper } from "./swap/swap.js";

/** What the checker reads of the kernel (the Kernel is one); it changes nothing. */
export interface CheckContext {
  readonly machine: Machine;
  readonly frames: FrameTable;
  readonly memory: Pick<MemoryModel, "mode" | "check">;
  readonly procs: ReadonlyMap<number, Proc>;
  readonly swapper: Swapper | null;
  /** The policy check applies to the kernel's own fault handler and policies only. */
  readonly options: { readonly plugins: Pick<KernelPlugins, "pageFault" | "replacement"> };
}

/** What the page tables of all live processes name: mappings per frame and PTEs per swap slot. */
interface Census {
  mappings: Int32Array;
  slotRefs: Map<number, number>;
  tableOwner: Int32Array;
}

/** The first inconsistency between frames and page tables, or undefined if all agree. */
export function checkKernel(k: CheckContext): string | undefined {
  if (k.memory.mode !== "paged") return k.memory.check?.() ?? checkFreeCount(k);
  const count = k.frames.count;
  const census: Census = {
    mappings: new Int32Array(count),
    slotRefs: new Map(),
    tableOwner: new Int32Array(count),
  };
  for (const p of k.procs.values()) {
    if (p.state === ProcState.Zombie || p.root === 0) continue;
    const problem = checkTables(k, p, census) ?? checkPtes(k, p, census);
    if (problem) return problem;
  }
  return (
    checkFrames(k, census.mappings) ??
    checkPolicy(k) ??
    checkSwapSlots(k, census.slotRefs) ??
    checkFreeCount(k)
  );
}

/** `p`'s page-table pages are marked as such and belong to it alone. */
function checkTables(k: CheckContext, p: Proc, census: Census): string | undefined {
  const { frames } = k;
  for (const t of [p.root, ...tablePages(referencePageTable, k.machine.ram, frames, p.root)]) {
    if (t >= frames.count || frames.use[t] !== FrameUse.PageTable)
      return `pid ${p.pid}: page-table frame ${t} is not marked as a page table`;
    if (census.tableOwner[t] !== 0)
      return `page-table frame ${t} belongs to pid ${census.tableOwner[t]} and pid ${p.pid}`;
    census.tableOwner[t] = p.pid;
  }
  return undefined;
}

/** Each valid PTE of `p` names a user or shared frame with the U bit; counts rss and mappings. */
function checkPtes(k: CheckContext, p: Proc, census: Census): string | undefined {
  const { frames } = k;
  let problem: string | undefined;
  let resident = 0;
  // This visits every PTE after every trap: the bits and uses it tests are read once, here, and
  // the place is spelled out only for a problem.
  const [valid, user, swapped] = [PTE_V, PTE_U, PTE_SWAP];
  const [userPage, sharedPage] = [FrameUse.User, FrameUse.Shared];
  const ppnOf = ptePpn;
  forEachPte(referencePageTable, k.machine.ram, frames, p.root, 0, USER_TOP, (va, _addr, pte) => {
    if (problem) return;
    if ((pte & valid) === 0) {
      if (pte & swapped)
        census.slotRefs.set(swapSlot(pte), (census.slotRefs.get(swapSlot(pte)) ?? 0) + 1);
      return;
    }
    const ppn = ppnOf(pte);
    const use = frames.use[ppn];
    const at = () => `pid ${p.pid}: va 0x${va.toString(16)}`;
    if (ppn >= frames.count) problem = `${at()} maps frame ${ppn}, outside RAM`;
    else if ((pte & user) === 0) problem = `${at()} is mapped without the U bit`;
    else if (use !== userPage && use !== sharedPage)
      problem = `${at()} maps frame ${ppn}, which is ${useName(use)}`;
    else census.mappings[ppn]!++;
    resident++;
  });
  if (problem) return problem;
  return resident === p.rss
    ? undefined
    : `pid ${p.pid}: ${p.rss} resident pages counted but ${resident} mapped`;
}

/** Reference counts equal mappings, every user frame is mapped, and no frame is left pinned. */
function checkFrames(k: CheckContext, mappings: Int32Array): string | undefined {
  const { frames } = k;
  const userPage = FrameUse.User; // read once: the loop visits every frame after every trap
  for (let ppn = 0; ppn < frames.count; ppn++) {
    if (frames.pins[ppn] !== 0)
      return `frame ${ppn} is still pinned (${frames.pins[ppn]}) after the trap was served`;
    if (frames.use[ppn] !== userPage) continue;
    if (frames.refs[ppn] !== mappings[ppn])
      return `frame ${ppn}: reference count ${frames.refs[ppn]} but ${mappings[ppn]} mappings`;
    if (mappings[ppn] === 0) return `frame ${ppn} is a user page that nothing maps (a leak)`;
  }
  return undefined;
}

/**
 * The replacement policy knows exactly the resident user frames, each once. Checked with the
 * kernel's own fault handler and policies (a lab's plug-ins are graded on their own).
 */
function checkPolicy(k: CheckContext): string | undefined {
  const { swapper, frames, options } = k;
  if (!swapper || options.plugins.replacement || options.plugins.pageFault !== handlePageFault)
    return undefined;
  const known = new Set<number>();
  const userPage = FrameUse.User; // read once: the loops visit every frame after every trap
  for (const ppn of swapper.policy.order()) {
    if (known.has(ppn)) return `policy ${swapper.policy.name} holds frame ${ppn} twice`;
    if (frames.use[ppn] !== userPage)
      return `policy ${swapper.policy.name} holds frame ${ppn}, which is ${useName(frames.use[ppn])}`;
    known.add(ppn);
  }
  for (let ppn = frames.reserved; ppn < frames.count; ppn++) {
    if (frames.use[ppn] === userPage && !known.has(ppn))
      return `user frame ${ppn} is unknown to policy ${swapper.policy.name}`;
  }
  return undefined;
}

/** Each swap slot's reference count equals the number of swapped PTEs that name it. */
function checkSwapSlots(k: CheckContext, seen: Map<number, number>): string | undefined {
  const space = k.swapper?.space;
  if (!space) return seen.size > 0 ? "swapped PTEs but no swap" : undefined;
  let used = 0;
  for (let slot = 0; slot < space.slots; slot++) {
    const refs = space.refsOf(slot);
    if (refs !== (seen.get(slot) ?? 0))
      return `swap slot ${slot}: ${refs} references but ${seen.get(slot) ?? 0} PTEs`;
    if (refs > 0) used++;
  }
  return used === space.used ? undefined : `swap: ${space.used} slots counted used but ${used} are`;
}

function checkFreeCount(k: CheckContext): string | undefined {
  const { frames } = k;
  let free = 0;
  const freeFrame = FrameUse.Free; // read once: the loop visits every frame after every trap
  for (let ppn = 0; ppn < frames.count; ppn++) if (frames.use[ppn] === freeFrame) free++;
  return free === frames.free
    ? undefined
    : `free-frame count ${frames.free} but ${free} frames are free`;
}

function useName(use: number | undefined): string {
  const names = ["free", "kernel", "a page table", "a user page", "shared", "a partition"];
  return names[use ?? 0] ?? `use ${use}`;
}
