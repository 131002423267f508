// A student's fit policies for the contiguous lab, with a deliberate bug (marked BUG):
//   BUG 1: next fit skips the hole that holds the rover and starts at the one after it.
import type { FitPolicy, Hole } from "./vmlab.js";

export const firstFit: FitPolicy = {
  name: "first",
  choose(holes, size) {
    for (let i = 0; i < holes.length; i++) if (holes[i]!.size >= size) return i;
    return -1;
  },
};

/** The fitting hole `better` prefers, scanning up in address order. */
function pick(holes: readonly Hole[], size: number, better: (a: Hole, b: Hole) => boolean): number {
  let best = -1;
  holes.forEach((h, i) => {
    if (h.size >= size && (best === -1 || better(h, holes[best]!))) best = i;
  });
  return best;
}

export const bestFit: FitPolicy = {
  name: "best",
  choose: (holes, size) => pick(holes, size, (a, b) => a.size < b.size),
};

export const worstFit: FitPolicy = {
  name: "worst",
  choose: (holes, size) => pick(holes, size, (a, b) => a.size > b.size),
};

export const nextFit: FitPolicy = {
  name: "next",
  choose(holes, size, state) {
    let from = holes.findIndex((h) => h.start > state.rover); // BUG 1: should be h.start + h.size > rover
    if (from < 0) from = 0;
    for (let k = 0; k < holes.length; k++) {
      const i = (from + k) % holes.length;
      if (holes[i]!.size >= size) return i;
    }
    return -1;
  },
};
