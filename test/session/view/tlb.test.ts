// The TLB pane's data: every entry with its LRU age, and the last step's lookups with the entry
// that hit, the entry filled and the victim the fill evicted.
import { describe, expect, it } from "vitest";
import type { Session } from "../../../session/step/session.js";
import { tlbView } from "../../../session/view/tlb.js";
import type { TlbRow } from "../../../session/view/types.js";
import { walkView } from "../../../session/view/walk.js";
import { session, stepTraced } from "./helpers.js";

const HELLO = "programs/hello.s";
const SORT = "programs/sort.s";

function valid(s: Session): TlbRow[] {
  return tlbView(s).rows.filter((r) => r.valid);
}

describe("tlbView", () => {
  it("1. after the first fetch of hello.s exactly one entry is valid: the entry page, filled after two misses", () => {
    const s = session([HELLO]);
    stepTraced(s, 1);
    const v = tlbView(s);
    expect(v).toMatchObject({
      entries: 64,
      ways: 64,
      sets: 1,
      policy: "lru",
      refill: "hardware",
      asid: 1,
    });
    expect(v.rows).toHaveLength(64);
    const entryPage = s.setup.images[0]!.entry >>> 12;
    const rows = valid(s);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      index: 0,
      set: 0,
      way: 0,
      vpn: entryPage,
      asid: 1,
      age: 0,
      flags: "VR-XU-A-",
    });
    expect(rows[0]!.ppn).toBe(s.world.machine.mmu.tlb.ppn[0]);
    expect(v.lookups.map((l) => [l.access, l.hit, l.fillIndex])).toEqual([
      ["fetch", false, null],
      ["fetch", false, 0],
    ]);
    expect(v.lookups[1]!.victim).toBeNull();
  });

  it("2. the second fetch hits entry 0", () => {
    const s = session([HELLO]);
    stepTraced(s, 2);
    expect(tlbView(s).lookups).toEqual([
      expect.objectContaining({
        access: "fetch",
        hit: true,
        hitIndex: 0,
        fillIndex: null,
        victim: null,
      }),
    ]);
  });

  it("3. ages rank each set's valid entries by last use, most recent first", () => {
    const s = session(["programs/swap/bigtouch.s"], { tlb: 8, tlbWays: 4 });
    s.runQuiet(150_000);
    stepTraced(s, 5);
    const rows = valid(s);
    expect(rows).toHaveLength(8);
    for (const set of [0, 1]) {
      const inSet = rows.filter((r) => r.set === set).sort((a, b) => a.age - b.age);
      expect(inSet.map((r) => r.age)).toEqual([0, 1, 2, 3]);
      for (let i = 1; i < inSet.length; i++)
        expect(inSet[i - 1]!.lastUse).toBeGreaterThan(inSet[i]!.lastUse);
    }
    const fetched = s.history.at(-1)!.report.fetched!.pc >>> 12;
    expect(rows.find((r) => r.vpn === fetched)!.age).toBe(0);
  });

  it("3a. invalid entries have no age", () => {
    const s = session([HELLO], { tlb: 8, tlbWays: 4 });
    stepTraced(s, 1);
    const rows = tlbView(s).rows;
    expect(rows.filter((r) => !r.valid).map((r) => r.age)).toEqual(new Array(7).fill(-1));
  });

  it("4. a fill into a full set names its victim: the entry that was there before the step", () => {
    const s = session([SORT], { tlb: 2, tlbWays: 2 });
    let victims = 0;
    let compared = 0;
    for (let i = 0; i < 3000 && s.hasLive() && victims < 20; i++) {
      const before = valid(s);
      s.stepTraced();
      for (const l of tlbView(s).lookups) {
        if (l.fillIndex === null || l.victim === null) continue;
        const was = before.find((r) => r.index === l.fillIndex);
        // A victim filled and evicted within the same step was not there before it.
        if (was) {
          expect(l.victim).toEqual({ ...was, age: -1 });
          compared++;
        }
        expect(l.victim.index).toBe(l.fillIndex);
        victims++;
      }
    }
    expect(victims).toBeGreaterThan(10);
    expect(compared).toBeGreaterThan(5);
  });

  it("5. with software refill, the kernel's fill belongs to the lookup that missed", () => {
    const s = session([HELLO], { tlb: 4, tlbRefill: "software" });
    stepTraced(s, 1);
    const lookups = tlbView(s).lookups;
    const filled = lookups.filter((l) => l.fillIndex !== null);
    expect(filled.length).toBeGreaterThan(0);
    for (const l of filled) expect(l.hit).toBe(false);
    expect(lookups.at(-1)).toMatchObject({ hit: true });
    expect(lookups.at(-1)!.hitIndex).toBe(filled.at(-1)!.fillIndex);
  });

  it("6. looking changes nothing: the TLB's stamps and counters are the same after a view", () => {
    const s = session([SORT], { tlb: 8, tlbWays: 2 });
    stepTraced(s, 100);
    const tlb = s.world.machine.mmu.tlb;
    const stamps = [...tlb.stamps];
    const stats = s.world.machine.stats();
    tlbView(s);
    expect([...tlb.stamps]).toEqual(stamps);
    expect(s.world.machine.stats()).toEqual(stats);
  });

  it("7. a hit whose cached PTE is stale on the re-check is a miss, and the refill is its fill", () => {
    const s = session([HELLO]);
    stepTraced(s, 1);
    // Make entry 0 hold an older copy of the leaf without A, so the next fetch must re-read it.
    const tlb = s.world.machine.mmu.tlb;
    const A = 1 << 6;
    tlb.setPte(0, tlb.pte[0]! & ~A, tlb.flags[0]! & ~A);
    stepTraced(s, 1);
    const [l] = tlbView(s).lookups;
    expect(l).toMatchObject({ hit: false, hitIndex: null, fillIndex: 0 });
    expect(walkView(s).translations.map((t) => [t.tlbHit, t.levels.length])).toEqual([[false, 2]]);
    expect(walkView(s).translations[0]!.lines.some((x) => x.includes("re-read pte"))).toBe(true);
  });

  it("8. the step in which a process ends flushes its entries; a fill's victim is not counted as flushed", () => {
    const s = session([HELLO]);
    let cached: number[] = [];
    while (s.hasLive()) {
      cached = valid(s).map((r) => r.vpn);
      s.stepTraced();
    }
    const v = tlbView(s);
    expect(cached.length).toBeGreaterThan(0);
    expect(v.flushed.map((r) => r.vpn).sort()).toEqual(cached.sort());
    expect(v.flushed.every((r) => r.asid === 1 && r.age === -1)).toBe(true);
    expect(valid(s)).toEqual([]);
    const t = session([SORT], { tlb: 2, tlbWays: 2 });
    for (let i = 0; i < 300; i++) {
      t.stepTraced();
      expect(tlbView(t).flushed).toEqual([]);
    }
  });
});
