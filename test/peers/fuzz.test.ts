// Differential fuzz: random straight-line RV32IM cases (see fuzzgen.ts) run under qemu-riscv32
// and under vmlab; every register and the data each case touched must come out the same.
// FUZZ_CASES=n runs n cases (default 300), FUZZ_SEED=s picks another sequence of cases.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { describePeers, gnuBuild, peerTempDir, runQemu } from "../helpers/gnu.js";
import { runVmlab } from "../helpers/vmlab.js";
import {
  type FuzzCase,
  firstDifference,
  makeCase,
  makeCases,
  mulberry32,
  renderProgram,
} from "./fuzzgen.js";

const CASES = Number(process.env.FUZZ_CASES ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20250101);
const PER_BATCH = 25;

function batches(cases: readonly FuzzCase[]): FuzzCase[][] {
  const out: FuzzCase[][] = [];
  for (let i = 0; i < cases.length; i += PER_BATCH) out.push(cases.slice(i, i + PER_BATCH));
  return out;
}

/** Writes a batch program to a file and returns its path. */
function writeProgram(batch: readonly FuzzCase[], absoluteAuipc: boolean): string {
  const first = batch[0]!.index;
  const path = join(peerTempDir(), `fuzz-${first}-${absoluteAuipc ? "abs" : "rel"}.s`);
  writeFileSync(path, renderProgram(batch, absoluteAuipc));
  return path;
}

describe("the fuzz case generator", () => {
  it("makes the same cases from the same seed", () => {
    expect(renderProgram(makeCases(7, 3), true)).toBe(renderProgram(makeCases(7, 3), true));
  });

  it("makes different cases from different seeds", () => {
    expect(renderProgram(makeCases(7, 3), true)).not.toBe(renderProgram(makeCases(8, 3), true));
  });

  it("never uses gp in a random instruction", () => {
    const c = makeCase(mulberry32(1), 0, 2000);
    const texts = c.body.flatMap((ins) => ("text" in ins ? [ins.text] : []));
    expect(texts.filter((t) => /\bgp\b/.test(t) && !t.endsWith("(gp)"))).toEqual([]);
  });

  it("reports the first differing case with the registers that differ", () => {
    const batch = makeCases(7, 2);
    const line = (n: number, x5: string) =>
      `case ${n.toString(16).padStart(8, "0")}${` 00000000`.repeat(4)} ${x5}${` 00000000`.repeat(26)} sum 00000000`;
    const want = { stdout: `${line(0, "00000001")}\n${line(1, "00000002")}\n`, status: 0 };
    const same = { ...want, stderr: "" };
    const wrong = {
      stdout: `${line(0, "00000001")}\n${line(1, "0000000f")}\n`,
      status: 0,
      stderr: "",
    };
    expect(firstDifference(batch, want, same, 7)).toBeNull();
    const report = firstDifference(batch, want, wrong, 7) ?? "";
    expect(report).toContain("case 1 (seed 7) differs");
    expect(report).toContain("x5 (t0): qemu 00000002, vmlab 0000000f");
    expect(report).not.toContain("x6 (t1)");
  });

  it("reports a run that stopped early", () => {
    const batch = makeCases(7, 2);
    const want = { stdout: "a\nb\n", status: 0 };
    const got = { stdout: "a\n", status: 132, stderr: "killed" };
    expect(firstDifference(batch, want, got, 7)).toMatch(
      /stopped after 1 of 2 cases with status 132/,
    );
  });
});

describePeers("differential fuzz: random RV32IM cases under qemu-riscv32 and vmlab", () => {
  for (const batch of batches(makeCases(SEED, CASES))) {
    const range = `cases ${batch[0]!.index}..${batch[batch.length - 1]!.index}`;

    it(`${range}: vmlab runs the GNU-built ELF as qemu does`, async () => {
      const elf = gnuBuild(writeProgram(batch, true));
      const qemu = runQemu(elf);
      expect(qemu.status, qemu.stderr).toBe(0);
      expect(qemu.stdout.split("\n")).toHaveLength(batch.length + 1);
      const vmlab = await runVmlab(["run", elf]);
      expect(firstDifference(batch, qemu, vmlab, SEED)).toBeNull();
    });

    it(`${range}: vmlab runs the source, built by its own assembler, as qemu does`, async () => {
      const source = writeProgram(batch, false);
      const qemu = runQemu(gnuBuild(source));
      expect(qemu.status, qemu.stderr).toBe(0);
      expect(qemu.stdout.split("\n")).toHaveLength(batch.length + 1);
      const vmlab = await runVmlab(["run", source]);
      expect(firstDifference(batch, qemu, vmlab, SEED)).toBeNull();
    });
  }
});
