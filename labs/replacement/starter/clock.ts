// The replacement lab, part 1: Clock (second chance). The resident pages sit on a ring with a
// hand. To choose a victim the hand sweeps: a page whose referenced (A) bit is set has it cleared
// and is passed over (its second chance); the first page found with A clear is the victim, and
// the hand stops just past it. A newly loaded page joins the ring just behind the hand, so it is
// the last the hand reaches. The handout (labs/replacement/README.md) has the pictures.
// biome-ignore-all lint/correctness/noUnusedFunctionParameters: the stubs do not use them yet
import type { ReplacementPolicy, ResidencyView } from "./vmlab.js";

export class ClockPolicy implements ReplacementPolicy {
  readonly name = "clock";
  // TODO: the ring and the hand. An array of pages and the index of the page under the hand
  // will do (the page list of kernel/replace/page-list.ts is what the kernel uses).

  /** `page` was just loaded: it joins the ring just behind the hand. */
  loaded(page: number, view: ResidencyView): void {
    throw new Error("ClockPolicy.loaded: not implemented yet");
  }

  /** `page` left memory for another reason (freed): take it off the ring; if the hand was on it,
   *  the hand moves to the next page. Unknown pages are ignored. */
  removed(page: number): void {
    throw new Error("ClockPolicy.removed: not implemented yet");
  }

  /**
   * The page to evict: sweep from the hand, skipping pages that are not view.evictable (without
   * touching their bits); an evictable page with view.referenced set gets view.clearReferenced
   * and is passed; the first evictable page with it clear is taken off the ring and returned, the
   * hand left on the page after it. Two full turns find one if any page is evictable; undefined
   * if none is.
   */
  victim(view: ResidencyView): number | undefined {
    throw new Error("ClockPolicy.victim: not implemented yet");
  }

  /** The ring, starting with the page under the hand. */
  order(): number[] {
    throw new Error("ClockPolicy.order: not implemented yet");
  }
}
