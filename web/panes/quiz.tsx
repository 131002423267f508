// Quiz mode: a `vmlab quiz` kind and a seed (the same problems as the CLI and OSTEP for the same
// seed), the problem text, one answer field per question, and Check grading each answer with
// the worked explanation.
import { signal } from "@preact/signals";
import { grades, quiz, quizKinds } from "../client.js";
import { client } from "../store.js";
import { Pane } from "./pane.js";

const kind = signal("relocation");
const seed = signal(0);
const flags = signal("");
const answers = signal<string[]>([]);

function generate(): void {
  answers.value = [];
  client.send({ type: "quiz", kind: kind.value, seed: seed.value, flags: flags.value });
}

export function QuizPane() {
  const q = quiz.value;
  const g = grades.value;
  return (
    <Pane name="Quiz" class="quiz">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          generate();
        }}
      >
        <label>
          kind
          <select value={kind.value} onChange={(e) => (kind.value = e.currentTarget.value)}>
            {quizKinds.value.map((k) => (
              <option key={k.name} value={k.name} title={k.summary}>
                {k.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          seed
          <input
            type="number"
            min={0}
            value={seed.value}
            onInput={(e) => (seed.value = Number(e.currentTarget.value) || 0)}
          />
        </label>
        <label>
          OSTEP flags
          <input
            type="text"
            value={flags.value}
            placeholder="e.g. -n 3"
            onInput={(e) => (flags.value = e.currentTarget.value)}
          />
        </label>
        <button type="submit">New problems</button>
      </form>
      {q?.error && (
        <p role="alert" class="alarm">
          {q.error}
        </p>
      )}
      {q && <pre class="problem">{q.text}</pre>}
      {q && q.questions.length > 0 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            client.send({ type: "check", answers: answers.value });
          }}
        >
          <ol class="answers">
            {q.questions.map((p, i) => {
              const grade = g?.[i];
              return (
                <li key={i}>
                  <label>
                    {p.question}
                    <input
                      type="text"
                      aria-label={`Answer ${i + 1}`}
                      value={answers.value[i] ?? ""}
                      onInput={(e) => {
                        const next = [...answers.value];
                        next[i] = e.currentTarget.value;
                        answers.value = next;
                      }}
                    />
                  </label>
                  {grade && (
                    <output class={grade.right ? "right" : "wrong"} aria-label={`Grade ${i + 1}`}>
                      {grade.right ? "right" : `wrong: ${grade.wrong}; answer: ${grade.answer}`} —{" "}
                      {grade.explain}
                    </output>
                  )}
                </li>
              );
            })}
          </ol>
          <button type="submit">Check</button>
        </form>
      )}
    </Pane>
  );
}
