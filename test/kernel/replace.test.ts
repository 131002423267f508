// kernel/replace/: each policy on hand-checked reference strings through a fake ResidencyView
// (the kernel's setting: no `referenced` calls, bits and stamps in the view), non-evictable pages,
// the registry, and differential runs of replay() against OSTEP's paging-policy.py as reproduced
// by quiz/policy.ts (PageCache) on seeded random traces.
import { describe, expect, it } from "vitest";
import { Prng } from "../../hw/prng.js";
import { AgingPolicy } from "../../kernel/replace/aging.js";
import { ClockPolicy } from "../../kernel/replace/clock.js";
import { EnhancedClockPolicy } from "../../kernel/replace/enhanced-clock.js";
import {
  type PolicyFactory,
  policyByName,
  policyFactories,
  policyFactory,
  type ReplacementPolicy,
  type ResidencyView,
  registerPolicy,
} from "../../kernel/replace/policy.js";
import { ReplayError, replay } from "../../kernel/replace/replay.js";
import { scaledDraw } from "../../quiz/kind.js";
import { PageCache, Policy } from "../../quiz/policy.js";
import { PyRandom } from "../../quiz/random.js";

/** A view as the kernel keeps one: bits and stamps per page, set by the test. */
class FakeView implements ResidencyView {
  readonly a = new Set<number>();
  readonly d = new Set<number>();
  readonly pinned = new Set<number>();
  readonly stamps = new Map<number, number>();
  readonly cleared: number[] = [];
  draws: number[] = [];
  now = 0;

  evictable(page: number): boolean {
    return !this.pinned.has(page);
  }
  referenced(page: number): boolean {
    return this.a.has(page);
  }
  clearReferenced(page: number): void {
    this.a.delete(page);
    this.cleared.push(page);
  }
  dirty(page: number): boolean {
    return this.d.has(page);
  }
  lastUse(page: number): number {
    return this.stamps.get(page) ?? -1;
  }
  random(n: number): number {
    const r = this.draws.shift() ?? 0;
    return r % n;
  }
  /** The hardware's side of a reference: A set, D on a write, the stamp. */
  touch(page: number, write = false): void {
    this.a.add(page);
    if (write) this.d.add(page);
    this.stamps.set(page, ++this.now);
  }
}

/** Loads `pages` in order into `policy` (each touched once, as the faulting access would). */
function load(policy: ReplacementPolicy, view: FakeView, pages: number[]): void {
  for (const p of pages) {
    policy.loaded(p, view);
    view.touch(p);
  }
}

const fresh = (name: string): ReplacementPolicy => policyByName(name)!;

describe("registry", () => {
  it("1: finds every built-in policy by name, case-insensitively, and by alias", () => {
    expect(policyFactories().map((f) => f.name)).toEqual([
      "fifo",
      "lru",
      "mru",
      "opt",
      "random",
      "clock",
      "enhanced-clock",
      "aging",
    ]);
    expect(policyByName("LRU")?.name).toBe("lru");
    expect(policyByName(" Clock ")?.name).toBe("clock");
    expect(policyByName("second-chance")?.name).toBe("clock");
    expect(policyByName("NRU")?.name).toBe("enhanced-clock");
    expect(policyByName("rand")?.name).toBe("random");
    expect(policyByName("Belady")?.name).toBe("opt");
    expect(policyByName("lfu")).toBeUndefined();
  });

  it("2: makes a fresh policy on every call", () => {
    const view = new FakeView();
    const a = fresh("fifo");
    a.loaded(1, view);
    expect(fresh("fifo").order()).toEqual([]);
    expect(a.order()).toEqual([1]);
  });

  it("3: marks OPT alone as needing the future", () => {
    expect(
      policyFactories()
        .filter((f) => f.needsFuture)
        .map((f) => f.name),
    ).toEqual(["opt"]);
  });

  it("4: registers a lab's policy, refuses a taken name, and unregisters", () => {
    const lab: PolicyFactory = {
      name: "Lab-LIFO",
      aliases: ["stack"],
      summary: "evict the page loaded last",
      create: () => {
        const pages: number[] = [];
        return {
          name: "lab-lifo",
          loaded: (p) => void pages.push(p),
          removed: (p) => void pages.splice(pages.indexOf(p), 1),
          victim: () => pages.pop(),
          order: () => [...pages],
        };
      },
    };
    const unregister = registerPolicy(lab);
    try {
      expect(policyFactory("lab-lifo")).toBe(lab);
      expect(policyFactory("STACK")).toBe(lab);
      expect(() => registerPolicy({ ...lab, name: "x", aliases: ["fifo"] })).toThrow(/'fifo'/);
      expect(policyFactory("x")).toBeUndefined();
      const stats = replay({ pages: [1, 2, 3, 1] }, lab.create(), {
        frames: 2,
        tickEvery: 0,
        random: () => 0,
      });
      expect(stats).toMatchObject({ hits: 1, misses: 3, evictions: 1 }); // 3 evicts 2, 1 hits
    } finally {
      unregister();
    }
    expect(policyFactory("lab-lifo")).toBeUndefined();
    expect(policyFactories()).toHaveLength(8);
  });
});

describe("every policy keeps the contract", () => {
  for (const f of policyFactories()) {
    it(`5: ${f.name}: no victim when empty or all pinned; skips pinned pages; forgets victims and removed pages`, () => {
      const view = new FakeView();
      const p = f.create();
      const future = new Map([
        [1, 10],
        [2, 20],
        [3, 30],
        [4, 40],
      ]);
      const withFuture: FakeView = Object.assign(Object.create(view) as FakeView, {
        nextUse: (page: number) => future.get(page) ?? Number.POSITIVE_INFINITY,
      });
      const v = f.needsFuture ? withFuture : view;
      expect(p.victim(v)).toBeUndefined();
      load(p, v, [1, 2, 3, 4]);
      expect(() => p.loaded(2, v)).toThrow(/already resident/);
      p.removed(3);
      p.removed(99); // unknown: no-op
      expect(p.order().sort()).toEqual([1, 2, 4]);
      view.pinned.add(1).add(2).add(4);
      expect(p.victim(v)).toBeUndefined();
      view.pinned.delete(2);
      expect(p.victim(v)).toBe(2);
      expect(p.order().sort()).toEqual([1, 4]);
      view.pinned.clear();
      const last = [p.victim(v), p.victim(v)].sort();
      expect(last).toEqual([1, 4]);
      expect(p.order()).toEqual([]);
      p.loaded(2, v); // a victim may come back
      expect(p.order()).toEqual([2]);
    });
  }
});

describe("FIFO, LRU and MRU", () => {
  it("6: FIFO evicts in load order whatever the use", () => {
    const view = new FakeView();
    const p = fresh("fifo");
    load(p, view, [5, 6, 7]);
    view.touch(5);
    expect(p.victim(view)).toBe(5);
    expect(p.order()).toEqual([6, 7]);
  });

  it("7: LRU without reference reports reads the view's last-use stamps (the kernel's way)", () => {
    const view = new FakeView();
    const p = fresh("lru");
    load(p, view, [1, 2, 3]);
    view.touch(1);
    view.touch(2);
    expect(p.victim(view)).toBe(3);
    view.stamps.set(1, 100);
    view.stamps.set(2, 100);
    p.loaded(3, view);
    view.stamps.set(3, 100);
    expect(p.victim(view)).toBe(1); // ties go to the page loaded first
  });

  it("8: LRU with reference reports keeps exact recency order (trace replay's way)", () => {
    const view = new FakeView();
    const p = fresh("lru");
    load(p, view, [1, 2, 3]);
    p.referenced!(1, false, view);
    expect(p.order()).toEqual([2, 3, 1]);
    view.stamps.clear(); // no longer consulted
    expect(p.victim(view)).toBe(2);
  });

  it("9: MRU evicts the most recent page either way", () => {
    const view = new FakeView();
    const scan = fresh("mru");
    load(scan, view, [1, 2, 3]);
    view.touch(2);
    expect(scan.victim(view)).toBe(2);
    const exact = fresh("mru");
    load(exact, view, [1, 2, 3]);
    exact.referenced!(1, false, view);
    expect(exact.victim(view)).toBe(1);
  });
});

describe("OPT", () => {
  it("10: evicts the page used furthest ahead; never-used-again ties go to the last loaded", () => {
    const view = new FakeView();
    const next = new Map([
      [1, 5],
      [2, 9],
      [3, Number.POSITIVE_INFINITY],
      [4, Number.POSITIVE_INFINITY],
    ]);
    const v: ResidencyView = Object.assign(Object.create(view), {
      nextUse: (page: number) => next.get(page)!,
    });
    const p = fresh("opt");
    for (const page of [1, 2, 3, 4]) p.loaded(page, v);
    expect(p.victim(v)).toBe(4);
    expect(p.victim(v)).toBe(3);
    expect(p.victim(v)).toBe(2);
  });

  it("11: refuses to run without the future", () => {
    const p = fresh("opt");
    expect(() => p.loaded(1, new FakeView())).toThrow(/needs the future/);
  });
});

describe("random", () => {
  it("12: draws an index into the load-ordered list; redraws among evictable pages if pinned", () => {
    const view = new FakeView();
    const p = fresh("random");
    load(p, view, [10, 11, 12, 13]);
    view.draws = [2];
    expect(p.victim(view)).toBe(12);
    view.pinned.add(10);
    view.draws = [0, 1]; // 10 is pinned; the second draw picks among [11, 13]
    expect(p.victim(view)).toBe(13);
    expect(p.order()).toEqual([10, 11]);
  });
});

describe("Clock", () => {
  it("13: gives referenced pages a second chance, clearing their bits, and stops past the victim", () => {
    const view = new FakeView();
    const p = new ClockPolicy();
    load(p, view, [1, 2, 3]);
    view.a.delete(2);
    expect(p.victim(view)).toBe(2);
    expect(view.cleared).toEqual([1]);
    expect(p.order()).toEqual([3, 1]); // the hand is on 3
    p.loaded(4); // joins just behind the hand
    expect(p.order()).toEqual([3, 1, 4]);
  });

  it("14: sweeps twice when every page is referenced, then takes the first", () => {
    const view = new FakeView();
    const p = new ClockPolicy();
    load(p, view, [1, 2, 3]);
    expect(p.victim(view)).toBe(1);
    expect(view.cleared).toEqual([1, 2, 3]);
    expect(p.order()).toEqual([2, 3]);
  });

  it("15: replays 7,0,1,2,0,3,0,4,2,3,0,3,2 with 3 frames as worked by hand", () => {
    const pages = [7, 0, 1, 2, 0, 3, 0, 4, 2, 3, 0, 3, 2];
    const victims: (number | undefined)[] = [];
    const stats = replay({ pages }, new ClockPolicy(), {
      frames: 3,
      tickEvery: 0,
      random: () => 0,
      onAccess: (a) => void (a.hit || victims.push(a.victim)),
    });
    // 2: a full sweep clears 7 0 1, takes 7. 3: 0 was used again (second chance), takes 1.
    // 4: clears 2 0 3, takes 2. 2: takes 0. 0: clears 4 2 3, takes 3. 3: takes 4.
    expect(victims).toEqual([undefined, undefined, undefined, 7, 1, 2, 0, 3, 4]);
    expect(stats).toMatchObject({ hits: 4, misses: 9 });
  });
});

describe("enhanced Clock", () => {
  it("16: prefers (unreferenced, clean), then (unreferenced, dirty) clearing A, then the rest", () => {
    const view = new FakeView();
    const p = new EnhancedClockPolicy();
    load(p, view, [1, 2, 3, 4]);
    view.a.delete(2);
    view.d.add(2);
    view.a.delete(4);
    expect(p.victim(view)).toBe(4); // (0,0) beats the earlier (0,1), nothing cleared
    expect(view.cleared).toEqual([]);
    expect(p.victim(view)).toBe(2); // no (0,0): the second sweep clears 1, then finds (0,1)
    expect(view.cleared).toEqual([1]);
    view.d.add(1);
    expect(p.victim(view)).toBe(1); // 1 is (0,1) now, 3 is (1,0): 3 loses its A bit, 1 goes
    expect(view.cleared).toEqual([1, 3]);
  });

  it("17: finds a victim when every page is referenced and dirty", () => {
    const view = new FakeView();
    const p = new EnhancedClockPolicy();
    load(p, view, [1, 2]);
    view.d.add(1).add(2);
    expect(p.victim(view)).toBe(1);
  });
});

describe("aging", () => {
  it("18: shifts the A bit in at the top on each tick and clears it", () => {
    const view = new FakeView();
    const p = new AgingPolicy();
    load(p, view, [1, 2]);
    p.tick(view); // both referenced
    expect([p.counter(1), p.counter(2)]).toEqual([0x80, 0x80]);
    view.touch(1);
    p.tick(view);
    expect([p.counter(1), p.counter(2)]).toEqual([0xc0, 0x40]);
    p.tick(view);
    expect([p.counter(1), p.counter(2)]).toEqual([0x60, 0x20]);
    expect(view.a.size).toBe(0);
    for (let i = 0; i < 8; i++) p.tick(view);
    expect(p.counter(1)).toBe(0);
  });

  it("19: evicts the smallest counter, the current A bit above it, ties to the first loaded", () => {
    const view = new FakeView();
    const p = new AgingPolicy();
    load(p, view, [1, 2, 3]);
    p.tick(view);
    view.touch(2);
    p.tick(view); // 1: 0x40, 2: 0xc0, 3: 0x40
    view.touch(1); // 1 referenced since the last tick: above every counter
    expect(p.victim(view)).toBe(3);
    p.loaded(4); // counter 0, A clear: the smallest
    expect(p.victim(view)).toBe(4);
    view.a.clear();
    expect(p.victim(view)).toBe(1); // 0x40 < 0xc0
  });
});

describe("replay", () => {
  const draw = (seed: number) => {
    const rng = new PyRandom(seed);
    return (n: number) => scaledDraw(n, rng.random());
  };

  it("20: Belady's anomaly: FIFO misses 9 times with 3 frames and 10 times with 4", () => {
    const pages = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
    const misses = (frames: number) =>
      replay({ pages }, fresh("fifo"), { frames, tickEvery: 0, random: draw(0) }).misses;
    expect([misses(3), misses(4)]).toEqual([9, 10]);
    const lru = (frames: number) =>
      replay({ pages }, fresh("lru"), { frames, tickEvery: 0, random: draw(0) }).misses;
    expect([lru(3), lru(4)]).toEqual([10, 8]); // a stack algorithm has no anomaly
  });

  it("21: counts compulsory misses, evictions and dirty write-backs", () => {
    const stats = replay({ pages: [1, 2, 1, 3, 2, 1], writes: [1, 0, 0, 0, 0, 0] }, fresh("fifo"), {
      frames: 2,
      tickEvery: 0,
      random: draw(0),
    });
    // 1w 2 | 1 hit | 3 evicts 1 (dirty) | 2 hit | 1 evicts 2 (clean)
    expect(stats).toEqual({
      references: 6,
      hits: 2,
      misses: 4,
      compulsory: 3,
      evictions: 2,
      writebacks: 1,
    });
  });

  it("22: ticks every K references and reports each access", () => {
    const ticks: number[] = [];
    const seen: string[] = [];
    const policy = fresh("fifo");
    policy.tick = () => void ticks.push(seen.length);
    replay({ pages: [1, 2, 3, 1, 2, 3, 4] }, policy, {
      frames: 3,
      tickEvery: 3,
      random: draw(0),
      onAccess: (a) => seen.push(`${a.page}${a.hit ? "h" : "m"}${a.victim ?? ""}`),
    });
    expect(ticks).toEqual([2, 5]);
    expect(seen).toEqual(["1m", "2m", "3m", "1h", "2h", "3h", "4m1"]);
  });

  it("23: gives pages far apart dense slots and still answers the view by page number", () => {
    const big = 2 ** 40;
    const pages = [big, 7, big + 1, 7, big, big + 2];
    const a = replay({ pages }, fresh("lru"), { frames: 2, tickEvery: 0, random: draw(0) });
    const small = replay({ pages: [0, 7, 1, 7, 0, 2] }, fresh("lru"), {
      frames: 2,
      tickEvery: 0,
      random: draw(0),
    });
    expect(a).toEqual(small);
  });

  it("24: stops with a ReplayError when a policy names no victim or a page not resident", () => {
    const opts = { frames: 1, tickEvery: 0, random: draw(0) };
    const lazy = () => Object.assign(fresh("fifo"), { victim: () => undefined });
    expect(() => replay({ pages: [1, 2] }, lazy(), opts)).toThrow(ReplayError);
    expect(() => replay({ pages: [1, 2] }, lazy(), opts)).toThrow(/no victim with all 1 frames/);
    const wrong = Object.assign(fresh("fifo"), { victim: () => 9 });
    expect(() => replay({ pages: [1, 2] }, wrong, opts)).toThrow(/page 9 .* not resident/);
  });

  // Differential: replay() with FIFO, LRU, MRU, OPT and RAND against OSTEP's algorithm as
  // quiz/policy.ts reproduces it (checked there against paging-policy.py), access by access:
  // hit or miss, the victim, and the memory list in OSTEP's order.
  const ostep: Record<string, Policy> = {
    fifo: Policy.Fifo,
    lru: Policy.Lru,
    mru: Policy.Mru,
    opt: Policy.Opt,
    random: Policy.Rand,
  };
  for (const [name, ostepName] of Object.entries(ostep)) {
    it(`25: ${name} matches paging-policy.py's ${ostepName} on 40 seeded random traces`, () => {
      const prng = new Prng(7);
      for (let t = 0; t < 40; t++) {
        const maxPage = 2 + prng.below(15);
        const refs = Array.from({ length: 50 + prng.below(150) }, () => prng.below(maxPage));
        const frames = 1 + prng.below(8);
        const cache = new PageCache(frames, ostepName, 2, new PyRandom(t), refs);
        const policy = fresh(name);
        replay({ pages: refs }, policy, {
          frames,
          tickEvery: 0,
          random: draw(t),
          onAccess: (a) => {
            const want = cache.access(a.page, a.index);
            const got = { hit: a.hit, victim: a.victim, memory: policy.order() };
            expect(got, `trace ${t} access ${a.index}`).toEqual({
              hit: want.hit,
              victim: want.victim,
              memory: [...want.memory],
            });
          },
        });
      }
    });
  }

  it("26: LRU's fast path (reference reports) and its stamp scan (the kernel's) agree", () => {
    const prng = new Prng(3);
    for (let t = 0; t < 30; t++) {
      const refs = Array.from({ length: 300 }, () => prng.below(20));
      const frames = 1 + prng.below(10);
      const exact = replay({ pages: refs }, fresh("lru"), {
        frames,
        tickEvery: 0,
        random: draw(0),
      });
      const inner = fresh("lru");
      const kernelStyle: ReplacementPolicy = {
        name: inner.name,
        loaded: (p, v) => inner.loaded(p, v),
        removed: (p) => inner.removed(p),
        victim: (v) => inner.victim(v),
        order: () => inner.order(),
      };
      const scan = replay({ pages: refs }, kernelStyle, {
        frames,
        tickEvery: 0,
        random: draw(0),
      });
      expect(scan).toEqual(exact);
    }
  });
});
