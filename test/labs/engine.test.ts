// The grading engine's promises that the per-lab tests do not show: a test's verdict does not
// depend on which tests ran before it (each builds its own machine), and the report adds up.
import { join } from "node:path";
import { expect, it } from "vitest";
import { report, runTest } from "../../labs/grader/engine.js";
import { loadStudentWork } from "../../labs/grader/load.js";
import { labs } from "../../labs/grader/registry.js";
import { ROOT } from "./helpers.js";

for (const lab of labs) {
  it(`${lab.name}: each test gives the same verdict run forwards, backwards, or alone`, async () => {
    const work = await loadStudentWork(lab, join(ROOT, "test/labs/broken", lab.name));
    const forwards = lab.tests.map((t) => runTest(lab, work, t));
    const backwards = [...lab.tests]
      .reverse()
      .map((t) => runTest(lab, work, t))
      .reverse();
    expect(backwards).toEqual(forwards);
    const failing = lab.tests.find((_t, i) => !forwards[i]!.passed)!;
    expect(runTest(lab, work, failing)).toEqual(forwards[lab.tests.indexOf(failing)]);
    const r = report(lab, work, forwards);
    expect(r.score).toBe(forwards.reduce((s, t) => s + t.score, 0));
    expect(r.maxScore).toBe(100);
  });
}
