// The counters a run reports (`--stats`, the stepper's `stats`, the browser's Counters pane): the
// hardware's and the kernel's, as one plain object whose names are the JSON keys.
import type { HwStats, Machine } from "../hw/machine.js";
import { AdMode, MmuMode, RefillMode } from "../hw/mmu.js";
import type { Kernel, KernelCounters } from "../kernel/kernel.js";
import { MisalignedMode } from "../kernel/misaligned.js";

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

type Counter = keyof RunStats;

/** Counters only paging moves: the TLB, the walker and the kernel's page faults. */
const PAGING_ONLY: readonly Counter[] = [
  "tlbHits",
  "tlbMisses",
  "walkReads",
  "pageFaults",
  "adUpdates",
  "tlbRefillTraps",
  "tlbRefills",
  "minorFaults",
  "cowCopies",
  "zeroFills",
];
/** Counters only swapping moves (the disk holds nothing but swap). */
const SWAP_ONLY: readonly Counter[] = [
  "majorFaults",
  "swapIns",
  "swapOuts",
  "dirtyWritebacks",
  "evictions",
  "swapFull",
  "diskReads",
  "diskWrites",
];

/**
 * The counters that stay 0 whatever runs under this machine and kernel's setup (no TLB outside
 * paging, no swap without a disk, no refill traps under hardware refill, ...): the text form of
 * --stats leaves them out. Derived from where each counter is moved; test/cli/stats-scope checks it.
 */
export function fixedCounters(machine: Machine, kernel: Kernel): ReadonlySet<Counter> {
  const mmu = machine.config.mmu;
  const paged = kernel.options.mm === MmuMode.Paged;
  // Outside paging no page is resident (rssPeak counts pages) and nothing faults a page in.
  const fixed = new Set<Counter>(paged ? [] : [...PAGING_ONLY, "rssPeak"]);
  if (!kernel.swapper) for (const c of SWAP_ONLY) fixed.add(c);
  if (mmu.refill === RefillMode.Hardware) fixed.add("tlbRefillTraps").add("tlbRefills");
  if (mmu.ad === AdMode.Trap) fixed.add("adUpdates");
  if (kernel.options.eagerFork) fixed.add("cowCopies");
  if (kernel.options.misaligned === MisalignedMode.Signal) fixed.add("misalignedEmulated");
  return fixed;
}
