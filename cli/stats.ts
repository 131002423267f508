// `--stats`: the counters of session/stats.ts, as one JSON object (every key, always) or as text a
// student can read: a unit on every line (session/stats.ts COUNTER_UNITS), sizes in KiB/MiB/GiB,
// per-process values as a table, and the counters that cannot move under the chosen setup left
// out. docs/stats.md lists them all.
import {
  COUNTER_UNITS,
  formatSize,
  NS_PER_CYCLE,
  PAGE_BYTES,
  type RunStats,
} from "../session/stats.js";
import type { CliIo } from "./io.js";

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
