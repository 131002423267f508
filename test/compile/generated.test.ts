// Generated programs under both engines (issue 16): the random straight-line RV32IM cases of the
// qemu fuzz test (test/peers/fuzzgen.ts) and the pressure stress programs (test/stress/gen.ts:
// fork, copy-on-write, MAP_SHARED, munmap, mprotect, brk, execve, swapping), each run under
// `--engine interpret` and `--engine compile`; stdout, stderr with the `--stats --json` counters,
// and the exit status must be identical. The generators' own oracles are checked too where they
// are cheap (the stress model's expected output). DIFF_SEEDS=n runs more seeds of each.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeCases, renderProgram } from "../peers/fuzzgen.js";
import { seedCase } from "../stress/cases.js";
import { flagsOf, type RunConfig } from "../stress/harness.js";
import { expectSameRuns, scratchDir } from "./both.js";

const SEEDS = Number(process.env.DIFF_SEEDS ?? 6);
const FUZZ_SEED = 20260416;
/** Cases per fuzz program, their length in random instructions, and the passes over them. */
const FUZZ_CASES = 6;
const FUZZ_LENGTH = 60;
const FUZZ_PASSES = 60;
/** Pressured configurations of each stress seed run here (of the 28 the stress test runs). */
const STRESS_CONFIGS = 5;
/** Options the fuzz programs take turns with: tiny quanta preempt inside straight-line blocks. */
const FUZZ_OPTIONS: readonly string[][] = [
  [],
  ["--quantum", "7"],
  ["--quantum", "13", "--tlb", "4", "--tlb-refill", "software", "--ad", "trap"],
  ["--mm", "bare", "--quantum", "11"],
];

const dir = scratchDir("generated");

/**
 * A fuzz program that runs its cases `passes` times (each pass starts from the data the last one
 * left): at its default setting the compiling engine compiles only code that has run a while,
 * and straight-line code run once never has (expectSameRuns also compiles at once).
 */
function repeated(program: string, passes: number): string {
  const exit = "        li      a0, 0\n        li      a7, 93\n        ecall\n";
  if (!program.includes("_start:\n") || !program.includes(exit))
    throw new Error("fuzzgen's program no longer has the _start and exit this test expects");
  const again = [
    "        la      t0, fuzz_passes",
    "        lw      t1, 0(t0)",
    "        addi    t1, t1, -1",
    "        sw      t1, 0(t0)",
    "        beqz    t1, fuzz_done",
    "        j       fuzz_again",
    "fuzz_done:",
  ].join("\n");
  return `${program
    .replace("_start:\n", "_start:\nfuzz_again:\n")
    .replace(exit, `${again}\n${exit}`)}        .data\nfuzz_passes: .word ${passes}\n`;
}

function writeProgram(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("random RV32IM cases (test/peers/fuzzgen.ts)", () => {
  for (let i = 0; i < SEEDS; i++) {
    const seed = FUZZ_SEED + i;
    const options = FUZZ_OPTIONS[i % FUZZ_OPTIONS.length]!;
    it(`seed ${seed}: ${FUZZ_CASES} cases of ${FUZZ_LENGTH} instructions, ${FUZZ_PASSES} times ${options.join(" ")}`, async () => {
      const source = renderProgram(makeCases(seed, FUZZ_CASES, FUZZ_LENGTH), true);
      const path = writeProgram(`fuzz-${seed}.s`, repeated(source, FUZZ_PASSES));
      const r = await expectSameRuns([...options, path]);
      expect(r.status, r.stderr).toBe(0);
      const lines = r.stdout.split("\n").filter((l) => l.startsWith("case "));
      expect(lines).toHaveLength(FUZZ_CASES * FUZZ_PASSES);
    });
  }
});

/** `vmlab run` flags for a stress configuration, without --check (it does not touch the CPU). */
function flagsWithoutCheck(c: RunConfig): string[] {
  return flagsOf(c).filter((f) => f !== "--check");
}

describe("pressure stress programs (test/stress/gen.ts)", () => {
  for (let seed = 1; seed <= SEEDS; seed++) {
    const { program, configs } = seedCase(seed, "small");
    // The reference (16 MiB) and a few pressured runs, spread over the list.
    const step = Math.floor((configs.length - 1) / STRESS_CONFIGS);
    const picked = [0, ...Array.from({ length: STRESS_CONFIGS }, (_, k) => 1 + k * step)];
    for (const i of picked) {
      const flags = flagsWithoutCheck(configs[i]!);
      it(`seed ${seed}${program.crowd ? " (a crowd)" : ""}: ${flags.join(" ")}`, async () => {
        const path = writeProgram(program.name, program.source);
        const r = await expectSameRuns([...flags, path]);
        if (i === 0 && !program.crowd) expect(r.stdout).toBe(program.expectedStdout);
      });
    }
  }
});
