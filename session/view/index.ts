// Everything the browser's panes show, built at once after each step: snapshot(). The parts are in
// the files named after the panes; the shapes are in types.ts. Nothing here changes the machine.
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
export { frameDetail } from "./memory.js";
export type * from "./types.js";
export { pageTableTree } from "./walk.js";

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
