// Everything the browser's panes show, built at once after each step: snapshot(). The parts are in
// the files named after the panes; the shapes are in types.ts. Nothing here changes the machine.
//
//   snapshot(s, depth)      every pane below; `depth`: traced steps the Events pane lists
//   currentAddress(s)       Address: the last step's last access, split for the scheme
//   addressOf(s, va, kind)  Address: any typed address, translated without side effects
//   tlbView(s)              TLB: every entry, the last step's lookups, victims and flushes
//   walkView(s)             Page table: the last walk, every translation with its --trace lines
//   pageTableTree(s, pid?)  Page table: a process's table as a tree (valid and swapped entries)
//   memoryView(s)           Physical memory: frames as runs, touched frames, the current one
//   frameDetail(s, ppn)     Physical memory: one frame and every mapping of it (for hover)
//   frameAt(view, ppn)      (runs.ts, no emulator code) one frame of a MemoryView
//   processesView(s), swapView(s), countersView(s), eventsView(s, depth)
//
// "The last step" is the session's history (Session.stepTraced records it); after a quiet run it
// is unknown, and those parts are null or empty. Measured with bench/view.ts: a snapshot of a
// 64 MiB machine builds in about 0.2-0.8 ms and posts (structuredClone) in about 0.1-0.4 ms.
import { HISTORY_STEPS, type Session } from "../step/session.js";
import { currentAddress } from "./address.js";
import { countersView } from "./counters.js";
import { eventsView } from "./events.js";
import { memoryView } from "./memory.js";
import { processesView } from "./processes.js";
import { swapView } from "./swap.js";
import { tlbView } from "./tlb.js";
import type { Snapshot } from "./types.js";
import { pageTableTree, walkView } from "./walk.js";

export { addressOf, currentAddress } from "./address.js";
export { countersView } from "./counters.js";
export { eventsView } from "./events.js";
export { frameDetail, memoryView } from "./memory.js";
export { processesView } from "./processes.js";
export { frameAt } from "./runs.js";
export { swapView } from "./swap.js";
export { tlbView } from "./tlb.js";
export type * from "./types.js";
export { pageTableTree, walkView } from "./walk.js";

/**
 * Every pane's data for the session as it is now. `depth`: how many of the last traced steps the
 * Events pane lists (at most HISTORY_STEPS, the history's length).
 */
export function snapshot(s: Session, depth = HISTORY_STEPS): Snapshot {
  return {
    position: s.position,
    ended: s.ended,
    scheme: s.world.kernel.memory.mode,
    address: currentAddress(s),
    tlb: tlbView(s),
    walk: walkView(s),
    pageTable: pageTableTree(s),
    memory: memoryView(s),
    processes: processesView(s),
    swap: swapView(s),
    counters: countersView(s),
    events: eventsView(s, depth),
  };
}
