// The page's side of the worker: sends commands, keeps the latest answers in signals, and
// replaces a worker that stops answering (a runaway batch) by a fresh one, replaying the session
// to its last known position.
import { signal } from "@preact/signals";
import type { AddressView, FrameDetail } from "../session/view/types.js";
import type { Command, MachineState, QuizGrade, QuizQuestion, Reply, Request } from "./protocol.js";
import type { LinkState } from "./settings.js";
import type { Diagnostic, ProgramGroup } from "./view.js";

/**
 * A worker silent this long while it owes an answer is replaced (a run answers ~10 times a
 * second; a long jump replays without answering, at tens of millions of instructions a second).
 */
const WATCHDOG_MS = 15_000;

export const groups = signal<ProgramGroup[]>([]);
export const quizKinds = signal<{ name: string; summary: string }[]>([]);
export const policies = signal<string[]>([]);
export const machine = signal<MachineState | null>(null);
export const loadError = signal<{ error: string; diagnostics: Diagnostic[] } | null>(null);
export const failure = signal("");
export const quiz = signal<{ text: string; error: string; questions: QuizQuestion[] } | null>(null);
export const grades = signal<QuizGrade[] | null>(null);
/** The translation of an address the user typed into the Address pane. */
export const typedAddress = signal<AddressView | null>(null);
/** The frame the user clicked in the memory map, in detail (as it was when clicked). */
export const frameDetail = signal<FrameDetail | null>(null);
/** True while a command has no answer yet (the controls wait rather than queue). */
export const busy = signal(false);

type SourceWaiter = (text: string | null) => void;

/** The worker and the bookkeeping that lets it be replaced. */
export class MachineClient {
  private worker: Worker;
  private nextId = 1;
  private owed = 0;
  private lastHeard = 0;
  private readonly sourceWaiters = new Map<number, SourceWaiter>();
  /** The last load and the breakpoints since, replayed into a replacement worker. */
  private loaded: LinkState | null = null;
  private readonly breaks = new Set<number>();
  onState: (s: MachineState) => void = () => {};

  constructor() {
    this.worker = this.spawn();
    setInterval(() => this.watch(), WATCHDOG_MS / 5);
  }

  private spawn(): Worker {
    const w = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    w.onmessage = (e: MessageEvent<Reply>) => this.receive(e.data);
    w.onerror = (e) => {
      failure.value = `the machine's worker failed: ${e.message}`;
    };
    return w;
  }

  /** Sends a command; returns its number. */
  send(cmd: Command): number {
    const id = this.nextId++;
    // A pause during a run is answered by the run's last state, which the run already owes.
    const owes = !(cmd.type === "pause" && machine.value?.running);
    if (this.owed === 0) this.lastHeard = performance.now();
    if (owes) this.owed++;
    busy.value = this.owed > 0;
    if (cmd.type === "load") {
      failure.value = "";
      // Until the worker confirms a position, a replacement starts from the beginning (the
      // position asked for may be what made the worker stop answering).
      this.loaded = { program: cmd.program, settings: cmd.settings, position: 0 };
      this.breaks.clear();
    }
    if (cmd.type === "break" && !this.breaks.delete(cmd.addr)) this.breaks.add(cmd.addr);
    this.worker.postMessage({ ...cmd, id } satisfies Request);
    return id;
  }

  /** The text of a bundled assembly file (null for an executable). */
  source(path: string): Promise<string | null> {
    return new Promise((resolve) =>
      this.sourceWaiters.set(this.send({ type: "source", path }), resolve),
    );
  }

  private receive(r: Reply): void {
    this.lastHeard = performance.now();
    if (r.type !== "ready") this.settle(r);
    switch (r.type) {
      case "ready":
        groups.value = r.groups;
        quizKinds.value = r.quizKinds;
        policies.value = r.policies;
        return;
      case "state":
        if (this.loaded) this.loaded = { ...this.loaded, position: r.state.position };
        if (r.state.error) failure.value = r.state.error;
        loadError.value = null;
        machine.value = r.state;
        this.onState(r.state);
        return;
      case "loadError":
        machine.value = null;
        loadError.value = { error: r.error, diagnostics: r.diagnostics };
        return;
      case "source":
        this.sourceWaiters.get(r.ack)?.(r.text);
        this.sourceWaiters.delete(r.ack);
        return;
      case "quiz":
        quiz.value = { text: r.text, error: r.error, questions: r.questions };
        grades.value = null;
        return;
      case "graded":
        grades.value = r.grades;
        return;
      case "address":
        typedAddress.value = r.view;
        return;
      case "frame":
        frameDetail.value = r.detail;
        return;
      case "failed":
        failure.value = r.error;
        return;
    }
  }

  /** One owed answer arrived (a run's progress reports are not its answer). */
  private settle(r: Exclude<Reply, { type: "ready" }>): void {
    if (r.type === "state" && r.progress) return;
    if (this.owed > 0) this.owed--;
    busy.value = this.owed > 0;
  }

  /** Replaces a worker that owes an answer and has been silent too long. */
  private watch(): void {
    if (this.owed === 0 || performance.now() - this.lastHeard < WATCHDOG_MS) return;
    this.worker.terminate();
    this.owed = 0;
    this.worker = this.spawn();
    const breaks = [...this.breaks];
    if (this.loaded) this.send({ type: "load", ...this.loaded });
    else busy.value = false;
    for (const addr of breaks) this.send({ type: "break", addr });
    failure.value = "the machine stopped answering; it was restarted at its last known position";
  }
}
