// One frame of the Physical memory pane's runs (types.ts MemoryView), for the page: no machine
// code is imported, so the UI thread can use it without the emulator.
import type { FrameRun, FrameUseName, MemoryView } from "./types.js";

/** What the memory map says of one frame. */
export interface FrameCell {
  ppn: number;
  use: FrameUseName;
  pid: number;
  refs: number;
  va: number | null;
}

/** Frame `ppn` as the runs describe it; undefined if there is no such frame. */
export function frameAt(m: MemoryView, ppn: number): FrameCell | undefined {
  const run = runOf(m.runs, ppn);
  if (!run) return undefined;
  const va = run.va === null ? null : run.va + (ppn - run.first) * m.frameSize;
  return { ppn, use: run.use, pid: run.pid, refs: run.refs, va };
}

/** The run holding frame `ppn` (binary search over runs in frame order), or undefined. */
function runOf(runs: readonly FrameRun[], ppn: number): FrameRun | undefined {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const r = runs[mid]!;
    if (ppn < r.first) hi = mid - 1;
    else if (ppn >= r.first + r.count) lo = mid + 1;
    else return r;
  }
  return undefined;
}
