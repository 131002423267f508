// Extra (e.g. hidden) tests from a folder, for `vmlab lab grade --extra-tests DIR`:
//
//   DIR/tests.json   program tests: each runs a guest program on the student's work and on the
//                    reference kernel and compares output, exit statuses and the frame count.
//                    { "tests": [ { "name": "hidden: big heap", "points": 5, "program": "big.s",
//                                   "args": [], "stdin": "", "ram": "2m", "maxSteps": 1000000,
//                                   "visibility": "after_due_date", "settings": { } } ] }
//   DIR/*.ts         test modules: `export default function tests(api: ExtraTestApi): LabTest[]`
//                    (only `import type` from vmlab: the api brings what they need).
//
// Paths in tests.json are relative to DIR. A malformed folder is a UserError-like ExtraTestsError.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Ram } from "../../hw/ram.js";
import { FrameTable } from "../../kernel/frames.js";
import * as harness from "./harness.js";
import {
  check,
  fail,
  GraderLimit,
  type LabDefinition,
  type LabTest,
  type ProgramSpec,
  TestFailure,
  type Visibility,
} from "./types.js";

/** A problem with the extra-tests folder, worded for the instructor. */
export class ExtraTestsError extends Error {
  override name = "ExtraTestsError";
}

/** What a test module gets: the grader's tools, and the lab's own program test. */
export const extraTestApi = {
  ...harness,
  check,
  fail,
  TestFailure,
  GraderLimit,
  Ram,
  FrameTable,
};
export type ExtraTestApi = typeof extraTestApi & {
  /** Runs a program on the student's work and compares with the reference (the lab's way). */
  programTest(t: Parameters<LabTest["run"]>[0], spec: ProgramSpec): void;
};

const VISIBILITIES: readonly Visibility[] = [
  "visible",
  "hidden",
  "after_due_date",
  "after_published",
];

/** The tests in folder `dir` for `lab`; throws ExtraTestsError if the folder is malformed. */
export async function loadExtraTests(lab: LabDefinition, dir: string): Promise<LabTest[]> {
  const root = resolve(dir);
  if (!existsSync(root) || !statSync(root).isDirectory())
    throw new ExtraTestsError(`--extra-tests ${dir}: no such folder`);
  const tests: LabTest[] = [];
  const json = join(root, "tests.json");
  if (existsSync(json)) tests.push(...programTests(lab, root, json));
  for (const f of readdirSync(root).sort()) {
    if (f.endsWith(".ts") && !f.endsWith(".d.ts"))
      tests.push(...(await moduleTests(lab, join(root, f))));
  }
  if (tests.length === 0)
    throw new ExtraTestsError(`--extra-tests ${dir}: no tests.json and no .ts test module in it`);
  const names = new Set(lab.tests.map((t) => t.name));
  for (const t of tests) {
    if (names.has(t.name))
      throw new ExtraTestsError(`--extra-tests: two tests are named '${t.name}'`);
    names.add(t.name);
  }
  return tests;
}

interface JsonTest {
  name?: unknown;
  points?: unknown;
  program?: unknown;
  args?: unknown;
  stdin?: unknown;
  ram?: unknown;
  maxSteps?: unknown;
  visibility?: unknown;
  settings?: unknown;
}

function programTests(lab: LabDefinition, root: string, file: string): LabTest[] {
  const runner = lab.programTest;
  if (!runner) throw new ExtraTestsError(`lab ${lab.name} has no program tests; use a .ts module`);
  let parsed: { tests?: unknown };
  try {
    parsed = JSON.parse(readFileSync(file, "utf8")) as { tests?: unknown };
  } catch (e) {
    throw new ExtraTestsError(`${file}: not valid JSON (${e instanceof Error ? e.message : e})`);
  }
  if (!Array.isArray(parsed.tests))
    throw new ExtraTestsError(`${file}: expected { "tests": [...] }`);
  return parsed.tests.map((entry: JsonTest, i): LabTest => {
    const where = `${file}: test ${i + 1}`;
    const name = text(entry.name, `${where}: "name"`);
    const points = entry.points ?? 1;
    if (typeof points !== "number" || !(points >= 0))
      throw new ExtraTestsError(`${where}: "points" must be a number >= 0`);
    const path = join(root, text(entry.program, `${where}: "program"`));
    if (!existsSync(path)) throw new ExtraTestsError(`${where}: ${path} does not exist`);
    const args = entry.args ?? [];
    if (!Array.isArray(args) || !args.every((a) => typeof a === "string"))
      throw new ExtraTestsError(`${where}: "args" must be a list of strings`);
    const visibility = (entry.visibility ?? "visible") as Visibility;
    if (!VISIBILITIES.includes(visibility))
      throw new ExtraTestsError(`${where}: "visibility" must be one of ${VISIBILITIES.join(", ")}`);
    const spec: ProgramSpec = {
      path,
      args,
      stdin: entry.stdin === undefined ? "" : text(entry.stdin, `${where}: "stdin"`),
      ...(entry.ram === undefined ? {} : { ram: size(entry.ram, `${where}: "ram"`) }),
      ...(entry.maxSteps === undefined
        ? {}
        : { maxSteps: count(entry.maxSteps, `${where}: "maxSteps"`) }),
      settings: (entry.settings ?? {}) as Record<string, unknown>,
    };
    return { name, points, visibility, uses: runner.uses, run: (t) => runner.run(t, spec) };
  });
}

async function moduleTests(lab: LabDefinition, file: string): Promise<LabTest[]> {
  let m: { default?: unknown; tests?: unknown };
  try {
    const { tsImport } = (await import("tsx/esm/api")) as {
      tsImport: (s: string, o: { parentURL: string; tsconfig: false }) => Promise<unknown>;
    };
    m = (await tsImport(pathToFileURL(file).href, {
      parentURL: import.meta.url,
      tsconfig: false,
    })) as typeof m;
  } catch (e) {
    throw new ExtraTestsError(`${file} does not load: ${e instanceof Error ? e.message : e}`);
  }
  const api: ExtraTestApi = {
    ...extraTestApi,
    programTest: (t, spec) => {
      if (!lab.programTest) fail(`lab ${lab.name} has no program tests`);
      lab.programTest.run(t, spec);
    },
  };
  const tests =
    typeof m.default === "function" ? (m.default as (a: ExtraTestApi) => unknown)(api) : m.tests;
  if (!Array.isArray(tests))
    throw new ExtraTestsError(
      `${file}: export a default function (api) => LabTest[] or a "tests" array`,
    );
  return tests.map((t: Partial<LabTest>, i) => {
    if (typeof t.name !== "string" || typeof t.points !== "number" || typeof t.run !== "function")
      throw new ExtraTestsError(`${file}: test ${i + 1} needs a name, points and a run function`);
    return { uses: lab.files.map((f) => f.name), ...t } as LabTest;
  });
}

function text(v: unknown, what: string): string {
  if (typeof v !== "string" || v === "")
    throw new ExtraTestsError(`${what} must be a non-empty string`);
  return v;
}

function count(v: unknown, what: string): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v <= 0)
    throw new ExtraTestsError(`${what} must be a positive whole number`);
  return v;
}

/** A RAM size: bytes, or "512k", "2m". */
function size(v: unknown, what: string): number {
  const units: Record<string, number> = { "": 1, k: 1024, m: 1024 * 1024 };
  const m = typeof v === "number" ? [String(v), String(v), ""] : /^(\d+)([km]?)$/i.exec(String(v));
  const bytes = m ? Number(m[1]) * (units[(m[2] ?? "").toLowerCase()] ?? 0) : 0;
  if (!(bytes > 0) || bytes % 4096 !== 0)
    throw new ExtraTestsError(`${what} must be a size that is a multiple of 4k, e.g. "2m"`);
  return bytes;
}
