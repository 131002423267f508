// The small part of the shell that the docs' ```sh examples use, parsed into steps a test can run
// without a shell: `&&` and `;` lists, `\` line continuations, quoted here-documents (`<<'EOF'`),
// pipelines `printf|echo|cat ... | vmlab ...`, and the redirections `> file`, `>> file` and
// `< file`. Each step is a `vmlab` command (run in-process), a printf/echo/cat that writes a file
// (run by /bin/sh), a command the docs test does not run (npm, npx tsc, $EDITOR, cd, ...), or an
// example outside this subset, which the test reports as a failure naming the line.

/** Where a vmlab step's standard input comes from. */
export type StdinSource =
  | { readonly from: "none" }
  /** The stdout of a printf/echo/cat command, run by /bin/sh. */
  | { readonly from: "pipe"; readonly command: string }
  | { readonly from: "heredoc"; readonly body: string }
  | { readonly from: "file"; readonly path: string };

/** `> path` (or `>> path` when `append`). */
export interface StdoutTarget {
  readonly path: string;
  readonly append: boolean;
}

interface StepBase {
  /** The 1-based line of the markdown file the example starts on. */
  readonly line: number;
  /** The command as written (one item of a list, quotes kept). */
  readonly text: string;
}

export type Step =
  | (StepBase & {
      readonly kind: "vmlab";
      readonly args: readonly string[];
      readonly stdin: StdinSource;
      readonly stdout?: StdoutTarget;
    })
  /** printf/echo/cat writing `creates`: run as written by /bin/sh. */
  | (StepBase & { readonly kind: "shell"; readonly creates: string })
  /** Not run; `names` are the words it mentions, so a later step that needs one can say so. */
  | (StepBase & { readonly kind: "skip"; readonly reason: string; readonly names: string[] })
  /** Outside the subset, or breaking a rule of doc examples: a failing test. */
  | (StepBase & { readonly kind: "invalid"; readonly reason: string });

/** Commands that only feed text to a pipe or a file; the docs test runs them with /bin/sh. */
const FEEDERS = new Set(["printf", "echo", "cat"]);
/** Longest first, so `&&` is not read as `&`. */
const OPERATORS = ["&&", "||", "<<", ">>", "|", ";", "<", ">", "&"] as const;
type Operator = (typeof OPERATORS)[number];
/** Unquoted characters after which the shell would expand or glob a word. */
const EXPANDING = /[$`*?[~]/;

interface Token {
  /** The word after quote removal, or the operator. */
  readonly text: string;
  /** As written, quotes included. */
  readonly raw: string;
  readonly op?: Operator;
  /** Any part of the word was quoted. */
  readonly quoted: boolean;
  /** The shell would expand or glob it (an unquoted `$`, `*`, ...). */
  readonly expands: boolean;
}

/** An example outside the subset. */
class ShellSyntaxError extends Error {
  override name = "ShellSyntaxError";
}

/** One command of a pipeline: its words and redirections. */
interface SimpleCommand {
  readonly words: Token[];
  readonly stdout?: StdoutTarget;
  readonly stdinFile?: string;
  /** The delimiter token of `<<`, if any. */
  readonly heredoc?: Token;
  /** The command as written (words and redirections, quotes kept). */
  readonly raw: string;
}

/** The steps of every ```sh (or bash/shell) block of a markdown text, in order. */
export function shellExamples(markdown: string): Step[] {
  const lines = markdown.split("\n");
  const steps: Step[] = [];
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (!inBlock) {
      inBlock = /^```(sh|bash|shell)$/.test(trimmed);
      continue;
    }
    if (trimmed.startsWith("```")) {
      inBlock = false;
      continue;
    }
    i = parseLogicalLine(lines, i, steps);
  }
  return steps;
}

/** Parses the example starting at `lines[start]` into `steps`; returns the index of its last line. */
function parseLogicalLine(lines: string[], start: number, steps: Step[]): number {
  let end = start;
  let text = lines[start]!;
  while (/(^|[^\\])(\\\\)*\\$/.test(text) && end + 1 < lines.length) {
    end++;
    text = `${text.slice(0, -1)} ${lines[end]!.trim()}`;
  }
  const line = start + 1;
  try {
    const items = splitList(tokenize(text));
    const heredocs = items.flat().filter((c) => c.heredoc !== undefined);
    if (heredocs.length > 1) throw new ShellSyntaxError("more than one here-document on a line");
    let body = "";
    if (heredocs.length === 1) [body, end] = heredocBody(lines, end + 1, heredocs[0]!.heredoc!);
    let afterCd = false;
    for (const pipeline of items) {
      const step = classify(pipeline, line, body, afterCd);
      afterCd ||= step.kind === "skip" && step.reason === "cd";
      steps.push(step);
    }
  } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    steps.push({ kind: "invalid", line, text: text.trim(), reason: e.message });
  }
  return end;
}

/** The here-document starting at `lines[from]`; returns it and the index of its delimiter line. */
function heredocBody(lines: string[], from: number, delimiter: Token): [string, number] {
  if (!delimiter.quoted)
    throw new ShellSyntaxError(
      `here-document delimiter ${delimiter.raw} is unquoted, so the shell would expand its body: write <<'${delimiter.text}'`,
    );
  for (let end = from; end < lines.length; end++) {
    if (lines[end] === delimiter.text) {
      const body = lines.slice(from, end);
      return [body.map((l) => `${l}\n`).join(""), end];
    }
    if (lines[end]!.trim().startsWith("```")) break;
  }
  throw new ShellSyntaxError(`here-document not closed by a line '${delimiter.text}'`);
}

/** The words and operators of one line of shell, `#` comments dropped. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let word: { text: string; raw: string; quoted: boolean; expands: boolean } | undefined;
  const endWord = () => {
    if (word) tokens.push(word);
    word = undefined;
  };
  for (let i = 0; i < text.length; ) {
    const c = text[i]!;
    if (c === " " || c === "\t") {
      endWord();
      i++;
      continue;
    }
    if (c === "#" && !word) break;
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (op) {
      if (word && /^\d+$/.test(word.raw) && (op === ">" || op === ">>" || op === "<"))
        throw new ShellSyntaxError(`redirection ${word.raw}${op} is not supported`);
      endWord();
      tokens.push({ text: op, raw: op, op, quoted: false, expands: false });
      i += op.length;
      continue;
    }
    word ??= { text: "", raw: "", quoted: false, expands: false };
    const next = readWordPart(text, i);
    word.text += next.text;
    word.raw += text.slice(i, next.end);
    word.quoted ||= next.quoted;
    word.expands ||= next.expands;
    i = next.end;
  }
  endWord();
  return tokens;
}

/** One character, escape or quoted string of a word starting at `text[i]`. */
function readWordPart(
  text: string,
  i: number,
): { text: string; end: number; quoted: boolean; expands: boolean } {
  const c = text[i]!;
  if (c === "\\") return { text: text[i + 1] ?? "", end: i + 2, quoted: true, expands: false };
  if (c === "'") {
    const close = text.indexOf("'", i + 1);
    if (close < 0) throw new ShellSyntaxError("unterminated ' quote");
    return { text: text.slice(i + 1, close), end: close + 1, quoted: true, expands: false };
  }
  if (c === '"') {
    let out = "";
    let expands = false;
    for (let j = i + 1; j < text.length; j++) {
      const d = text[j]!;
      if (d === '"') return { text: out, end: j + 1, quoted: true, expands };
      if (d === "\\" && /["\\$`]/.test(text[j + 1] ?? "")) out += text[++j];
      else {
        expands ||= d === "$" || d === "`";
        out += d;
      }
    }
    throw new ShellSyntaxError('unterminated " quote');
  }
  return { text: c, end: i + 1, quoted: false, expands: EXPANDING.test(c) };
}

/** The pipelines of an `&&`/`;` list, each as its simple commands. */
function splitList(tokens: Token[]): SimpleCommand[][] {
  const items: SimpleCommand[][] = [];
  let pipeline: SimpleCommand[] = [];
  let command: Token[] = [];
  const endCommand = () => {
    if (command.length === 0) throw new ShellSyntaxError("empty command");
    pipeline.push(simpleCommand(command));
    command = [];
  };
  for (const t of tokens) {
    if (t.op === "||" || t.op === "&")
      throw new ShellSyntaxError(`'${t.op}' is not supported (only && ; | < > >> <<'EOF')`);
    if (t.op === "|") endCommand();
    else if (t.op === "&&" || t.op === ";") {
      endCommand();
      items.push(pipeline);
      pipeline = [];
    } else command.push(t);
  }
  if (command.length > 0 || pipeline.length > 0) {
    endCommand();
    items.push(pipeline);
  }
  return items;
}

/** A command's words, with its redirections taken out. */
function simpleCommand(tokens: Token[]): SimpleCommand {
  const words: Token[] = [];
  let stdout: StdoutTarget | undefined;
  let stdinFile: string | undefined;
  let heredoc: Token | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (!t.op) {
      words.push(t);
      continue;
    }
    const target = tokens[++i];
    if (!target || target.op) throw new ShellSyntaxError(`'${t.op}' needs a file name after it`);
    if (t.op === "<<") heredoc = target;
    else if (t.op === "<") stdinFile = pathWord(target);
    else stdout = { path: pathWord(target), append: t.op === ">>" };
  }
  if (words.length === 0) throw new ShellSyntaxError("a redirection without a command");
  const raw = tokens.map((t) => t.raw).join(" ");
  return {
    words,
    raw,
    ...(stdout ? { stdout } : {}),
    ...(stdinFile !== undefined ? { stdinFile } : {}),
    ...(heredoc ? { heredoc } : {}),
  };
}

/** A file name word; doc examples keep their files inside the repository. */
function pathWord(t: Token): string {
  if (t.expands) throw new ShellSyntaxError(`${t.raw}: the shell would expand this file name`);
  insideRepository(t.text);
  return t.text;
}

/** Throws unless `path` is relative and stays in the folder it is relative to. */
function insideRepository(path: string): void {
  if (path.startsWith("/") || path.split("/").includes(".."))
    throw new ShellSyntaxError(
      `${path}: doc examples keep their files inside the repository (no absolute or ../ paths), so they run the same anywhere`,
    );
}

/** What the docs test does with one pipeline of a list. */
function classify(pipeline: SimpleCommand[], line: number, body: string, afterCd: boolean): Step {
  const text = pipeline.map((c) => c.raw).join(" | ");
  const at = pipeline.findIndex(isVmlab);
  try {
    if (at >= 0) {
      if (afterCd)
        throw new ShellSyntaxError("runs after a cd, which the docs test does not follow");
      return vmlabStep(pipeline, at, line, text, body);
    }
    const [only] = pipeline;
    if (pipeline.length === 1 && only && feeds(only) && only.stdout && !only.heredoc)
      return { kind: "shell", line, text, creates: only.stdout.path };
  } catch (e) {
    if (!(e instanceof ShellSyntaxError)) throw e;
    return { kind: "invalid", line, text, reason: e.message };
  }
  const words = pipeline.flatMap((c) => c.words.map((w) => w.text));
  const targets = pipeline.flatMap((c) => [c.stdout?.path ?? [], c.stdinFile ?? []].flat());
  return {
    kind: "skip",
    line,
    text,
    reason: words[0] === "npx" ? `npx ${words[1]}` : words[0]!,
    names: [...words.slice(1).filter((w) => !w.startsWith("-")), ...targets],
  };
}

function isVmlab(c: SimpleCommand): boolean {
  const [first, second] = c.words.map((w) => w.text);
  return first === "vmlab" || (first === "npx" && second === "vmlab");
}

/** A printf/echo/cat that the docs test may run with /bin/sh (no here-document, no `<`). */
function feeds(c: SimpleCommand): boolean {
  return FEEDERS.has(c.words[0]!.text) && c.stdinFile === undefined;
}

/** The vmlab command at `pipeline[at]`, with what feeds its stdin. */
function vmlabStep(
  pipeline: SimpleCommand[],
  at: number,
  line: number,
  text: string,
  body: string,
): Step {
  if (at !== pipeline.length - 1)
    throw new ShellSyntaxError(
      "vmlab's output is piped on: only `printf|echo|cat ... | vmlab` runs",
    );
  if (pipeline.length > 2)
    throw new ShellSyntaxError("a pipeline of more than two commands is not supported");
  const cmd = pipeline[at]!;
  const feeder = pipeline.length === 2 ? pipeline[0]! : undefined;
  if (feeder && (!feeds(feeder) || feeder.stdout || feeder.heredoc))
    throw new ShellSyntaxError(`${feeder.raw}: only printf, echo or cat may feed vmlab`);
  const stdinSources = [feeder, cmd.heredoc, cmd.stdinFile].filter((s) => s !== undefined);
  if (stdinSources.length > 1) throw new ShellSyntaxError("vmlab's stdin is given twice");
  const words = cmd.words.slice(cmd.words[0]!.text === "npx" ? 2 : 1);
  const expanded = words.find((w) => w.expands);
  if (expanded) throw new ShellSyntaxError(`${expanded.raw}: the shell would expand this word`);
  for (const w of words) if (w.text.includes("/")) insideRepository(w.text);
  const stdin: StdinSource = feeder
    ? { from: "pipe", command: feeder.raw }
    : cmd.heredoc
      ? { from: "heredoc", body }
      : cmd.stdinFile !== undefined
        ? { from: "file", path: cmd.stdinFile }
        : { from: "none" };
  return {
    kind: "vmlab",
    line,
    text,
    args: words.map((w) => w.text),
    stdin,
    ...(cmd.stdout ? { stdout: cmd.stdout } : {}),
  };
}
