// The TLB on its own: lookup, replacement per policy and associativity on known access sequences,
// ASID/global tags, megapage entries and the sfence.vma flush variants.
import { describe, expect, it } from "vitest";
import { Prng } from "../../hw/prng.js";
import { PTE_A, PTE_D, PTE_G, PTE_R, PTE_U, PTE_V, PTE_W } from "../../hw/sv32.js";
import { checkTlbConfig, Tlb, type TlbLeaf, type TlbPolicy } from "../../hw/tlb.js";

const FLAGS = PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;

function leaf(ppn: number, opts: { global?: boolean; megapage?: boolean } = {}): TlbLeaf {
  const global = opts.global ?? false;
  return {
    ppn,
    flags: FLAGS | (global ? PTE_G : 0),
    global,
    megapage: opts.megapage ?? false,
    pteAddr: 0x1000,
    pte: ((ppn << 10) | FLAGS) >>> 0,
  };
}

/** A TLB driven like the hardware: one lookup per access, a fill on a miss, one tick per access. */
class Driver {
  readonly tlb: Tlb;
  t = 0;
  constructor(entries: number, ways: number, policy: TlbPolicy, seed = 7) {
    this.tlb = new Tlb({ entries, ways, policy }, new Prng(seed));
  }
  /** Accesses each page in turn (ASID 1); returns "h"/"m" per access. */
  run(vpns: number[], asid = 1): string {
    let out = "";
    for (const vpn of vpns) {
      this.t++;
      const i = this.tlb.lookup(vpn, asid);
      if (i >= 0) this.tlb.touch(i, this.t);
      else this.tlb.fill(vpn, asid, leaf(vpn + 0x100), this.t);
      out += i >= 0 ? "h" : "m";
    }
    return out;
  }
  pages(): number[] {
    return this.tlb
      .contents()
      .map((e) => e.vpn)
      .sort((a, b) => a - b);
  }
}

describe("replacement on known sequences", () => {
  // [case, entries, ways, policy, sequence, hits/misses, pages left]
  const cases: [number, number, number, TlbPolicy, number[], string, number[]][] = [
    // Fully associative, 4 entries: LRU keeps the recently used 1, FIFO evicts it (filled first).
    [1, 4, 4, "lru", [1, 2, 3, 4, 1, 5, 1, 2], "mmmmhmhm", [1, 2, 4, 5]],
    [2, 4, 4, "fifo", [1, 2, 3, 4, 1, 5, 1, 2], "mmmmhmmm", [1, 2, 4, 5]],
    // Belady's sequence: FIFO with 3 entries faults 9 times, with 4 entries 10 times.
    [3, 3, 3, "fifo", [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5], "mmmmmmmhhmmh", [3, 4, 5]],
    [4, 4, 4, "fifo", [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5], "mmmmhhmmmmmm", [2, 3, 4, 5]],
    [5, 3, 3, "lru", [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5], "mmmmmmmhhmmm", [3, 4, 5]],
    // Direct-mapped, 4 sets: 0 and 4 share set 0 and evict each other; 1 keeps set 1.
    [6, 4, 1, "lru", [0, 1, 4, 1, 0, 4, 1], "mmmhmmh", [1, 4]],
    [7, 4, 1, "fifo", [0, 4, 0, 4], "mmmm", [4]],
    // 2-way, 2 sets: even pages in set 0, odd in set 1; LRU per set.
    [8, 4, 2, "lru", [0, 2, 1, 0, 4, 0, 2], "mmmhmhm", [0, 1, 2]],
    [9, 4, 2, "fifo", [0, 2, 1, 0, 4, 0, 2], "mmmhmmm", [0, 1, 2]],
    // A cyclic sweep one larger than the TLB misses every time under LRU and FIFO.
    [10, 4, 4, "lru", [1, 2, 3, 4, 5, 1, 2, 3, 4, 5], "mmmmmmmmmm", [2, 3, 4, 5]],
    [11, 4, 4, "fifo", [1, 2, 3, 4, 5, 1, 2, 3, 4, 5], "mmmmmmmmmm", [2, 3, 4, 5]],
  ];
  for (const [n, entries, ways, policy, seq, expected, left] of cases) {
    it(`case ${n}: ${entries} entries, ${ways}-way, ${policy}: ${seq.join(",")}`, () => {
      const d = new Driver(entries, ways, policy);
      expect(d.run(seq), `case ${n}`).toBe(expected);
      expect(d.pages(), `case ${n}`).toEqual(left);
    });
  }

  it("random replacement draws the way from the machine's seeded PRNG", () => {
    const d = new Driver(4, 4, "random", 42);
    d.run([1, 2, 3, 4]);
    const rng = new Prng(42);
    for (let vpn = 10; vpn < 30; vpn++) {
      const victim = rng.below(4);
      const before = d.tlb.contents().find((e) => e.index === victim)!.vpn;
      d.run([vpn]);
      expect(d.tlb.lookup(before, 1)).toBe(-1);
      expect(d.tlb.lookup(vpn, 1)).toBe(victim);
    }
  });

  it("random replacement is reproducible for a seed and uses every way", () => {
    const seq = Array.from({ length: 200 }, (_, i) => (i * 7) % 13);
    const a = new Driver(8, 4, "random", 3);
    const b = new Driver(8, 4, "random", 3);
    expect(a.run(seq)).toBe(b.run(seq));
    const ways = new Set<number>();
    for (let vpn = 100; vpn < 140; vpn++) {
      a.run([vpn]);
      ways.add(a.tlb.lookup(vpn, 1) % 4);
    }
    expect([...ways].sort()).toEqual([0, 1, 2, 3]);
  });

  it("an invalid way is filled before any valid one is replaced", () => {
    const d = new Driver(4, 4, "lru");
    d.run([1, 2, 3, 4]);
    d.tlb.flush(3);
    d.run([9]);
    expect(d.pages()).toEqual([1, 2, 4, 9]);
  });
});

describe("tags", () => {
  it("the same page in two address spaces is two entries; a global entry serves both", () => {
    const tlb = new Tlb({ entries: 4, ways: 4, policy: "lru" }, new Prng(1));
    tlb.fill(5, 1, leaf(0x50), 1);
    expect(tlb.lookup(5, 1)).toBeGreaterThanOrEqual(0);
    expect(tlb.lookup(5, 2)).toBe(-1);
    tlb.fill(5, 2, leaf(0x60), 2);
    expect(tlb.ppn[tlb.lookup(5, 2)]).toBe(0x60);
    expect(tlb.ppn[tlb.lookup(5, 1)]).toBe(0x50);
    tlb.fill(7, 1, leaf(0x70, { global: true }), 3);
    expect(tlb.lookup(7, 300)).toBeGreaterThanOrEqual(0);
  });

  it("a megapage entry matches every page of its 4 MiB in the set it lives in", () => {
    const tlb = new Tlb({ entries: 4, ways: 4, policy: "lru" }, new Prng(1));
    const i = tlb.fill(0x400 + 7, 1, leaf(0x800, { megapage: true }), 1);
    expect(tlb.vpn[i]).toBe(0x400);
    expect(tlb.lookup(0x400, 1)).toBe(i);
    expect(tlb.lookup(0x7ff, 1)).toBe(i);
    expect(tlb.lookup(0x800, 1)).toBe(-1);
    expect(tlb.ppnFor(i, 0x400 + 0x123)).toBe(0x800 + 0x123);
  });

  it("in a set-associative TLB a megapage is cached once per set it is used from", () => {
    const tlb = new Tlb({ entries: 4, ways: 2, policy: "lru" }, new Prng(1));
    tlb.fill(0x400, 1, leaf(0x800, { megapage: true }), 1);
    expect(tlb.lookup(0x402, 1)).toBeGreaterThanOrEqual(0);
    expect(tlb.lookup(0x401, 1)).toBe(-1);
  });
});

describe("sfence.vma", () => {
  /** Entries: page 1 in ASIDs 1 and 2, page 2 in ASID 1, global page 1 megapage-free page 3. */
  function loaded(): Tlb {
    const tlb = new Tlb({ entries: 8, ways: 8, policy: "lru" }, new Prng(1));
    tlb.fill(1, 1, leaf(0x11), 1);
    tlb.fill(1, 2, leaf(0x21), 2);
    tlb.fill(2, 1, leaf(0x12), 3);
    tlb.fill(3, 1, leaf(0x33, { global: true }), 4);
    return tlb;
  }
  const left = (tlb: Tlb) => tlb.contents().map((e) => `${e.vpn}/${e.global ? "g" : e.asid}`);
  const cases: [string, number | undefined, number | undefined, string[]][] = [
    ["everything", undefined, undefined, []],
    ["an address space keeps global entries", undefined, 1, ["1/2", "3/g"]],
    ["a page goes in every address space", 1, undefined, ["2/1", "3/g"]],
    ["a page's global entry goes too", 3, undefined, ["1/1", "1/2", "2/1"]],
    ["a page in one space", 1, 1, ["1/2", "2/1", "3/g"]],
    ["a page in one space spares the global entry", 3, 1, ["1/1", "1/2", "2/1", "3/g"]],
  ];
  for (const [name, vpn, asid, expected] of cases) {
    it(name, () => {
      const tlb = loaded();
      tlb.flush(vpn, asid);
      expect(left(tlb)).toEqual(expected);
    });
  }

  it("flushing a page inside a megapage removes the megapage", () => {
    const tlb = new Tlb({ entries: 4, ways: 4, policy: "lru" }, new Prng(1));
    tlb.fill(0x400, 1, leaf(0x800, { megapage: true }), 1);
    tlb.flush(0x5ff);
    expect(tlb.contents()).toEqual([]);
  });

  it("tells its owner about each entry it drops", () => {
    const tlb = loaded();
    const dropped: number[] = [];
    tlb.onInvalidate = (i) => dropped.push(i);
    tlb.flush(undefined, 1);
    expect(dropped).toEqual([0, 2]);
  });
});

describe("configuration", () => {
  const cases: [number, number, TlbPolicy, string | undefined][] = [
    [64, 64, "lru", undefined],
    [64, 1, "fifo", undefined],
    [4094, 2, "random", undefined],
    [0, 1, "lru", "TLB entries must be a whole number from 1 to 4094 (got 0)"],
    [4095, 1, "lru", "TLB entries must be a whole number from 1 to 4094 (got 4095)"],
    [8, 3, "lru", "TLB entries (8) must be a multiple of the ways (3)"],
    [8, 16, "lru", "TLB ways must be a whole number from 1 to the number of entries (got 16)"],
    [8, 8, "mru" as TlbPolicy, "unknown TLB policy 'mru' (expected lru, fifo or random)"],
  ];
  for (const [entries, ways, policy, problem] of cases) {
    it(`${entries} entries, ${ways} ways, ${policy}: ${problem ?? "ok"}`, () => {
      expect(checkTlbConfig({ entries, ways, policy })).toBe(problem);
    });
  }
});
