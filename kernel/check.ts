// The invariant checker (`--check`): after every trap, the frame table, reference counts and page
// tables must agree. Any disagreement is a kernel bug, reported by the first problem found.
//
// In paged mode it verifies the memory-pressure rule too (docs/kernel.md): no user PTE names a
// frame that is free, the kernel's or a page table; every resident user page's reference count
// equals its mappings and it is known to the replacement policy; each swap slot's count equals
// the PTEs naming it; and no frame is left pinned once a trap has been served.

import type { Machine } from "../hw/machine.js";
import { PAGE_SIZE } from "../hw/ram.js";
import { isLeaf, PTE_U, PTE_V, ptePpn, VPN_BITS } from "../hw/sv32.js";
import { type FrameTable, FrameUse } from "./frames.js";
import type { MemoryModel } from "./memory.js";
import { USER_TOP } from "./paging/context.js";
import { handlePageFault } from "./paging/fault.js";
import { PTE_SWAP, swapSlot } from "./paging/pagetable.js";
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

/**
 * What the page tables of all live processes name: mappings per frame, PTEs per swap slot, the
 * owner of each page-table frame, and (for the policy check) marks per frame. The arrays are kept
 * between checks and cleared, since the checker runs after every trap.
 */
interface Census {
  mappings: Int32Array;
  slotRefs: Int32Array;
  tableOwner: Int32Array;
  marks: Uint8Array;
}

let scratch: Census | undefined;

/** Zeroed census arrays for `frames` frames and `slots` swap slots. */
function census(frames: number, slots: number): Census {
  if (scratch?.mappings.length !== frames || scratch.slotRefs.length !== slots)
    scratch = {
      mappings: new Int32Array(frames),
      slotRefs: new Int32Array(slots),
      tableOwner: new Int32Array(frames),
      marks: new Uint8Array(frames),
    };
  else {
    scratch.mappings.fill(0);
    scratch.slotRefs.fill(0);
    scratch.tableOwner.fill(0);
    scratch.marks.fill(0);
  }
  return scratch;
}

/** The first inconsistency between frames and page tables, or undefined if all agree. */
export function checkKernel(k: CheckContext): string | undefined {
  if (k.memory.mode !== "paged") return k.memory.check?.() ?? checkFreeCount(k);
  const c = census(k.frames.count, k.swapper?.space?.slots ?? 0);
  for (const p of k.procs.values()) {
    if (p.state === ProcState.Zombie || p.root === 0) continue;
    const problem = checkTables(k, p, c);
    if (problem) return problem;
  }
  return (
    checkFrames(k, c.mappings) ??
    checkPolicy(k, c.marks) ??
    checkSwapSlots(k, c.slotRefs) ??
    checkFreeCount(k)
  );
}

const PTES_PER_TABLE = 1 << VPN_BITS;
/** Root entries below USER_TOP (the user half of the address space). */
const USER_ROOT_ENTRIES = USER_TOP / (PTES_PER_TABLE * PAGE_SIZE);

/**
 * `p`'s page tables, read as the hardware's Sv32 walk reads them (the reference format): each
 * table frame is marked as a page table and belongs to `p` alone, and each valid user PTE names a
 * user or shared frame with the U bit. Counts the mappings of frames and swap slots, and checks
 * `p`'s resident-page count. This visits every PTE after every trap, so it reads RAM directly and
 * spells out a place only for a problem.
 */
function checkTables(k: CheckContext, p: Proc, c: Census): string | undefined {
  const { frames } = k;
  const words = k.machine.ram.i32;
  const { count, use } = frames;
  const { mappings, slotRefs, tableOwner } = c;
  const slots = slotRefs.length;
  const [valid, user, swapped] = [PTE_V, PTE_U, PTE_SWAP];
  const [userPage, sharedPage, tablePage] = [FrameUse.User, FrameUse.Shared, FrameUse.PageTable];
  const claim = (t: number): string | undefined => {
    if (t >= count || use[t] !== tablePage)
      return `pid ${p.pid}: page-table frame ${t} is not marked as a page table`;
    if (tableOwner[t] !== 0)
      return `page-table frame ${t} belongs to pid ${tableOwner[t]} and pid ${p.pid}`;
    tableOwner[t] = p.pid;
    return undefined;
  };
  const rootProblem = claim(p.root);
  if (rootProblem) return rootProblem;
  let resident = 0;
  const rootWord = (p.root * PAGE_SIZE) >>> 2;
  for (let i1 = 0; i1 < PTES_PER_TABLE; i1++) {
    const pde = words[rootWord + i1]!;
    if ((pde & valid) === 0) continue;
    const at = (i0: number) =>
      `pid ${p.pid}: va 0x${(((i1 << 22) | (i0 << 12)) >>> 0).toString(16)}`;
    if (isLeaf(pde)) return `${at(0)} is a megapage, which the kernel never maps`;
    const table = ptePpn(pde);
    const problem = claim(table);
    if (problem) return problem;
    if (i1 >= USER_ROOT_ENTRIES) continue;
    const first = (table * PAGE_SIZE) >>> 2;
    for (let i0 = 0; i0 < PTES_PER_TABLE; i0++) {
      const pte = words[first + i0]!;
      if (pte === 0) continue;
      if ((pte & valid) === 0) {
        if ((pte & swapped) === 0) continue;
        const slot = swapSlot(pte);
        if (slot >= slots)
          return slots === 0
            ? "swapped PTEs but no swap"
            : `${at(i0)} names swap slot ${slot}, outside swap`;
        slotRefs[slot]!++;
        continue;
      }
      const ppn = ptePpn(pte);
      if (ppn >= count) return `${at(i0)} maps frame ${ppn}, outside RAM`;
      if ((pte & user) === 0) return `${at(i0)} is mapped without the U bit`;
      const kind = use[ppn];
      if (kind !== userPage && kind !== sharedPage)
        return `${at(i0)} maps frame ${ppn}, which is ${useName(kind)}`;
      mappings[ppn]!++;
      resident++;
    }
  }
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
 * The replacement policy knows exactly the resident user frames, each once (`marks`: zeroed, one
 * per frame). Checked with the kernel's own fault handler and policies (a lab's plug-ins are
 * graded on their own).
 */
function checkPolicy(k: CheckContext, marks: Uint8Array): string | undefined {
  const { swapper, frames, options } = k;
  if (!swapper || options.plugins.replacement || options.plugins.pageFault !== handlePageFault)
    return undefined;
  const userPage = FrameUse.User; // read once: the loops visit every frame after every trap
  for (const ppn of swapper.policy.order()) {
    if (ppn >= frames.count) return `policy ${swapper.policy.name} holds frame ${ppn}, outside RAM`;
    if (marks[ppn] !== 0) return `policy ${swapper.policy.name} holds frame ${ppn} twice`;
    if (frames.use[ppn] !== userPage)
      return `policy ${swapper.policy.name} holds frame ${ppn}, which is ${useName(frames.use[ppn])}`;
    marks[ppn] = 1;
  }
  for (let ppn = frames.reserved; ppn < frames.count; ppn++) {
    if (frames.use[ppn] === userPage && marks[ppn] === 0)
      return `user frame ${ppn} is unknown to policy ${swapper.policy.name}`;
  }
  return undefined;
}

/** Each swap slot's reference count equals the number of swapped PTEs that name it (`seen`). */
function checkSwapSlots(k: CheckContext, seen: Int32Array): string | undefined {
  const space = k.swapper?.space;
  if (!space) return undefined; // a swapped PTE without swap was reported by checkTables
  let used = 0;
  for (let slot = 0; slot < space.slots; slot++) {
    const refs = space.refsOf(slot);
    if (refs !== seen[slot]) return `swap slot ${slot}: ${refs} references but ${seen[slot]} PTEs`;
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
