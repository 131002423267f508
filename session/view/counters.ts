// The Counters pane: the `--stats --json` object (the same names and values).
//
// TEMPORARY: the collection below copies cli/stats.ts's collectStats and swapStats, until they
// move to a core layer (asked in /tmp/team/C-needs.md); the view layer may not import cli/.
// test/session/view/counters.test.ts checks it equals collectStats, so the copy cannot drift.
import type { Machine } from "../../hw/machine.js";
import type { Kernel } from "../../kernel/kernel.js";
import type { Session } from "../step/session.js";
import type { CountersView } from "./types.js";

/** The counters so far, as `vmlab run --stats --json` reports them. */
export function countersView(s: Session): CountersView {
  const { machine, kernel } = s.world;
  return {
    ...machine.stats(),
    ...kernel.counters,
    framesTotal: kernel.frames.count,
    framesFree: kernel.frames.free,
    framesFreeAtBoot: kernel.frames.freeAtBoot,
    ...kernel.memory.report?.(),
    ...swapStats(machine, kernel),
    rssPeak: Object.fromEntries([...kernel.rssPeaks].map(([pid, n]) => [String(pid), n])),
  };
}

/** Working set and fault frequency, when the kernel swaps. */
function swapStats(machine: Machine, kernel: Kernel): Record<string, number> {
  const s = kernel.swapper;
  if (!s) return {};
  const faults = kernel.counters.minorFaults + kernel.counters.majorFaults;
  const instructions = machine.cpu.instret;
  return {
    swapSlots: s.space.slots,
    workingSetMean: s.wsMean,
    workingSetMax: s.wsMax,
    faultsPer1000Instructions: instructions === 0 ? 0 : (1000 * faults) / instructions,
  };
}
