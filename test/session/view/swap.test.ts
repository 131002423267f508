// The Swap pane's data: the slots in use and the pages on them, and the replacement policy's
// pages in its order (FIFO's queue, the Clock's ring from the hand), checked against what the
// kernel then evicts.
import { describe, expect, it } from "vitest";
import type { Session } from "../../../session/step/session.js";
import { swapView } from "../../../session/view/swap.js";
import type { PolicyPage, SwapView } from "../../../session/view/types.js";
import { pageTableTree } from "../../../session/view/walk.js";
import { session, stepTraced } from "./helpers.js";

const FORK_UNDER_PRESSURE = "programs/pressure/forkpt.s";
const BIGTOUCH = "programs/swap/bigtouch.s";
const TINY = { ram: 128 * 1024, swap: 8 * 1024 * 1024 };

/** Every (pid, va) whose PTE names swap slot `slot`, read from the page-table trees. */
function slotOwners(s: Session, slot: number): { pid: number; va: number }[] {
  const out: { pid: number; va: number }[] = [];
  for (const p of [...s.world.kernel.procs.values()].sort((a, b) => a.pid - b.pid)) {
    for (const t of pageTableTree(s, p.pid)?.tables ?? [])
      for (const e of t.entries) if (e.slot === slot) out.push({ pid: p.pid, va: e.va });
  }
  return out;
}

/**
 * The page the policy should evict next, from the view before the fault: the first page in its
 * order the kernel may evict, skipping the faulting instruction's code page (the kernel protects
 * it while serving the fault); Clock first looks for one whose A bit is clear.
 */
function expectedVictim(v: SwapView, codePage: number): PolicyPage | undefined {
  const candidates = v.queue.filter((q) => q.evictable && q.va !== codePage);
  if (v.hand === null) return candidates[0];
  return candidates.find((q) => !q.referenced) ?? candidates[0];
}

describe("swapView", () => {
  it("1. no swap disk: disabled and empty", () => {
    const s = session(["programs/hello.s"]);
    expect(swapView(s)).toEqual({
      enabled: false,
      policy: null,
      slots: 0,
      used: 0,
      inUse: [],
      queue: [],
      order: "",
      hand: null,
    });
  });

  it("2. after fork under pressure, each slot in use names every page on it (copy-on-write: both processes)", () => {
    const s = session([FORK_UNDER_PRESSURE], TINY);
    let shared = 0;
    while (s.hasLive()) {
      s.runQuiet(7);
      const v = swapView(s);
      expect(v).toMatchObject({ enabled: true, policy: "clock", slots: 2048 });
      expect(v.inUse).toHaveLength(v.used);
      for (const row of v.inUse) {
        expect(row.owners).toEqual(slotOwners(s, row.slot));
        expect(row.owners).toHaveLength(row.refs);
        if (row.refs > 1) shared++;
      }
    }
    expect(shared).toBeGreaterThan(0);
  });

  it("3. the queue is the policy's order, with each page's owner, address and A/D bits from its PTE", () => {
    const s = session([BIGTOUCH], { ...TINY, policy: "fifo" });
    s.runQuiet(30_000);
    const v = swapView(s);
    const swapper = s.world.kernel.swapper!;
    expect(v.queue.map((q) => q.ppn)).toEqual(swapper.policy.order());
    expect(v.queue.length).toBeGreaterThan(3);
    expect(v.hand).toBeNull();
    const leaves = pageTableTree(s)!.tables.flatMap((t) => t.entries);
    for (const q of v.queue) {
      const leaf = leaves.find((e) => e.ppn === q.ppn)!;
      expect(q).toMatchObject({ pid: 1, va: leaf.va, referenced: leaf.bits.a, dirty: leaf.bits.d });
    }
  });

  for (const policy of ["fifo", "clock"]) {
    it(`4. ${policy}: the kernel evicts the page the view puts first`, () => {
      const s = session([BIGTOUCH], { ...TINY, policy });
      for (let n = 0; n < 6; n++) {
        // Find the next step that evicts, then look at the state just before it.
        const seen = s.world.kernel.counters.evictions;
        while (s.world.kernel.counters.evictions === seen) s.stepQuiet();
        s.replayTo(s.position - 1);
        const before = swapView(s);
        const r = s.stepTraced();
        const out = r.notes.find(
          (x) => x.kind === "kernel" && x.e.kind === "swap" && x.e.op !== "in",
        );
        if (out?.kind !== "kernel" || out.e.kind !== "swap")
          throw new Error("no eviction in the step");
        const codePage = r.fetched ? r.fetched.pc - (r.fetched.pc % 4096) : -1;
        expect(expectedVictim(before, codePage)?.ppn).toBe(out.e.ppn);
      }
    });
  }

  it("5. clock: the hand is the first page of the ring", () => {
    const s = session([BIGTOUCH], TINY);
    s.runQuiet(30_000);
    stepTraced(s, 1);
    const v = swapView(s);
    expect(v.hand).toBe(v.queue[0]!.ppn);
    expect(v.order).toContain("hand");
  });
});
