// Quiz mode in the worker: the problems of a `vmlab quiz` kind for a seed (the same seeds give the
// same problems as the CLI and OSTEP), and grading typed answers with the worked explanations.
import { quizKinds } from "../quiz/index.js";
import type { QuizProblem } from "../quiz/kind.js";
import { OptionError, parseOptions } from "../quiz/optparse.js";
import type { QuizGrade, QuizQuestion } from "./protocol.js";

/** A generated quiz: OSTEP's text, the questions, or why there are none. */
export interface QuizSet {
  text: string;
  error: string;
  questions: QuizQuestion[];
  problems: readonly QuizProblem[];
}

/** The kinds for the chooser. */
export function quizList(): { name: string; summary: string }[] {
  return quizKinds.map((k) => ({ name: k.name, summary: k.summary }));
}

/**
 * The problems of `kind` for `seed` plus optional OSTEP flags (as `vmlab quiz kind -s seed flags`
 * prints them without -c); a bad flag or a refusal comes back in `error`.
 */
export function makeQuiz(kindName: string, seed: number, flags: string): QuizSet {
  const kind = quizKinds.find((k) => k.name === kindName);
  const none = { text: "", questions: [], problems: [] };
  if (!kind) return { ...none, error: `unknown quiz kind '${kindName}'` };
  const extra = flags.trim() === "" ? [] : flags.trim().split(/\s+/);
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(kind.options, ["-s", String(seed), ...extra]);
  } catch (e) {
    if (e instanceof OptionError) return { ...none, error: e.message };
    throw e;
  }
  const noFiles = {
    readFile: (p: string) => {
      throw new Error(`${p}: no files in the browser`);
    },
  };
  try {
    const out = kind.run(parsed, noFiles, true);
    return {
      text: out.stdout,
      error: out.refusal ?? "",
      questions: out.problems.map((p) => ({ question: p.question })),
      problems: out.problems,
    };
  } catch (e) {
    return { ...none, error: e instanceof Error ? e.message : String(e) };
  }
}

/** Grades each answer against its problem (a blank answer is wrong: "no answer"). */
export function gradeQuiz(
  problems: readonly QuizProblem[],
  answers: readonly string[],
): QuizGrade[] {
  return problems.map((p, i) => {
    const line = (answers[i] ?? "").trim();
    const wrong = line === "" ? "no answer" : (p.grade(line) ?? "");
    return { right: wrong === "", wrong, answer: p.answer, explain: p.explain };
  });
}
