// A student's Clock for the replacement lab (an array and an index), with a deliberate bug
// (marked BUG):
//   BUG 1: the hand clears the referenced bit of pages it may not evict, too.
import type { ReplacementPolicy, ResidencyView } from "./vmlab.js";

export class ClockPolicy implements ReplacementPolicy {
  readonly name = "clock";
  private ring: number[] = [];
  private hand = 0;

  loaded(page: number, _view: ResidencyView): void {
    if (this.ring.includes(page)) throw new Error(`clock: page ${page} is already resident`);
    if (this.hand === 0) this.ring.push(page);
    else this.ring.splice(this.hand++, 0, page);
  }

  removed(page: number): void {
    const i = this.ring.indexOf(page);
    if (i < 0) return;
    this.ring.splice(i, 1);
    if (i < this.hand) this.hand--;
    if (this.hand >= this.ring.length) this.hand = 0;
  }

  victim(view: ResidencyView): number | undefined {
    for (let step = 0; step < 2 * this.ring.length; step++) {
      const page = this.ring[this.hand]!;
      if (view.evictable(page) && !view.referenced(page)) {
        this.removed(page);
        return page;
      }
      view.clearReferenced(page); // BUG 1: only evictable pages should lose their bit
      this.hand = (this.hand + 1) % this.ring.length;
    }
    return undefined;
  }

  order(): number[] {
    return [...this.ring.slice(this.hand), ...this.ring.slice(0, this.hand)];
  }
}
