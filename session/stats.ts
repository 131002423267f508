// The counters a run reports (`--stats`, the stepper's `stats`, the browser's Counters pane): the
// hardware's and the kernel's, as one plain object whose names are the JSON keys; the unit of
// each (docs/stats.md), and which of them cannot move under a setup.
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
 * --stats leaves them out. Derived from where each counter is moved; test/cli/stats.test.ts checks it.
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

/**
 * The timing model's clock: 1 GHz, so one cycle is 1 ns (hw/machine.ts's costs — a TLB hit 1 cycle,
 * memory 100, a disk transfer 1,000,000 — are textbook nanoseconds).
 */
export const NS_PER_CYCLE = 1;
/** Bytes in a page, a frame, a swap slot and a disk block. */
export const PAGE_BYTES = 4096;

/** How a counter is shown: its unit, and the bytes one unit stands for when it is a size. */
export interface CounterUnit {
  /** The plural, as most values take it. */
  unit: string;
  /** The unit for exactly 1, when it is not `unit` without its final s. */
  one?: string;
  bytesPer?: number;
}

const count = (unit: string, one?: string): CounterUnit => (one ? { unit, one } : { unit });
const pages = (unit: string): CounterUnit => ({ unit, bytesPer: PAGE_BYTES });

/** Every counter of RunStats and of the memory models' reports, with its unit. */
export const COUNTER_UNITS: Readonly<Record<string, CounterUnit>> = {
  instructions: count("instructions"),
  loads: count("loads"),
  stores: count("stores"),
  translations: count("accesses", "access"),
  tlbHits: count("lookups"),
  tlbMisses: count("lookups"),
  walkReads: count("PTE reads"),
  pageFaults: count("traps"),
  accessFaults: count("traps"),
  adUpdates: count("PTE writes"),
  tlbRefillTraps: count("traps"),
  diskReads: pages("blocks"),
  diskWrites: pages("blocks"),
  cycles: count("cycles"),
  effectiveAccessTime: count("ns per access"),
  minorFaults: count("faults"),
  majorFaults: count("faults"),
  swapIns: pages("pages"),
  swapOuts: pages("pages"),
  dirtyWritebacks: pages("pages"),
  evictions: pages("pages"),
  swapFull: count("times"),
  cowCopies: pages("pages"),
  zeroFills: pages("pages"),
  killed: count("processes", "process"),
  processes: count("processes", "process"),
  syscalls: count("calls"),
  contextSwitches: count("switches", "switch"),
  tlbRefills: count("refills"),
  misalignedEmulated: count("accesses", "access"),
  framesTotal: pages("frames"),
  framesFree: pages("frames"),
  framesFreeAtBoot: pages("frames"),
  holes: count("holes"),
  largestHole: { unit: "bytes", bytesPer: 1 },
  externalFragmentation: count("% of free memory"),
  compactions: count("compactions"),
  bytesMoved: { unit: "bytes", bytesPer: 1 },
  allocationFailures: count("failures"),
  segmentGrowths: count("growths"),
  swapSlots: pages("slots"),
  workingSetMean: pages("pages"),
  workingSetMax: pages("pages"),
  faultsPer1000Instructions: count("faults per 1000 instructions", "fault per 1000 instructions"),
  rssPeak: pages("pages"),
};

const SIZE_UNITS = ["bytes", "KiB", "MiB", "GiB", "TiB"] as const;

/** `bytes` in the largest binary unit it reaches: `16 MiB`, `1.5 KiB`, `512 bytes`. */
export function formatSize(bytes: number): string {
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < SIZE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = Number.isInteger(v) ? String(v) : v.toFixed(1);
  return `${digits} ${SIZE_UNITS[u]}`;
}
