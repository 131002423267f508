// Page replacement: every policy behind one interface, used by trace replay (`vmlab trace`,
// replay.ts) and by the kernel's swap. A policy is told which pages are resident (`loaded`,
// `removed`) and, when memory is full, names the page to evict (`victim`). What it may know of a
// page — the referenced (A) and dirty (D) bits, the time of its last use, for OPT the time of its
// next use — it reads through a ResidencyView that the caller keeps.
//
// A "page" is a number: the virtual page number in trace replay, the physical frame number in
// the kernel. The call sequence a caller makes, per page:
//
//   loaded ─┬─ referenced* (only callers that see every reference: trace replay)
//           ├─ victim      (the policy names the page and forgets it) ── or ──
//           └─ removed     (freed or unmapped for another reason)
//   tick: periodically, for all pages (the kernel every quantum, replay every K references)

import { agingPolicy } from "./aging.js";
import { clockPolicy } from "./clock.js";
import { enhancedClockPolicy } from "./enhanced-clock.js";
import { fifoPolicy } from "./fifo.js";
import { lruPolicy } from "./lru.js";
import { mruPolicy } from "./mru.js";
import { optPolicy } from "./opt.js";
import { randomPolicy } from "./random.js";

/** What a policy may see of the resident pages. The caller (replay driver or kernel) keeps it. */
export interface ResidencyView {
  /**
   * False for a page that must stay resident. Kernel: MAP_SHARED frames, frames the kernel has
   * pinned while it works on them, and the pages of the instruction whose faults it is serving.
   */
  evictable(page: number): boolean;
  /** The referenced (A) bit: set by every reference, cleared only by clearReferenced. */
  referenced(page: number): boolean;
  /** Clears the A bit (kernel: in the PTE, flushing the TLB entry so the next use sets it again). */
  clearReferenced(page: number): void;
  /** The dirty (D) bit: the page was written since it was loaded. */
  dirty(page: number): boolean;
  /** When the page was last referenced (replay: the reference's index; kernel: the TLB's stamp). */
  lastUse(page: number): number;
  /** Replay only: the index of the page's next reference, Infinity if there is none (for OPT). */
  nextUse?(page: number): number;
  /** A seeded draw in [0, n), for n >= 1. */
  random(n: number): number;
}

/**
 * A page-replacement policy: the resident pages it was told about, in its own order. It never
 * evicts by itself; the caller asks for a victim when it needs a frame.
 */
export interface ReplacementPolicy {
  /** The registry name, e.g. "lru". */
  readonly name: string;
  /** `page` was just loaded into a free frame. Panics if the policy already holds it. */
  loaded(page: number, view: ResidencyView): void;
  /** `page` left memory for a reason other than this policy's victim (freed, unmapped); no-op if unknown. */
  removed(page: number): void;
  /**
   * A reference to a resident page (after `loaded` for the reference that loaded it). Only a
   * caller that sees every reference calls it (trace replay); a policy may then keep exact order
   * itself instead of reading the view. The kernel never calls it.
   */
  referenced?(page: number, write: boolean, view: ResidencyView): void;
  /** A periodic tick (kernel: every scheduling quantum; replay: every K references). */
  tick?(view: ResidencyView): void;
  /**
   * The resident page to evict, one `view.evictable` allows; undefined if there is none. The
   * policy forgets it (a caller that cannot evict it after all calls `loaded` again).
   */
  victim(view: ResidencyView): number | undefined;
  /** The resident pages in the policy's own order (FIFO queue, LRU to MRU, the clock from its hand). */
  order(): number[];
}

/** How a policy is listed and made. */
export interface PolicyFactory {
  /** The canonical name, lower case, e.g. "clock". */
  readonly name: string;
  /** Other names it answers to (lower case), e.g. ["second-chance"]. */
  readonly aliases?: readonly string[];
  /** One line for --help and the docs. */
  readonly summary: string;
  /** True if it needs view.nextUse (the future): trace replay can run it, the kernel cannot. */
  readonly needsFuture?: boolean;
  /** A fresh policy holding no pages. */
  create(): ReplacementPolicy;
}

const factories: PolicyFactory[] = [];
const byName = new Map<string, PolicyFactory>();

/**
 * Adds a policy (a lab's, say) under its name and aliases, case-insensitively. Throws if a name
 * is already taken. Returns a function that takes it out again.
 */
export function registerPolicy(factory: PolicyFactory): () => void {
  const names = [factory.name, ...(factory.aliases ?? [])].map((n) => n.toLowerCase());
  for (const n of names) {
    if (byName.has(n)) throw new Error(`registerPolicy: the name '${n}' is already taken`);
  }
  for (const n of names) byName.set(n, factory);
  factories.push(factory);
  return () => {
    for (const n of names) if (byName.get(n) === factory) byName.delete(n);
    const at = factories.indexOf(factory);
    if (at >= 0) factories.splice(at, 1);
  };
}

/** The factory for `name` (case-insensitive, aliases too), or undefined if there is none. */
export function policyFactory(name: string): PolicyFactory | undefined {
  return byName.get(name.trim().toLowerCase());
}

/** A fresh policy for `name` (case-insensitive, aliases too), or undefined if there is none. */
export function policyByName(name: string): ReplacementPolicy | undefined {
  return policyFactory(name)?.create();
}

/** Every registered policy, built-in ones first, in registration order. */
export function policyFactories(): readonly PolicyFactory[] {
  return factories;
}

for (const f of [
  fifoPolicy,
  lruPolicy,
  mruPolicy,
  optPolicy,
  randomPolicy,
  clockPolicy,
  enhancedClockPolicy,
  agingPolicy,
]) {
  registerPolicy(f);
}
