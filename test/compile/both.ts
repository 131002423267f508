// Running one `vmlab run` command line under both engines, in-process, for the differential
// tests: the compiling engine must give exactly what the interpreter gives (stdout, stderr with
// every kernel message and the `--stats --json` counters, exit status), whatever the options.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

export const ENGINES = ["interpret", "compile"] as const;
export type EngineName = (typeof ENGINES)[number];

/** What a run shows a user, byte for byte. */
export interface Observed {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * The compiling engine's settings a run is compared under: its default (code runs interpreted
 * until it is hot) and compiling every chunk at once (hidden option --compile-after 0), so that
 * even short programs run compiled code. Most comparisons use only the second (EAGER): the
 * default is what the rest of the suite runs, and its cold pieces are plain interpreter runs.
 */
export const COMPILE_SETTINGS: readonly (readonly string[])[] = [[], ["--compile-after", "0"]];
export const EAGER: readonly (readonly string[])[] = [["--compile-after", "0"]];

/** `vmlab run --stats --json --engine <engine> ...args` with `stdin`. */
export async function runEngine(
  engine: EngineName,
  args: readonly string[],
  stdin: string | Uint8Array = "",
): Promise<Observed> {
  const r = await runVmlab(["run", "--engine", engine, "--stats", "--json", ...args], stdin);
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs `args` (vmlab run's options and programs) under the interpreter and under the compiling
 * engine with each of `settings`, and expects the same result; returns the interpreter's, for
 * checks of its own. The failure message names the command line, which is the reproducer.
 */
export async function expectSameRuns(
  args: readonly string[],
  stdin: string | Uint8Array = "",
  settings = EAGER,
): Promise<Observed> {
  const interpreted = await runEngine("interpret", args, stdin);
  for (const setting of settings) {
    const compiled = await runEngine("compile", [...setting, ...args], stdin);
    const command = `vmlab run --stats --json --engine compile ${[...setting, ...args].join(" ")}`;
    expect(compiled, command).toEqual(interpreted);
  }
  return interpreted;
}

/** The last line of stderr, parsed: the `--stats --json` counters. */
export function statsOf(r: Observed): Record<string, unknown> {
  return JSON.parse(r.stderr.trim().split("\n").at(-1)!) as Record<string, unknown>;
}

/** A scratch directory for the lifetime of the test process. */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `vmlab-${prefix}-`));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Runs `args` with `--record <file>` under both engines and expects the same page-reference
 * trace (and the same run); returns the trace.
 */
export async function expectSameRecords(dir: string, args: readonly string[]): Promise<string> {
  const traces: string[] = [];
  const runs: Observed[] = [];
  for (const engine of ENGINES) {
    const file = join(dir, `record-${engine}-${traces.length}-${Date.now()}.txt`);
    runs.push(await runEngine(engine, ["--record", file, ...args]));
    traces.push(readFileSync(file, "utf8"));
  }
  expect(runs[1]).toEqual(runs[0]);
  expect(traces[1] === traces[0], `--record differs: ${args.join(" ")}`).toBe(true);
  return traces[0]!;
}
