// Fit policies for the contiguous allocator (holes.ts): given the free holes in address order,
// which one a request of `size` bytes goes to. First, best, worst and next fit, or a lab's own
// behind the FitPolicy interface.

/** A free range of physical memory: [start, start+size). */
export interface Hole {
  readonly start: number;
  readonly size: number;
}

/** An allocated range and who it belongs to (a pid, a pid and segment: whatever the kernel uses). */
export interface Block<Owner> {
  readonly start: number;
  readonly size: number;
  readonly owner: Owner;
}

/** State the allocator keeps on behalf of its policy. */
export interface FitState {
  /** Where the last successful allocation ended (the range start before any); next fit resumes here. */
  rover: number;
}

/**
 * A placement policy: given the holes in address order, the index of the hole to carve `size`
 * bytes from (always from its low end), or -1 if none will do. Must not modify its arguments.
 */
export interface FitPolicy {
  readonly name: string;
  choose(holes: readonly Hole[], size: number, state: Readonly<FitState>): number;
}

/** The first hole, in address order, that is large enough. */
export const firstFit: FitPolicy = {
  name: "first",
  choose: (holes, size) => holes.findIndex((h) => h.size >= size),
};

/** The smallest hole that is large enough; ties go to the lowest address. */
export const bestFit: FitPolicy = {
  name: "best",
  choose: (holes, size) => pickBy(holes, size, (h, best) => h.size < best.size),
};

/** The largest hole, if it is large enough; ties go to the lowest address. */
export const worstFit: FitPolicy = {
  name: "worst",
  choose: (holes, size) => pickBy(holes, size, (h, best) => h.size > best.size),
};

/**
 * First fit, but the search starts at the hole holding (or else following) the rover — where the
 * last allocation ended — and wraps around to the lowest hole.
 */
export const nextFit: FitPolicy = {
  name: "next",
  choose(holes, size, state) {
    const n = holes.length;
    const from = Math.max(
      0,
      holes.findIndex((h) => h.start + h.size > state.rover),
    );
    for (let k = 0; k < n; k++) {
      const i = (from + k) % n;
      if (holes[i]!.size >= size) return i;
    }
    return -1;
  },
};

/** Index of the fitting hole that `better` prefers over all earlier fitting ones; -1 if none fits. */
function pickBy(
  holes: readonly Hole[],
  size: number,
  better: (h: Hole, best: Hole) => boolean,
): number {
  let best = -1;
  for (let i = 0; i < holes.length; i++) {
    const h = holes[i]!;
    if (h.size >= size && (best < 0 || better(h, holes[best]!))) best = i;
  }
  return best;
}

/** The built-in policies by their `--fit` name. */
export const FitName = { First: "first", Best: "best", Worst: "worst", Next: "next" } as const;
export type FitName = (typeof FitName)[keyof typeof FitName];

export const fitPolicies: Readonly<Record<FitName, FitPolicy>> = {
  first: firstFit,
  best: bestFit,
  worst: worstFit,
  next: nextFit,
};

/** The built-in policy called `name`, or undefined if there is none (the CLI reports the error). */
export function fitPolicyByName(name: string): FitPolicy | undefined {
  return Object.hasOwn(fitPolicies, name) ? fitPolicies[name as FitName] : undefined;
}
