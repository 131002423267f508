// A student's aging policy for the replacement lab, with a deliberate bug (marked BUG):
//   BUG 2: on a tie the most recently loaded page is evicted, not the earliest.
import type { ReplacementPolicy, ResidencyView } from "./vmlab.js";

export class AgingPolicy implements ReplacementPolicy {
  readonly name = "aging";
  private pages: { page: number; counter: number }[] = [];

  loaded(page: number, _view: ResidencyView): void {
    this.pages.push({ page, counter: 0 });
  }

  removed(page: number): void {
    this.pages = this.pages.filter((p) => p.page !== page);
  }

  tick(view: ResidencyView): void {
    for (const p of this.pages) {
      const used = view.referenced(p.page);
      p.counter = (p.counter >>> 1) | (used ? 0x80 : 0);
      if (used) view.clearReferenced(p.page);
    }
  }

  victim(view: ResidencyView): number | undefined {
    let best: { page: number; age: number } | undefined;
    for (const p of this.pages) {
      if (!view.evictable(p.page)) continue;
      const age = p.counter | (view.referenced(p.page) ? 0x100 : 0);
      if (!best || age <= best.age) best = { page: p.page, age }; // BUG 2: `<` keeps the earliest
    }
    if (best) this.removed(best.page);
    return best?.page;
  }

  order(): number[] {
    return this.pages.map((p) => p.page);
  }
}
