// `vmlab quiz KIND --ask` and `--explain`: a quiz taken one question at a time on a terminal (or
// from a pipe, one answer a line), and the worked answers printed after the simulator's text.
// No Node APIs here: the caller passes the terminal in.

import type { QuizProblem } from "./kind.js";

/** The answer format of the three base-and-bounds, segment and linear-table kinds. */
const TRANSLATION = "the physical address (decimal, or hex with 0x), or violation / fault";

/** The terminal a quiz is asked on: text out, one answer line in (undefined at end of input). */
export interface QuizTerminal {
  write(text: string): void;
  readLine(): string | undefined;
  /** True if the answers do not appear on the screen as typed (a pipe): they are echoed. */
  readonly echo: boolean;
}

/** How to write an answer, per kind (docs/quiz.md has the same table). */
export const ANSWER_FORMATS: { readonly [kind: string]: string } = {
  relocation: TRANSLATION,
  segmentation: TRANSLATION,
  "paging-linear": TRANSLATION,
  "paging-multilevel": "PA or PA VALUE (e.g. 0x6bc 0x08), or fault",
  policy: "hit or miss, optionally with the evicted page (miss 8; miss - for none)",
  malloc: "what the call returns: the pointer (-1 for a failed allocation), or a free's 0 / -1",
  tlb: "hit or miss (h / m), optionally with the evicted page (miss 8; miss - for none)",
  sv32: "the physical address (decimal, or hex with 0x), or fault optionally with the cause (fault 13)",
};

/** The prompt before each answer. */
const PROMPT = "your answer> ";

/**
 * Asks each problem in turn on `term`: the question, one answer line (lines starting with '#'
 * are skipped, as --check skips them), then right or wrong with the worked explanation; at the
 * end the score. Returns 0 if every answer was right, 1 otherwise (end of input leaves the rest
 * unanswered, so wrong).
 */
export function askProblems(
  problems: readonly QuizProblem[],
  format: string,
  term: QuizTerminal,
): number {
  let right = 0;
  let asked = 0;
  term.write(`${problems.length} question(s). Answer each on one line: ${format}.\n`);
  for (const [i, p] of problems.entries()) {
    term.write(`\nQuestion ${i + 1} of ${problems.length}: ${p.question}\n${PROMPT}`);
    const line = nextAnswer(term);
    if (line === undefined) {
      term.write("\n(end of input)\n");
      break;
    }
    if (term.echo) term.write(`${shown(line)}\n`);
    asked++;
    // A valid answer is short and plain: a long one is not graded (nor echoed in full), and
    // control characters are shown escaped (graded so, they still cannot parse).
    const wrong =
      line === ""
        ? "no answer"
        : line.length > MAX_ECHO
          ? `an answer of ${line.length} characters`
          : p.grade(shown(line));
    if (wrong === undefined) right++;
    term.write(`${verdict(p, wrong)}\n`);
  }
  if (asked < problems.length) term.write(`${problems.length - asked} question(s) unanswered\n`);
  term.write(`\nScore: ${right} of ${problems.length} right\n`);
  return right === problems.length ? 0 : 1;
}

/** Most characters of an answer echoed back. */
const MAX_ECHO = 80;

/** An answer as it is echoed: control characters as \xNN, long ones cut to MAX_ECHO. */
function shown(line: string): string {
  let text = "";
  for (const c of line.slice(0, MAX_ECHO)) {
    const code = c.charCodeAt(0);
    text += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : c;
  }
  return line.length > MAX_ECHO ? `${text}... (${line.length} characters)` : text;
}

/** The next answer line, trimmed, skipping comment lines; undefined at end of input. */
function nextAnswer(term: QuizTerminal): string | undefined {
  for (;;) {
    const line = term.readLine();
    if (line === undefined) return undefined;
    const answer = line.trim();
    if (!answer.startsWith("#")) return answer;
  }
}

/** "right: why", or "wrong (what): the answer is X: why". */
export function verdict(p: QuizProblem, wrong: string | undefined): string {
  if (wrong === undefined) return `  right: ${p.explain}`;
  return `  wrong (${shortReason(wrong, p.explain)}); the answer is ${p.answer}: ${p.explain}`;
}

/** A grader's reason without the explanation it often ends with ("wrong address: 430 < ..."). */
export function shortReason(reason: string, explain: string): string {
  if (explain === "" || !reason.endsWith(explain)) return reason;
  const head = reason.slice(0, reason.length - explain.length).replace(/[\s:;,-]+$/, "");
  return head === "" ? "wrong answer" : head;
}

/** The worked answers, one problem each (answer, then why), to follow the simulator's text. */
export function workedAnswers(problems: readonly QuizProblem[]): string {
  const width = String(problems.length).length;
  const lines = ["", "Worked answers:"];
  for (const [i, p] of problems.entries()) {
    const n = String(i + 1).padStart(width);
    lines.push(`  ${n}. ${p.question}: ${p.answer}`);
    lines.push(`  ${" ".repeat(width)}  ${p.explain}`);
  }
  return `${lines.join("\n")}\n`;
}
