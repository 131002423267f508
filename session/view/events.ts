// The Events pane: the notes of the last traced steps as lines in the words of `--trace` and the
// stepper (translation steps, kernel events, guest output, kernel messages), step by step.
import { eventCategory } from "../../kernel/trace.js";
import { formatKernelEvent } from "../explain.js";
import type { Note, Session } from "../step/session.js";
import { mmuLine, recentSteps } from "./translations.js";
import type { EventLine, EventsView } from "./types.js";

/** MMU event kinds that `--trace tlb` shows (the rest are `--trace mmu`). */
const TLB_KINDS = new Set(["tlb", "fill"]);

/** The last `depth` traced steps' events, oldest first (none after a quiet run). */
export function eventsView(s: Session, depth: number): EventsView {
  return {
    steps: recentSteps(s, depth).map((r) => ({
      position: r.position,
      pid: r.report.fetched?.pid ?? null,
      pc: r.report.fetched?.pc ?? null,
      lines: r.report.notes.map(eventLine),
    })),
  };
}

/** One note as a line of the Events pane. */
export function eventLine(n: Note): EventLine {
  switch (n.kind) {
    case "mmu": {
      const category = TLB_KINDS.has(n.e.kind) ? "tlb" : "mmu";
      return { kind: "mmu", category, text: mmuLine(n.e), alarm: n.e.kind === "fault" };
    }
    case "kernel": {
      const category = eventCategory[n.e.kind];
      return { kind: "kernel", category, text: formatKernelEvent(n.e), alarm: false };
    }
    case "guest":
      return { kind: "guest", category: "", text: n.line, alarm: n.fd === 2 };
    case "message":
      return { kind: "message", category: "", text: n.line, alarm: true };
  }
}
