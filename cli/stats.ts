// `--stats`: the counters of session/stats.ts, as text or one JSON object.
import type { RunStats } from "../session/stats.js";
import type { CliIo } from "./io.js";

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
