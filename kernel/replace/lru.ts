// LRU: evict the page whose last use is oldest. Exact in both settings:
// - trace replay reports every reference (`referenced`), so the policy keeps the pages in a list
//   from least to most recently used and moves a page to the end on each reference: O(1);
// - the kernel does not (the hardware sees the references), so the list stays in load order and
//   victim() scans it for the oldest view.lastUse (the TLB's access stamps): O(resident pages),
//   ties going to the page loaded first.
// MRU (mru.ts) is the same list evicted from the other end.

import { PageList } from "./page-list.js";
import type { PolicyFactory, ReplacementPolicy, ResidencyView } from "./policy.js";

/** Which end of the recency order is evicted. */
export const RecencyEnd = { Least: "least", Most: "most" } as const;
export type RecencyEnd = (typeof RecencyEnd)[keyof typeof RecencyEnd];

/** LRU or MRU over a recency list; see the file comment for the two modes. */
export class RecencyPolicy implements ReplacementPolicy {
  readonly name: string;
  private readonly end: RecencyEnd;
  private readonly list: PageList;
  /** True once `referenced` was called: the list is in exact recency order. */
  private exact = false;

  constructor(name: string, end: RecencyEnd) {
    this.name = name;
    this.end = end;
    this.list = new PageList(name);
  }

  loaded(page: number): void {
    this.list.append(page);
  }

  removed(page: number): void {
    this.list.remove(page);
  }

  referenced(page: number): void {
    this.exact = true;
    const node = this.list.get(page);
    if (node !== undefined) this.list.moveToTail(node);
  }

  victim(view: ResidencyView): number | undefined {
    const page = this.exact ? this.walk(view) : this.scan(view);
    if (page !== undefined) this.list.remove(page);
    return page;
  }

  /** Replay: least to most recently used. Kernel: load order (recency lives in the TLB's stamps). */
  order(): number[] {
    return this.list.pages();
  }

  /** The first evictable page from the evicted end of the exact recency list. */
  private walk(view: ResidencyView): number | undefined {
    if (this.end === RecencyEnd.Least) {
      for (let n = this.list.head; n !== undefined; n = n.next)
        if (view.evictable(n.page)) return n.page;
    } else {
      for (let n = this.list.tail; n !== undefined; n = n.prev)
        if (view.evictable(n.page)) return n.page;
    }
    return undefined;
  }

  /** The evictable page with the oldest (LRU) or newest (MRU) lastUse; ties to the first loaded. */
  private scan(view: ResidencyView): number | undefined {
    let best: number | undefined;
    let bestUse = 0;
    const least = this.end === RecencyEnd.Least;
    for (let n = this.list.head; n !== undefined; n = n.next) {
      if (!view.evictable(n.page)) continue;
      const use = view.lastUse(n.page);
      if (best === undefined || (least ? use < bestUse : use > bestUse)) {
        best = n.page;
        bestUse = use;
      }
    }
    return best;
  }
}

export const lruPolicy: PolicyFactory = {
  name: "lru",
  summary: "least recently used: evict the page whose last use is oldest",
  create: () => new RecencyPolicy("lru", RecencyEnd.Least),
};
