// OPT (Belady's MIN): evict the page whose next use lies furthest in the future. It needs the
// future, so only trace replay can run it (view.nextUse); it is the yardstick for the others.
//
// Replay reports every reference, so the policy keeps the resident pages in a max-heap keyed by
// next use and updates a page's key on each reference: O(log n) per reference and per miss.
// Ties (pages never used again, next use = Infinity) go to the page loaded last, as in OSTEP's
// paging-policy.py, which scans its memory list in load order and keeps the last maximum.

import { HeapEntry, PageHeap } from "./heap.js";
import { PageList } from "./page-list.js";
import type { PolicyFactory, ReplacementPolicy, ResidencyView } from "./policy.js";

/** Belady's OPT; see the file comment. Panics if the view has no nextUse. */
export class OptPolicy implements ReplacementPolicy {
  readonly name = "opt";
  /** Resident pages in load order; a node's value is its load sequence number. */
  private readonly list = new PageList("opt");
  private readonly heap = new PageHeap();
  /** The heap entry of every page ever loaded (kept for reuse when a page comes back). */
  private readonly entries = new Map<number, HeapEntry>();
  private loads = 0;
  /** True once `referenced` was called: the heap keys are exact. */
  private exact = false;

  loaded(page: number, view: ResidencyView): void {
    const seq = this.loads++;
    this.list.append(page, seq);
    let entry = this.entries.get(page);
    if (entry === undefined) {
      entry = new HeapEntry(page);
      this.entries.set(page, entry);
    }
    this.heap.push(entry, future(view, page), seq);
  }

  removed(page: number): void {
    if (this.list.remove(page) === undefined) return;
    this.heap.remove(this.entries.get(page)!);
  }

  referenced(page: number, _write: boolean, view: ResidencyView): void {
    this.exact = true;
    const entry = this.entries.get(page);
    if (entry !== undefined && entry.at >= 0) this.heap.update(entry, future(view, page));
  }

  victim(view: ResidencyView): number | undefined {
    const top = this.heap.top()?.page;
    const page = this.exact && top !== undefined && view.evictable(top) ? top : this.scan(view);
    if (page !== undefined) this.removed(page);
    return page;
  }

  /** Load order (as OSTEP prints its memory list for OPT). */
  order(): number[] {
    return this.list.pages();
  }

  /** The evictable page used furthest ahead, read from the view; ties to the last loaded. */
  private scan(view: ResidencyView): number | undefined {
    let best: number | undefined;
    let bestNext = -1;
    for (let n = this.list.head; n !== undefined; n = n.next) {
      if (!view.evictable(n.page)) continue;
      const next = future(view, n.page);
      if (next >= bestNext) {
        best = n.page;
        bestNext = next;
      }
    }
    return best;
  }
}

function future(view: ResidencyView, page: number): number {
  if (view.nextUse === undefined) {
    throw new Error("opt: needs the future (view.nextUse), which only trace replay knows");
  }
  return view.nextUse(page);
}

export const optPolicy: PolicyFactory = {
  name: "opt",
  aliases: ["optimal", "min", "belady"],
  summary: "Belady's optimal: evict the page used furthest in the future (trace replay only)",
  needsFuture: true,
  create: () => new OptPolicy(),
};
