// `vmlab lab list | start | grade` as a user meets them: the listing, starting a folder and
// grading it (status 0 whenever the grading ran; 1 only for bad input), the Gradescope JSON,
// --only and --extra-tests, and bad input — an unknown lab, a
// missing folder, a student file that does not compile or throws while loading, a handler that
// never fixes its fault, an endless loop — each a clear message or a failed test, never a crash.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LAB_NAMES } from "../../labs/grader/catalog.js";
import { labs } from "../../labs/grader/registry.js";
import { runVmlab } from "../helpers/vmlab.js";
import { ROOT } from "./helpers.js";

const scratch = mkdtempSync(join(tmpdir(), "vmlab-lab-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A fresh folder under the scratch folder. */
let folders = 0;
function folder(name: string): string {
  return join(scratch, `${++folders}-${name}`);
}

interface Results {
  score: number;
  output: string;
  tests: {
    name: string;
    score: number;
    max_score: number;
    status: string;
    output: string;
    visibility?: string;
  }[];
}

describe("vmlab lab list", () => {
  it("lists the five labs with 100 points each", async () => {
    expect(labs.map((l) => l.name)).toEqual([...LAB_NAMES]);
    const r = await runVmlab(["lab", "list"]);
    expect(r.status).toBe(0);
    for (const name of ["contiguous", "pagetable", "faults", "tlb", "replacement"])
      expect(r.stdout).toMatch(new RegExp(`^  ${name} +\\d+ tests, 100 points`, "m"));
  });
});

describe("vmlab lab start", () => {
  it("copies the starter, the kit link, package.json and tsconfig.json; grading it gives 0", async () => {
    const dir = folder("pagetable");
    const r = await runVmlab(["lab", "start", "pagetable", dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("pagetable.ts");
    expect(r.stdout).toContain("labs/pagetable/README.md");
    expect(r.stdout).toContain(`vmlab lab grade pagetable`);
    for (const f of ["pagetable.ts", "vmlab.ts", "package.json", "tsconfig.json"])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, "pagetable.ts"), "utf8")).toBe(
      readFileSync(join(ROOT, "labs/pagetable/starter/pagetable.ts"), "utf8"),
    );
    const g = await runVmlab(["lab", "grade", "pagetable", dir]);
    expect(g.status).toBe(0);
    expect(g.stdout).toContain("Score: 0/100 (0 of 15 tests passed)");
    expect(g.stdout).toContain(
      "your code threw Error: walk: not implemented yet (at pagetable.ts:",
    );
  });

  it("copies the support files a lab's programs include", async () => {
    const dir = folder("tlb");
    expect((await runVmlab(["lab", "start", "tlb", dir])).status).toBe(0);
    for (const f of ["refill.ts", "reach.s", "runtime.s", "lab.s"])
      expect(existsSync(join(dir, f)), f).toBe(true);
    const run = await runVmlab(["run", join(dir, "reach.s")]);
    expect(run.stdout).toContain("not written yet");
  });

  it("never overwrites a student's files", async () => {
    const dir = folder("faults");
    expect((await runVmlab(["lab", "start", "faults", dir])).status).toBe(0);
    writeFileSync(join(dir, "faults.ts"), "// my work\n");
    const r = await runVmlab(["lab", "start", "faults", dir]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/already holds faults\.ts.*not overwriting your work/);
    expect(readFileSync(join(dir, "faults.ts"), "utf8")).toBe("// my work\n");
  });

  it("refuses an unknown lab and a file in place of a folder", async () => {
    const r = await runVmlab(["lab", "start", "nosuch", folder("x")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(
      "vmlab: unknown lab 'nosuch' (labs: contiguous, pagetable, faults, tlb, replacement)\n",
    );
    const file = join(scratch, "a-file");
    writeFileSync(file, "");
    const f = await runVmlab(["lab", "start", "tlb", file]);
    expect(f.status).toBe(1);
    expect(f.stderr).toContain("is a file, not a folder");
  });
});

describe("vmlab lab grade", () => {
  it("prints each test with pass/fail, the reason and the points, and the score", async () => {
    const r = await runVmlab(["lab", "grade", "faults", join(ROOT, "test/labs/broken/faults")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ {2}PASS {2}10\/10 {2}lazy: programs are loaded/m);
    expect(r.stdout).toMatch(/^ {2}FAIL +0\/6 {2}copy-on-write: the last sharer/m);
    expect(r.stdout).toContain("ctx.counters.cowCopies is 5, expected 2");
    expect(r.stdout).toContain("Score: 88/100 (9 of 11 tests passed)");
  });

  it("exits 0 whenever the grading ran, full marks or not", async () => {
    const r = await runVmlab(["lab", "grade", "pagetable", join(ROOT, "labs/pagetable/solution")]);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toContain("Score: 100/100");
  });

  it("--json writes Gradescope's results.json, to a file or to stdout", async () => {
    const file = join(scratch, "results.json");
    const dir = join(ROOT, "test/labs/broken/pagetable");
    const r = await runVmlab(["lab", "grade", "pagetable", dir, "--json", file]);
    expect(r.stdout).toContain("Score: 84/100");
    const results = JSON.parse(readFileSync(file, "utf8")) as Results;
    expect(results.score).toBe(84);
    expect(results.tests).toHaveLength(15);
    expect(results.tests[0]).toEqual({
      name: "walk: finds the PTE of a mapped page",
      score: 8,
      max_score: 8,
      status: "passed",
      output: "passed",
    });
    const vmprint = results.tests.find((t) => t.name.startsWith("vmprint"))!;
    expect(vmprint).toMatchObject({ score: 0, max_score: 8, status: "failed" });
    expect(vmprint.output).toContain("expected");
    const out = await runVmlab(["lab", "grade", "pagetable", dir, "--json"]);
    expect(JSON.parse(out.stdout)).toEqual(results);
  });

  it("grades the same way every time", async () => {
    const dir = join(ROOT, "test/labs/broken/contiguous");
    const a = await runVmlab(["lab", "grade", "contiguous", dir, "--json"]);
    const b = await runVmlab(["lab", "grade", "contiguous", dir, "--json", "--in-process"]);
    expect(b.stdout).toBe(a.stdout);
  });

  it("--only runs the tests whose names match; no match is an error", async () => {
    const dir = join(ROOT, "labs/pagetable/solution");
    const r = await runVmlab(["lab", "grade", "pagetable", dir, "--only", "walk:,vmprint"]);
    expect(r.stdout).toContain("Score: 42/42 (6 of 6 tests passed)");
    const none = await runVmlab(["lab", "grade", "pagetable", dir, "--only", "nothing-like-it"]);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain("--only nothing-like-it: no test of lab pagetable matches");
  });

  it("--extra-tests adds a folder's program tests and test modules", async () => {
    const dir = join(ROOT, "labs/pagetable/solution");
    const extra = join(ROOT, "test/labs/fixtures/extra-tests");
    const r = await runVmlab(["lab", "grade", "pagetable", dir, "--extra-tests", extra, "--json"]);
    const results = JSON.parse(r.stdout) as Results;
    expect(results.score).toBe(108);
    expect(results.tests.at(-2)).toMatchObject({
      name: "hidden: a program with three arguments",
      score: 5,
      visibility: "after_due_date",
    });
    expect(results.tests.at(-1)).toMatchObject({
      name: "hidden: vmprint of an empty table is its header line",
      score: 3,
    });
    const starter = join(ROOT, "labs/pagetable/starter");
    const s = await runVmlab(["lab", "grade", "pagetable", starter, "--extra-tests", extra]);
    expect(s.stdout).toContain("Score: 0/108");
  });

  it("a malformed extra-tests folder is a clear error", async () => {
    const bad = folder("bad-extra");
    cpSync(join(ROOT, "test/labs/fixtures/extra-tests"), bad, { recursive: true });
    writeFileSync(
      join(bad, "tests.json"),
      '{ "tests": [ { "name": "x", "program": "missing.s" } ] }',
    );
    const r = await runVmlab([
      "lab",
      "grade",
      "pagetable",
      join(ROOT, "labs/pagetable/solution"),
      "--extra-tests",
      bad,
    ]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^vmlab: .*tests\.json: test 1: .*missing\.s does not exist\n$/);
    const none = await runVmlab([
      "lab",
      "grade",
      "pagetable",
      ".",
      "--extra-tests",
      join(scratch, "nope"),
    ]);
    expect(none.stderr).toContain("no such folder");
  });

  it("refuses an unknown lab and a missing folder", async () => {
    const r = await runVmlab(["lab", "grade", "paging", "."]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("vmlab: unknown lab 'paging'");
    const missing = join(scratch, "never-started");
    const m = await runVmlab(["lab", "grade", "tlb", missing]);
    expect(m.status).toBe(1);
    expect(m.stderr).toBe(
      `vmlab: ${missing}: no such folder (start the lab with: vmlab lab start tlb ${missing})\n`,
    );
  });

  it("a student file with a syntax error fails the tests that need it, with the place", async () => {
    const dir = folder("contiguous");
    await runVmlab(["lab", "start", "contiguous", dir]);
    cpSync(join(ROOT, "test/labs/broken/contiguous/fit.ts"), join(dir, "fit.ts"));
    writeFileSync(
      join(dir, "allocator.ts"),
      "export class Allocator {\n  alloc(size: number {\n}\n",
    );
    const r = await runVmlab(["lab", "grade", "contiguous", dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      '! allocator.ts does not load: syntax error at allocator.ts:2:22: Expected ")" but found "{"',
    );
    expect(r.stdout).toMatch(/PASS +6\/6 +first fit/);
    expect(r.stdout).toMatch(/FAIL +0\/12 +free: coalesces[^\n]*\n +allocator\.ts does not load/);
  });

  it("a module that throws while loading, or lacks an export, fails only what needs it", async () => {
    const dir = folder("replacement");
    await runVmlab(["lab", "start", "replacement", dir]);
    writeFileSync(join(dir, "aging.ts"), 'throw new Error("half done");\n');
    writeFileSync(join(dir, "clock.ts"), "export class Clock {}\n");
    const r = await runVmlab(["lab", "grade", "replacement", dir]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("aging.ts does not load: half done");
    expect(r.stdout).toContain("clock.ts does not export a class named ClockPolicy");
    expect(r.stdout).toContain("Score: 0/100");
  });

  it("a fault handler that never fixes its fault fails its tests by a counted limit", async () => {
    const dir = folder("faults");
    await runVmlab(["lab", "start", "faults", dir]);
    const src = readFileSync(join(ROOT, "test/labs/broken/faults/faults.ts"), "utf8");
    const pretend = src.replace(
      "if ((pte & PTE_V) === 0) return lazyAllocate(",
      'if ((pte & PTE_V) === 0 && access === Access.Fetch) return fixed("pretended");\n  if ((pte & PTE_V) === 0) return lazyAllocate(',
    );
    expect(pretend).not.toBe(src);
    writeFileSync(join(dir, "faults.ts"), pretend);
    const r = await runVmlab(["lab", "grade", "faults", dir, "--only", "lazy: programs"]);
    expect(r.stdout).toContain("stopped by the grader's limit: the fetch fault at 0x");
    expect(r.stdout).toContain("came back 32 times without the instruction completing");
  });

  it("an endless loop in student code fails that test only, after --timeout seconds", async () => {
    const dir = folder("pagetable");
    cpSync(join(ROOT, "test/labs/broken/pagetable/pagetable.ts"), join(dir, "pagetable.ts"));
    const src = readFileSync(join(dir, "pagetable.ts"), "utf8").replace(
      "export function vmprint(ram: Ram, root: number): string {",
      'export function vmprint(ram: Ram, root: number): string {\n  for (;;) console.log("still here");',
    );
    writeFileSync(join(dir, "pagetable.ts"), src);
    const r = await runVmlab([
      "lab",
      "grade",
      "pagetable",
      dir,
      "--timeout",
      "1",
      "--only",
      "unmapPage:,vmprint",
    ]);
    expect(r.stdout).toMatch(/PASS +4\/4 +unmapPage:/);
    expect(r.stdout).toMatch(/FAIL +0\/8 +vmprint[^\n]*\n +did not finish in 1 s of real time/);
  });
});
