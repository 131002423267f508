// kernel/contiguous/holes.ts: the contiguous allocator's fit policies on hand-checked request sequences,
// coalescing in every neighbour case, resize, compaction and its move plan, the reports, the
// panics, and a seeded random stress test checking the invariants after every operation.
import { describe, expect, it } from "vitest";
import { Prng } from "../../../hw/prng.js";
import { ContigAllocator } from "../../../kernel/contiguous/compaction.js";
import {
  bestFit,
  type FitPolicy,
  type FitState,
  firstFit,
  fitPolicies,
  fitPolicyByName,
  type Hole,
  nextFit,
  worstFit,
} from "../../../kernel/contiguous/fits.js";
import {
  AllocFailure,
  type AllocResult,
  formatMemoryMap,
  type Move,
} from "../../../kernel/contiguous/holes.js";

const K = 1024;

/** The block start of a successful result; fails the test otherwise. */
function started(r: AllocResult): number {
  if (!r.ok) throw new Error(`expected success, got ${r.reason}`);
  return r.start;
}

/**
 * An allocator (granule 1K) whose holes have the given sizes in K, in address order, each followed
 * by a 1K block owned by "sep" so no two holes touch; the range ends right after the last separator.
 * Returns it with each hole's start address.
 */
function layout(policy: FitPolicy, holesK: readonly number[]) {
  const total = holesK.reduce((s, h) => s + h + 1, 0) * K;
  const a = new ContigAllocator({ start: 0, size: total, granule: K, policy });
  const starts = holesK.map((h) => {
    const at = started(a.alloc(h * K, "hole"));
    a.alloc(K, "sep");
    return at;
  });
  for (const s of starts) a.free(s);
  return { a, starts };
}

/** Which original hole (by its size in K) each start address fell into; "fail" for a failure. */
function chosenHoles(policy: FitPolicy, holesK: readonly number[], requestsK: readonly number[]) {
  const { a, starts } = layout(policy, holesK);
  return requestsK.map((r) => {
    const res = a.alloc(r * K, "p");
    if (!res.ok) return "fail";
    const i = starts.findIndex((s, j) => res.start >= s && res.start < s + holesK[j]! * K);
    return holesK[i]!;
  });
}

describe("fit policies on the textbook example (holes 10,4,20,18,7,9,12,15K; requests 12,10,9K)", () => {
  const holes = [10, 4, 20, 18, 7, 9, 12, 15];
  const requests = [12, 10, 9];
  it("1: first fit takes 20K, 10K, 18K", () => {
    expect(chosenHoles(firstFit, holes, requests)).toEqual([20, 10, 18]);
  });
  it("2: best fit takes 12K, 10K, 9K", () => {
    expect(chosenHoles(bestFit, holes, requests)).toEqual([12, 10, 9]);
  });
  it("3: worst fit takes 20K, 18K, 15K", () => {
    expect(chosenHoles(worstFit, holes, requests)).toEqual([20, 18, 15]);
  });
  it("4: next fit takes 20K, 18K, 9K", () => {
    expect(chosenHoles(nextFit, holes, requests)).toEqual([20, 18, 9]);
  });
});

// Holes 6K@0, 3K@7, 6K@11, 9K@18, 9K@28 (1K separators after each; range 38K), requests 2,5,5,2,9K.
// Worked by hand (addresses in K; "rem" is what is left of the hole):
//   first: 2→0 (rem 4@2), 5→11 (rem 1@16), 5→18 (rem 4@23), 2→2, 9→28
//   best:  2→7 (the 3K), 5→0 (6K tie: lowest), 5→11, 2→18 (9K tie: lowest; 1K remnants too small), 9→28
//   worst: 2→18 (9K tie: lowest), 5→28, 5→20 (7K rem), 2→0 (6K tie: lowest), 9→fail (fragmented)
//   next:  2→0, 5→11, 5→18, 2→23 (resumes in the 4K rem after 18+5), 9→28
describe("fit policies on a hand-worked sequence with ties", () => {
  const holes = [6, 3, 6, 9, 9];
  const requests = [2, 5, 5, 2, 9];
  const cases: [FitPolicy, (number | string)[]][] = [
    [firstFit, [0, 11, 18, 2, 28]],
    [bestFit, [7, 0, 11, 18, 28]],
    [worstFit, [18, 28, 20, 0, AllocFailure.Fragmented]],
    [nextFit, [0, 11, 18, 23, 28]],
  ];
  cases.forEach(([policy, expected], n) => {
    it(`${5 + n}: ${policy.name} fit places at ${expected.join(", ")}`, () => {
      const { a } = layout(policy, holes);
      const got = requests.map((r) => {
        const res = a.alloc(r * K, "p");
        return res.ok ? res.start / K : res.reason;
      });
      expect(got).toEqual(expected);
      a.check();
    });
  });

  it("9: a failed worst-fit request is counted and leaves the holes alone", () => {
    const { a } = layout(worstFit, holes);
    for (const r of requests.slice(0, 4)) a.alloc(r * K, "p");
    const before = a.holes();
    expect(a.alloc(9 * K, "p")).toEqual({ ok: false, reason: AllocFailure.Fragmented });
    expect(a.holes()).toEqual(before);
    expect(a.stats().failures).toBe(1);
  });
});

describe("next fit's rover", () => {
  it("10: wraps to the lowest hole when nothing fits after the rover", () => {
    const a = new ContigAllocator({ start: 0, size: 16 * K, granule: K, policy: nextFit });
    const x = started(a.alloc(4 * K, "x"));
    started(a.alloc(8 * K, "y"));
    a.free(x);
    expect(a.state.rover).toBe(12 * K);
    expect(a.alloc(4 * K, "z")).toEqual({ ok: true, start: 12 * K });
    expect(a.alloc(4 * K, "w")).toEqual({ ok: true, start: 0 });
  });

  it("11: resumes inside a hole the last block's neighbour merged into", () => {
    const a = new ContigAllocator({ start: 0, size: 16 * K, granule: K, policy: nextFit });
    started(a.alloc(2 * K, "a"));
    const b = started(a.alloc(2 * K, "b"));
    a.free(b); // hole [2K, 16K) now holds the rover (4K)
    expect(a.alloc(K, "c")).toEqual({ ok: true, start: 2 * K });
  });

  it("12: after compaction the rover is the start of the one hole", () => {
    const a = new ContigAllocator({ start: 0, size: 16 * K, granule: K, policy: nextFit });
    const x = started(a.alloc(4 * K, "x"));
    started(a.alloc(4 * K, "y"));
    a.free(x);
    a.compact();
    expect(a.state.rover).toBe(4 * K);
  });
});

describe("free coalesces with its neighbours", () => {
  /** Four 4K blocks a,b,c,d filling [0, 16K). */
  function four() {
    const a = new ContigAllocator({ start: 0, size: 16 * K, granule: K });
    const [pa, pb, pc, pd] = ["a", "b", "c", "d"].map((o) => started(a.alloc(4 * K, o)));
    return { a, pa: pa!, pb: pb!, pc: pc!, pd: pd! };
  }

  it("13: no free neighbour: a new hole", () => {
    const { a, pb } = four();
    expect(a.free(pb)).toEqual({ start: 4 * K, size: 4 * K, owner: "b" });
    expect(a.holes()).toEqual([{ start: 4 * K, size: 4 * K }]);
  });

  it("14: hole before: merged into it", () => {
    const { a, pa, pb } = four();
    a.free(pa);
    a.free(pb);
    expect(a.holes()).toEqual([{ start: 0, size: 8 * K }]);
  });

  it("15: hole after: merged into it", () => {
    const { a, pb, pc } = four();
    a.free(pc);
    a.free(pb);
    expect(a.holes()).toEqual([{ start: 4 * K, size: 8 * K }]);
  });

  it("16: holes on both sides: all three become one", () => {
    const { a, pa, pb, pc } = four();
    a.free(pa);
    a.free(pc);
    expect(a.holes()).toHaveLength(2);
    a.free(pb);
    expect(a.holes()).toEqual([{ start: 0, size: 12 * K }]);
  });

  it("17: the last block merges with the top hole, and freeing all gives back the whole range", () => {
    const a = new ContigAllocator({ start: 8 * K, size: 16 * K, granule: K });
    const x = started(a.alloc(4 * K, "x"));
    const y = started(a.alloc(4 * K, "y"));
    a.free(y);
    expect(a.holes()).toEqual([{ start: 12 * K, size: 12 * K }]);
    a.free(x);
    expect(a.holes()).toEqual([{ start: 8 * K, size: 16 * K }]);
    expect(a.blocks()).toEqual([]);
  });
});

describe("sizes and the granule", () => {
  it("18: requests round up to the granule (default 4096)", () => {
    const a = new ContigAllocator({ start: 0x1_0000, size: 0x1_0000 });
    expect(a.granule).toBe(4096);
    const x = started(a.alloc(1, "x"));
    const y = started(a.alloc(4097, "y"));
    expect(a.blocks()).toEqual([
      { start: x, size: 4096, owner: "x" },
      { start: y, size: 8192, owner: "y" },
    ]);
    expect(y).toBe(0x1_1000);
  });

  it("19: an exact fit consumes the hole; a request beyond total free is NoMemory", () => {
    const a = new ContigAllocator({ start: 0, size: 8 * K, granule: K });
    expect(a.alloc(9 * K, "big")).toEqual({ ok: false, reason: AllocFailure.NoMemory });
    expect(a.alloc(8 * K, "all")).toEqual({ ok: true, start: 0 });
    expect(a.holes()).toEqual([]);
    expect(a.alloc(1, "more")).toEqual({ ok: false, reason: AllocFailure.NoMemory });
    expect(a.stats()).toMatchObject({ allocations: 1, failures: 2 });
  });

  it("20: a bad size or a misaligned range is a panic naming the function", () => {
    const a = new ContigAllocator({ start: 0, size: 8 * K, granule: K });
    expect(() => a.alloc(0, "x")).toThrow("contig.alloc: bad size 0");
    expect(() => a.alloc(-4, "x")).toThrow("contig.alloc: bad size -4");
    expect(() => a.alloc(1.5, "x")).toThrow("contig.alloc: bad size 1.5");
    expect(() => new ContigAllocator({ start: 100, size: 8 * K, granule: K })).toThrow(
      /^contig.init: start 100/,
    );
    expect(() => new ContigAllocator({ start: 0, size: 1000, granule: K })).toThrow(
      /^contig.init: size 1000/,
    );
    expect(() => new ContigAllocator({ start: 0, size: K, granule: 0 })).toThrow(
      /^contig.init: granule 0/,
    );
  });
});

describe("bad frees are panics", () => {
  const setup = () => {
    const a = new ContigAllocator({ start: 0, size: 0x10000 });
    const x = started(a.alloc(0x2000, "x"));
    return { a, x };
  };

  it("21: an address inside a block", () => {
    const { a } = setup();
    expect(() => a.free(0x1000)).toThrow("contig.free: 0x1000 is not an allocated block");
  });

  it("22: an address in a hole, or outside the range", () => {
    const { a } = setup();
    expect(() => a.free(0x4000)).toThrow("contig.free: 0x4000 is not an allocated block");
    expect(() => a.free(0x20000)).toThrow("contig.free: 0x20000 is not an allocated block");
  });

  it("23: a double free, which changes nothing", () => {
    const { a, x } = setup();
    a.free(x);
    const before = a.memoryMap();
    expect(() => a.free(x)).toThrow("contig.free: 0x0 is not an allocated block");
    expect(a.memoryMap()).toEqual(before);
    expect(a.stats().frees).toBe(1);
  });

  it("24: resize of something not a block", () => {
    const { a } = setup();
    expect(() => a.resize(0x1000, 0x1000)).toThrow(
      "contig.resize: 0x1000 is not an allocated block",
    );
  });
});

describe("resize", () => {
  /** x (4K) at 0, y (4K) at 4K, a 4K hole, z (4K) at 12K, a 4K hole at the top; range 20K. */
  function setup() {
    const a = new ContigAllocator({ start: 0, size: 20 * K, granule: K });
    const [x, y, gap, z] = ["x", "y", "gap", "z"].map((o) => started(a.alloc(4 * K, o)));
    a.free(gap!);
    return { a, x: x!, y: y!, z: z! };
  }

  it("25: grows in place into part of the following hole", () => {
    const { a, y } = setup();
    expect(a.resize(y, 5 * K + 1)).toEqual({ ok: true, size: 6 * K });
    expect(a.find(y)).toEqual({ start: y, size: 6 * K, owner: "y" });
    expect(a.holes()).toEqual([
      { start: 10 * K, size: 2 * K },
      { start: 16 * K, size: 4 * K },
    ]);
  });

  it("26: grows in place into all of the following hole", () => {
    const { a, y } = setup();
    expect(a.resize(y, 8 * K)).toEqual({ ok: true, size: 8 * K });
    expect(a.holes()).toEqual([{ start: 16 * K, size: 4 * K }]);
  });

  it("27: cannot grow past the following hole, and changes nothing", () => {
    const { a, y } = setup();
    const before = a.memoryMap();
    expect(a.resize(y, 9 * K)).toEqual({ ok: false });
    expect(a.memoryMap()).toEqual(before);
  });

  it("28: cannot grow when a block follows, even with a hole elsewhere", () => {
    const { a, x } = setup();
    expect(a.resize(x, 5 * K)).toEqual({ ok: false });
    expect(a.find(x)?.size).toBe(4 * K);
  });

  it("29: shrinking leaves a new hole when a block follows", () => {
    const { a, x } = setup();
    expect(a.resize(x, K)).toEqual({ ok: true, size: K });
    expect(a.holes()[0]).toEqual({ start: K, size: 3 * K });
    a.check();
  });

  it("30: shrinking merges the freed tail with the following hole", () => {
    const { a, z } = setup();
    expect(a.resize(z, 2 * K)).toEqual({ ok: true, size: 2 * K });
    expect(a.holes()).toEqual([
      { start: 8 * K, size: 4 * K },
      { start: 14 * K, size: 6 * K },
    ]);
  });

  it("31: the same rounded size changes nothing", () => {
    const { a, y } = setup();
    const before = a.memoryMap();
    expect(a.resize(y, 4 * K - 5)).toEqual({ ok: true, size: 4 * K });
    expect(a.memoryMap()).toEqual(before);
    expect(a.stats().resizes).toBe(1);
  });
});

/** a 4K, b 8K, c 4K, d 8K, e 4K, f 4K fill [0, 32K); b, d, f freed: holes 8K@4K, 8K@16K, 4K@28K. */
function fragmented() {
  const a = new ContigAllocator({ start: 0, size: 32 * K, granule: K });
  const at: Record<string, number> = {};
  for (const [o, s] of [
    ["a", 4],
    ["b", 8],
    ["c", 4],
    ["d", 8],
    ["e", 4],
    ["f", 4],
  ] as const) {
    at[o] = started(a.alloc(s * K, o));
  }
  for (const o of ["b", "d", "f"]) a.free(at[o]!);
  return a;
}

describe("compaction", () => {
  it("32: reports total free, largest hole and external fragmentation", () => {
    const a = fragmented();
    expect(a.totalFree()).toBe(20 * K);
    expect(a.largestHole()).toBe(8 * K);
    expect(a.fragmentation()).toBeCloseTo(0.6, 12);
  });

  it("33: a request that fits in total but in no hole fails as Fragmented", () => {
    expect(fragmented().alloc(12 * K, "g")).toEqual({ ok: false, reason: AllocFailure.Fragmented });
  });

  it("34: slides blocks down lowest first and reports only the blocks that moved", () => {
    const a = fragmented();
    const moves = a.compact();
    expect(moves).toEqual([
      { owner: "c", from: 12 * K, to: 4 * K, size: 4 * K },
      { owner: "e", from: 24 * K, to: 8 * K, size: 4 * K },
    ]);
    expect(a.blocks().map((b) => [b.owner, b.start / K, b.size / K])).toEqual([
      ["a", 0, 4],
      ["c", 4, 4],
      ["e", 8, 4],
    ]);
    expect(a.holes()).toEqual([{ start: 12 * K, size: 20 * K }]);
    expect(a.fragmentation()).toBe(0);
    expect(a.stats()).toMatchObject({ compactions: 1, bytesMoved: 8 * K });
    expect(a.compact()).toEqual([]);
    expect(a.stats()).toMatchObject({ compactions: 2, bytesMoved: 8 * K });
  });

  it("35: allocOrCompact compacts, calls move in order, then allocates in the merged hole", () => {
    const a = fragmented();
    const seen: Move<string>[] = [];
    const r = a.allocOrCompact(12 * K, "g", (m) => seen.push(m));
    expect(r).toEqual({ ok: true, start: 12 * K });
    expect(seen.map((m) => m.owner)).toEqual(["c", "e"]);
    expect(a.stats()).toMatchObject({ allocations: 7, failures: 0, compactions: 1 });
    a.check();
  });

  it("36: allocOrCompact does not compact when memory is simply short", () => {
    const a = fragmented();
    let calls = 0;
    const r = a.allocOrCompact(24 * K, "g", () => calls++);
    expect(r).toEqual({ ok: false, reason: AllocFailure.NoMemory });
    expect(calls).toBe(0);
    expect(a.stats()).toMatchObject({ compactions: 0, failures: 1 });
  });

  it("37: allocOrCompact does not compact when a hole already fits", () => {
    const a = fragmented();
    expect(a.allocOrCompact(8 * K, "g", () => expect.unreachable())).toEqual({
      ok: true,
      start: 4 * K,
    });
    expect(a.stats().compactions).toBe(0);
  });

  it("38: applying the moves in order with copyWithin keeps overlapping blocks' bytes", () => {
    // hole 2K at 0, then p (8K) at 2K: its destination [0, 8K) overlaps its source [2K, 10K).
    const a = new ContigAllocator({ start: 0, size: 16 * K, granule: K });
    const ram = new Uint8Array(16 * K);
    const gap = started(a.alloc(2 * K, "gap"));
    const p = started(a.alloc(8 * K, "p"));
    for (let i = 0; i < 8 * K; i++) ram[p + i] = (i * 7) & 0xff;
    a.free(gap);
    const r = a.allocOrCompact(7 * K, "q", (m) => ram.copyWithin(m.to, m.from, m.from + m.size));
    expect(r).toEqual({ ok: true, start: 8 * K });
    expect(a.find(0)?.owner).toBe("p");
    expect(ram.subarray(0, 8 * K).every((v, i) => v === ((i * 7) & 0xff))).toBe(true);
  });
});

describe("reports", () => {
  it("39: fragmentation is 0 with one hole and with no free memory at all", () => {
    const a = new ContigAllocator({ start: 0, size: 8 * K, granule: K });
    expect(a.fragmentation()).toBe(0);
    expect(a.largestHole()).toBe(8 * K);
    a.alloc(8 * K, "all");
    expect([a.totalFree(), a.largestHole(), a.fragmentation()]).toEqual([0, 0, 0]);
  });

  it("40: three equal holes give 2/3", () => {
    const { a } = layout(firstFit, [4, 4, 4]);
    expect(a.fragmentation()).toBeCloseTo(2 / 3, 12);
  });

  it("41: the memory map lists blocks and holes in address order and prints them", () => {
    const a = new ContigAllocator<number>({ start: 0x1000, size: 0x4000, granule: 0x1000 });
    const p1 = started(a.alloc(0x1000, 1));
    started(a.alloc(0x2000, 2));
    a.free(p1);
    expect(a.memoryMap()).toEqual([
      { kind: "free", start: 0x1000, size: 0x1000 },
      { kind: "used", start: 0x2000, size: 0x2000, owner: 2 },
      { kind: "free", start: 0x4000, size: 0x1000 },
    ]);
    expect(formatMemoryMap(a.memoryMap(), (pid) => `pid ${pid}`)).toEqual([
      "0x00001000-0x00001fff      4K  free",
      "0x00002000-0x00003fff      8K  pid 2",
      "0x00004000-0x00004fff      4K  free",
    ]);
  });

  it("42: the reports are copies: changing them does not change the allocator", () => {
    const a = new ContigAllocator({ start: 0, size: 8 * K, granule: K });
    const hs = a.holes() as { start: number; size: number }[];
    hs[0]!.size = 1;
    expect(a.holes()).toEqual([{ start: 0, size: 8 * K }]);
  });
});

describe("plugging in a policy", () => {
  it("43: the --fit names map to the built-in policies", () => {
    for (const [name, p] of Object.entries(fitPolicies)) {
      expect(fitPolicyByName(name)).toBe(p);
      expect(p.name).toBe(name);
    }
    expect(fitPolicyByName("last")).toBeUndefined();
    expect(fitPolicyByName("toString")).toBeUndefined();
  });

  it("44: a lab's own policy (last fit: the highest fitting hole) is used as given", () => {
    const lastFit: FitPolicy = {
      name: "last",
      choose(holes, size) {
        for (let i = holes.length - 1; i >= 0; i--) if (holes[i]!.size >= size) return i;
        return -1;
      },
    };
    const { a, starts } = layout(lastFit, [10, 4, 20, 18, 7, 9, 12, 15]);
    expect(a.alloc(12 * K, "p")).toEqual({ ok: true, start: starts[7] });
    expect(a.alloc(12 * K, "q")).toEqual({ ok: true, start: starts[6] });
  });

  it("45: a policy choosing a hole that cannot hold the request is a panic", () => {
    const bad: FitPolicy = { name: "bad", choose: () => 0 };
    const tooFar: FitPolicy = { name: "far", choose: () => 9 };
    const { a } = layout(bad, [1, 8]);
    expect(() => a.alloc(4 * K, "p")).toThrow(
      "contig.alloc: policy bad chose hole 0, which cannot hold 4096 bytes",
    );
    a.policy = tooFar;
    expect(() => a.alloc(K, "p")).toThrow(/^contig.alloc: policy far chose hole 9/);
    a.check();
  });
});

// --- Seeded stress: random operations against a shadow model and a reference for each policy ---

/** The hole each built-in policy should pick, worked out naively from a snapshot. */
function referenceChoice(
  name: string,
  holes: readonly Hole[],
  size: number,
  state: FitState,
): number {
  const fits = holes.map((h, i) => ({ h, i })).filter(({ h }) => h.size >= size);
  if (fits.length === 0) return -1;
  if (name === "first") return fits[0]!.i;
  if (name === "best") return fits.reduce((b, c) => (c.h.size < b.h.size ? c : b)).i;
  if (name === "worst") return fits.reduce((b, c) => (c.h.size > b.h.size ? c : b)).i;
  const after = fits.find(({ h }) => h.start + h.size > state.rover);
  return (after ?? fits[0]!).i;
}

interface Shadow {
  size: number;
  tag: number;
}

/** Throws `what` unless `ok` (plain checks: expect() per entry per step would be slow). */
function assert(ok: boolean, what: () => string): void {
  if (!ok) throw new Error(what());
}

/** Checks the allocator against the shadow blocks and the simulated RAM, and the map invariants. */
function verify(a: ContigAllocator<number>, shadow: Map<number, Shadow>, ram: Uint8Array): void {
  const map = a.memoryMap();
  let at = a.start;
  let free = 0;
  let largest = 0;
  map.forEach((e, i) => {
    assert(e.start === at, () => `entry ${i} starts at ${e.start}, not ${at}`);
    assert(e.size > 0 && e.size % a.granule === 0, () => `entry ${i} has size ${e.size}`);
    if (e.kind === "free") {
      assert(map[i + 1]?.kind !== "free", () => `hole at ${e.start} adjoins another hole`);
      free += e.size;
      largest = Math.max(largest, e.size);
    } else {
      const s = shadow.get(e.start);
      assert(
        s?.size === e.size && s.tag === e.owner,
        () => `block at ${e.start} is not the model's`,
      );
      const bytes = ram.subarray(e.start - a.start, e.start - a.start + e.size);
      assert(
        bytes.every((v) => v === (e.owner & 0xff)),
        () => `contents of block ${e.owner}`,
      );
    }
    at += e.size;
  });
  assert(at === a.end, () => `map ends at ${at}`);
  assert(map.filter((e) => e.kind === "used").length === shadow.size, () => "blocks lost");
  assert(a.totalFree() === free && a.largestHole() === largest, () => "free totals");
  const frag = a.fragmentation();
  assert(frag >= 0 && frag < 1, () => `fragmentation ${frag}`);
  assert(largest === 0 || frag === 1 - largest / free, () => `fragmentation ${frag}`);
  a.check();
}

function stress(policy: FitPolicy, seed: number, steps: number): ContigAllocator<number> {
  const rng = new Prng(seed);
  const granule = 256;
  const base = 0x4000;
  const a = new ContigAllocator<number>({ start: base, size: 64 * granule, granule, policy });
  const ram = new Uint8Array(64 * granule);
  const shadow = new Map<number, Shadow>();
  const fill = (start: number, size: number, tag: number) =>
    ram.fill(tag & 0xff, start - base, start - base + size);
  const move = (m: Move<number>) => {
    ram.copyWithin(m.to - base, m.from - base, m.from - base + m.size);
    const s = shadow.get(m.from)!;
    shadow.delete(m.from);
    shadow.set(m.to, s);
  };
  let nextTag = 1;
  let rover = base; // where the last allocation ended, tracked here, not read from the allocator
  for (let step = 0; step < steps; step++) {
    const live = [...shadow.keys()];
    const pick = () => live[rng.below(live.length)]!;
    const op = rng.below(10);
    if (op < 5 || live.length === 0) {
      const size = 1 + rng.below(granule * 10);
      const need = Math.ceil(size / granule) * granule;
      const tag = nextTag++;
      const useCompact = op === 4;
      const expectedHole = referenceChoice(policy.name, a.holes(), need, { rover });
      const expectedStart = expectedHole === -1 ? undefined : a.holes()[expectedHole]!.start;
      const free = a.totalFree();
      const r = useCompact ? a.allocOrCompact(size, tag, move) : a.alloc(size, tag);
      if (r.ok) {
        if (!useCompact || expectedStart !== undefined)
          expect(r.start, `step ${step}`).toBe(expectedStart);
        shadow.set(r.start, { size: need, tag });
        rover = r.start + need;
        fill(r.start, need, tag);
      } else {
        expect(r.reason).toBe(free >= need ? AllocFailure.Fragmented : AllocFailure.NoMemory);
        if (useCompact) expect(r.reason).toBe(AllocFailure.NoMemory);
        else expect(expectedStart).toBeUndefined();
      }
    } else if (op < 8) {
      const start = pick();
      expect(a.free(start).size).toBe(shadow.get(start)!.size);
      shadow.delete(start);
    } else if (op === 8) {
      const start = pick();
      const s = shadow.get(start)!;
      const want = Math.ceil((1 + rng.below(granule * 10)) / granule) * granule;
      const nextHole = a.holes().find((h) => h.start === start + s.size);
      const canGrow = want <= s.size + (nextHole?.size ?? 0);
      const free = a.totalFree();
      const compacting = rng.below(2) === 0;
      const r = compacting ? a.resizeOrCompact(start, want, move) : a.resize(start, want);
      expect(r.ok).toBe(canGrow || (compacting && want - s.size <= free));
      if (r.ok) {
        const at = [...shadow.entries()].find(([, b]) => b.tag === s.tag)![0];
        shadow.set(at, { size: want, tag: s.tag });
        fill(at, want, s.tag);
        if (compacting && !canGrow) rover = at + want;
      }
    } else {
      for (const m of a.compact()) move(m);
      expect(a.holes().length).toBeLessThanOrEqual(1);
      rover = base + [...shadow.values()].reduce((sum, b) => sum + b.size, 0);
    }
    verify(a, shadow, ram);
  }
  return a;
}

describe("seeded random stress: invariants hold after every operation", () => {
  let n = 46;
  for (const policy of Object.values(fitPolicies)) {
    for (const seed of [1, 2, 0xc0ffee]) {
      it(`${n++}: ${policy.name} fit, seed ${seed}, 1500 operations`, () => {
        const a = stress(policy, seed, 1500);
        const s = a.stats();
        expect(s.allocations).toBeGreaterThan(100);
        expect(s.failures).toBeGreaterThan(0);
        expect(s.compactions).toBeGreaterThan(0);
        expect(s.bytesMoved).toBeGreaterThan(0);
      });
    }
  }
});

describe("compacting around a block, so it can grow in place", () => {
  it("58: blocks up to it slide down, blocks above it slide up (highest first)", () => {
    const a = fragmented();
    expect(a.compactAround(12 * K)).toEqual([
      { owner: "c", from: 12 * K, to: 4 * K, size: 4 * K },
      { owner: "e", from: 24 * K, to: 28 * K, size: 4 * K },
    ]);
    expect(a.blocks().map((b) => [b.owner, b.start / K])).toEqual([
      ["a", 0],
      ["c", 4],
      ["e", 28],
    ]);
    expect(a.holes()).toEqual([{ start: 8 * K, size: 20 * K }]);
    expect(a.state.rover).toBe(8 * K);
    expect(a.stats()).toMatchObject({ compactions: 1, bytesMoved: 8 * K });
    a.check();
  });

  it("59: resizeOrCompact grows in place when it can, without compacting", () => {
    const a = fragmented();
    expect(a.resizeOrCompact(12 * K, 12 * K, () => expect.unreachable())).toEqual({
      ok: true,
      size: 12 * K,
    });
    expect(a.stats().compactions).toBe(0);
  });

  it("60: resizeOrCompact compacts around the block, calls move in order, then grows it", () => {
    const a = fragmented();
    const seen: string[] = [];
    const r = a.resizeOrCompact(12 * K, 24 * K, (m) => seen.push(`${m.owner} ${m.to / K}`));
    expect(r).toEqual({ ok: true, size: 24 * K });
    expect(seen).toEqual(["c 4", "e 28"]);
    expect(a.find(4 * K)).toEqual({ start: 4 * K, size: 24 * K, owner: "c" });
    expect(a.holes()).toEqual([]);
    a.check();
  });

  it("61: resizeOrCompact changes nothing when free memory is short", () => {
    const a = fragmented();
    const before = a.memoryMap();
    expect(a.resizeOrCompact(12 * K, 25 * K, () => expect.unreachable())).toEqual({ ok: false });
    expect(a.memoryMap()).toEqual(before);
    expect(a.stats().compactions).toBe(0);
  });

  it("62: applying upward moves in order with copyWithin keeps overlapping blocks' bytes", () => {
    // p 4K at 0, q 8K at 4K, hole 2K at 12K: q's destination [6K, 14K) overlaps its source.
    const a = new ContigAllocator({ start: 0, size: 14 * K, granule: K });
    const ram = new Uint8Array(14 * K);
    const p = started(a.alloc(4 * K, "p"));
    const q = started(a.alloc(8 * K, "q"));
    for (let i = 0; i < 8 * K; i++) ram[q + i] = (i * 13) & 0xff;
    const r = a.resizeOrCompact(p, 6 * K, (m) => ram.copyWithin(m.to, m.from, m.from + m.size));
    expect(r).toEqual({ ok: true, size: 6 * K });
    expect(a.find(6 * K)?.owner).toBe("q");
    expect(ram.subarray(6 * K).every((v, i) => v === ((i * 13) & 0xff))).toBe(true);
  });

  it("63: compactAround of something not a block is a panic", () => {
    expect(() => fragmented().compactAround(4 * K)).toThrow(
      "contig.compactAround: 0x1000 is not an allocated block",
    );
  });
});
