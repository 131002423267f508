// The Page table pane's data: the last walk level by level, every translation of a step with its
// `--trace` lines, and the focus process's table as a tree.
import { describe, expect, it } from "vitest";
import { PTE_V, ptePpn } from "../../../hw/sv32.js";
import { addressOf } from "../../../session/view/address.js";
import { pageTableTree, walkView } from "../../../session/view/walk.js";
import { session, stepTraced, traceLines } from "./helpers.js";

const HELLO = "programs/hello.s";
const FORK_UNDER_PRESSURE = "programs/pressure/forkpt.s";
const TINY = { ram: 128 * 1024, swap: 1024 * 1024 };

describe("walkView", () => {
  it("1. the first fetch of hello.s walks two levels from the root to the physical address", () => {
    const s = session([HELLO]);
    stepTraced(s, 1);
    const { walk } = walkView(s);
    const p = s.world.kernel.procs.get(1)!;
    expect(walk).not.toBeNull();
    expect(walk!.access).toBe("fetch");
    expect(walk!.walker).toBe("hardware");
    expect(walk!.va).toBe(s.setup.images[0]!.entry);
    expect(walk!.rootPpn).toBe(p.root);
    expect(walk!.levels.map((l) => [l.level, l.kind])).toEqual([
      [1, "pointer"],
      [0, "leaf"],
    ]);
    const [l1, l0] = walk!.levels;
    expect(l1!.tablePpn).toBe(p.root);
    expect(l0!.tablePpn).toBe(l1!.ppn);
    expect(l0!.bits).toMatchObject({ v: true, r: true, w: false, x: true, u: true, a: true });
    expect(walk!.pa).toBe(l0!.ppn * 4096 + (walk!.va % 4096));
    expect(walk!.check).toEqual({ flags: "VR-XU-A-", verdict: "allowed" });
  });

  it("2. the first step's translations are the page fault and the retry, as --trace prints them", async () => {
    const s = session([HELLO]);
    stepTraced(s, 1);
    const ts = walkView(s).translations;
    expect(ts.map((t) => t.fault)).toEqual(["instruction page fault (not mapped)", null]);
    expect(ts[0]!.levels.map((l) => l.kind)).toEqual(["invalid"]);
    const traced = await traceLines("mmu,tlb", [HELLO]);
    const first = ts.flatMap((t) => t.lines).map((l) => `[trace] ${l}`);
    expect(traced.slice(0, first.length)).toEqual(first);
    expect(first.at(-1)).toBe(`[trace]   -> pa 0x${ts[1]!.pa!.toString(16).padStart(8, "0")}`);
  });

  it("3. every step's translations, end to end, say what `vmlab run --trace mmu,tlb` says (fork under swap)", async () => {
    const s = session([FORK_UNDER_PRESSURE], TINY);
    const lines: string[] = [];
    while (s.hasLive()) {
      s.stepTraced();
      for (const t of walkView(s).translations) lines.push(...t.lines.map((l) => `[trace] ${l}`));
    }
    const traced = await traceLines("mmu,tlb", [
      "--ram",
      "128k",
      "--swap",
      "1m",
      FORK_UNDER_PRESSURE,
    ]);
    expect(lines.length).toBeGreaterThan(500);
    expect(lines).toEqual(traced);
  });

  it("3a. software refill: the kernel's walk is shown, re-read from the tables, ending at the frame it filled", () => {
    const s = session([HELLO], { tlb: 4, tlbRefill: "software" });
    stepTraced(s, 1);
    const { walk, translations } = walkView(s);
    expect(translations.every((t) => t.walker !== "hardware")).toBe(true);
    expect(translations[0]!.fault).toBe("TLB miss: trap to the kernel (software refill)");
    expect(walk).not.toBeNull();
    expect(walk!.walker).toBe("kernel");
    expect(walk!.rootPpn).toBe(s.world.kernel.procs.get(1)!.root);
    expect(walk!.levels.map((l) => l.kind)).toEqual(["pointer", "leaf"]);
    const leaf = walk!.levels[1]!;
    const entry = s.world.machine.mmu.tlb.contents().find((e) => e.vpn === walk!.va >>> 12)!;
    expect(leaf.ppn).toBe(entry.ppn);
    expect(leaf.pteAddr).toBe(entry.pteAddr);
    expect(leaf.bits.a).toBe(true);
    expect(translations.at(-1)!.pa).toBe(leaf.ppn * 4096 + (walk!.va % 4096));
  });

  it("4. a TLB hit walks nothing: the last walk stays null on the second fetch", () => {
    const s = session([HELLO]);
    stepTraced(s, 2);
    const v = walkView(s);
    expect(v.translations.map((t) => t.tlbHit)).toEqual([true]);
    expect(v.walk).toBeNull();
  });

  it("5. after a quiet run the last step is unknown, and after a traced replay it is back", () => {
    const s = session([HELLO]);
    s.runQuiet(3);
    expect(walkView(s)).toEqual({ walk: null, translations: [] });
    stepTraced(s, 1);
    const stepped = walkView(s);
    expect(stepped.translations.length).toBeGreaterThan(0);
    s.replayTo(s.position, 1);
    expect(walkView(s)).toEqual(stepped);
  });
});

describe("pageTableTree", () => {
  it("6. hello.s: one level-0 table holding the text page the first fetch mapped", () => {
    const s = session([HELLO]);
    stepTraced(s, 1);
    const tree = pageTableTree(s)!;
    const walk = walkView(s).walk!;
    expect(tree.pid).toBe(1);
    expect(tree.rootPpn).toBe(walk.rootPpn);
    const table = tree.tables.find((t) => t.index === walk.levels[0]!.index)!;
    expect(table.ppn).toBe(walk.levels[1]!.tablePpn);
    const leaf = table.entries.find((e) => e.index === walk.levels[1]!.index)!;
    expect(leaf).toMatchObject({ ppn: walk.levels[1]!.ppn, slot: null, flags: "VR-XU-A-" });
  });

  it("7. every valid leaf of the tree translates to its frame (fork under swap, every 5 steps)", () => {
    const s = session([FORK_UNDER_PRESSURE], TINY);
    let checked = 0;
    while (s.hasLive()) {
      s.runQuiet(5);
      const tree = pageTableTree(s);
      for (const e of tree?.tables.flatMap((t) => t.entries) ?? []) {
        if ((e.pte & PTE_V) === 0) continue;
        expect(addressOf(s, e.va + 8, "load").pa).toBe(ptePpn(e.pte) * 4096 + 8);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("8. under memory pressure some pages are on swap, with their slot and no frame", () => {
    const s = session([FORK_UNDER_PRESSURE], TINY);
    const slots = new Set<number>();
    while (s.hasLive()) {
      s.runQuiet(20);
      for (const e of pageTableTree(s)?.tables.flatMap((t) => t.entries) ?? []) {
        if (e.bits.v) continue;
        expect(e.bits.swap).toBe(true);
        expect(e.ppn).toBeNull();
        expect(s.world.kernel.swapper!.space.refsOf(e.slot!)).toBeGreaterThan(0);
        slots.add(e.slot!);
      }
    }
    expect(slots.size).toBeGreaterThan(0);
  });

  it("9. no tree without paging", () => {
    const s = session([HELLO], { mm: "segmented" });
    stepTraced(s, 1);
    expect(pageTableTree(s)).toBeNull();
  });
});
