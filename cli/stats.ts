// `--stats`: the counters of session/stats.ts, as one JSON object (every key, always) or as text a
// student can read: a unit on every line, sizes in KiB/MiB/GiB, per-process values as a table, and
// the counters that cannot move under the chosen setup left out. docs/stats.md lists them all.
import type { RunStats } from "../session/stats.js";
import type { CliIo } from "./io.js";

/**
 * The timing model's clock: 1 GHz, so one cycle is 1 ns (hw/machine.ts's costs — a TLB hit 1 cycle,
 * memory 100, a disk transfer 1,000,000 — are textbook nanoseconds).
 */
export const NS_PER_CYCLE = 1;
const PAGE_BYTES = 4096;

/** How a counter is shown: its unit, and the bytes one unit stands for when it is a size. */
interface Shown {
  /** The plural, as most values take it. */
  unit: string;
  /** The unit for exactly 1, when it is not `unit` without its final s. */
  one?: string;
  bytesPer?: number;
}

const count = (unit: string, one?: string): Shown => (one ? { unit, one } : { unit });
const pages = (unit: string): Shown => ({ unit, bytesPer: PAGE_BYTES });

/** Every counter of RunStats and of the memory models' reports, with its unit. */
export const COUNTER_UNITS: Readonly<Record<string, Shown>> = {
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

const PREFIX = "[stats] ";

/**
 * Prints `stats` on stderr: one JSON object (every key), or the text form without the counters
 * in `fixed` (those that cannot move under the setup).
 */
export function printStats(
  io: Pick<CliIo, "stderr">,
  stats: RunStats,
  json: boolean,
  fixed: ReadonlySet<string> = new Set(),
): void {
  if (json) {
    io.stderr(`${JSON.stringify(stats)}\n`);
    return;
  }
  const lines = statsLines(stats, fixed);
  io.stderr(lines.map((l) => `${PREFIX}${l}\n`).join(""));
}

/** The text form's lines (without the prefix): aligned counters, then the per-process table. */
export function statsLines(stats: RunStats, fixed: ReadonlySet<string>): string[] {
  const rows: [string, string, string][] = [];
  for (const [name, value] of Object.entries(stats)) {
    if (fixed.has(name) || typeof value !== "number") continue;
    rows.push([name, ...valueText(name, value)]);
  }
  const nameWidth = Math.max(...rows.map(([n]) => n.length));
  const valueWidth = Math.max(...rows.map(([, v]) => v.length));
  const lines = rows.map(([n, v, unit]) =>
    `${n.padEnd(nameWidth)}  ${v.padStart(valueWidth)} ${unit}`.trimEnd(),
  );
  if (!fixed.has("rssPeak")) lines.push(...rssTable(stats.rssPeak));
  return lines;
}

/** A counter's number and what follows it: its unit, and the size it stands for if any. */
function valueText(name: string, v: number): [string, string] {
  if (name === "effectiveAccessTime") {
    return [decimal(v * NS_PER_CYCLE), `ns per access (${decimal(v)} cycles)`];
  }
  if (name === "externalFragmentation") return [decimal(100 * v), "% of free memory"];
  const shown = COUNTER_UNITS[name];
  if (!shown) return [decimal(v), ""];
  const bytes = v * (shown.bytesPer ?? 0);
  const size = bytes >= 1024 ? ` (${formatSize(bytes)})` : "";
  const unit = v === 1 ? (shown.one ?? shown.unit.replace(/s$/, "")) : shown.unit;
  return [decimal(v), `${unit}${size}`];
}

/** An integer as it is; a fraction with two decimals. */
function decimal(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}

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

/** rssPeak as a small table: one row per process, its peak in pages and bytes. */
function rssTable(peaks: Record<string, number>): string[] {
  const rows = Object.entries(peaks);
  if (rows.length === 0) return [];
  const lines = ["rssPeak by process (most pages resident at once):", "    pid  pages  size"];
  for (const [pid, n] of rows) {
    lines.push(`  ${pid.padStart(5)}  ${String(n).padStart(5)}  ${formatSize(n * PAGE_BYTES)}`);
  }
  return lines;
}
