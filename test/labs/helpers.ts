// Grading a lab folder in-process, for the labs' tests: the reference solution, the untouched
// starter and the deliberately broken implementations kept in test/labs/broken/.
import { join } from "node:path";
import { expect } from "vitest";
import { type GradeReport, gradeLab } from "../../labs/grader/engine.js";
import { labByName } from "../../labs/grader/registry.js";
import type { LabDefinition } from "../../labs/grader/types.js";

export const ROOT = join(import.meta.dirname, "..", "..");

/** The lab called `name` (the test fails if there is none). */
export function lab(name: string): LabDefinition {
  const l = labByName(name);
  expect(l, `lab ${name}`).toBeDefined();
  return l!;
}

/** Grades `dir` (relative to the repository root) for lab `name`. */
export function grade(name: string, dir: string): Promise<GradeReport> {
  return gradeLab(lab(name), join(ROOT, dir));
}

/** The names of the failed tests, in order. */
export function failed(r: GradeReport): string[] {
  return r.tests.filter((t) => !t.passed).map((t) => t.name);
}

/**
 * The three checks every lab must pass: the reference solution scores full marks,
 * the untouched starter scores 0 with every test failing for a stated reason, and the broken
 * implementation loses exactly the points of `brokenFails`, the tests its bugs touch.
 */
export async function checkLab(name: string, brokenFails: readonly string[]): Promise<void> {
  const l = lab(name);
  const names = l.tests.map((t) => t.name);
  for (const f of brokenFails) expect(names, "a test the broken implementation fails").toContain(f);

  const solution = await grade(name, `labs/${name}/solution`);
  expect(failed(solution), "the reference solution fails no test").toEqual([]);
  expect(solution.score).toBe(solution.maxScore);
  expect(solution.maxScore).toBe(100);

  const starter = await grade(name, `labs/${name}/starter`);
  expect(starter.score, "the starter scores 0").toBe(0);
  expect(starter.problems, "every starter file loads").toEqual([]);
  for (const t of starter.tests) {
    expect(t.passed).toBe(false);
    expect(t.reason, `${t.name}: a reason`).not.toBe("");
    expect(t.reason, `${t.name}: no grader crash`).not.toMatch(
      /internal error|the reference run failed/,
    );
  }

  const broken = await grade(name, `test/labs/broken/${name}`);
  expect(
    failed(broken),
    "the broken implementation fails exactly the tests its bugs touch",
  ).toEqual(names.filter((n) => brokenFails.includes(n)));
  const lost = l.tests
    .filter((t) => brokenFails.includes(t.name))
    .reduce((s, t) => s + t.points, 0);
  expect(broken.score).toBe(broken.maxScore - lost);
}
