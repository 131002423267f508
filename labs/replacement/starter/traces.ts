// The replacement lab's page-reference traces, the same every time (a small seeded generator),
// for comparing policies (compare.ts) and for the grader. Given; you need not change it.
import type { PageTrace } from "./vmlab.js";

export interface NamedTrace extends PageTrace {
  readonly name: string;
  /** What it models, in a few words. */
  readonly about: string;
  readonly pages: readonly number[];
  readonly writes: Uint8Array;
}

/** A tiny deterministic generator (xorshift32): the same seed, the same trace. */
function generator(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/** A trace of `pages`, writing where `write` says. */
function named(
  name: string,
  about: string,
  pages: number[],
  write: (i: number) => boolean,
): NamedTrace {
  return { name, about, pages, writes: Uint8Array.from(pages, (_p, i) => (write(i) ? 1 : 0)) };
}

/** `count` references: with probability hot/10 one of `hotPages` pages, else one of `all`. */
function locality(
  seed: number,
  count: number,
  hotPages: number,
  all: number,
  hot: number,
): number[] {
  const r = generator(seed);
  return Array.from({ length: count }, () => (r(10) < hot ? r(hotPages) : r(all)));
}

/** A hot set that moves: phases of `length` references over a window of `width` pages. */
function phases(seed: number, count: number, width: number, length: number): number[] {
  const r = generator(seed);
  return Array.from({ length: count }, (_v, i) => Math.floor(i / length) * 3 + r(width));
}

export const traces: readonly NamedTrace[] = [
  named(
    "belady",
    "Belady's anomaly: FIFO misses more with 4 frames than with 3",
    [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5],
    () => false,
  ),
  named(
    "loop",
    "a loop over 12 pages, 6 times",
    Array.from({ length: 72 }, (_v, i) => i % 12),
    (i) => i % 5 === 0,
  ),
  named(
    "locality",
    "80% of references to 6 hot pages out of 60",
    locality(7, 3000, 6, 60, 8),
    (i) => i % 3 === 0,
  ),
  named(
    "phases",
    "a working set of 10 pages that moves on every 400 references",
    phases(11, 4000, 10, 400),
    (i) => i % 4 === 1,
  ),
  named(
    "uniform",
    "40 pages, each equally likely",
    locality(13, 2000, 40, 40, 10),
    (i) => i % 2 === 0,
  ),
];
