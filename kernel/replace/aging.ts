// Aging (an approximation of LRU from the referenced bits alone): each page has an 8-bit counter.
// On every tick each counter shifts right by one and the page's referenced (A) bit enters at the
// top (bit 7); then A is cleared. So the counter is the page's use over the last 8 ticks, the
// most recent tick in the highest bit, and a smaller counter means a page less recently used.
//
//   counter  b7 b6 b5 b4 b3 b2 b1 b0
//            ^ used during the last tick ... used 8 ticks ago
//
// The victim is the evictable page with the smallest counter, with its current A bit counted as
// a ninth, highest bit (a page used since the last tick beats every page that was not), ties
// going to the page loaded first. A new page starts at 0.

import { PageList } from "./page-list.js";
import type { PolicyFactory, ReplacementPolicy, ResidencyView } from "./policy.js";

/** The counter's width and its top bit. */
const AGE_BITS = 8;
const AGE_TOP = 1 << (AGE_BITS - 1);
/** The current A bit, above the counter when comparing pages. */
const REFERENCED_NOW = 1 << AGE_BITS;

/** Aging with 8-bit counters; a node's value is its counter. */
export class AgingPolicy implements ReplacementPolicy {
  readonly name = "aging";
  /** Resident pages in load order. */
  private readonly list = new PageList("aging");

  loaded(page: number): void {
    this.list.append(page, 0);
  }

  removed(page: number): void {
    this.list.remove(page);
  }

  /** Shifts every counter right, the A bit entering at the top, and clears A. */
  tick(view: ResidencyView): void {
    for (let n = this.list.head; n !== undefined; n = n.next) {
      const referenced = view.referenced(n.page);
      n.value = (n.value >>> 1) | (referenced ? AGE_TOP : 0);
      if (referenced) view.clearReferenced(n.page);
    }
  }

  victim(view: ResidencyView): number | undefined {
    let best: number | undefined;
    let bestAge = 0;
    for (let n = this.list.head; n !== undefined; n = n.next) {
      if (best !== undefined && n.value >= bestAge) continue; // the A bit only adds
      if (!view.evictable(n.page)) continue;
      const age = n.value | (view.referenced(n.page) ? REFERENCED_NOW : 0);
      if (best === undefined || age < bestAge) {
        best = n.page;
        bestAge = age;
        if (age === 0) break; // nothing is smaller
      }
    }
    if (best !== undefined) this.list.remove(best);
    return best;
  }

  /** Load order. */
  order(): number[] {
    return this.list.pages();
  }

  /** The counter of `page` (for tests and state dumps), or undefined if it is not resident. */
  counter(page: number): number | undefined {
    return this.list.get(page)?.value;
  }
}

export const agingPolicy: PolicyFactory = {
  name: "aging",
  summary: "8-bit aging counters shifted each tick with the referenced bit: evict the smallest",
  create: () => new AgingPolicy(),
};
