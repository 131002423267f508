// Trace replay: runs a page-reference trace through a policy with a fixed number of frames, as
// the kernel would with demand paging, but seeing every reference. The driver keeps the bits the
// hardware would (referenced, dirty), the time of each page's last use (the reference's index)
// and, computed by one backward pass before the run, each reference's next use for OPT.
// Per reference: a hit sets A (and D on a write); a miss first asks the policy for a victim if
// every frame is taken, then loads the page. Ticks come every `tickEvery` references.

import type { ReplacementPolicy, ResidencyView } from "./policy.js";
import type { PageTrace } from "./trace.js";

/** How to replay. */
export interface ReplayOptions {
  /** Page frames, >= 1. */
  readonly frames: number;
  /** References between two tick() calls; 0 for none. */
  readonly tickEvery: number;
  /** A seeded draw in [0, n), passed to the policy as view.random. */
  readonly random: (n: number) => number;
  /** Called after each reference, e.g. to print the policy's state (policy.order()). */
  readonly onAccess?: (access: ReplayAccess) => void;
}

/** One reference and what it did. */
export interface ReplayAccess {
  /** The reference's index in the trace, from 0. */
  readonly index: number;
  readonly page: number;
  readonly write: boolean;
  readonly hit: boolean;
  /** The page evicted to make room, if any. */
  readonly victim: number | undefined;
  /** Hits and misses so far, this reference included. */
  readonly hits: number;
  readonly misses: number;
}

/** The outcome of a replay. */
export interface ReplayStats {
  readonly references: number;
  readonly hits: number;
  readonly misses: number;
  /** Misses on a page's first reference (cold misses, which no policy avoids). */
  readonly compulsory: number;
  readonly evictions: number;
  /** Evicted pages that were dirty (would be written to swap). */
  readonly writebacks: number;
}

/** A policy broke its contract during replay (no victim with memory full, or a page not resident). */
export class ReplayError extends Error {
  override name = "ReplayError";
}

/**
 * The trace with a slot number for each page, indexing the driver's typed arrays: the page number
 * itself when pages are small (no lookup on the policy's calls), else a dense numbering.
 */
interface Prepared {
  /** The slot of each reference's page. */
  readonly ids: Int32Array;
  /** How many slots. */
  readonly slots: number;
  /** The page number of each slot. */
  readonly pageOf: (id: number) => number;
  /** The slot of a page, or -1 if the trace never references it. */
  readonly idOf: (page: number) => number;
  /** Index of the next reference to the same page, or -1 if none. */
  readonly next: Int32Array;
}

/** Pages below this (or below twice the trace's length) are their own slots. */
const DIRECT_PAGES = 1 << 20;

function prepare(trace: PageTrace): Prepared {
  const n = trace.pages.length;
  let max = -1;
  let integers = true;
  for (let i = 0; i < n; i++) {
    const page = trace.pages[i]!;
    if (!Number.isSafeInteger(page) || page < 0) integers = false;
    else if (page > max) max = page;
  }
  const ids = new Int32Array(n);
  let prepared: Omit<Prepared, "next">;
  if (integers && (max < DIRECT_PAGES || max < 2 * n)) {
    for (let i = 0; i < n; i++) ids[i] = trace.pages[i]!;
    const slots = max + 1;
    prepared = {
      ids,
      slots,
      pageOf: (id) => id,
      idOf: (page) => (Number.isInteger(page) && page >= 0 && page < slots ? page : -1),
    };
  } else {
    const pages: number[] = [];
    const dense = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const page = trace.pages[i]!;
      let id = dense.get(page);
      if (id === undefined) {
        id = pages.length;
        dense.set(page, id);
        pages.push(page);
      }
      ids[i] = id;
    }
    prepared = {
      ids,
      slots: pages.length,
      pageOf: (id) => pages[id]!,
      idOf: (page) => dense.get(page) ?? -1,
    };
  }
  const next = new Int32Array(n);
  const seen = new Int32Array(prepared.slots).fill(-1);
  for (let i = n - 1; i >= 0; i--) {
    const id = ids[i]!;
    next[i] = seen[id]!;
    seen[id] = i;
  }
  return { ...prepared, next };
}

/**
 * Replays `trace` through `policy` (fresh, holding no pages) with `options.frames` frames and
 * returns the counts. Throws ReplayError if the policy names no victim when memory is full or
 * names a page that is not resident.
 */
export function replay(
  trace: PageTrace,
  policy: ReplacementPolicy,
  options: ReplayOptions,
): ReplayStats {
  const { frames, tickEvery, onAccess } = options;
  if (!(frames >= 1)) throw new RangeError(`replay: frames must be at least 1, not ${frames}`);
  const { ids, slots, pageOf, idOf, next } = prepare(trace);
  const resident = new Uint8Array(slots);
  const accessed = new Uint8Array(slots);
  const dirty = new Uint8Array(slots);
  const seen = new Uint8Array(slots);
  const lastRef = new Int32Array(slots);
  const idOfResident = (page: number): number => {
    const id = idOf(page);
    if (id < 0 || resident[id] === 0) {
      throw new ReplayError(`${policy.name} asked about page ${page}, which is not resident`);
    }
    return id;
  };
  const view: ResidencyView = {
    evictable: (page) => idOfResident(page) >= 0,
    referenced: (page) => accessed[idOfResident(page)] === 1,
    clearReferenced: (page) => {
      accessed[idOfResident(page)] = 0;
    },
    dirty: (page) => dirty[idOfResident(page)] === 1,
    lastUse: (page) => lastRef[idOfResident(page)]!,
    nextUse: (page) => {
      const at = next[lastRef[idOfResident(page)]!]!;
      return at < 0 ? Number.POSITIVE_INFINITY : at;
    },
    random: options.random,
  };
  const writes = trace.writes;
  let used = 0;
  let hits = 0;
  let compulsory = 0;
  let evictions = 0;
  let writebacks = 0;
  let untilTick = tickEvery;
  const n = ids.length;
  for (let i = 0; i < n; i++) {
    const id = ids[i]!;
    const page = pageOf(id);
    const write = writes !== undefined && writes[i] === 1;
    const hit = resident[id] === 1;
    let victim: number | undefined;
    if (hit) {
      hits++;
    } else {
      if (seen[id] === 0) {
        seen[id] = 1;
        compulsory++;
      }
      if (used === frames) {
        victim = policy.victim(view);
        const vid = victim === undefined ? -1 : idOf(victim);
        if (vid < 0 || resident[vid] === 0) throw badVictim(policy, victim, frames);
        if (dirty[vid] === 1) writebacks++;
        resident[vid] = 0;
        accessed[vid] = 0;
        dirty[vid] = 0;
        evictions++;
      } else {
        used++;
      }
      resident[id] = 1;
    }
    accessed[id] = 1;
    if (write) dirty[id] = 1;
    lastRef[id] = i;
    if (!hit) policy.loaded(page, view);
    policy.referenced?.(page, write, view);
    if (--untilTick === 0) {
      untilTick = tickEvery;
      policy.tick?.(view);
    }
    onAccess?.({ index: i, page, write, hit, victim, hits, misses: i + 1 - hits });
  }
  return { references: n, hits, misses: n - hits, compulsory, evictions, writebacks };
}

function badVictim(policy: ReplacementPolicy, victim: number | undefined, frames: number): Error {
  if (victim === undefined) {
    return new ReplayError(`${policy.name} named no victim with all ${frames} frames in use`);
  }
  return new ReplayError(
    `${policy.name} named page ${victim} as its victim, which is not resident`,
  );
}
