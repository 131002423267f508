// The session's history of traced steps, which the last-step panes read: what it keeps, when it
// is emptied, and that a replay can rebuild it exactly.
import { describe, expect, it } from "vitest";
import { HISTORY_STEPS } from "../../../session/step/session.js";
import { session, stepTraced } from "./helpers.js";

describe("Session.history", () => {
  it("1. keeps the last HISTORY_STEPS traced steps, one after another, each with the report stepTraced returned", () => {
    const s = session(["programs/sort.s"]);
    const reports = [];
    for (let i = 0; i < HISTORY_STEPS + 10; i++) reports.push(s.stepTraced());
    expect(s.history).toHaveLength(HISTORY_STEPS);
    expect(s.history.map((r) => r.position)).toEqual(
      Array.from({ length: HISTORY_STEPS }, (_, i) => 11 + i),
    );
    expect(s.history.map((r) => r.report)).toEqual(reports.slice(10));
    expect(s.history.at(-1)!.position).toBe(s.position);
  });

  it("2. a quiet run and a plain replay empty it; replayTo(position, n) runs the last n steps traced again", () => {
    const s = session(["programs/sort.s"]);
    stepTraced(s, 20);
    const last5 = s.history.slice(-5);
    s.runQuiet(1);
    expect(s.history).toEqual([]);
    s.replayTo(20);
    expect(s.history).toEqual([]);
    s.replayTo(20, 5);
    expect(s.history).toEqual(last5);
    expect(s.position).toBe(20);
  });

  it("3. records the TLB entries a step evicts, as they were, just before the fill that replaced them", () => {
    const s = session(["programs/sort.s"], { tlb: 2, tlbWays: 2 });
    let seen = 0;
    for (let i = 0; i < 3000 && seen < 3; i++) {
      const before = s.world.machine.mmu.tlb.contents();
      const r = s.stepTraced();
      for (const ev of s.history.at(-1)!.evicted) {
        const fill = r.notes[ev.at];
        expect(fill).toMatchObject({ kind: "mmu", e: { kind: "fill", index: ev.entry.index } });
        const was = before.find((e) => e.index === ev.entry.index);
        if (was) {
          expect(ev.entry).toEqual(was);
          seen++;
        }
      }
    }
    expect(seen).toBe(3);
  });
});
