// The replacement lab, part 2: aging, an approximation of LRU from the referenced bits alone.
// Each resident page has an 8-bit counter. On every tick each counter shifts right by one and the
// page's referenced (A) bit enters at the top (bit 7); then A is cleared. So the counter is the
// page's use over the last 8 ticks, the most recent tick in the highest bit:
//
//   counter  b7 b6 b5 b4 b3 b2 b1 b0
//            ^ used during the last tick ... used 8 ticks ago
//
// The victim is the evictable page with the smallest counter — counting the page's current A bit
// as a ninth bit above the others (a page used since the last tick beats every page that was
// not) — ties going to the page loaded first. A new page starts at 0.
// biome-ignore-all lint/correctness/noUnusedFunctionParameters: the stubs do not use them yet
import type { ReplacementPolicy, ResidencyView } from "./vmlab.js";

export class AgingPolicy implements ReplacementPolicy {
  readonly name = "aging";
  // TODO: the resident pages in load order, each with its counter.

  /** `page` was just loaded: it goes to the end of the load order with counter 0. */
  loaded(page: number, view: ResidencyView): void {
    throw new Error("AgingPolicy.loaded: not implemented yet");
  }

  /** `page` left memory for another reason: forget it. Unknown pages are ignored. */
  removed(page: number): void {
    throw new Error("AgingPolicy.removed: not implemented yet");
  }

  /** A clock tick: every counter shifts right, A entering at bit 7; A is cleared where set. */
  tick(view: ResidencyView): void {
    throw new Error("AgingPolicy.tick: not implemented yet");
  }

  /** The evictable page with the smallest (A << 8 | counter), earliest loaded on a tie; it is
   *  forgotten. undefined if no page is evictable. */
  victim(view: ResidencyView): number | undefined {
    throw new Error("AgingPolicy.victim: not implemented yet");
  }

  /** The resident pages in load order. */
  order(): number[] {
    throw new Error("AgingPolicy.order: not implemented yet");
  }
}
