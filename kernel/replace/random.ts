// Random: evict a page drawn uniformly from the evictable resident pages (view.random, seeded, so
// runs repeat). The pages are kept in load order and the draw indexes that list, as OSTEP's
// paging-policy.py does: replay with a Python-compatible generator gives its RAND choices.

import type { PolicyFactory, ReplacementPolicy, ResidencyView } from "./policy.js";

/** Random replacement; victim() is one draw when the drawn page is evictable. */
export class RandomPolicy implements ReplacementPolicy {
  readonly name = "random";
  /** Resident pages in load order (a victim is spliced out). */
  private readonly pages: number[] = [];
  private readonly resident = new Set<number>();

  loaded(page: number): void {
    if (this.resident.has(page)) throw new Error(`random.loaded: page ${page} is already resident`);
    this.resident.add(page);
    this.pages.push(page);
  }

  removed(page: number): void {
    if (!this.resident.delete(page)) return;
    this.pages.splice(this.pages.indexOf(page), 1);
  }

  /**
   * Draws among all resident pages; if the draw is not evictable, draws again among the evictable
   * ones only (each evictable page is still equally likely).
   */
  victim(view: ResidencyView): number | undefined {
    if (this.pages.length === 0) return undefined;
    let at = view.random(this.pages.length);
    if (!view.evictable(this.pages[at]!)) {
      const candidates: number[] = [];
      this.pages.forEach((p, i) => {
        if (view.evictable(p)) candidates.push(i);
      });
      if (candidates.length === 0) return undefined;
      at = candidates[view.random(candidates.length)]!;
    }
    const [page] = this.pages.splice(at, 1);
    this.resident.delete(page!);
    return page;
  }

  /** Load order. */
  order(): number[] {
    return [...this.pages];
  }
}

export const randomPolicy: PolicyFactory = {
  name: "random",
  aliases: ["rand"],
  summary: "evict a page drawn at random (seeded: --seed)",
  create: () => new RandomPolicy(),
};
