// FIFO: evict the page that has been resident longest, whatever its use. Simple, and subject to
// Belady's anomaly (more frames can mean more misses: 1,2,3,4,1,2,5,1,2,3,4,5 misses 9 times
// with 3 frames, 10 with 4).

import { PageList } from "./page-list.js";
import type { PolicyFactory, ReplacementPolicy, ResidencyView } from "./policy.js";

/** FIFO over a queue in load order; victim() is O(1) unless the oldest pages are not evictable. */
export class FifoPolicy implements ReplacementPolicy {
  readonly name = "fifo";
  private readonly queue = new PageList("fifo");

  loaded(page: number): void {
    this.queue.append(page);
  }

  removed(page: number): void {
    this.queue.remove(page);
  }

  victim(view: ResidencyView): number | undefined {
    for (let n = this.queue.head; n !== undefined; n = n.next) {
      if (view.evictable(n.page)) {
        this.queue.remove(n.page);
        return n.page;
      }
    }
    return undefined;
  }

  /** First in to last in. */
  order(): number[] {
    return this.queue.pages();
  }
}

export const fifoPolicy: PolicyFactory = {
  name: "fifo",
  summary: "first in, first out: evict the page loaded longest ago",
  create: () => new FifoPolicy(),
};
