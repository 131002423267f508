// Enhanced Clock (the NRU classes found in clock order): a page's class is its referenced and
// dirty bits, (A,D) = (0,0) best to evict, then (0,1) — not used lately but must be written
// back —, then (1,0), then (1,1). The hand sweeps the ring of clock.ts:
//   1. once looking for (0,0), changing nothing;
//   2. once looking for (0,1), clearing the A bit of each page it passes;
//   then again 1 and 2, which now must find a page (every A bit is clear).
// A victim found, the hand stops just past it.

import { ClockRing } from "./clock.js";
import type { PolicyFactory, ReplacementPolicy, ResidencyView } from "./policy.js";

/** Enhanced second-chance Clock over the view's referenced and dirty bits. */
export class EnhancedClockPolicy implements ReplacementPolicy {
  readonly name = "enhanced-clock";
  private readonly ring = new ClockRing("enhanced-clock");

  loaded(page: number): void {
    this.ring.add(page);
  }

  removed(page: number): void {
    this.ring.remove(page);
  }

  victim(view: ResidencyView): number | undefined {
    for (let round = 0; round < 2; round++) {
      if (this.sweep(view, false, false)) return this.ring.take();
      if (this.sweep(view, true, true)) return this.ring.take();
    }
    return undefined;
  }

  /** The ring, starting at the page under the hand. */
  order(): number[] {
    return this.ring.order();
  }

  /**
   * One turn of the hand looking for an evictable page with A clear and D equal to `dirty`,
   * clearing A on the pages passed if `clear`. True with the hand on the page if found.
   */
  private sweep(view: ResidencyView, dirty: boolean, clear: boolean): boolean {
    const n = this.ring.list.size;
    for (let i = 0; i < n; i++) {
      const page = this.ring.current()!.page;
      if (view.evictable(page)) {
        const referenced = view.referenced(page);
        if (!referenced && view.dirty(page) === dirty) return true;
        if (referenced && clear) view.clearReferenced(page);
      }
      this.ring.advance();
    }
    return false;
  }
}

export const enhancedClockPolicy: PolicyFactory = {
  name: "enhanced-clock",
  aliases: ["eclock", "nru"],
  summary: "enhanced second chance: prefer (not referenced, clean), then (not referenced, dirty)",
  create: () => new EnhancedClockPolicy(),
};
