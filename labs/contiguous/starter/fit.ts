// The contiguous lab, part 1: the fit policies. Each answers one question — which hole? — given
// the holes in address order (never adjacent, never empty), the request's size (already rounded
// up to the granule) and the allocator's state. Return the index of the chosen hole, or -1 if
// none will do. Among equally good holes, the lowest address wins. Do not modify the arguments.
// The handout (labs/contiguous/README.md) has the textbook example these must reproduce.
// biome-ignore-all lint/correctness/noUnusedFunctionParameters: the stubs do not use them yet
import type { FitPolicy, FitState, Hole } from "./vmlab.js";

/** The first hole, in address order, that is large enough. */
export const firstFit: FitPolicy = {
  name: "first",
  choose(holes: readonly Hole[], size: number, state: Readonly<FitState>): number {
    // TODO
    return -1;
  },
};

/** The smallest hole that is large enough; ties go to the lowest address. */
export const bestFit: FitPolicy = {
  name: "best",
  choose(holes: readonly Hole[], size: number, state: Readonly<FitState>): number {
    // TODO
    return -1;
  },
};

/** The largest hole, if it is large enough; ties go to the lowest address. */
export const worstFit: FitPolicy = {
  name: "worst",
  choose(holes: readonly Hole[], size: number, state: Readonly<FitState>): number {
    // TODO
    return -1;
  },
};

/**
 * First fit, but the search starts at state.rover — the address where the last allocation ended:
 * at the hole that contains the rover or, if none does, the first hole above it — and wraps
 * around to the lowest hole, stopping when it is back where it started.
 */
export const nextFit: FitPolicy = {
  name: "next",
  choose(holes: readonly Hole[], size: number, state: Readonly<FitState>): number {
    // TODO
    return -1;
  },
};
