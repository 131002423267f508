// Clock (second chance): the resident pages sit on a ring with a hand. To find a victim the hand
// sweeps: a page whose referenced (A) bit is set has it cleared and is passed over (its second
// chance); the first page found with A clear is evicted, and the hand stops just past it. A new
// page joins the ring just behind the hand, so it is the last the hand reaches. Two sweeps
// always suffice: the first clears every bit it passes.

import { PageList, type PageNode } from "./page-list.js";
import type { PolicyFactory, ReplacementPolicy, ResidencyView } from "./policy.js";

/** The ring and its hand, shared by Clock and the enhanced Clock (enhanced-clock.ts). */
export class ClockRing {
  readonly list: PageList;
  /** The next page the hand examines; undefined means the head of the list. */
  hand: PageNode | undefined = undefined;

  constructor(owner: string) {
    this.list = new PageList(owner);
  }

  /** Puts `page` just behind the hand. */
  add(page: number): void {
    this.list.insertBefore(page, this.hand);
  }

  /** Takes `page` off the ring, moving the hand past it if it pointed there. */
  remove(page: number): boolean {
    const node = this.list.get(page);
    if (node === undefined) return false;
    if (this.hand === node) this.hand = this.list.size > 1 ? this.list.after(node) : undefined;
    this.list.remove(page);
    return true;
  }

  /** The node under the hand (undefined on an empty ring). */
  current(): PageNode | undefined {
    return this.hand ?? this.list.head;
  }

  /** Moves the hand one page on. */
  advance(): void {
    const node = this.current();
    if (node !== undefined) this.hand = this.list.after(node);
  }

  /** Evicts the page under the hand; the hand moves to the next page. */
  take(): number {
    const node = this.current()!;
    this.remove(node.page);
    return node.page;
  }

  /** The ring from the hand around. */
  order(): number[] {
    return this.list.ringFrom(this.current());
  }
}

/** Second-chance Clock over the view's referenced bits. */
export class ClockPolicy implements ReplacementPolicy {
  readonly name = "clock";
  private readonly ring = new ClockRing("clock");

  loaded(page: number): void {
    this.ring.add(page);
  }

  removed(page: number): void {
    this.ring.remove(page);
  }

  victim(view: ResidencyView): number | undefined {
    const steps = 2 * this.ring.list.size;
    for (let i = 0; i < steps; i++) {
      const page = this.ring.current()!.page;
      if (view.evictable(page)) {
        if (!view.referenced(page)) return this.ring.take();
        view.clearReferenced(page);
      }
      this.ring.advance();
    }
    return undefined;
  }

  /** The ring, starting at the page under the hand. */
  order(): number[] {
    return this.ring.order();
  }
}

export const clockPolicy: PolicyFactory = {
  name: "clock",
  aliases: ["second-chance"],
  summary: "second chance: the hand passes over (and clears) referenced pages",
  create: () => new ClockPolicy(),
};
