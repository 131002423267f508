// The messages between the page and the machine's worker. Every command carries a number; the
// worker's answer to it repeats it (`ack`), so the page knows the worker is alive (see client.ts).
import type { AccessName, AddressView, FrameDetail, Snapshot } from "../session/view/types.js";
import type { ProgramChoice, Settings } from "./settings.js";
import type { ConsoleLine, Diagnostic, DisasmLine, ProgramGroup, RegisterView } from "./view.js";

export type Command =
  | { type: "load"; program: ProgramChoice; settings: Settings; position: number }
  | { type: "step"; n: number }
  | { type: "back"; n: number }
  | { type: "goto"; position: number }
  | { type: "run" }
  | { type: "pause" }
  | { type: "break"; addr: number }
  | { type: "source"; path: string }
  | { type: "quiz"; kind: string; seed: number; flags: string }
  | { type: "check"; answers: string[] }
  | { type: "address"; va: number; access: AccessName }
  | { type: "frame"; ppn: number };

/** A command as sent: with its number. */
export type Request = Command & { id: number };

/** Everything the panes show, after a command or during a run (~10 times a second). */
export interface MachineState {
  position: number;
  /** Some process can still run. */
  live: boolean;
  running: boolean;
  /** Why the last run stopped (a breakpoint, the end), or "". */
  stopped: string;
  /** Instructions per second of the last run (0 if none). */
  ips: number;
  registers: { pid: number; regs: RegisterView[] } | null;
  disassembly: DisasmLine[];
  console: ConsoleLine[];
  breakpoints: number[];
  /** The session's views (session/view), or null if they failed (the message is in `error`). */
  panes: Snapshot | null;
  error: string;
}

/** One quiz problem as the page shows it (the answer comes only when graded). */
export interface QuizQuestion {
  question: string;
}

/** How one answer was graded. */
export interface QuizGrade {
  right: boolean;
  /** What is wrong ("" if right). */
  wrong: string;
  answer: string;
  explain: string;
}

export type Reply =
  | {
      type: "ready";
      groups: ProgramGroup[];
      quizKinds: { name: string; summary: string }[];
      /** The page-replacement policies the kernel runs (`--policy`). */
      policies: string[];
    }
  /** `progress`: a report during a run, not its answer (that comes when the run stops). */
  | { type: "state"; ack: number; state: MachineState; progress?: boolean }
  | { type: "loadError"; ack: number; error: string; diagnostics: Diagnostic[] }
  | { type: "source"; ack: number; path: string; text: string | null }
  | { type: "quiz"; ack: number; text: string; error: string; questions: QuizQuestion[] }
  | { type: "graded"; ack: number; grades: QuizGrade[] }
  | { type: "address"; ack: number; view: AddressView }
  | { type: "frame"; ack: number; detail: FrameDetail }
  | { type: "failed"; ack: number; error: string };
