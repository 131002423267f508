// The machine's Web Worker: it owns the Engine (one session on session/, the same hw/kernel/asm
// code as the CLI) and answers the page's commands with the panes' data. A run goes in batches
// of about BATCH_MS, yielding between them so Pause is heard, and posts the state ~10 times a
// second.
import type { QuizProblem } from "../quiz/kind.js";
import { KERNEL_POLICIES } from "../session/boot.js";
import { addressOf, frameDetail } from "../session/view/index.js";
import { Engine } from "./engine.js";
import { panesOf } from "./panes.js";
import { bundledReader, programGroups, sourceText } from "./programs.js";
import type { Command, MachineState, Reply, Request } from "./protocol.js";
import { gradeQuiz, makeQuiz, quizList } from "./quiz.js";

/** The part of the worker's global scope this file uses (the DOM lib types the page's side). */
interface WorkerScope {
  postMessage(message: Reply): void;
  onmessage: ((e: MessageEvent<Request>) => void) | null;
}
const scope = self as unknown as WorkerScope;

/** How long one batch of a run may take before the worker looks at its messages. */
const BATCH_MS = 25;
/** How often a run shows its progress. */
const POST_MS = 100;
const FIRST_BATCH = 10_000;

let engine: Engine | null = null;
let running = false;
let stopped = "";
let ips = 0;
let problems: readonly QuizProblem[] = [];
const files = bundledReader();

function post(reply: Reply): void {
  scope.postMessage(reply);
}

function state(): MachineState {
  const e = engine!;
  const { panes, error } = panesOf(e);
  return {
    position: e.position,
    live: e.live,
    running,
    stopped,
    ips,
    registers: e.registers(),
    disassembly: e.disassembly(),
    console: e.console,
    breakpoints: e.stops.breaks.map((b) => b.addr),
    panes,
    error,
  };
}

/** Lets pending messages (Pause) in: a message to ourselves queues behind them, unthrottled. */
const channel = new MessageChannel();
function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

/** Runs until a breakpoint, the end or Pause, in batches sized to take about BATCH_MS each. */
async function run(ack: number): Promise<void> {
  const e = engine!;
  running = true;
  stopped = "";
  let batch = FIRST_BATCH;
  let lastPost = performance.now();
  const start = lastPost;
  const from = e.position;
  while (running) {
    const t0 = performance.now();
    const why = e.run(batch);
    const t1 = performance.now();
    ips = ((e.position - from) * 1000) / Math.max(1, t1 - start);
    if (why !== undefined) {
      stopped = why;
      break;
    }
    batch = Math.max(1000, Math.round((batch * BATCH_MS) / Math.max(1, t1 - t0)));
    if (t1 - lastPost >= POST_MS) {
      post({ type: "state", ack, state: state(), progress: true });
      lastPost = t1;
    }
    await yieldToMessages();
  }
  running = false;
  post({ type: "state", ack, state: state() });
}

function handle(req: Request): void {
  const { id } = req;
  const cmd: Command = req;
  if (cmd.type === "pause") {
    // A run in progress posts its state as it stops; otherwise answer at once.
    if (running) running = false;
    else if (engine) post({ type: "state", ack: id, state: state() });
    return;
  }
  if (cmd.type === "source") {
    post({ type: "source", ack: id, path: cmd.path, text: sourceText(cmd.path) ?? null });
    return;
  }
  if (cmd.type === "quiz") {
    const q = makeQuiz(cmd.kind, cmd.seed, cmd.flags);
    problems = q.problems;
    post({ type: "quiz", ack: id, text: q.text, error: q.error, questions: q.questions });
    return;
  }
  if (cmd.type === "check") {
    post({ type: "graded", ack: id, grades: gradeQuiz(problems, cmd.answers) });
    return;
  }
  if (cmd.type === "load") {
    running = false;
    const e = Engine.load(cmd.program, cmd.settings, files);
    if (!(e instanceof Engine)) {
      engine = null;
      post({ type: "loadError", ack: id, error: e.error, diagnostics: e.diagnostics });
      return;
    }
    engine = e;
    stopped = "";
    ips = 0;
    if (cmd.position > 0) e.goto(cmd.position);
    post({ type: "state", ack: id, state: state() });
    return;
  }
  if (!engine) {
    post({ type: "failed", ack: id, error: "no program is loaded" });
    return;
  }
  if (cmd.type === "address") {
    post({ type: "address", ack: id, view: addressOf(engine.session, cmd.va, cmd.access) });
    return;
  }
  if (cmd.type === "frame") {
    post({ type: "frame", ack: id, detail: frameDetail(engine.session, cmd.ppn) });
    return;
  }
  if (running) {
    // Between batches of a run the machine moves only by the run: say where it is.
    post({ type: "state", ack: id, state: state() });
    return;
  }
  move(engine, cmd, id);
}

/** Step, back, jump, breakpoints, run: the commands that change the machine. */
function move(e: Engine, cmd: Command, id: number): void {
  stopped = "";
  if (cmd.type === "step") e.step(cmd.n);
  else if (cmd.type === "back") e.back(cmd.n);
  else if (cmd.type === "goto") e.goto(cmd.position);
  else if (cmd.type === "break") e.toggleBreak(cmd.addr);
  else if (cmd.type === "run") return void run(id);
  post({ type: "state", ack: id, state: state() });
}

scope.onmessage = (e) => {
  try {
    handle(e.data);
  } catch (err) {
    running = false;
    post({
      type: "failed",
      ack: e.data.id,
      error: err instanceof Error ? err.message : String(err),
    });
  }
};

post({ type: "ready", groups: programGroups(), quizKinds: quizList(), policies: KERNEL_POLICIES });
