// The counters `--stats` reports: the hardware's and the kernel's, as text or one JSON object.
import type { HwStats, Machine } from "../hw/machine.js";
import type { Kernel, KernelCounters } from "../kernel/kernel.js";
import type { CliIo } from "./io.js";

export interface RunStats extends HwStats, KernelCounters {
  framesTotal: number;
  framesFree: number;
  framesFreeAtBoot: number;
  /** Most pages each process had mapped at once, by pid. */
  rssPeak: Record<string, number>;
}

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

export function printStats(io: Pick<CliIo, "stderr">, stats: RunStats, json: boolean): void {
  if (json) {
    io.stderr(`${JSON.stringify(stats)}\n`);
    return;
  }
  const rows = Object.entries(stats).map(([k, v]) => [
    k,
    typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : JSON.stringify(v),
  ]);
  const width = Math.max(...rows.map(([k]) => k!.length));
  for (const [k, v] of rows) io.stderr(`[stats] ${k!.padEnd(width)}  ${v}\n`);
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
