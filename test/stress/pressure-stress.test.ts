// The pressure stress test (issue 11): seeded guest programs that touch, fork (copy-on-write and
// MAP_SHARED), munmap, mprotect, grow and shrink brk and execve, checksumming all they own
// (test/stress/gen.ts), each run under every replacement policy x TLB refill (hardware,
// software) x A/D mode (hardware, trap), at 128-512 KiB of RAM with swap and --check.
//
// The oracle, for every run:
//   - stdout is exactly what the generator's model says a correct kernel prints — the same as
//     the run with 16 MiB and no swap (the reference, also checked) — and the exit status is 0;
//   - isolation: a parent's private pages keep their values while its children overwrite their
//     copy-on-write copies; MAP_SHARED pages show exactly the children's writes; pages mapped
//     fresh (brk, mmap, MAP_FIXED over old data) read zero; a child storing to a read-only page or
//     loading from an unmapped one is killed by SIGSEGV; values survive any amount of swapping;
//   - --check finds no broken invariant after any trap; no internal error (vmlab's exit 70);
//   - no hang: a watchdog fails a run whose traps stop instructions from retiring, and
//     --max-steps bounds the rest;
//   - every frame and swap slot free at boot is free again at exit.
// Out of memory: programs are sized so that RAM + swap always suffices — each is run only with
// RAM of at least `needFrames` user frames (four page tables per live process, every MAP_SHARED
// page, the working set of an instruction and of execve) and swap of at least twice its
// footprint. So an OOM kill here is a failure, not an allowed outcome.
//
// Crowds (every tenth seed) fork more children than 128-256 KiB can hold the page tables of:
// there an OOM kill (status 9 with the kernel's "out of memory" reason) or a refused fork
// (ENOMEM) is allowed, as many as the kernel reports, but a hang, a wrong line or a leak is not.
//
// This file runs a slice (small programs, a few hundred runs); `npm run stress -- --seeds N`
// runs many more (test/stress/run.ts). A failure message is a reproducer: the seed, the
// `vmlab run` flags, and what was wrong; the program is `generate(seed, "small").source`.
import { describe, expect, it } from "vitest";
import { assemble, formatDiagnostic } from "../../asm/assembler.js";
import { isCrowdSeed, runCase, seedCase } from "./cases.js";
import { EXEC_LAYOUT, generate } from "./gen.js";
import { execTargetSource, judge, type RunOutcome } from "./harness.js";
import { helpersAsm } from "./pattern.js";

/** Seeds of the slice: each is one program and 29 runs (the reference and 28 pressured). */
const SLICE_SEEDS = Number(process.env.STRESS_SLICE_SEEDS ?? 4);
const FIRST_SEED = Number(process.env.STRESS_FROM ?? 1);

describe("the stress oracle", () => {
  const g = generate(1, "small");
  const good: RunOutcome = {
    status: 0,
    stdout: g.expectedStdout,
    stderr: "",
    framesFree: 100,
    framesFreeAtBoot: 100,
    swapSlotsUsed: 0,
    instructions: 1,
    majorFaults: 1,
    ms: 1,
  };

  it("passes a run that prints what the model predicts and gives everything back", () => {
    expect(judge(g, good)).toEqual([]);
  });

  it("fails wrong output, a leaked frame or swap slot, a hang, an OOM kill, an internal error", () => {
    const kinds = (o: Partial<RunOutcome>) => judge(g, { ...good, ...o }).map((p) => p.kind);
    expect(kinds({ stdout: `${g.expectedStdout}x` })).toEqual(["output"]);
    expect(kinds({ framesFree: 99 })).toEqual(["leak"]);
    expect(kinds({ swapSlotsUsed: 1 })).toEqual(["leak"]);
    expect(kinds({ error: "hang: 20000 traps in a row", status: 70 })).toEqual(["hang", "status"]);
    expect(kinds({ stderr: "[vmlab] pid 3 killed: out of memory (…) (SIGKILL)\n" })).toEqual([
      "oom kill",
    ]);
    expect(kinds({ error: "vmlab: internal error: x", status: 70 })).toEqual([
      "internal error",
      "status",
    ]);
  });

  it("accepts the deliberate SIGSEGV of a trespassing child, and no other kill", () => {
    const segv =
      "[vmlab] pid 2 killed: load page fault at 0x00000000 (not mapped), pc 0x1 (SIGSEGV)\n";
    expect(judge(g, { ...good, stderr: segv })).toEqual([]);
    const ill = "[vmlab] pid 2 killed: illegal instruction 0x0 at pc 0x1 (SIGILL)\n";
    expect(judge(g, { ...good, stderr: ill }).map((p) => p.kind)).toEqual(["kill"]);
  });

  it("generates the same program for the same seed", () => {
    expect(generate(7, "small").source).toBe(generate(7, "small").source);
    expect(generate(7, "small").source).not.toBe(generate(8, "small").source);
  });

  it("generates programs vmlab's assembler accepts, at both scales", () => {
    for (let seed = 1; seed <= 40; seed++) {
      for (const scale of ["small", "normal"] as const) {
        const r = assemble(generate(seed, scale).source, `stress-${seed}.s`);
        expect(r.ok ? "" : formatDiagnostic(r.errors[0]!), `seed ${seed} ${scale}`).toBe("");
      }
    }
  });

  it("exec-target.s carries the current helpers", () => {
    expect(execTargetSource().endsWith(helpersAsm(EXEC_LAYOUT))).toBe(true);
  });
});

/** A crowd (more processes than RAM holds page tables for; OOM kills allowed, hangs not): every
 * seventh of its configurations, one per TLB refill x A/D mode. */
const CROWD_SEED = 30;
const CROWD_EVERY = 7;

const sliceSeeds = Array.from({ length: SLICE_SEEDS }, (_, i) => FIRST_SEED + i);
for (const seed of [...sliceSeeds.filter((s) => !isCrowdSeed(s)), CROWD_SEED]) {
  describe(`stress seed ${seed}${isCrowdSeed(seed) ? " (a crowd)" : ""}`, () => {
    const { program, configs } = seedCase(seed, "small");
    configs.forEach((c, i) => {
      if (isCrowdSeed(seed) && i % CROWD_EVERY !== 1) return;
      const label =
        i === 0 ? "reference (16 MiB, no swap)" : `${c.policy} ${c.tlbRefill} refill, ${c.ad} A/D`;
      it(label, () => {
        const r = runCase(program, configs, i);
        const report = [
          `seed ${seed}: vmlab run ${r.flags.join(" ")} stress-${seed}.s`,
          "(the program: generate(seed, 'small').source in test/stress/gen.ts)",
          ...r.problems.map((p) => `${p.kind}: ${p.message}`),
        ].join("\n");
        expect(r.problems, report).toEqual([]);
      });
    });
  });
}
