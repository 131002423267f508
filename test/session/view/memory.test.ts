// The Physical memory pane's data: one cell per frame (use, owner, mappings), the frames the last
// step touched and the current access's frame, and one frame in detail.
import { describe, expect, it } from "vitest";
import { FrameUse } from "../../../kernel/frames.js";
import { frameChar } from "../../../kernel/memmap.js";
import { frameDetail, memoryView } from "../../../session/view/memory.js";
import { type FrameCell, frameAt } from "../../../session/view/runs.js";
import type { MemoryView } from "../../../session/view/types.js";
import { walkView } from "../../../session/view/walk.js";
import { session, stepTraced } from "./helpers.js";

const HELLO = "programs/hello.s";
const COW = "programs/usertests/cow.s";

/** Every frame of the view, one by one. */
function cells(m: MemoryView): FrameCell[] {
  return Array.from({ length: m.count }, (_, p) => frameAt(m, p)!);
}

describe("memoryView", () => {
  it("1. the runs cover every frame once, with the frame table's use and owner (hello.s after one step)", () => {
    const s = session([HELLO]);
    stepTraced(s, 1);
    const m = memoryView(s);
    const frames = s.world.kernel.frames;
    expect(m).toMatchObject({ frameSize: 4096, count: 4096, free: frames.free, reserved: 16 });
    let next = 0;
    for (const r of m.runs) {
      expect(r.first).toBe(next);
      expect(r.count).toBeGreaterThan(0);
      next += r.count;
    }
    expect(next).toBe(m.count);
    expect(m.runs.length).toBeLessThan(12);
    const all = cells(m);
    expect(all.map((c) => c.pid)).toEqual([...frames.pid]);
    expect(all.map((c) => c.refs)).toEqual([...frames.refs]);
    // The memory map's letters say the same: . free, K kernel, P page table, a digit a user page.
    const letter: Record<string, string> = { free: ".", kernel: "K", "page table": "P", user: "1" };
    const chars = all.map((_, p) => frameChar(frames, p));
    expect(all.map((c) => letter[c.use] ?? c.use)).toEqual(chars);
    expect(all.filter((c) => c.use === "free")).toHaveLength(frames.free);
    expect(all.filter((c) => c.use === "kernel")).toHaveLength(16);
    expect(frameAt(m, m.count)).toBeUndefined();
  });

  it("1a. neighbouring frames in one run map consecutive pages; a frame that breaks the sequence starts a run", () => {
    const s = session([COW]);
    s.runQuiet(3000);
    const m = memoryView(s);
    for (const d of cells(m).filter((c) => c.use === "user")) {
      expect(frameDetail(s, d.ppn).mappings[0]!.va).toBe(d.va);
    }
    for (let i = 1; i < m.runs.length; i++) {
      const [a, b] = [m.runs[i - 1]!, m.runs[i]!];
      const sameKind = a.use === b.use && a.pid === b.pid && a.refs === b.refs;
      const consecutive = a.va === null ? b.va === null : b.va === a.va + a.count * 4096;
      expect(sameKind && consecutive).toBe(false);
    }
  });

  it("2. the first fetch touched the root table, the level-0 table and the text frame; the text frame is current", () => {
    const s = session([HELLO]);
    stepTraced(s, 1);
    const m = memoryView(s);
    const walk = walkView(s).walk!;
    const [l1, l0] = walk.levels;
    const text = Math.floor(walk.pa! / 4096);
    expect(m.current).toBe(text);
    expect(m.touched.at(-1)).toEqual({ ppn: text, pa: walk.pa, what: "fetch" });
    expect(m.touched).toContainEqual({ ppn: l1!.tablePpn, pa: l1!.pteAddr, what: "pte" });
    expect(m.touched).toContainEqual({ ppn: l0!.tablePpn, pa: l0!.pteAddr, what: "pte" });
    expect(frameAt(m, l1!.tablePpn)!.use).toBe("page table");
    expect(frameAt(m, text)).toEqual({
      ppn: text,
      use: "user",
      pid: 1,
      refs: 1,
      va: walk.va - (walk.va % 4096),
    });
  });

  it("3. a quiet run leaves no current access", () => {
    const s = session([HELLO]);
    s.runQuiet(2);
    const m = memoryView(s);
    expect(m.current).toBeNull();
    expect(m.touched).toEqual([]);
  });

  it("4. base-limit: the partition's frames carry their virtual address", () => {
    const s = session([HELLO], { mm: "base-limit" });
    stepTraced(s, 1);
    const m = memoryView(s);
    const part = s.world.kernel.procs.get(1)!.blocks[0]!;
    const first = part.base / 4096;
    expect(frameAt(m, first)).toMatchObject({ use: "partition", pid: 1, va: 0 });
    expect(frameAt(m, first + 5)!.va).toBe(5 * 4096);
    expect(frameDetail(s, first + 5).mappings).toEqual([{ pid: 1, va: 5 * 4096, flags: "" }]);
  });

  it("5. segmented: the stack segment's last frame maps the page just below 0x80000000", () => {
    const s = session([HELLO], { mm: "segmented" });
    stepTraced(s, 1);
    const m = memoryView(s);
    const stack = s.world.kernel.procs.get(1)!.blocks[1]!;
    expect(frameAt(m, (stack.base + stack.size) / 4096 - 1)!.va).toBe(0x8000_0000 - 4096);
    expect(frameAt(m, stack.base / 4096)!.va).toBe(0x8000_0000 - stack.size);
  });
});

describe("frameDetail", () => {
  it("6. a user frame: its one mapping, found in the page table", () => {
    const s = session([HELLO]);
    stepTraced(s, 1);
    const walk = walkView(s).walk!;
    const ppn = Math.floor(walk.pa! / 4096);
    expect(frameDetail(s, ppn)).toEqual({
      ppn,
      pa: ppn * 4096,
      use: "user",
      pid: 1,
      refs: 1,
      pins: 0,
      mappings: [{ pid: 1, va: walk.va - (walk.va % 4096), flags: "VR-XU-A-" }],
    });
  });

  it("7. after fork a copy-on-write frame is mapped by parent and child at the same address", () => {
    const s = session([COW], { ram: 4 * 1024 * 1024 });
    let shared: number | undefined;
    while (s.hasLive() && shared === undefined) {
      s.runQuiet(400);
      const f = s.world.kernel.frames;
      for (let p = 0; p < f.count && shared === undefined; p++)
        if (f.use[p] === FrameUse.User && f.refs[p]! > 1) shared = p;
    }
    expect(shared).toBeDefined();
    const d = frameDetail(s, shared!);
    expect(d.refs).toBeGreaterThan(1);
    expect(d.mappings).toHaveLength(d.refs);
    expect(new Set(d.mappings.map((m) => m.va)).size).toBe(1);
    expect(new Set(d.mappings.map((m) => m.pid)).size).toBe(d.refs);
    expect(frameAt(memoryView(s), shared!)!.refs).toBe(d.refs);
  });

  it("8. no such frame is a RangeError naming it", () => {
    const s = session([HELLO]);
    expect(() => frameDetail(s, 4096)).toThrow("frameDetail: no frame 4096 (there are 4096)");
    expect(() => frameDetail(s, -1)).toThrow(RangeError);
  });
});
