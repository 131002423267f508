// `vmlab trace`, through the whole CLI in-process: the same hits, misses and per-access states as
// OSTEP's paging-policy.py for FIFO, LRU, MRU, OPT and RAND (python3 outputs stored in
// trace-vectors/, the reference OSTEP vectors (test/vectors/ostep), and `vmlab quiz policy` on the same lists), Belady's
// anomaly, the report layouts, the formats, stdin, --json, and one-line errors.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Prng } from "../../hw/prng.js";
import { runVmlab } from "../helpers/vmlab.js";

const here = fileURLToPath(new URL("./trace-vectors/", import.meta.url));
const reference = fileURLToPath(new URL("../vectors/ostep/", import.meta.url));

/** The lines of paging-policy.py's answer that vmlab trace reproduces: each access, and FINALSTATS. */
function ostepLines(text: string): string[] {
  return text.split("\n").filter((l) => l.startsWith("Access: ") || l.startsWith("FINALSTATS"));
}

/** Rows of a cases.tsv (header skipped), split at tabs. */
function rows(path: string): string[][] {
  return readFileSync(path, "utf8")
    .split("\n")
    .slice(1)
    .filter((l) => l.trim() !== "")
    .map((l) => l.split("\t"));
}

/** vmlab trace's flags for paging-policy.py's -C, -p, -s and -N (which turns -v off). */
function traceFlags(ostepArgs: string[]): string[] {
  const flags: string[] = [];
  let verbose = true;
  for (let i = 0; i < ostepArgs.length; i++) {
    const a = ostepArgs[i]!;
    if (a === "-N") verbose = false;
    else if (a === "-C") flags.push("--frames", ostepArgs[++i]!);
    else if (a === "-p") flags.push("--policy", ostepArgs[++i]!);
    else if (a === "-s") flags.push("--seed", ostepArgs[++i]!);
  }
  return verbose ? [...flags, "-v"] : flags;
}

describe("vmlab trace matches OSTEP's paging-policy.py", () => {
  // trace-vectors/cases.tsv: python3 paging-policy.py -f TRACE -c ARGS, outputs in ostep/.
  for (const [trace, args, expected] of rows(`${here}cases.tsv`)) {
    it(`1: ${expected} (-f ${trace} ${args})`, async () => {
      const want = ostepLines(readFileSync(`${here}${expected}`, "utf8"));
      const r = await runVmlab(["trace", `${here}${trace}`, ...traceFlags(args!.split(" "))]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(ostepLines(r.stdout)).toEqual(want);
    });
  }

  // The reference vectors of `vmlab quiz policy` (from python3 too); their reference strings come
  // from -a or from the seeded generator, read back from `vmlab quiz policy` without -c.
  const policies = new Set(["FIFO", "LRU", "MRU", "OPT"]);
  for (const [kind, argText, expected] of rows(`${reference}cases.tsv`)) {
    const args = argText!.split(/\s+/);
    const policy = args[args.indexOf("-p") + 1]!;
    if (kind !== "policy" || !policies.has(policy)) continue;
    it(`2: reference vector ${expected} (${argText}), the list on stdin`, async () => {
      const at = args.indexOf("-a");
      let list = at >= 0 ? args[at + 1]! : "";
      if (at < 0) {
        const asked = args.filter((a) => a !== "-c" && a !== "-N");
        const q = await runVmlab(["quiz", "policy", ...asked]);
        list = [...q.stdout.matchAll(/^Access: (\d+) {2}Hit\/Miss\?/gm)].map((m) => m[1]).join(",");
      }
      const cachesize = args.includes("-C") ? args[args.indexOf("-C") + 1]! : "3";
      const flags = traceFlags([
        "-C",
        cachesize,
        "-p",
        policy,
        ...(args.includes("-N") ? ["-N"] : []),
      ]);
      const r = await runVmlab(["trace", "-", ...flags], `${list}\n`);
      expect(r.stderr).toBe("");
      expect(ostepLines(r.stdout)).toEqual(
        ostepLines(readFileSync(`${reference}${expected}`, "utf8")),
      );
    });
  }

  it("3: agrees with `vmlab quiz policy -a LIST -c` on 20 seeded random lists, RAND included", async () => {
    const prng = new Prng(11);
    for (let t = 0; t < 20; t++) {
      const list = Array.from({ length: 30 + prng.below(40) }, () => prng.below(12)).join(",");
      const frames = String(1 + prng.below(6));
      const seed = String(prng.below(100));
      for (const p of ["FIFO", "LRU", "MRU", "OPT", "RAND"]) {
        const quiz = await runVmlab([
          "quiz",
          "policy",
          "-a",
          list,
          "-C",
          frames,
          "-p",
          p,
          "-s",
          seed,
          "-c",
        ]);
        const trace = await runVmlab(["trace", "-", "-C", frames, "-p", p, "-s", seed, "-v"], list);
        expect(ostepLines(trace.stdout), `list ${t} ${p}`).toEqual(ostepLines(quiz.stdout));
      }
    }
  });
});

describe("vmlab trace reports", () => {
  const belady = `${here}belady.txt`;

  it("4: one run: the trace, the policy, the counts, and OSTEP's FINALSTATS line last", async () => {
    const r = await runVmlab(["trace", belady]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        `trace ${belady}: 12 references to 5 pages (one page number per line)`,
        "policy fifo, 3 frames",
        "",
        "hits       3",
        "misses     9 (5 compulsory)",
        "evictions  6 (0 dirty, written back)",
        "hit rate   25.00%",
        "",
        "FINALSTATS hits 3   misses 9   hitrate 25.00",
        "",
      ].join("\n"),
    );
  });

  it("5: Belady's anomaly: FIFO misses 9 times with 3 frames, 10 with 4 (table and JSON)", async () => {
    const table = await runVmlab(["trace", belady, "--frames", "3,4"]);
    expect(table.stdout.split("\n").slice(1)).toEqual([
      "",
      "policy  frames  hits  misses  hit rate  evictions  writebacks",
      "fifo         3     3       9    25.00%          6           0",
      "fifo         4     2      10    16.67%          6           0",
      "",
    ]);
    const json = await runVmlab(["trace", belady, "-C", "1-5", "--json"]);
    const doc = JSON.parse(json.stdout) as { runs: { frames: number; misses: number }[] };
    expect(doc.runs.map((r) => [r.frames, r.misses])).toEqual([
      [1, 12],
      [2, 12],
      [3, 9],
      [4, 10],
      [5, 5],
    ]);
  });

  it("6: several policies with -v: each run's accesses and FINALSTATS, then the table", async () => {
    const r = await runVmlab(["trace", belady, "-p", "lru,Clock", "-v"]);
    const lines = r.stdout.split("\n");
    expect(lines.filter((l) => /^policy \w+,/.test(l))).toEqual([
      "policy lru, 3 frames",
      "policy clock, 3 frames",
    ]);
    expect(lines.filter((l) => l.startsWith("Access: "))).toHaveLength(24);
    expect(lines.filter((l) => l.startsWith("FINALSTATS"))).toEqual([
      "FINALSTATS hits 2   misses 10   hitrate 16.67",
      "FINALSTATS hits 3   misses 9   hitrate 25.00",
    ]);
    expect(lines.at(-2)).toMatch(/^clock +3 +3 +9 +25\.00%/);
  });

  it("7: 'all' runs every policy; aging ticks every --tick references (default: the frames)", async () => {
    const r = await runVmlab(["trace", belady, "-p", "all", "--json"]);
    const doc = JSON.parse(r.stdout) as { runs: { policy: string; tick?: number }[] };
    expect(doc.runs.map((x) => x.policy)).toEqual([
      "fifo",
      "lru",
      "mru",
      "opt",
      "random",
      "clock",
      "enhanced-clock",
      "aging",
    ]);
    expect(doc.runs.at(-1)!.tick).toBe(3);
    const ticked = await runVmlab(["trace", belady, "-p", "aging", "--tick", "5"]);
    expect(ticked.stdout).toContain("policy aging, 3 frames, a tick every 5 references\n");
  });

  it("8: R/W addresses from stdin: dirty evictions are written back; --json -v lists the accesses", async () => {
    const text = "W 0x1000\nR 0x2000\nR 0x3000\nR 0x1004\nR 0x4000\nR 0x2008\n";
    const r = await runVmlab(
      ["trace", "-", "-C", "2", "-p", "enhanced-clock", "--json", "-v"],
      text,
    );
    const doc = JSON.parse(r.stdout);
    expect(doc.trace).toEqual({
      file: "<stdin>",
      format: "accesses",
      references: 6,
      writes: 1,
      pages: 4,
    });
    const run = doc.runs[0];
    // 3 evicts the clean 2 rather than the dirty 1 (both referenced); 0x1004 hits page 1;
    // 4 evicts 3; 2 finds 1 unreferenced and dirty, 4 referenced and clean: 1 goes, written back.
    expect(run).toMatchObject({
      policy: "enhanced-clock",
      frames: 2,
      hits: 1,
      misses: 5,
      writebacks: 1,
    });
    expect(run.accesses.map((a: { victim: number | null }) => a.victim)).toEqual([
      null,
      null,
      2,
      null,
      3,
      1,
    ]);
    expect(run.accesses[0]).toEqual({
      page: 1,
      write: true,
      hit: false,
      victim: null,
      memory: [1],
    });
    expect(run.accesses).toHaveLength(6);
    const small = await runVmlab(["trace", "-", "--page-size", "8k"], text);
    expect(small.stdout).toContain(
      "6 references (1 write) to 3 pages (R/W and an address per line)",
    );
  });

  it("9: --help shows every option's default and the policies", async () => {
    const r = await runVmlab(["trace", "--help"]);
    expect(r.stdout).toContain("(default: fifo)");
    expect(r.stdout).toContain("(default: 3)");
    expect(r.stdout).toContain("(default: 4k)");
    expect(r.stdout).toContain("(default: the number of frames)");
    expect(r.stdout).toMatch(/fifo, lru, mru, opt, random,\s+clock, enhanced-clock, aging/);
  });
});

describe("vmlab trace errors are one line", () => {
  it("10: a bad line names the file and line", async () => {
    const r = await runVmlab(["trace", "-"], "1\n2\nx\n");
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("vmlab: <stdin>:3: 'x' is not a page number (decimal or 0x hex)\n");
  });

  it("11: an empty trace, a missing file", async () => {
    const empty = await runVmlab(["trace", "-"], "# nothing\n");
    expect(empty.stderr).toBe("vmlab: <stdin>: no page references in the trace\n");
    const missing = await runVmlab(["trace", `${here}no-such.txt`]);
    expect(missing.stderr).toBe(`vmlab: ${here}no-such.txt: no such file\n`);
    expect(missing.status).toBe(1);
  });

  it("12: bad options", async () => {
    const policy = await runVmlab(["trace", "-", "-p", "lfu"], "1\n");
    expect(policy.status).not.toBe(0);
    expect(policy.stderr).toMatch(/'lfu' is not a policy \(fifo, lru/);
    const frames = await runVmlab(["trace", "-", "-C", "0"], "1\n");
    expect(frames.stderr).toMatch(/'0' is not a whole number of at least 1/);
    const size = await runVmlab(["trace", "-", "--page-size", "3000"], "1\n");
    expect(size.stderr).toMatch(/'3000' is not a power of two/);
  });
});
