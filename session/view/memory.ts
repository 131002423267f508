// The Physical memory pane: one cell per frame (owner, use, the user address mapping it), the
// frames the last step touched (its data, PTE reads and A/D writes) and the current access's frame;
// and one frame in detail, with every mapping found in the page tables or partitions.
import { MmuMode } from "../../hw/mmu.js";
import { PAGE_SIZE } from "../../hw/ram.js";
import { PTE_V, pteFlagString, ptePpn } from "../../hw/sv32.js";
import { accessName } from "../../hw/trap.js";
import { STACK, STACK_TOP } from "../../kernel/contiguous/blocks.js";
import { type FrameTable, FrameUse } from "../../kernel/frames.js";
import { type Proc, ProcState } from "../../kernel/proc.js";
import type { Session } from "../step/session.js";
import { lastStep, mmuEvents } from "./translations.js";
import type { AccessName, FrameDetail, FrameTouch, FrameUseName, MemoryView } from "./types.js";
import { forEachLeaf } from "./walk.js";

/** The memory map's name for each FrameUse code. */
export const FRAME_USE: Record<FrameUse, FrameUseName> = {
  [FrameUse.Free]: "free",
  [FrameUse.Kernel]: "kernel",
  [FrameUse.PageTable]: "page table",
  [FrameUse.User]: "user",
  [FrameUse.Shared]: "shared",
  [FrameUse.Partition]: "partition",
};

/** Every frame now, the frames the last traced step touched, and the current access's frame. */
export function memoryView(s: Session): MemoryView {
  const frames = s.world.kernel.frames;
  const n = frames.count;
  const use = new Array<FrameUseName>(n);
  const pid = new Array<number>(n);
  const refs = new Array<number>(n);
  const va = new Array<number | null>(n).fill(null);
  for (let p = 0; p < n; p++) {
    use[p] = FRAME_USE[frames.use[p] as FrameUse];
    pid[p] = frames.pid[p]!;
    refs[p] = frames.refs[p]!;
  }
  const mapped = (_p: Proc, ppn: number, v: number) => {
    if (ppn < n && va[ppn] === null) va[ppn] = v;
  };
  forEachLeaf(s, (p, v, pte) => {
    if ((pte & PTE_V) !== 0) mapped(p, ptePpn(pte), v);
  });
  forEachPartitionPage(s, mapped);
  const touched = touchesOf(s);
  const data = touched.filter((t) => t.what !== "pte" && t.what !== "ad");
  const current = data.at(-1)?.ppn ?? null;
  const { reserved, free } = frames;
  return { frameSize: PAGE_SIZE, count: n, free, reserved, use, pid, refs, va, touched, current };
}

/** The frames the last traced step touched, in order: data accesses, PTE reads, A/D writes. */
function touchesOf(s: Session): FrameTouch[] {
  const step = lastStep(s);
  if (!step) return [];
  const out: FrameTouch[] = [];
  let access: AccessName = "fetch";
  const touch = (pa: number, what: FrameTouch["what"]) =>
    out.push({ ppn: Math.floor(pa / PAGE_SIZE), pa, what });
  for (const { e } of mmuEvents(step.report.notes)) {
    if (e.kind === "start") access = accessName[e.access] as AccessName;
    else if (e.kind === "walk" || e.kind === "recheck") touch(e.pteAddr, "pte");
    else if (e.kind === "ad") touch(e.pteAddr, "ad");
    else if (e.kind === "done") touch(e.pa, access);
  }
  return out;
}

/**
 * Calls `visit` for each page of every live process's partition (base-limit) or segments
 * (segmented) with the virtual address it has there.
 */
function forEachPartitionPage(s: Session, visit: (p: Proc, ppn: number, va: number) => void) {
  const { kernel } = s.world;
  const mode = kernel.memory.mode;
  if (mode !== MmuMode.BaseLimit && mode !== MmuMode.Segmented) return;
  for (const p of kernel.procs.values()) {
    if (p.state === ProcState.Zombie) continue;
    p.blocks.forEach((b, i) => {
      const downward = mode === MmuMode.Segmented && i === STACK;
      for (let pa = b.base; pa < b.base + b.size; pa += PAGE_SIZE) {
        const va = downward ? STACK_TOP - (b.base + b.size - pa) : pa - b.base;
        visit(p, pa / PAGE_SIZE, va);
      }
    });
  }
}

/** Frame `ppn` in detail, with every mapping of it; a RangeError if there is no such frame. */
export function frameDetail(s: Session, ppn: number): FrameDetail {
  const frames = s.world.kernel.frames;
  if (!Number.isInteger(ppn) || ppn < 0 || ppn >= frames.count)
    throw new RangeError(`frameDetail: no frame ${ppn} (there are ${frames.count})`);
  return {
    ppn,
    pa: ppn * PAGE_SIZE,
    use: FRAME_USE[frames.use[ppn] as FrameUse],
    pid: frames.pid[ppn]!,
    refs: frames.refs[ppn]!,
    pins: frames.pins[ppn]!,
    mappings: mappingsOf(s, frames, ppn),
  };
}

/** Every (pid, va) that maps frame `ppn`: valid leaf PTEs, or partition pages. */
function mappingsOf(s: Session, frames: FrameTable, ppn: number): FrameDetail["mappings"] {
  const out: FrameDetail["mappings"] = [];
  if (frames.use[ppn] === FrameUse.Partition) {
    forEachPartitionPage(s, (p, f, va) => {
      if (f === ppn) out.push({ pid: p.pid, va, flags: "" });
    });
    return out;
  }
  forEachLeaf(s, (p, va, pte) => {
    if ((pte & PTE_V) !== 0 && ptePpn(pte) === ppn)
      out.push({ pid: p.pid, va, flags: pteFlagString(pte) });
  });
  return out;
}
