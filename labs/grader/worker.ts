// The grading worker (see isolate.ts): loads the student's work, runs the tests from the index
// it is given, and reports each test's start and result to the main thread.
import { isMainThread, parentPort, workerData } from "node:worker_threads";
import { runTest, selectTests } from "./engine.js";
import { loadExtraTests } from "./extra.js";
import type { WorkerMessage, WorkerRequest } from "./isolate.js";
import { loadStudentWork } from "./load.js";
import { labByName } from "./registry.js";

/** Serves the request in workerData; every outcome is a message, never an exception. */
export async function serve(): Promise<void> {
  const req = workerData as WorkerRequest;
  const post = (m: WorkerMessage) => parentPort?.postMessage(m);
  try {
    const lab = labByName(req.lab);
    if (!lab) throw new Error(`no lab ${req.lab}`);
    const extraTests = req.extraTests ? await loadExtraTests(lab, req.extraTests) : [];
    const tests = selectTests(lab, { extraTests, ...(req.only ? { only: req.only } : {}) });
    const work = await loadStudentWork(lab, req.dir);
    const problems = [...work.problems].map(([file, reason]) => ({ file, reason }));
    post({ kind: "loaded", problems, count: tests.length });
    for (let i = req.from; i < tests.length; i++) {
      const test = tests[i]!;
      post({ kind: "start", index: i, name: test.name, points: test.points });
      post({ kind: "result", index: i, result: runTest(lab, work, test) });
    }
    post({ kind: "done" });
  } catch (e) {
    post({ kind: "fatal", message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
}

// Compiled, this module is the worker's entry and serves at once; from the TypeScript sources,
// the worker's bootstrap imports it and calls serve().
if (!isMainThread && import.meta.url.endsWith(".js")) void serve();
