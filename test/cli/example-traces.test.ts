// The example traces `vmlab trace` ships (programs/traces/) show what docs/replacement.md says
// they show, and the policy table's Belady marks hold: the marked policies miss more with one
// more frame on the named trace, the stack algorithms never do on any example.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

const TRACES = "programs/traces";

interface Run {
  policy: string;
  frames: number;
  hits: number;
  misses: number;
}

/** `vmlab trace programs/traces/NAME -p POLICIES -C FRAMES --json`'s runs. */
async function replay(name: string, policies: string, frames: string): Promise<Run[]> {
  const r = await runVmlab(["trace", `${TRACES}/${name}`, "-p", policies, "-C", frames, "--json"]);
  expect(r.status, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { runs: Run[] }).runs;
}

/** "policy/frames" -> hits. */
const hitsOf = (runs: Run[]) =>
  Object.fromEntries(runs.map((r) => [`${r.policy}/${r.frames}`, r.hits]));

describe("each example shows what docs/replacement.md says", () => {
  it("belady.txt: FIFO misses 9 with 3 frames, 10 with 4", async () => {
    const runs = await replay("belady.txt", "fifo", "3,4");
    expect(runs.map((r) => r.misses)).toEqual([9, 10]);
  });
  it("loop.txt: LRU and FIFO hit nothing with 4 frames, MRU and OPT hit 27", async () => {
    expect(hitsOf(await replay("loop.txt", "fifo,lru,mru,opt", "4"))).toEqual({
      "fifo/4": 0,
      "lru/4": 0,
      "mru/4": 27,
      "opt/4": 27,
    });
  });
  it("scan.txt: recency and load order hit nothing with 4 frames, OPT 27; LRU catches up at 8", async () => {
    const hits = hitsOf(await replay("scan.txt", "fifo,lru,clock,aging,opt", "4,8"));
    for (const p of ["fifo", "lru", "clock", "aging"]) expect(hits[`${p}/4`]).toBe(0);
    expect(hits["opt/4"]).toBe(27);
    expect(hits["lru/8"]).toBe(hits["opt/8"]);
  });
  it("shift.txt: with 4 frames only the shifts miss (12), with 3 LRU misses 27", async () => {
    const runs = await replay("shift.txt", "lru", "3,4");
    expect(runs.map((r) => r.misses)).toEqual([27, 12]);
  });
  it("locality.txt: aging, LRU and Clock beat FIFO and random; MRU is the worst; OPT the best", async () => {
    const hits = hitsOf(await replay("locality.txt", "all", "4"));
    expect(hits).toMatchObject({
      "aging/4": 145,
      "lru/4": 137,
      "opt/4": 192,
      "fifo/4": 123,
      "mru/4": 60,
    });
    for (const p of ["aging", "lru", "clock"]) {
      expect(hits[`${p}/4`]).toBeGreaterThan(hits["fifo/4"]!);
      expect(hits[`${p}/4`]).toBeGreaterThanOrEqual(hits["random/4"]!);
    }
    expect(Math.min(...Object.values(hits))).toBe(hits["mru/4"]);
    expect(Math.max(...Object.values(hits))).toBe(hits["opt/4"]);
  });
});

describe("the Belady column of docs/replacement.md's policy table", () => {
  const whole = readFileSync("docs/replacement.md", "utf8");
  const doc = whole.slice(
    whole.indexOf("### The policies"),
    whole.indexOf("n is the number of resident"),
  );
  /** policy -> its Belady cell. */
  const marks = new Map(
    [...doc.matchAll(/^\| `([a-z-]+)` +\|.*\| ([^|]+?) +\|$/gm)].map((m) => [m[1]!, m[2]!]),
  );

  it("marks all eight policies", () => {
    expect([...marks.keys()]).toEqual([
      "fifo",
      "lru",
      "mru",
      "opt",
      "random",
      "clock",
      "enhanced-clock",
      "aging",
    ]);
  });
  for (const [policy, cell] of [
    ["fifo", "**yes** (`belady.txt -C 3,4`)"],
    ["random", "**yes** (`locality.txt -C 7,8`)"],
    ["clock", "**yes** (`belady.txt -C 3,4`)"],
    ["enhanced-clock", "**yes** (`belady.txt -C 3,4`)"],
    ["aging", "**yes** (`scan.txt -C 8,9`)"],
  ] as const) {
    it(`${policy}: ${cell}`, async () => {
      expect(marks.get(policy)).toBe(cell);
      const [, trace, frames] = /`(\S+) -C (\S+)`/.exec(cell)!;
      const runs = await replay(trace!, policy, frames!);
      expect(runs[1]!.misses).toBeGreaterThan(runs[0]!.misses);
    });
  }
  it("the stack algorithms never miss more with more frames on any example trace", async () => {
    const stack = [...marks].filter(([, cell]) => cell.startsWith("never")).map(([p]) => p);
    expect(stack).toEqual(["lru", "mru", "opt"]);
    for (const name of readdirSync(TRACES).filter((f) => f.endsWith(".txt"))) {
      const runs = await replay(name, stack.join(","), "1-10");
      for (const p of stack) {
        const misses = runs.filter((r) => r.policy === p).map((r) => r.misses);
        expect(misses, `${p} on ${name}`).toEqual([...misses].sort((a, b) => b - a));
      }
    }
  });
});

describe("vmlab trace --help", () => {
  it("lists every example trace in programs/traces/", async () => {
    const r = await runVmlab(["trace", "--help"]);
    const shipped = readdirSync(TRACES).filter((f) => f.endsWith(".txt"));
    expect(shipped.length).toBeGreaterThanOrEqual(5);
    for (const name of shipped) expect(r.stdout).toMatch(new RegExp(`^ {2}${name} +\\S`, "m"));
  });
});
