// The counters a run reports (`--stats`, the stepper's `stats`, the browser's Counters pane): the
// hardware's and the kernel's, as one plain object whose names are the JSON keys.
import type { HwStats, Machine } from "../hw/machine.js";
import type { Kernel, KernelCounters } from "../kernel/kernel.js";

export interface RunStats extends HwStats, KernelCounters {
  framesTotal: number;
  framesFree: number;
  framesFreeAtBoot: number;
  /** Most pages each process had mapped at once, by pid. */
  rssPeak: Record<string, number>;
}

/** Every counter of the machine and the kernel now. */
export function collectStats(machine: Machine, kernel: Kernel): RunStats {
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
