// MRU: evict the page used most recently — the right choice for a loop over more pages than fit
// (LRU then misses every time), and the wrong one almost everywhere else. Shares LRU's list.

import { RecencyEnd, RecencyPolicy } from "./lru.js";
import type { PolicyFactory } from "./policy.js";

export const mruPolicy: PolicyFactory = {
  name: "mru",
  summary: "most recently used: evict the page used last (good only for big loops)",
  create: () => new RecencyPolicy("mru", RecencyEnd.Most),
};
