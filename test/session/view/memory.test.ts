// The Physical memory pane's data: one cell per frame (use, owner, mappings), the frames the last
// step touched and the current access's frame, and one frame in detail.
import { describe, expect, it } from "vitest";
import { FrameUse } from "../../../kernel/frames.js";
import { frameChar } from "../../../kernel/memmap.js";
import { frameDetail, memoryView } from "../../../session/view/memory.js";
import { walkView } from "../../../session/view/walk.js";
import { session, stepTraced } from "./helpers.js";

const HELLO = "programs/hello.s";
const COW = "programs/usertests/cow.s";

describe("memoryView", () => {
  it("1. every frame has the frame table's use and owner (hello.s after one step)", () => {
    const s = session([HELLO]);
    stepTraced(s, 1);
    const m = memoryView(s);
    const frames = s.world.kernel.frames;
    expect(m).toMatchObject({ frameSize: 4096, count: 4096, free: frames.free, reserved: 16 });
    expect(m.use).toHaveLength(4096);
    expect(m.pid).toEqual([...frames.pid]);
    expect(m.refs).toEqual([...frames.refs]);
    // The memory map's letters say the same: . free, K kernel, P page table, a digit a user page.
    const letter: Record<string, string> = { free: ".", kernel: "K", "page table": "P", user: "1" };
    const chars = Array.from({ length: m.count }, (_, p) => frameChar(frames, p));
    expect(m.use.map((u) => letter[u] ?? u)).toEqual(chars);
    expect(m.use.filter((u) => u === "free")).toHaveLength(frames.free);
    expect(m.use.filter((u) => u === "kernel")).toHaveLength(16);
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
    expect(m.use[l1!.tablePpn]).toBe("page table");
    expect(m.use[text]).toBe("user");
    expect(m.va[text]).toBe(walk.va - (walk.va % 4096));
    expect(m.pid[text]).toBe(1);
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
    expect(m.use[first]).toBe("partition");
    expect(m.va[first]).toBe(0);
    expect(m.va[first + 5]).toBe(5 * 4096);
    expect(frameDetail(s, first + 5).mappings).toEqual([{ pid: 1, va: 5 * 4096, flags: "" }]);
  });

  it("5. segmented: the stack segment's last frame maps the page just below 0x80000000", () => {
    const s = session([HELLO], { mm: "segmented" });
    stepTraced(s, 1);
    const m = memoryView(s);
    const stack = s.world.kernel.procs.get(1)!.blocks[1]!;
    expect(m.va[(stack.base + stack.size) / 4096 - 1]).toBe(0x8000_0000 - 4096);
    expect(m.va[stack.base / 4096]).toBe(0x8000_0000 - stack.size);
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
    const s = session([COW]);
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
    expect(memoryView(s).refs[shared!]).toBe(d.refs);
  });

  it("8. no such frame is a RangeError naming it", () => {
    const s = session([HELLO]);
    expect(() => frameDetail(s, 4096)).toThrow("frameDetail: no frame 4096 (there are 4096)");
    expect(() => frameDetail(s, -1)).toThrow(RangeError);
  });
});
