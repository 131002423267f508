// The Physical memory pane: every frame (use, owner, the virtual address mapping it) as runs of
// alike neighbours, the frames the last step touched (its data, PTE reads and A/D writes) and the
// current access's frame; and one frame in detail, with every mapping in the page tables or
// partitions.
import { MmuMode } from "../../hw/mmu.js";
import { PAGE_SIZE } from "../../hw/ram.js";
import { PTE_V, pteFlagString, ptePpn } from "../../hw/sv32.js";
import { accessName } from "../../hw/trap.js";
import { STACK, STACK_TOP } from "../../kernel/contiguous/blocks.js";
import { type FrameTable, FrameUse } from "../../kernel/frames.js";
import { type Proc, ProcState } from "../../kernel/proc.js";
import type { Session } from "../step/session.js";
import { lastStep, mmuEvents } from "./translations.js";
import type {
  AccessName,
  FrameDetail,
  FrameRun,
  FrameTouch,
  FrameUseName,
  MemoryView,
} from "./types.js";
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

/** Marks a frame no virtual address maps (the scratch va table holds addresses otherwise). */
const NO_VA = -1;

/** Every frame now as runs, the frames the last traced step touched, and the current access's frame. */
export function memoryView(s: Session): MemoryView {
  const frames = s.world.kernel.frames;
  const touched = touchesOf(s);
  const data = touched.filter((t) => t.what !== "pte" && t.what !== "ad");
  const current = data.at(-1)?.ppn ?? null;
  const { count, reserved, free } = frames;
  const runs = runsOf(frames, frameAddresses(s, count));
  return { frameSize: PAGE_SIZE, count, free, reserved, runs, touched, current };
}

/** The virtual address each frame is mapped at (the first mapping in pid order), or NO_VA. */
function frameAddresses(s: Session, count: number): Float64Array {
  const va = new Float64Array(count).fill(NO_VA);
  const mapped = (ppn: number, v: number) => {
    if (ppn < count && va[ppn] === NO_VA) va[ppn] = v;
  };
  forEachLeaf(s, (_p, v, pte) => {
    if ((pte & PTE_V) !== 0) mapped(ptePpn(pte), v);
  });
  forEachPartitionPage(s, (_p, ppn, v) => mapped(ppn, v));
  return va;
}

/** The frame table as runs of frames alike in use, owner, references and consecutive addresses. */
function runsOf(frames: FrameTable, va: Float64Array): FrameRun[] {
  const runs: FrameRun[] = [];
  let run: FrameRun | undefined;
  for (let p = 0; p < frames.count; p++) {
    const use = frames.use[p]!;
    const pid = frames.pid[p]!;
    const refs = frames.refs[p]!;
    const v = va[p] === NO_VA ? null : va[p]!;
    if (run && continues(run, p, FRAME_USE[use as FrameUse], pid, refs, v)) {
      run.count++;
      continue;
    }
    run = { first: p, count: 1, use: FRAME_USE[use as FrameUse], pid, refs, va: v };
    runs.push(run);
  }
  return runs;
}

/** True if frame `p` extends `run`: alike, and mapped at the next page if the run is mapped. */
function continues(
  run: FrameRun,
  p: number,
  use: FrameUseName,
  pid: number,
  refs: number,
  va: number | null,
): boolean {
  if (run.use !== use || run.pid !== pid || run.refs !== refs) return false;
  if (run.va === null || va === null) return run.va === va;
  return va === run.va + (p - run.first) * PAGE_SIZE;
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
