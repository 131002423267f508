// Differential tests of the compiling engine (issue 16): every guest program in the repository,
// and a few programs under every option that changes how memory is translated, scheduled or
// replaced, run under `--engine interpret` and `--engine compile` with `--stats --json`; stdout,
// stderr (kernel messages and every counter) and the exit status must be identical, and so must
// `--record` traces. The interpreter is the reference: a difference is a bug in hw/compile/.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { cProgramCases, elfPath } from "../expected/c/manifest.js";
import { programCases } from "../expected/manifest.js";
import {
  COMPILE_SETTINGS,
  EAGER,
  expectSameRecords,
  expectSameRuns,
  scratchDir,
  statsOf,
} from "./both.js";

/** The benchmarks run ~1e8 instructions; this many still compile and compare every counter. */
const BENCH_STEPS = "1000000";
const POLICIES = ["fifo", "lru", "mru", "random", "clock", "enhanced-clock", "aging"];

describe("programs/*.s and programs/bench/*.s", () => {
  for (const c of programCases) {
    const limit = c.bench ? ["--max-steps", BENCH_STEPS] : [];
    it(`${c.name}${c.bench ? ` (first ${BENCH_STEPS} instructions)` : ""}`, async () => {
      const r = await expectSameRuns(
        [...limit, c.source, "--", ...(c.args ?? [])],
        c.stdin,
        c.bench ? COMPILE_SETTINGS : EAGER,
      );
      if (!c.bench) expect(r.status).toBe(c.status);
    });
  }
});

/** vmlab run options and stdin of the usertests that need them (test/kernel/usertests.test.ts). */
const USERTEST_SETUP: Record<string, { options?: string[]; stdin?: string }> = {
  forkbomb: { options: ["--max-procs", "8"] },
  forkoom: { options: ["--ram", "1m"] },
  sbrkarg: { stdin: "sbrkarg: this line went through two untouched heap pages\n" },
};
const NOT_USERTESTS = new Set(["lib.s", "exec-child.s"]);

describe("programs/usertests", () => {
  const names = readdirSync("programs/usertests").filter(
    (f) => f.endsWith(".s") && !NOT_USERTESTS.has(f),
  );
  it("are all here", () => expect(names.length).toBeGreaterThanOrEqual(20));
  for (const file of names) {
    const setup = USERTEST_SETUP[file.slice(0, -2)] ?? {};
    it(file, async () => {
      const r = await expectSameRuns(
        [...(setup.options ?? []), `programs/usertests/${file}`],
        setup.stdin,
        EAGER,
      );
      expect(r.stdout).not.toMatch(/^FAIL/m);
    });
  }
});

/** programs/pressure and programs/swap, under the memory pressure their tests give them. */
const PRESSURE_RUNS: readonly string[][] = [
  ["--ram", "128k", "--swap", "1m", "programs/pressure/forkpt.s"],
  ["--ram", "256k", "--swap", "8m", "programs/swap/forkswap.s"],
  ["--ram", "192k", "--swap", "1m", "programs/pressure/execcow.s"],
  ["--ram", "260k", "--swap", "1m", "--max-steps", "10000000", "programs/pressure/livelock.s"],
  ["--ram", "512k", "--swap", "8m", "programs/pressure/mmap4m.s"],
  ["--ram", "512k", "programs/pressure/mmap4m.s"],
  ["programs/pressure/brkprot.s"],
  ["--ram", "512k", "--swap", "8m", "programs/swap/bigtouch.s"],
  ["--ram", "512k", "--swap", "1m", "programs/swap/bigtouch.s", "programs/hello.s"],
  ["--ram", "128k", "--swap", "1m", "programs/swap/loop.s"],
];

describe("programs/pressure and programs/swap", () => {
  it("cover every program there", () => {
    const named = new Set(PRESSURE_RUNS.flat().filter((a) => a.endsWith(".s")));
    const all = ["pressure", "swap"].flatMap((d) =>
      readdirSync(`programs/${d}`).map((f) => `programs/${d}/${f}`),
    );
    expect(all.filter((p) => !named.has(p))).toEqual([]);
  });
  for (const args of PRESSURE_RUNS) {
    it(args.join(" "), async () => {
      await expectSameRuns(args, "", EAGER);
    });
  }
});

describe("programs/c/bin/*.elf (each case under its first scheme, fork-cow under all)", () => {
  for (const c of cProgramCases) {
    for (const scheme of c.name === "fork-cow" ? c.schemes : c.schemes.slice(0, 1)) {
      it(`${c.name} --mm ${scheme}`, async () => {
        const args = ["--mm", scheme, ...(c.vmlabOptions ?? []), elfPath(c), "--"];
        const r = await expectSameRuns([...args, ...(c.args ?? [])], c.stdin, EAGER);
        expect(r.status).toBe(c.status);
      });
    }
  }
});

/** A few programs with loops, calls, loads and stores (and one that forks). */
const MATRIX_PROGRAMS = ["programs/sort.s", "programs/ackermann.s", "programs/usertests/cow.s"];
/** For the TLB shapes: programs whose pages outnumber 8 TLB entries (a loop over 12 pages). */
const TLB_ONLY = [
  ["programs/swap/loop.s", "--", "12", "30"],
  ["--max-steps", "300000", "programs/bench/matmul.s"],
];

/** Options to run each matrix program with: each one alone, then a few combinations. */
const OPTION_MATRIX: readonly string[][] = [
  ...["bare", "base-limit", "segmented", "paged"].map((mm) => ["--mm", mm]),
  ["--tlb-refill", "software"],
  ["--ad", "trap"],
  ["--fork-copy"],
  ["--tlb-refill", "software", "--ad", "trap", "--tlb", "4"],
];

/** TLB shapes: every size, associativity and replacement policy asked for, crossed. */
const TLB_MATRIX: readonly string[][] = ["4", "8"].flatMap((entries) =>
  ["1", "2"].flatMap((ways) =>
    ["lru", "fifo", "random"].map((policy) => [
      "--tlb",
      entries,
      "--tlb-ways",
      ways,
      "--tlb-policy",
      policy,
    ]),
  ),
);

describe("option matrices", () => {
  for (const program of MATRIX_PROGRAMS) {
    for (const options of OPTION_MATRIX) {
      // bare memory has one process: the fork test is not for it.
      if (options[1] === "bare" && program.includes("cow")) continue;
      it(`${options.join(" ")} ${program}`, async () => {
        await expectSameRuns([...options, program], "", EAGER);
      });
    }
  }

  for (const program of TLB_ONLY) {
    for (const options of TLB_MATRIX) {
      it(`${options.join(" ")} ${program.join(" ")}`, async () => {
        const r = await expectSameRuns([...options, ...program], "", EAGER);
        expect(statsOf(r).tlbMisses).toBeGreaterThan(100);
      });
    }
  }
});

describe("schedules: two programs at once with a small quantum", () => {
  const pairs = [
    ["programs/spinlock.s", "programs/sort.s"],
    ["programs/fib.s", "programs/usertests/forkfork.s"],
  ];
  for (const quantum of ["7", "100"]) {
    for (const pair of pairs) {
      it(`--quantum ${quantum} ${pair.join(" ")}`, async () => {
        const r = await expectSameRuns(["--quantum", quantum, "--max-steps", "2000000", ...pair]);
        expect(statsOf(r).contextSwitches).toBeGreaterThan(10);
      });
    }
  }
  it("--quantum 7 with a software-refilled 4-entry TLB and trapped A/D updates", async () => {
    await expectSameRuns([
      "--quantum",
      "7",
      "--tlb",
      "4",
      "--tlb-refill",
      "software",
      "--ad",
      "trap",
      "programs/crc32.s",
      "programs/strings.s",
    ]);
  });
});

describe("small RAM with swap, under every replacement policy", () => {
  for (const policy of POLICIES) {
    it(`--ram 128k --swap 1m --policy ${policy} (a loop over 20 pages, and sieve)`, async () => {
      const r = await expectSameRuns([
        ...["--ram", "128k", "--swap", "1m", "--policy", policy, "--quantum", "500"],
        ...["programs/sieve.s", "programs/swap/loop.s", "--", "20", "10"],
      ]);
      expect(statsOf(r).majorFaults).toBeGreaterThan(0);
    });
  }
});

describe("--record traces", () => {
  const dir = scratchDir("record");
  const runs = [
    ["programs/sort.s"],
    ["--quantum", "7", "programs/strings.s", "programs/matmul.s"],
    ["--ram", "128k", "--swap", "1m", "--policy", "lru", "programs/swap/loop.s", "--", "20", "3"],
    ["--tlb", "4", "--tlb-refill", "software", "--ad", "trap", "programs/usertests/forkfork.s"],
  ];
  for (const args of runs) {
    it(args.join(" "), async () => {
      const trace = await expectSameRecords(dir, args);
      expect(trace.length).toBeGreaterThan(1000);
    });
  }
});
