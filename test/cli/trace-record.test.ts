// `vmlab run --record FILE`: one line per translation the guest asks for — `I` for an instruction
// fetch, `R` for a load, `W` for a store — that `vmlab trace` replays (fetches count as reads).
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseTrace, TraceFormat } from "../../kernel/replace/trace.js";
import { runVmlab } from "../helpers/vmlab.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-record-"));

/** `vmlab run --record` of `program`: the recorded lines and the run's counters. */
async function record(program: string, name: string) {
  const file = join(dir, name);
  const r = await runVmlab(["run", "--record", file, "--stats", "--json", program]);
  expect(r.status, r.stderr).toBe(0);
  const stats = JSON.parse(r.stderr.trim().split("\n").at(-1)!) as Record<string, number>;
  return { file, lines: readFileSync(file, "utf8").trimEnd().split("\n"), stats };
}

describe("--record", () => {
  it("1. marks instruction fetches (I) apart from loads (R) and stores (W)", async () => {
    const { lines, stats } = await record("programs/sort.s", "sort.trace");
    expect(lines[0]).toMatch(/^I 0x1[0-9a-f]{4}$/); // the first fetch, at _start
    const letters = new Map<string, number>();
    for (const l of lines) {
      expect(l).toMatch(/^[IRW] 0x[0-9a-f]+$/);
      letters.set(l[0]!, (letters.get(l[0]!) ?? 0) + 1);
    }
    // one line per translation: every fetch, load and store tried, a faulting one again on retry
    expect(lines.length).toBe(stats.translations);
    expect(letters.get("I")).toBeGreaterThanOrEqual(stats.instructions!);
    expect(letters.get("R")).toBeGreaterThanOrEqual(stats.loads!);
    expect(letters.get("W")).toBeGreaterThanOrEqual(stats.stores!);
    expect(stats.loads).toBeGreaterThan(0);
  });

  it("2. vmlab trace replays it, fetches as reads", async () => {
    const { file, lines } = await record("programs/hello.s", "hello.trace");
    expect(lines.every((l) => l.startsWith("I "))).toBe(true); // hello.s only fetches
    const r = await runVmlab(["trace", file, "-C", "2"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`${lines.length} references \\(0 writes\\)`));
  });

  it("3. the accesses format reads I lines as reads", () => {
    const t = parseTrace("I 0x10074\nR 0x2000\nW 0x3000\ni 4096\n", { pageSize: 4096 });
    expect(t.format).toBe(TraceFormat.Accesses);
    expect(t.pages).toEqual([0x10, 2, 3, 1]);
    expect([...(t.writes ?? [])]).toEqual([0, 0, 1, 0]);
  });
});
