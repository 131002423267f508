// The grading engine: loads a student's folder, runs each test of a lab on its own fresh machine,
// and reports per test pass/fail, the reason and the points. A test that throws fails alone; the
// others run on. Results depend only on the student's files and the lab, never on time, on the
// order tests run in, or on how output interleaves.
import { join } from "node:path";
import { loadStudentWork, type StudentWork, shortPaths } from "./load.js";
import { labDir } from "./paths.js";
import {
  GraderLimit,
  type LabDefinition,
  type LabTest,
  type TestContext,
  TestFailure,
  type Visibility,
} from "./types.js";

/** The outcome of one test. */
export interface TestResult {
  readonly name: string;
  readonly score: number;
  readonly maxScore: number;
  readonly passed: boolean;
  /** Why it failed; empty when it passed. */
  readonly reason: string;
  /** Lines the test logged (measurements, hints). */
  readonly output: readonly string[];
  readonly visibility: Visibility;
}

/** A whole grading. */
export interface GradeReport {
  readonly lab: string;
  readonly dir: string;
  readonly score: number;
  readonly maxScore: number;
  readonly tests: readonly TestResult[];
  /** Student files that could not be used, and why. */
  readonly problems: readonly { readonly file: string; readonly reason: string }[];
}

export interface GradeOptions {
  /** Run only the tests whose names contain one of these (case-insensitive). */
  readonly only?: readonly string[];
  /** More tests, e.g. hidden ones from --extra-tests. */
  readonly extraTests?: readonly LabTest[];
}

/** The tests a grading runs: the lab's and the extra ones, filtered by `only`. */
export function selectTests(lab: LabDefinition, opts: GradeOptions): LabTest[] {
  const all = [...lab.tests, ...(opts.extraTests ?? [])];
  const only = opts.only?.map((s) => s.toLowerCase());
  if (!only || only.length === 0) return all;
  return all.filter((t) => only.some((o) => t.name.toLowerCase().includes(o)));
}

/** Grades the student's folder `dir` (which must exist) for `lab`. Never throws for student code. */
export async function gradeLab(
  lab: LabDefinition,
  dir: string,
  opts: GradeOptions = {},
): Promise<GradeReport> {
  const work = await loadStudentWork(lab, dir);
  const tests = selectTests(lab, opts);
  return report(
    lab,
    work,
    tests.map((t) => runTest(lab, work, t)),
  );
}

/** A report of `results` (in test order). */
export function report(
  lab: LabDefinition,
  work: StudentWork,
  results: readonly TestResult[],
): GradeReport {
  return {
    lab: lab.name,
    dir: work.dir,
    score: results.reduce((s, r) => s + r.score, 0),
    maxScore: results.reduce((s, r) => s + r.maxScore, 0),
    tests: results,
    problems: [...work.problems].map(([file, reason]) => ({ file, reason })),
  };
}

/** Runs one test against the loaded work; any exception fails this test only. */
export function runTest(lab: LabDefinition, work: StudentWork, test: LabTest): TestResult {
  const output: string[] = [];
  const base = { name: test.name, maxScore: test.points, visibility: test.visibility ?? "visible" };
  try {
    for (const f of test.uses) {
      const problem = work.problems.get(f);
      if (problem) throw new TestFailure(problem);
    }
    test.run(contextFor(lab, work, output));
    return { ...base, score: test.points, passed: true, reason: "", output };
  } catch (e) {
    return { ...base, score: 0, passed: false, reason: describeFailure(e, work), output };
  }
}

function contextFor(lab: LabDefinition, work: StudentWork, output: string[]): TestContext {
  const module = (file: string) => {
    const m = work.modules.get(file);
    if (m) return m;
    throw new TestFailure(work.problems.get(file) ?? `${file} was not loaded`);
  };
  const exported = (file: string, name: string, kind: "function" | "object") => {
    const v = module(file)[name];
    const ok = kind === "function" ? typeof v === "function" : typeof v === "object" && v !== null;
    if (!ok)
      throw new TestFailure(
        `${file} does not export ${kind === "function" ? "a function" : "an object"} named ${name}`,
      );
    return v;
  };
  return {
    module,
    fn: <F>(file: string, name: string) => exported(file, name, "function") as F,
    object: <T>(file: string, name: string) => exported(file, name, "object") as T,
    path(file) {
      const p = work.programs.get(file);
      if (p) return p;
      throw new TestFailure(work.problems.get(file) ?? `${file} is not a program of this lab`);
    },
    asset: (name) => join(labDir(lab.name, "tests"), name),
    log: (line) => output.push(line),
  };
}

/** Why a test failed, in words for the student. */
export function describeFailure(e: unknown, work: StudentWork): string {
  if (e instanceof TestFailure) return e.message;
  if (e instanceof GraderLimit) return `stopped by the grader's limit: ${e.message}`;
  const text = e instanceof Error ? `${e.name}: ${e.message}` : `a non-Error value: ${String(e)}`;
  const where = e instanceof Error ? studentFrame(e, work) : undefined;
  if (where?.top) return `your code threw ${text} (at ${where.at})`;
  if (where) return `the kernel stopped with ${text} (called from your code at ${where.at})`;
  return `the run stopped with ${text}`;
}

/** The first stack frame in the student's files, as file:line:col relative to their folder. */
function studentFrame(e: Error, work: StudentWork): { at: string; top: boolean } | undefined {
  if (!e.stack) return undefined;
  const frames = e.stack.split("\n").filter((l) => /^\s+at /.test(l));
  const i = frames.findIndex((l) => isStudentFrame(l, work));
  if (i < 0) return undefined;
  const m = /([^\s(]+):(\d+):(\d+)\)?\s*$/.exec(frames[i]!);
  const loc = m ? `${shortPaths(m[1]!, work.dir)}:${m[2]}:${m[3]}` : "?";
  return { at: loc, top: i === 0 };
}

/** True if a stack line is in one of the student's modules (not the kit link). */
function isStudentFrame(line: string, work: StudentWork): boolean {
  const short = shortPaths(line, work.dir);
  return short !== line && [...work.modules.keys()].some((f) => short.includes(`${f}:`));
}

/** The report as the text `vmlab lab grade` prints. */
export function formatReport(r: GradeReport, title: string): string {
  const lines = [`${title} — grading ${r.dir}`, ""];
  for (const p of r.problems) lines.push(`  ! ${p.reason.split("\n").join("\n    ")}`);
  if (r.problems.length > 0) lines.push("");
  const width = Math.max(...r.tests.map((t) => `${t.maxScore}`.length), 1);
  for (const t of r.tests) {
    const pts = `${t.score}/${t.maxScore}`.padStart(2 * width + 1);
    lines.push(`  ${t.passed ? "PASS" : "FAIL"}  ${pts}  ${t.name}`);
    const indent = " ".repeat(2 * width + 11);
    if (!t.passed) for (const l of t.reason.split("\n")) lines.push(`${indent}${l}`);
    for (const l of t.output) lines.push(`${indent}${l}`);
  }
  const passed = r.tests.filter((t) => t.passed).length;
  lines.push("", `Score: ${r.score}/${r.maxScore} (${passed} of ${r.tests.length} tests passed)`);
  return `${lines.join("\n")}\n`;
}

/** Gradescope's autograder results.json (the fields vmlab fills). */
export interface GradescopeResults {
  readonly score: number;
  readonly output: string;
  readonly tests: readonly {
    readonly name: string;
    readonly score: number;
    readonly max_score: number;
    readonly status: "passed" | "failed";
    readonly output: string;
    readonly visibility?: Visibility;
  }[];
}

/** Gradescope's autograder results.json for the report. */
export function gradescopeResults(r: GradeReport): GradescopeResults {
  return {
    score: r.score,
    output: r.problems.map((p) => p.reason).join("\n"),
    tests: r.tests.map((t) => ({
      name: t.name,
      score: t.score,
      max_score: t.maxScore,
      status: t.passed ? ("passed" as const) : ("failed" as const),
      output: [t.passed ? "passed" : t.reason, ...t.output].join("\n"),
      ...(t.visibility === "visible" ? {} : { visibility: t.visibility }),
    })),
  };
}
