// The guest programs under `vmlab run`, checked against their expected stdout and exit status
// (test/expected/, produced by qemu-riscv32; see test/peers/qemu.test.ts for the live
// comparison). Needs no external tools. VMLAB_SKIP_BENCH=1 leaves out the benchmark programs.
import { existsSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  expectedPath,
  expectedStdout,
  programCases,
  repoRoot,
  sourcePath,
} from "./expected/manifest.js";
import { runVmlab } from "./helpers/vmlab.js";

const skipBench = Boolean(process.env.VMLAB_SKIP_BENCH);
const BENCH_TIMEOUT_MS = 300_000;

/** The .s files of a directory under the repository, as repository-relative paths. */
function programsIn(dir: string): string[] {
  return readdirSync(`${repoRoot}${dir}`)
    .filter((f) => f.endsWith(".s"))
    .map((f) => `${dir}/${f}`);
}

/** The .out files under test/expected, as case names. */
function expectedNames(dir = ""): string[] {
  return readdirSync(`${repoRoot}test/expected/${dir}`, { withFileTypes: true }).flatMap((e) => {
    if (e.isDirectory()) return expectedNames(`${dir}${e.name}/`);
    return e.name.endsWith(".out") ? [`${dir}${e.name.slice(0, -".out".length)}`] : [];
  });
}

describe("the program manifest", () => {
  it("has a case for every program in programs/ and programs/bench/", () => {
    const tested = new Set(programCases.map((c) => c.source));
    const untested = [...programsIn("programs"), ...programsIn("programs/bench")].filter(
      (p) => !tested.has(p),
    );
    expect(untested).toEqual([]);
  });

  it("names only programs that exist, each case once", () => {
    expect(programCases.filter((c) => !existsSync(sourcePath(c))).map((c) => c.source)).toEqual([]);
    const names = programCases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("has an expected-output file for every case, and no stray ones", () => {
    expect(programCases.filter((c) => !existsSync(expectedPath(c))).map((c) => c.name)).toEqual([]);
    const names = new Set(programCases.map((c) => c.name));
    // test/expected/usertests/ belongs to test/kernel/usertests.test.ts and test/expected/c/ to
    // test/c-programs.test.ts, which check their own.
    const ours = expectedNames().filter((n) => !n.startsWith("usertests/") && !n.startsWith("c/"));
    expect(ours.filter((n) => !names.has(n))).toEqual([]);
  });
});

describe("guest programs under vmlab run", () => {
  for (const c of programCases) {
    const title = `${c.name}: prints the expected output and exits with status ${c.status}`;
    const timeout = c.bench ? BENCH_TIMEOUT_MS : 60_000;
    it.skipIf(c.bench === true && skipBench)(title, { timeout }, async () => {
      const r = await runVmlab(["run", sourcePath(c), "--", ...(c.args ?? [])], c.stdin ?? "");
      expect({ stdout: r.stdout, status: r.status }, r.stderr).toEqual({
        stdout: expectedStdout(c),
        status: c.status,
      });
    });
  }
});
