// What a lab is, to the grader: its student files, the files `vmlab lab start` copies, and its
// tests. Each lab's definition lives in labs/<lab>/tests/index.ts; the engine (engine.ts) runs it.
//
// A test is a function over a TestContext. It passes if it returns; it fails if it throws — a
// TestFailure (the test's own verdict, with the reason shown to the student), a GraderLimit (the
// student's code ran into a limit the grader keeps: a fault that never gets fixed, say), or
// anything else (the student's code crashed). A failing test never stops the others.
import type { LabName } from "./catalog.js";

/** A file the student writes: a TypeScript module with named exports, or a guest program. */
export interface StudentFile {
  /** File name in the student's folder, e.g. "pagetable.ts". */
  readonly name: string;
  /** "module": loaded with tsx and checked for `exports`; "program": assembled by the tests. */
  readonly kind: "module" | "program";
  /** Names a module must export (checked when a test asks for them). */
  readonly exports?: readonly string[];
}

/** A file `lab start` copies from elsewhere in vmlab (e.g. the guest runtime), path from the root. */
export interface SupportFile {
  readonly from: string;
  readonly to: string;
}

/** One graded test. */
export interface LabTest {
  /** Unique within the lab; shown to the student and used by `--only`. */
  readonly name: string;
  readonly points: number;
  /** Student files the test needs; if one fails to load, the test fails with that reason. */
  readonly uses: readonly string[];
  /** Gradescope visibility; default "visible". Hidden tests from --extra-tests may choose. */
  readonly visibility?: Visibility;
  /** Passes by returning; fails by throwing (see the header). */
  run(t: TestContext): void;
}

export type Visibility = "visible" | "hidden" | "after_due_date" | "after_published";

export interface LabDefinition {
  /** The name used on the command line, one of catalog.ts's LAB_NAMES, e.g. "pagetable". */
  readonly name: LabName;
  readonly title: string;
  /** One line for `vmlab lab list`. */
  readonly summary: string;
  readonly files: readonly StudentFile[];
  readonly support?: readonly SupportFile[];
  readonly tests: readonly LabTest[];
  /** How a guest program runs on the student's work, for program tests in --extra-tests. */
  readonly programTest?: ProgramTest;
}

/** A guest program to run on the student's work and compare with the reference kernel. */
export interface ProgramSpec {
  /** Absolute path of the program (.s or ELF). */
  readonly path: string;
  readonly args: readonly string[];
  readonly stdin: string;
  /** RAM in bytes, if the test chose it. */
  readonly ram?: number;
  /** Instruction limit, if the test chose it. */
  readonly maxSteps?: number;
  /** Lab-specific settings from the test's entry (e.g. "fit": "best"). */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface ProgramTest {
  /** Student files such a test needs. */
  readonly uses: readonly string[];
  /** Runs the program with the student's plug-ins and the reference's; fails on a difference. */
  run(t: TestContext, spec: ProgramSpec): void;
}

/** What a test sees of the student's work and how it reports. */
export interface TestContext {
  /** The exports of a student module; fails the test if it did not load. */
  module(file: string): Readonly<Record<string, unknown>>;
  /** A function the student module must export; fails the test if it is missing. */
  fn<F extends (...args: never[]) => unknown>(file: string, name: string): F;
  /** An object the student module must export; fails the test if it is missing. */
  object<T extends object>(file: string, name: string): T;
  /** The absolute path of a student file (for programs the test assembles). */
  path(file: string): string;
  /** Absolute path of a file of this lab's tests folder (labs/<lab>/tests/...). */
  asset(name: string): string;
  /** Adds a line to the test's output (shown with the result). */
  log(line: string): void;
}

/** The test's own verdict: failed, for the reason given (shown to the student). */
export class TestFailure extends Error {
  override name = "TestFailure";
}

/** The student's code ran into a limit the grader keeps (counted, never timed). */
export class GraderLimit extends Error {
  override name = "GraderLimit";
}

/** Fails the test with `reason` unless `cond` holds. */
export function check(cond: boolean, reason: string): asserts cond {
  if (!cond) throw new TestFailure(reason);
}

/** Fails the test with `reason`. */
export function fail(reason: string): never {
  throw new TestFailure(reason);
}
