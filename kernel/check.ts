// The invariant checker (`--check`): after every trap, the frame table, reference counts and page
// tables must agree. Any disagreement is a kernel bug, reported by the first problem found.
import { PTE_U, PTE_V, ptePpn } from "../hw/sv32.js";
import { FrameUse } from "./frames.js";
import type { Kernel } from "./kernel.js";
import { USER_TOP } from "./paging.js";
import { ProcState } from "./proc.js";
import { forEachPte, PTE_SWAP, tablePages } from "./vm.js";

/** The first inconsistency between frames and page tables, or undefined if all agree. */
export function checkKernel(k: Kernel): string | undefined {
  if (k.memory.mode !== "paged") return k.memory.check?.() ?? checkFreeCount(k);
  const { frames } = k;
  const ram = k.machine.ram;
  const mappings = new Int32Array(frames.count);
  const slotRefs = new Map<number, number>();
  const tableOwner = new Int32Array(frames.count);
  for (const p of k.procs.values()) {
    if (p.state === ProcState.Zombie || p.root === 0) continue;
    for (const t of [p.root, ...tablePages(ram, p.root)]) {
      if (t >= frames.count || frames.use[t] !== FrameUse.PageTable)
        return `pid ${p.pid}: page-table frame ${t} is not marked as a page table`;
      if (tableOwner[t] !== 0)
        return `page-table frame ${t} belongs to pid ${tableOwner[t]} and pid ${p.pid}`;
      tableOwner[t] = p.pid;
    }
    let problem: string | undefined;
    forEachPte(ram, p.root, 0, USER_TOP, (va, _addr, pte) => {
      if (!problem && (pte & PTE_V) === 0 && pte & PTE_SWAP)
        slotRefs.set(pte >>> 10, (slotRefs.get(pte >>> 10) ?? 0) + 1);
      if (problem || (pte & PTE_V) === 0) return;
      const ppn = ptePpn(pte);
      const use = frames.use[ppn];
      if (ppn >= frames.count)
        problem = `pid ${p.pid}: va 0x${va.toString(16)} maps frame ${ppn}, outside RAM`;
      else if ((pte & PTE_U) === 0)
        problem = `pid ${p.pid}: va 0x${va.toString(16)} is mapped without the U bit`;
      else if (use !== FrameUse.User && use !== FrameUse.Shared)
        problem = `pid ${p.pid}: va 0x${va.toString(16)} maps frame ${ppn}, which is ${useName(use)}`;
      else mappings[ppn]!++;
    });
    if (problem) return problem;
  }
  for (let ppn = 0; ppn < frames.count; ppn++) {
    if (frames.use[ppn] === FrameUse.User && frames.refs[ppn] !== mappings[ppn]) {
      return `frame ${ppn}: reference count ${frames.refs[ppn]} but ${mappings[ppn]} mappings`;
    }
  }
  return checkSwapSlots(k, slotRefs) ?? checkFreeCount(k);
}

/** Each swap slot's reference count equals the number of swapped PTEs that name it. */
function checkSwapSlots(k: Kernel, seen: Map<number, number>): string | undefined {
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

function checkFreeCount(k: Kernel): string | undefined {
  const { frames } = k;
  let free = 0;
  for (let ppn = 0; ppn < frames.count; ppn++) if (frames.use[ppn] === FrameUse.Free) free++;
  return free === frames.free
    ? undefined
    : `free-frame count ${frames.free} but ${free} frames are free`;
}

function useName(use: number | undefined): string {
  const names = ["free", "kernel", "a page table", "a user page", "shared", "a partition"];
  return names[use ?? 0] ?? `use ${use}`;
}
