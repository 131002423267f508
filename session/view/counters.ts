// The Counters pane: the `--stats --json` object (the same names and values).
import { collectStats } from "../stats.js";
import type { Session } from "../step/session.js";
import type { CountersView } from "./types.js";

/** The counters so far, as `vmlab run --stats --json` reports them. */
export function countersView(s: Session): CountersView {
  return collectStats(s.world.machine, s.world.kernel);
}
