// What every quiz kind shares: the outcome of a run (OSTEP's exact stdout, an exit status, the
// problems with their answers for --json and --check), the two ways a run stops early, and the
// size parsing the simulators share.

import { intOpt, type OptionSpec, type ParsedOptions, strOpt } from "./optparse.js";
import { PyPrinter, parsePyInt } from "./python.js";
import type { PyRandom } from "./random.js";

/** A JSON value, for the machine-readable form of problems and answers. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One question of a quiz with its answer, for graders. */
export interface QuizProblem {
  /** The question as the OSTEP text asks it, e.g. "VA 0x000001ae (decimal: 430)". */
  readonly question: string;
  /** The answer in one line, as a student would write it (see docs/quiz.md per kind). */
  readonly answer: string;
  /** Why that is the answer, e.g. "430 < limit 472, so PA = base 12418 + 430 = 12848". */
  readonly explain: string;
  /** The answer and the facts behind it, structured. */
  readonly data: { readonly [key: string]: Json };
  /** Grades one answer line: undefined if right, else what is wrong. */
  readonly grade: (line: string) => string | undefined;
}

/** The result of running a quiz kind. */
export interface QuizOutcome {
  /** What the OSTEP simulator prints on stdout for the same arguments (up to a refusal). */
  readonly stdout: string;
  /** 0; 1 where the simulator exits 1 or where vmlab refuses (see `refusal`). */
  readonly status: number;
  /** vmlab's one-line reason for stopping where the simulator would crash, hang or print a wrong answer. */
  readonly refusal?: string;
  /** The machine set-up the problems are about (registers, page table, policy...). */
  readonly setup: { readonly [key: string]: Json };
  readonly problems: readonly QuizProblem[];
}

/** A quiz kind: its OSTEP flags and the function that runs it. */
export interface QuizKind {
  /** The `vmlab quiz` name, e.g. "relocation". */
  readonly name: string;
  /** The OSTEP simulator it reproduces, e.g. "vm-mechanism/relocation.py". */
  readonly simulator: string;
  readonly summary: string;
  readonly options: readonly OptionSpec[];
  /**
   * Runs the quiz; the only input besides the options is `host.readFile` (for policy's -f).
   * Problems are collected only if `wantProblems` (they cost time and memory on long traces).
   */
  readonly run: (opts: ParsedOptions, host: QuizHost, wantProblems: boolean) => QuizOutcome;
}

/** What a quiz may ask of its host: file contents, for options naming a file. */
export interface QuizHost {
  /** The text of a file; throws (with a one-line message) if it cannot be read. */
  readonly readFile: (path: string) => string;
}

/** Thrown inside a kind where the simulator prints its own "Error..." line and exits 1. */
export class OstepExit extends Error {
  override name = "OstepExit";
}

/** Thrown inside a kind where vmlab refuses to go on (the simulator would crash, hang or be wrong). */
export class QuizRefusal extends Error {
  override name = "QuizRefusal";
}

/** The state a kind builds while it runs: the printer and the problems found so far. */
export interface QuizRun {
  readonly out: PyPrinter;
  readonly setup: { [key: string]: Json };
  readonly problems: QuizProblem[];
  readonly wantProblems: boolean;
  /** Records a problem, calling `make` at once, or not at all if problems are not wanted. */
  addProblem(make: () => QuizProblem): void;
}

/**
 * Runs `body` with a fresh printer (collecting problems if `wantProblems`) and turns its early stops into outcomes: OstepExit keeps the
 * simulator's stdout with status 1; QuizRefusal adds vmlab's reason. Other errors propagate.
 */
export function runQuiz(wantProblems: boolean, body: (run: QuizRun) => void): QuizOutcome {
  const problems: QuizProblem[] = [];
  const run: QuizRun = {
    out: new PyPrinter(),
    setup: {},
    problems,
    wantProblems,
    addProblem: (make) => {
      if (wantProblems) problems.push(make());
    },
  };
  try {
    body(run);
  } catch (e) {
    const common = { stdout: run.out.text(), status: 1, setup: run.setup, problems: run.problems };
    if (e instanceof OstepExit) return common;
    if (e instanceof QuizRefusal) return { ...common, refusal: e.message };
    throw e;
  }
  return { stdout: run.out.text(), status: 0, setup: run.setup, problems: run.problems };
}

/**
 * The simulators' convert(size): "16k", "32m", "1g" (either case) or a plain Python int.
 * Refuses (QuizRefusal naming `what`) where Python would raise, and beyond 2**53.
 */
export function convertSize(text: string, what: string): number {
  const last = text.slice(-1);
  const mult = { k: 1024n, m: 1024n ** 2n, g: 1024n ** 3n }[last.toLowerCase()];
  const digits = mult === undefined || last === "" ? text : text.slice(0, -1);
  const n = parsePyInt(digits, 10);
  if (text === "" || n === undefined) {
    throw new QuizRefusal(`${what}: '${text}' is not a size (a number, optionally with k, m or g)`);
  }
  return safeNumber(n * (mult ?? 1n), what);
}

/** A Python int as a JavaScript number; refuses beyond +-2**53, where arithmetic would go wrong. */
export function safeNumber(n: bigint, what: string): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new QuizRefusal(`${what}: ${n} is too large`);
  }
  return Number(n);
}

/** Python's int(asize * random.random()): the float product truncated toward zero. */
export function scaledDraw(scale: number, r: number): number {
  return Math.trunc(scale * r);
}

/**
 * The -A words of an address-trace quiz: with -A -1, -n draws scaled over `asize` (in the
 * simulator's order), otherwise -A split at commas. Read each with traceAddress.
 */
export function addressWords(opts: ParsedOptions, asize: number, rng: PyRandom): string[] {
  const addresses = strOpt(opts, "addresses");
  if (addresses !== "-1") return addresses.split(",");
  const num = safeNumber(intOpt(opts, "num"), "number of addresses (-n)");
  const words: string[] = [];
  for (let i = 0; i < num; i++) words.push(String(scaledDraw(asize, rng.random())));
  return words;
}

/** One -A word as an address; a QuizRefusal if it is not a number. */
export function traceAddress(word: string): number {
  const parsed = parsePyInt(word);
  if (parsed === undefined) throw new QuizRefusal(`-A: '${word}' is not an address`);
  return safeNumber(parsed, "-A");
}

/** Parses an answer line as an address: decimal, or hex with 0x. Undefined if it is not one. */
export function parseAnswerNumber(word: string): number | undefined {
  const w = word.trim().toLowerCase();
  const n = w.startsWith("0x") || w.startsWith("-0x") ? parsePyInt(w, 16) : parsePyInt(w, 10);
  if (n === undefined) return undefined;
  return Number(n);
}

/** The first word of an answer line, lower-cased ("" for a blank line). */
export function firstWord(line: string): string {
  return (line.trim().split(/\s+/)[0] ?? "").toLowerCase();
}

/** The result of translating one address: a physical address, or a fault and its reason. */
export type Translation =
  | { readonly ok: true; readonly pa: number }
  | { readonly ok: false; readonly fault: string };

/** Words a student may write for "this access faults". */
const FAULT_WORDS = new Set([
  "fault",
  "invalid",
  "violation",
  "segmentation",
  "segfault",
  "sv",
  "seg",
  "error",
]);

/**
 * Grades an answer line for a translation: a physical address (decimal or 0x hex) or a fault
 * word (fault, invalid, violation, segfault...). Returns undefined if right, else why it is wrong.
 */
export function gradeTranslation(
  expected: Translation,
  explain: string,
  line: string,
): string | undefined {
  const word = firstWord(line);
  if (word === "") return "no answer";
  if (FAULT_WORDS.has(word)) return expected.ok ? `it translates: ${explain}` : undefined;
  const pa = parseAnswerNumber(word);
  if (pa === undefined) return `cannot read '${line.trim()}' as an address or a fault`;
  if (!expected.ok) return `it faults: ${explain}`;
  return pa === expected.pa ? undefined : `wrong address: ${explain}`;
}
