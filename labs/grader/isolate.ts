// Grading in a worker thread, for the one failure the grader cannot stop by counting: an endless
// loop in the student's own TypeScript (a `while` in walk that never ends). Every other limit is
// counted in instructions or calls; this one is timed, and only fails the test that ran into it.
//
// The worker loads the student's work and runs the tests one by one, telling the main thread
// when each starts and how it ended. If a test runs longer than the timeout, the worker is
// terminated, that test fails, and a new worker goes on with the next test. The student code's
// own console output goes to `onOutput` (stderr), never into the report.
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { GradeOptions, GradeReport, TestResult } from "./engine.js";
// Imported for its file: so that the compiler builds the worker's entry next to this module.
import "./worker.js";

/** What the worker needs: the lab, the folder, and which tests. */
export interface WorkerRequest {
  readonly lab: string;
  readonly dir: string;
  readonly only?: readonly string[];
  readonly extraTests?: string;
  /** Index of the first test to run (after a stuck one). */
  readonly from: number;
}

/** What the worker says, in order: loaded, then start/result per test, then done. */
export type WorkerMessage =
  | { readonly kind: "loaded"; readonly problems: GradeReport["problems"]; readonly count: number }
  | {
      readonly kind: "start";
      readonly index: number;
      readonly name: string;
      readonly points: number;
    }
  | { readonly kind: "result"; readonly index: number; readonly result: TestResult }
  | { readonly kind: "done" }
  | { readonly kind: "fatal"; readonly message: string };

export interface IsolatedOptions extends Omit<GradeOptions, "extraTests"> {
  /** A folder of extra tests (loaded in the worker). */
  readonly extraTests?: string;
  /** Real seconds a test may run before it is failed as stuck. */
  readonly timeoutSeconds: number;
  /** Where the student code's console output goes. */
  readonly onOutput: (text: string) => void;
}

/** Grades `dir` for lab `lab` in worker threads; resolves with the report. */
export async function gradeIsolated(
  lab: string,
  dir: string,
  opts: IsolatedOptions,
): Promise<GradeReport> {
  const results: TestResult[] = [];
  let problems: GradeReport["problems"] = [];
  let count = Number.POSITIVE_INFINITY;
  for (let from = 0; from < count; ) {
    const request: WorkerRequest = {
      lab,
      dir,
      from,
      ...(opts.only ? { only: opts.only } : {}),
      ...(opts.extraTests ? { extraTests: opts.extraTests } : {}),
    };
    const round = await runWorker(request, opts);
    if (round.fatal) throw new Error(round.fatal);
    problems = round.problems ?? problems;
    count = round.count ?? count;
    results.push(...round.results);
    from += round.results.length;
    if (round.stuck) {
      const { name, points, reason } = round.stuck;
      results.push({
        name,
        score: 0,
        maxScore: points,
        passed: false,
        reason,
        output: [],
        visibility: "visible",
      });
      from++;
    } else if (round.results.length === 0 && count === Number.POSITIVE_INFINITY) {
      throw new Error("the grading worker ended without a word");
    }
  }
  return {
    lab,
    dir,
    score: results.reduce((s, r) => s + r.score, 0),
    maxScore: results.reduce((s, r) => s + r.maxScore, 0),
    tests: results,
    problems,
  };
}

interface Round {
  results: TestResult[];
  problems?: GradeReport["problems"];
  count?: number;
  /** The test that never finished, and why. */
  stuck?: { name: string; points: number; reason: string };
  fatal?: string;
}

/** Bytes of the student code's own console output passed on per worker; the rest is dropped. */
const MAX_OUTPUT = 64 * 1024;

/** One worker's run: from `request.from` until done, or until a test gets stuck. */
function runWorker(request: WorkerRequest, opts: IsolatedOptions): Promise<Round> {
  const round: Round = { results: [] };
  const worker = startWorker(request);
  let budget = MAX_OUTPUT;
  const forward = (d: Buffer) => {
    if (budget > 0) opts.onOutput(d.subarray(0, budget).toString());
    if (budget > 0 && d.length >= budget)
      opts.onOutput("\n[vmlab] (more output from your code left out)\n");
    budget -= d.length;
  };
  worker.stdout.on("data", forward);
  worker.stderr.on("data", forward);
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let current: { name: string; points: number } | undefined;
    const finish = () => {
      if (timer) clearTimeout(timer);
      void worker.terminate();
      resolve(round);
    };
    const stuck = (reason: string) => {
      if (current) round.stuck = { ...current, reason };
    };
    worker.on("message", (m: WorkerMessage) => {
      if (m.kind === "loaded") {
        round.problems = m.problems;
        round.count = m.count;
      } else if (m.kind === "start") {
        current = { name: m.name, points: m.points };
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          stuck(
            `did not finish in ${opts.timeoutSeconds} s of real time: is there an endless loop in your code? (every other limit is counted; this one is timed)`,
          );
          finish();
        }, opts.timeoutSeconds * 1000);
      } else if (m.kind === "result") {
        current = undefined;
        if (timer) clearTimeout(timer);
        round.results.push(m.result);
      } else if (m.kind === "fatal") {
        round.fatal = m.message;
        finish();
      } else {
        finish();
      }
    });
    worker.on("error", (e) => {
      if (current) stuck(`the test stopped the grader: ${e.message}`);
      else round.fatal = `the grading worker failed: ${e.message}`;
      finish();
    });
    worker.on("exit", () => {
      if (current && !round.stuck)
        stuck("the test ended the grader (does your code call process.exit?)");
      finish();
    });
  });
}

/**
 * A worker running labs/grader/worker: the compiled module next to this one, or, when vmlab runs
 * from its TypeScript sources (tests, development), the source through tsx.
 */
function startWorker(request: WorkerRequest): Worker {
  const here = fileURLToPath(import.meta.url);
  const options = { workerData: request, stdout: true, stderr: true } as const;
  if (!here.endsWith(".ts")) return new Worker(new URL("./worker.js", import.meta.url), options);
  const source = new URL("./worker.ts", import.meta.url).href;
  const api = import.meta.resolve("tsx/esm/api");
  const code = `import(${JSON.stringify(api)}).then(({ tsImport }) => tsImport(${JSON.stringify(source)}, { parentURL: ${JSON.stringify(source)}, tsconfig: false })).then((m) => m.serve()).catch((e) => { require("node:worker_threads").parentPort.postMessage({ kind: "fatal", message: String(e && e.stack || e) }); });`;
  return new Worker(code, { ...options, eval: true });
}
