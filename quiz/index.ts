// `vmlab quiz`: the kinds, and running one from a command line — OSTEP's text (with the worked
// answers after it: --explain), or the problems and answers as JSON (--json), or a student's
// answers graded (--check FILE, or --check - for stdin), or the questions asked one at a time
// (--ask). No Node APIs here: the caller passes file reading and the terminal in.

import {
  ANSWER_FORMATS,
  askProblems,
  type QuizTerminal,
  shortReason,
  workedAnswers,
} from "./ask.js";
import type { QuizHost, QuizKind, QuizOutcome, QuizProblem } from "./kind.js";
import { mallocKind } from "./malloc.js";
import { formatHelp, OptionError, type OptionSpec, parseOptions } from "./optparse.js";
import { pagingLinearKind } from "./paging-linear.js";
import { pagingMultilevelKind } from "./paging-multilevel.js";
import { policyKind } from "./policy.js";
import { relocationKind } from "./relocation.js";
import { segmentationKind } from "./segmentation.js";
import { sv32Kind } from "./sv32.js";
import { tlbKind } from "./tlb.js";

/** Every quiz kind: OSTEP's, in the order of its chapters, then vmlab's own. */
export const quizKinds: readonly QuizKind[] = [
  relocationKind,
  segmentationKind,
  pagingLinearKind,
  pagingMultilevelKind,
  policyKind,
  mallocKind,
  tlbKind,
  sv32Kind,
];

/** vmlab's own options, accepted by every kind, only when spelled out in full. */
const vmlabOptions: readonly OptionSpec[] = [
  {
    long: "--json",
    dest: "vmlab_json",
    kind: "flag",
    default: false,
    help: "print the problems and answers as JSON instead",
    exact: true,
  },
  {
    long: "--check",
    dest: "vmlab_check",
    kind: "string",
    default: "",
    help: "grade the answers in FILE (one per line, in order; - for stdin)",
    exact: true,
  },
  {
    long: "--ask",
    dest: "vmlab_ask",
    kind: "flag",
    default: false,
    help: "ask each question, read one answer line each from stdin, say right or wrong",
    exact: true,
  },
  {
    long: "--explain",
    dest: "vmlab_explain",
    kind: "flag",
    default: false,
    help: "print the worked answers after the text",
    exact: true,
  },
];

/** What the command line's host adds for --ask and --check -: standard input and the terminal. */
export interface QuizCommandHost extends QuizHost {
  /** All of standard input as text (for --check -). */
  readonly readStdin?: () => string;
  /** The terminal --ask asks on (its output goes there at once, not into the result). */
  readonly terminal?: QuizTerminal;
}

/** What a quiz command prints and its exit status. */
export interface QuizCommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number;
}

/** A mistake on the quiz command line: one line for the user, with optparse's exit status 2. */
export class QuizUsageError extends Error {
  override name = "QuizUsageError";
}

/** The help of `vmlab quiz`: the kinds and what they reproduce. */
export function quizHelp(): string {
  const width = Math.max(...quizKinds.map((k) => k.name.length));
  const lines = [
    "Usage: vmlab quiz <kind> [OSTEP flags...] [--explain] [--json | --check FILE | --ask]",
    "",
    "Seeded practice problems, printed byte for byte as the OSTEP homework simulators print them",
    "for the same flags (e.g. vmlab quiz relocation -s 1 -c). Kinds:",
    "",
    ...quizKinds.flatMap((k) => [
      `  ${k.name.padEnd(width)}  ${k.summary}`,
      `  ${" ".repeat(width)}  (${k.simulator.endsWith(".py") ? "OSTEP " : ""}${k.simulator})`,
    ]),
    "",
    "vmlab quiz <kind> -h lists the kind's flags and defaults.",
    "",
  ];
  return lines.join("\n");
}

/** The help of one kind: its OSTEP flags, then vmlab's own. */
export function kindHelp(kind: QuizKind): string {
  const extra = [
    "",
    "vmlab options (spelled out in full):",
    "  --json                print the problems and answers as JSON instead",
    "  --check FILE          grade the answers in FILE (one per line, in order; - reads stdin);",
    "                        exit 1 if any is wrong",
    "  --ask                 ask each question, read one answer line each from stdin, say right or",
    "                        wrong and why, end with the score; exit 1 if any is wrong",
    "  --explain             print the worked answers (answer and why) after the text",
    "",
  ].join("\n");
  return formatHelp(`vmlab quiz ${kind.name} [options]`, kind.options, extra);
}

/**
 * Runs `vmlab quiz <kind> args...`. Throws QuizUsageError for an unknown kind or a bad flag;
 * everything else (OSTEP's own errors, vmlab's refusals) comes back as output and status.
 */
export function runQuizCommand(
  kindName: string,
  args: readonly string[],
  host: QuizCommandHost,
): QuizCommandResult {
  const kind = quizKinds.find((k) => k.name === kindName);
  if (!kind) {
    throw new QuizUsageError(
      `quiz: unknown kind '${kindName}' (one of ${quizKinds.map((k) => k.name).join(", ")})`,
    );
  }
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions([...kind.options, ...vmlabOptions], args);
  } catch (e) {
    if (e instanceof OptionError) throw new QuizUsageError(`quiz ${kind.name}: ${e.message}`);
    throw e;
  }
  if (parsed.help) return { stdout: kindHelp(kind), stderr: "", status: 0 };
  const mode = quizMode(kind, parsed.values);
  const wantProblems = mode.json || mode.check !== "" || mode.ask || mode.explain;
  const outcome = kind.run(parsed, host, wantProblems);
  const stderr = outcome.refusal ? `vmlab: quiz ${kind.name}: ${outcome.refusal}\n` : "";
  if (mode.json) return { stdout: quizJson(kind, args, outcome), stderr, status: outcome.status };
  if (outcome.status !== 0) return { stdout: outcome.stdout, stderr, status: outcome.status };
  if (mode.check !== "") {
    const answers = mode.check === "-" ? stdinText(kind, host) : host.readFile(mode.check);
    return gradeAnswers(outcome.problems, answers, mode.explain);
  }
  const text = mode.explain ? outcome.stdout + workedAnswers(outcome.problems) : outcome.stdout;
  if (mode.ask) return { stdout: "", stderr, status: ask(kind, text, outcome.problems, host) };
  return { stdout: text, stderr, status: outcome.status };
}

/** --ask: writes the quiz's `text` to the host's terminal, then asks `problems`; the status. */
function ask(
  kind: QuizKind,
  text: string,
  problems: readonly QuizProblem[],
  host: QuizCommandHost,
): number {
  const term = host.terminal;
  if (!term) throw new QuizUsageError(`quiz ${kind.name}: --ask needs a terminal or a pipe`);
  term.write(text);
  return askProblems(problems, ANSWER_FORMATS[kind.name] ?? "one line", term);
}

/** vmlab's own options of one command line, checked against each other. */
interface QuizMode {
  readonly json: boolean;
  /** The answers file of --check ("-" is stdin), or "" without --check. */
  readonly check: string;
  readonly ask: boolean;
  readonly explain: boolean;
}

/** Reads vmlab's options; QuizUsageError for two that exclude each other, or --ask with -c. */
function quizMode(kind: QuizKind, values: ReadonlyMap<string, unknown>): QuizMode {
  const check = values.get("vmlab_check");
  const mode: QuizMode = {
    json: values.get("vmlab_json") === true,
    check: typeof check === "string" ? check : "",
    ask: values.get("vmlab_ask") === true,
    explain: values.get("vmlab_explain") === true,
  };
  const given = [mode.json && "--json", mode.check !== "" && "--check", mode.ask && "--ask"].filter(
    (o): o is string => o !== false,
  );
  if (given.length > 1)
    throw new QuizUsageError(`quiz ${kind.name}: ${given.join(" and ")} exclude each other`);
  if (mode.ask && values.get("solve") === true)
    throw new QuizUsageError(
      `quiz ${kind.name}: --ask asks the questions, so -c (the answers) cannot go with it`,
    );
  return mode;
}

/** Standard input as the answers of --check -. */
function stdinText(kind: QuizKind, host: QuizCommandHost): string {
  if (!host.readStdin)
    throw new QuizUsageError(`quiz ${kind.name}: --check -: no standard input here`);
  return host.readStdin();
}

/** The problems and answers as one JSON document (pretty-printed, newline-terminated). */
export function quizJson(kind: QuizKind, args: readonly string[], outcome: QuizOutcome): string {
  const doc = {
    kind: kind.name,
    simulator: kind.simulator,
    args: args.filter((a) => a !== "--json"),
    status: outcome.status,
    ...(outcome.refusal ? { refusal: outcome.refusal } : {}),
    setup: outcome.setup,
    problems: outcome.problems.map((p, i) => ({
      number: i + 1,
      question: p.question,
      answer: p.answer,
      explain: p.explain,
      ...p.data,
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Grades a student's answers, one line per problem in order (a blank line is an unanswered
 * problem; lines starting with '#' are skipped); with `explain`, each line is followed by why.
 * Status 0 if every answer is right, 1 otherwise.
 */
export function gradeAnswers(
  problems: readonly QuizProblem[],
  answers: string,
  explain = false,
): QuizCommandResult {
  const lines = answers
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => !l.startsWith("#"));
  while (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const report: string[] = [];
  let right = 0;
  problems.forEach((p, i) => {
    const line = lines[i];
    const wrong = line === undefined || line === "" ? "no answer" : p.grade(line);
    const number = `${i + 1}:`.padEnd(String(problems.length).length + 2);
    if (wrong === undefined) {
      right++;
      report.push(`${number}ok     ${p.question}: ${line}`);
    } else {
      const why = explain ? shortReason(wrong, p.explain) : wrong;
      report.push(
        `${number}WRONG  ${p.question}: ${line || "(none)"} -- ${why}; answer: ${p.answer}`,
      );
    }
    if (explain) report.push(`${" ".repeat(number.length)}       why: ${p.explain}`);
  });
  if (lines.length > problems.length) {
    report.push(
      `(${lines.length - problems.length} answer line(s) beyond the ${problems.length} problems ignored)`,
    );
  }
  report.push(`${right} of ${problems.length} right`);
  return {
    stdout: `${report.join("\n")}\n`,
    stderr: "",
    status: right === problems.length ? 0 : 1,
  };
}
