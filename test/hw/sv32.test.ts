// Sv32 as the RISC-V privileged spec defines it (4.3.2, "Virtual Address Translation Process"),
// checked step by step on the MMU's guest path: the walk, every permission combination, reserved
// encodings, megapages, A/D in both schemes, ASIDs and global mappings across sfence.vma, and the
// exact page-table reads each translation makes. Every case is numbered; a failure names it.
import { describe, expect, it } from "vitest";
import {
  AdMode,
  Mmu,
  type MmuConfig,
  type MmuMemAccess,
  MmuMode,
  RefillMode,
} from "../../hw/mmu.js";
import { Prng } from "../../hw/prng.js";
import { Ram } from "../../hw/ram.js";
import {
  makePte,
  makeSatp,
  PTE_A,
  PTE_D,
  PTE_G,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
} from "../../hw/sv32.js";
import { Access, Cause, FaultReason } from "../../hw/trap.js";

const RAM_SIZE = 16 * 1024 * 1024;
const ROOT = 1; // root table at 0x1000
const L0 = 2; // level-0 table for VPN[1] = 1 at 0x2000
const VA = 0x0040_3abc; // VPN[1] = 1, VPN[0] = 3, offset 0xabc
const L1_ADDR = ROOT * 4096 + 1 * 4;
const L0_ADDR = L0 * 4096 + 3 * 4;
const DATA = 0x10; // data page
const ASID = 5;

const { Fetch, Load, Store } = Access;
const accesses = [Fetch, Load, Store] as const;
const pageFaultOf = {
  [Fetch]: Cause.InstructionPageFault,
  [Load]: Cause.LoadPageFault,
  [Store]: Cause.StorePageFault,
};

class Rig {
  readonly ram = new Ram(RAM_SIZE);
  readonly mmu: Mmu;
  readonly log: MmuMemAccess[] = [];
  t = 100;
  constructor(config: Partial<MmuConfig> = {}) {
    this.mmu = new Mmu(
      this.ram,
      {
        tlb: { entries: 8, ways: 8, policy: "lru" },
        refill: RefillMode.Hardware,
        ad: AdMode.Hardware,
        segmentBits: 2,
        ...config,
      },
      new Prng(1),
    );
    this.mmu.setMode(MmuMode.Paged);
    this.mmu.setSatp(makeSatp(ROOT, ASID));
    this.mmu.setMemLog(this.log);
  }
  word(pa: number): number {
    return this.ram.i32[pa >>> 2]! >>> 0;
  }
  set(pa: number, value: number): void {
    this.ram.i32[pa >>> 2] = value;
  }
  /** Maps VA through a pointer at level 1 and `leaf` at level 0. */
  map4k(leaf: number, pointer = makePte(L0, PTE_V)): void {
    this.set(L1_ADDR, pointer);
    this.set(L0_ADDR, leaf);
  }
  /** Translates on the guest path; returns the pa, or the fault as "cause/reason". */
  go(access: Access, va = VA): number | string {
    this.t += 2;
    const pa = this.mmu.translate(va, access, this.t);
    return pa >= 0 ? pa : `${this.mmu.faultCause}/${this.mmu.faultReason}`;
  }
  reads(): number {
    return this.log.filter((e) => e.op === "read").length;
  }
}

const pf = (access: Access, reason: FaultReason) => `${pageFaultOf[access]}/${reason}`;
const AD = PTE_A | PTE_D;

describe("permissions: every R/W/X encoding x U x access (A and D set)", () => {
  // Expected per access (fetch, load, store): ok, or the fault reason. A leaf needs R or X
  // (W alone is reserved); a U-mode access needs U; then the access's own bit.
  const P = FaultReason.NoPermission;
  const U = FaultReason.UserBit;
  const RSV = FaultReason.Reserved;
  const ok = "ok";
  // "---" is a pointer; at level 0 with A/D set, reserved bits make it Reserved.
  const table: [string, boolean, [string, string, string]][] = [
    ["---", true, [RSV, RSV, RSV]],
    ["r--", true, [P, ok, P]],
    ["-w-", true, [RSV, RSV, RSV]],
    ["rw-", true, [P, ok, ok]],
    ["--x", true, [ok, P, P]],
    ["r-x", true, [ok, ok, P]],
    ["-wx", true, [RSV, RSV, RSV]],
    ["rwx", true, [ok, ok, ok]],
    ["---", false, [RSV, RSV, RSV]],
    ["r--", false, [U, U, U]],
    ["-w-", false, [RSV, RSV, RSV]],
    ["rw-", false, [U, U, U]],
    ["--x", false, [U, U, U]],
    ["r-x", false, [U, U, U]],
    ["-wx", false, [RSV, RSV, RSV]],
    ["rwx", false, [U, U, U]],
  ];
  let n = 0;
  for (const [rwx, user, results] of table) {
    const bits =
      (rwx[0] === "r" ? PTE_R : 0) | (rwx[1] === "w" ? PTE_W : 0) | (rwx[2] === "x" ? PTE_X : 0);
    accesses.forEach((access, k) => {
      const expected = results[k]!;
      n++;
      const name = `case ${n}: ${rwx} ${user ? "U" : "S"} page, ${["fetch", "load", "store"][access]} -> ${expected}`;
      it(name, () => {
        const rig = new Rig();
        rig.map4k(makePte(DATA, PTE_V | bits | (user ? PTE_U : 0) | AD));
        const want = expected === ok ? DATA * 4096 + 0xabc : pf(access, expected as FaultReason);
        expect(rig.go(access), name).toBe(want);
        // A denied access fills nothing; an allowed one is cached and re-checked on the hit.
        expect(rig.mmu.tlb.contents().length, name).toBe(expected === ok ? 1 : 0);
        expect(rig.go(access), `${name} (again)`).toBe(want);
      });
    });
  }
});

describe("the walk, step by step", () => {
  const R = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | AD; // a fully permitted leaf
  // [case, level-1 PTE, level-0 PTE, access, result, PTE reads]
  const cases: [number, string, number, number, Access, number | string, number][] = [
    [1, "step 3: level-1 V=0", 0, R, Load, pf(Load, FaultReason.NotMapped), 1],
    [
      2,
      "step 3: V=0, other bits are don't-cares",
      0xffff_fffe,
      R,
      Store,
      pf(Store, FaultReason.NotMapped),
      1,
    ],
    [
      3,
      "step 3: level-1 W without R",
      makePte(L0, PTE_V | PTE_W),
      R,
      Load,
      pf(Load, FaultReason.Reserved),
      1,
    ],
    [
      4,
      "step 3: pointer with D set",
      makePte(L0, PTE_V | PTE_D),
      R,
      Load,
      pf(Load, FaultReason.Reserved),
      1,
    ],
    [
      5,
      "step 3: pointer with A set",
      makePte(L0, PTE_V | PTE_A),
      R,
      Load,
      pf(Load, FaultReason.Reserved),
      1,
    ],
    [
      6,
      "step 3: pointer with U set",
      makePte(L0, PTE_V | PTE_U),
      R,
      Fetch,
      pf(Fetch, FaultReason.Reserved),
      1,
    ],
    [
      7,
      "step 4: pointer, then a level-0 leaf",
      makePte(L0, PTE_V),
      R,
      Load,
      DATA * 4096 + 0xabc,
      2,
    ],
    [
      8,
      "step 4: pointer RSW bits are ignored",
      makePte(L0, PTE_V | (3 << 8)),
      R,
      Load,
      DATA * 4096 + 0xabc,
      2,
    ],
    [9, "step 3 at level 0: V=0", makePte(L0, PTE_V), 0, Load, pf(Load, FaultReason.NotMapped), 2],
    [
      10,
      "step 3 at level 0: W without R",
      makePte(L0, PTE_V),
      makePte(DATA, PTE_V | PTE_W | PTE_U | AD),
      Store,
      pf(Store, FaultReason.Reserved),
      2,
    ],
    [
      11,
      "step 4: a pointer at level 0 is not a leaf",
      makePte(L0, PTE_V),
      makePte(DATA, PTE_V),
      Load,
      pf(Load, FaultReason.NoLeaf),
      2,
    ],
    [
      12,
      "step 2: a level-0 table outside RAM is an access fault",
      makePte(0x10_0000, PTE_V),
      R,
      Load,
      `${Cause.LoadAccessFault}/${FaultReason.BusError}`,
      1,
    ],
    [
      13,
      "after step 8: a page outside RAM is an access fault",
      makePte(L0, PTE_V),
      makePte(0x10_0000, PTE_V | PTE_R | PTE_U | AD),
      Load,
      `${Cause.LoadAccessFault}/${FaultReason.BusError}`,
      2,
    ],
    [
      14,
      "step 5: U-bit clear on a level-0 leaf",
      makePte(L0, PTE_V),
      makePte(DATA, PTE_V | PTE_R | AD),
      Load,
      pf(Load, FaultReason.UserBit),
      2,
    ],
    [
      15,
      "leaf RSW bits are ignored",
      makePte(L0, PTE_V),
      makePte(DATA, PTE_V | PTE_R | PTE_U | AD | (3 << 8)),
      Load,
      DATA * 4096 + 0xabc,
      2,
    ],
  ];
  for (const [n, name, l1, l0, access, want, reads] of cases) {
    it(`case ${n}: ${name}`, () => {
      const rig = new Rig();
      rig.set(L1_ADDR, l1);
      rig.set(L0_ADDR, l0 === R ? makePte(DATA, R) : l0);
      expect(rig.go(access), `case ${n}`).toBe(want);
      expect(rig.reads(), `case ${n}: PTE reads`).toBe(reads);
      expect(rig.mmu.counters.walkReads, `case ${n}: walkReads`).toBe(reads);
    });
  }

  it("case 16: satp's root outside RAM is an access fault at the first read", () => {
    const rig = new Rig();
    rig.mmu.setSatp(makeSatp(0x20_0000, ASID));
    expect(rig.go(Fetch)).toBe(`${Cause.InstructionAccessFault}/${FaultReason.BusError}`);
    expect(rig.mmu.counters.accessFaults).toBe(1);
  });

  it("case 17: the PTE addresses are satp.PPN*4096 + VPN[1]*4, then PPN*4096 + VPN[0]*4", () => {
    const rig = new Rig();
    rig.map4k(makePte(DATA, PTE_V | PTE_R | PTE_U | AD));
    rig.go(Load);
    expect(rig.log).toEqual([
      { op: "read", pa: 0x1004, size: 4, value: makePte(L0, PTE_V) },
      { op: "read", pa: 0x200c, size: 4, value: makePte(DATA, PTE_V | PTE_R | PTE_U | AD) },
    ]);
  });

  it("case 18: satp.MODE = Bare turns translation off (pa = va)", () => {
    const rig = new Rig();
    rig.mmu.setSatp(makeSatp(ROOT, ASID) & 0x7fff_ffff);
    expect(rig.go(Load)).toBe(VA);
    expect(rig.reads()).toBe(0);
  });
});

describe("megapages", () => {
  const MEGA_PPN = 0x400; // 4 MiB aligned: physical 4 MiB
  const leaf = (ppn: number, flags: number) => makePte(ppn, PTE_V | PTE_U | AD | flags);
  const cases: [number, string, number, Access, number | string][] = [
    [
      1,
      "an aligned megapage maps va's low 22 bits",
      leaf(MEGA_PPN, PTE_R),
      Load,
      MEGA_PPN * 4096 + (VA & 0x3f_ffff),
    ],
    [
      2,
      "an aligned megapage, fetch",
      leaf(MEGA_PPN, PTE_X),
      Fetch,
      MEGA_PPN * 4096 + (VA & 0x3f_ffff),
    ],
    [
      3,
      "PPN[0] != 0 is a misaligned superpage",
      leaf(MEGA_PPN + 1, PTE_R),
      Load,
      pf(Load, FaultReason.BadSuperpage),
    ],
    [
      4,
      "PPN[0] = 0x200 is misaligned too",
      leaf(MEGA_PPN + 0x200, PTE_R | PTE_W),
      Store,
      pf(Store, FaultReason.BadSuperpage),
    ],
    [
      5,
      "step 5 comes before step 6: no permission wins",
      leaf(MEGA_PPN + 1, PTE_R),
      Store,
      pf(Store, FaultReason.NoPermission),
    ],
    [
      6,
      "a megapage without U",
      makePte(MEGA_PPN, PTE_V | PTE_R | AD),
      Load,
      pf(Load, FaultReason.UserBit),
    ],
  ];
  for (const [n, name, pte, access, want] of cases) {
    it(`case ${n}: ${name}`, () => {
      const rig = new Rig();
      rig.set(L1_ADDR, pte);
      expect(rig.go(access), `case ${n}`).toBe(want);
      expect(rig.reads(), `case ${n}: one PTE read`).toBe(1);
    });
  }

  it("case 7: one megapage entry serves every page of the 4 MiB (fully associative TLB)", () => {
    const rig = new Rig();
    rig.set(L1_ADDR, leaf(MEGA_PPN, PTE_R));
    for (let off = 0; off < 0x40_0000; off += 0x1_0000) {
      expect(rig.go(Load, 0x40_0000 + off)).toBe(MEGA_PPN * 4096 + off);
    }
    expect(rig.reads()).toBe(1);
    expect(rig.mmu.tlb.contents()).toMatchObject([{ vpn: 0x400, ppn: MEGA_PPN, megapage: true }]);
  });

  it("case 8: the megapage's A and D are set in the level-1 PTE", () => {
    const rig = new Rig();
    rig.set(L1_ADDR, makePte(MEGA_PPN, PTE_V | PTE_U | PTE_R | PTE_W));
    rig.go(Store);
    expect(rig.word(L1_ADDR)).toBe(makePte(MEGA_PPN, PTE_V | PTE_U | PTE_R | PTE_W | AD));
  });
});

describe("accessed and dirty bits, hardware scheme (default)", () => {
  const RW = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U;
  // [case, access, A/D before, A/D after, PTE writes]
  const cases: [number, Access, number, number, number][] = [
    [1, Load, 0, PTE_A, 1],
    [2, Fetch, 0, PTE_A, 1],
    [3, Store, 0, AD, 1],
    [4, Store, PTE_A, AD, 1],
    [5, Load, PTE_A, PTE_A, 0],
    [6, Load, PTE_D, AD, 1],
    [7, Store, AD, AD, 0],
  ];
  for (const [n, access, before, after, writes] of cases) {
    it(`case ${n}: ${["fetch", "load", "store"][access]} with A/D ${before} leaves ${after}`, () => {
      const rig = new Rig();
      rig.map4k(makePte(DATA, RW | before));
      expect(rig.go(access)).toBe(DATA * 4096 + 0xabc);
      expect(rig.word(L0_ADDR)).toBe(makePte(DATA, RW | after));
      expect(rig.log.filter((e) => e.op === "write").length).toBe(writes);
      expect(rig.mmu.counters.adUpdates).toBe(writes);
      expect(rig.mmu.tlb.contents()[0]!.flags & AD).toBe(after);
    });
  }

  it("case 8: a store hitting an entry filled by a load reads the PTE once and sets D", () => {
    const rig = new Rig();
    rig.map4k(makePte(DATA, RW));
    rig.go(Load);
    rig.log.length = 0;
    expect(rig.go(Store)).toBe(DATA * 4096 + 0xabc);
    expect(rig.log).toEqual([
      { op: "read", pa: L0_ADDR, size: 4, value: makePte(DATA, RW | PTE_A) },
      { op: "write", pa: L0_ADDR, size: 4, value: makePte(DATA, RW | AD) },
    ]);
    expect(rig.mmu.counters.tlbMisses).toBe(1);
    rig.log.length = 0;
    rig.go(Store);
    expect(rig.log).toEqual([]);
  });

  it("case 9: that re-read finds a changed PTE: the entry was stale, so it walks again", () => {
    const rig = new Rig();
    rig.map4k(makePte(DATA, RW));
    rig.go(Load);
    rig.set(L0_ADDR, makePte(DATA + 1, RW | PTE_A)); // remapped without sfence.vma
    expect(rig.go(Store)).toBe((DATA + 1) * 4096 + 0xabc);
    expect(rig.mmu.counters.tlbMisses).toBe(2);
    expect(rig.word(L0_ADDR)).toBe(makePte(DATA + 1, RW | AD));
  });

  it("case 10: without the re-check, a stale entry is used until sfence.vma (spec allows it)", () => {
    const rig = new Rig();
    rig.map4k(makePte(DATA, RW | AD));
    rig.go(Load);
    rig.set(L0_ADDR, makePte(DATA + 1, RW | AD));
    expect(rig.go(Load)).toBe(DATA * 4096 + 0xabc);
    rig.mmu.sfenceVma(VA, ASID);
    expect(rig.go(Load)).toBe((DATA + 1) * 4096 + 0xabc);
  });
});

describe("accessed and dirty bits, trap scheme", () => {
  const RW = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U;
  const cases: [number, Access, number, number | string][] = [
    [1, Load, 0, pf(Load, FaultReason.AccessedClear)],
    [2, Fetch, 0, pf(Fetch, FaultReason.AccessedClear)],
    [3, Store, 0, pf(Store, FaultReason.AccessedClear)],
    [4, Store, PTE_A, pf(Store, FaultReason.DirtyClear)],
    [5, Load, PTE_A, DATA * 4096 + 0xabc],
    [6, Store, AD, DATA * 4096 + 0xabc],
    [7, Load, PTE_D, pf(Load, FaultReason.AccessedClear)],
  ];
  for (const [n, access, bits, want] of cases) {
    it(`case ${n}: ${["fetch", "load", "store"][access]} with A/D ${bits}`, () => {
      const rig = new Rig({ ad: AdMode.Trap });
      rig.map4k(makePte(DATA, RW | bits));
      expect(rig.go(access), `case ${n}`).toBe(want);
      expect(rig.word(L0_ADDR), `case ${n}: the PTE is never written`).toBe(
        makePte(DATA, RW | bits),
      );
      expect(rig.mmu.counters.adUpdates).toBe(0);
      expect(rig.mmu.tlb.contents().length, `case ${n}: a fault fills nothing`).toBe(
        typeof want === "number" ? 1 : 0,
      );
    });
  }

  it("case 8: the kernel sets D after the fault; the retried store succeeds without sfence.vma", () => {
    const rig = new Rig({ ad: AdMode.Trap });
    rig.map4k(makePte(DATA, RW | PTE_A));
    expect(rig.go(Load)).toBe(DATA * 4096 + 0xabc);
    expect(rig.go(Store)).toBe(pf(Store, FaultReason.DirtyClear));
    rig.set(L0_ADDR, makePte(DATA, RW | AD));
    expect(rig.go(Store)).toBe(DATA * 4096 + 0xabc);
    expect(rig.mmu.tlb.contents()).toMatchObject([{ flags: RW | AD }]);
    expect(rig.mmu.counters.faultCount(Cause.StorePageFault)).toBe(1);
  });
});

describe("ASIDs and global mappings across sfence.vma", () => {
  const LEAF = PTE_V | PTE_R | PTE_U | AD;
  const OTHER_ROOT = 3;
  const OTHER_L0 = 4;
  /** ASID 5 maps VA to DATA; ASID 6 (its own tables) maps VA to DATA+1. */
  function twoSpaces(global = 0, globalPointer = 0): Rig {
    const rig = new Rig();
    rig.map4k(makePte(DATA, LEAF | global), makePte(L0, PTE_V | globalPointer));
    rig.set(OTHER_ROOT * 4096 + 4, makePte(OTHER_L0, PTE_V));
    rig.set(OTHER_L0 * 4096 + 12, makePte(DATA + 1, LEAF));
    return rig;
  }
  const as = (rig: Rig, asid: number) =>
    rig.mmu.setSatp(makeSatp(asid === ASID ? ROOT : OTHER_ROOT, asid));

  it("case 1: the same page in two address spaces: two entries, each used by its own ASID", () => {
    const rig = twoSpaces();
    expect(rig.go(Load)).toBe(DATA * 4096 + 0xabc);
    as(rig, 6);
    expect(rig.go(Load)).toBe((DATA + 1) * 4096 + 0xabc);
    as(rig, ASID);
    expect(rig.go(Load)).toBe(DATA * 4096 + 0xabc);
    expect(rig.mmu.counters.tlbMisses).toBe(2);
    expect(rig.mmu.tlb.contents().map((e) => e.asid)).toEqual([ASID, 6]);
  });

  it("case 2: a global leaf is used by every ASID", () => {
    const rig = twoSpaces(PTE_G);
    rig.go(Load);
    as(rig, 6);
    expect(rig.go(Load)).toBe(DATA * 4096 + 0xabc);
    expect(rig.mmu.counters.tlbMisses).toBe(1);
  });

  it("case 3: G on a pointer makes the mappings below it global", () => {
    const rig = twoSpaces(0, PTE_G);
    rig.go(Load);
    expect(rig.mmu.tlb.contents()).toMatchObject([{ global: true }]);
    as(rig, 6);
    expect(rig.go(Load)).toBe(DATA * 4096 + 0xabc);
  });

  // [case, global?, fence va, fence asid, still cached afterwards: ASID 5's entry, ASID 6's entry]
  const fences: [number, boolean, number | undefined, number | undefined, boolean, boolean][] = [
    [4, false, undefined, undefined, false, false],
    [5, false, undefined, ASID, false, true],
    [6, false, undefined, ASID + 512, false, true], // ASID bits above 9 are ignored
    [7, false, VA, undefined, false, false],
    [8, false, VA, ASID, false, true],
    [9, false, VA + 0x1000, undefined, true, true],
    [10, true, undefined, ASID, true, true],
    [11, true, VA, ASID, true, true],
    [12, true, VA, undefined, false, false],
  ];
  for (const [n, global, va, asid, keep5, keep6] of fences) {
    it(`case ${n}: sfence.vma(${va?.toString(16) ?? "x0"}, ${asid ?? "x0"}) ${global ? "with a global entry" : ""}`, () => {
      const rig = twoSpaces(global ? PTE_G : 0);
      rig.go(Load);
      as(rig, 6);
      if (!global) rig.go(Load);
      rig.mmu.sfenceVma(va, asid);
      const left = rig.mmu.tlb.contents();
      expect(
        left.some((e) => e.ppn === DATA),
        `case ${n}: ASID 5's entry`,
      ).toBe(keep5);
      if (!global)
        expect(
          left.some((e) => e.ppn === DATA + 1),
          `case ${n}: ASID 6's`,
        ).toBe(keep6);
    });
  }
});

describe("what each translation reads", () => {
  it("a 4 KiB miss reads exactly two PTEs, a megapage miss one, a hit none", () => {
    const rig = new Rig();
    rig.map4k(makePte(DATA, PTE_V | PTE_R | PTE_U | AD));
    rig.set(ROOT * 4096 + 2 * 4, makePte(0x800, PTE_V | PTE_R | PTE_U | AD));
    rig.go(Load);
    expect(rig.reads()).toBe(2);
    rig.go(Load, VA + 4);
    expect(rig.reads()).toBe(2);
    rig.go(Load, 0x80_0000);
    expect(rig.reads()).toBe(3);
    rig.go(Load, 0x80_1000);
    expect(rig.reads()).toBe(3);
    expect(rig.mmu.counters.walkReads).toBe(3);
    expect(rig.mmu.counters.tlbMisses).toBe(2);
  });

  it("a software-refilled TLB never reads a PTE itself when the entry has A and D", () => {
    const rig = new Rig({ refill: RefillMode.Software });
    const pte = makePte(DATA, PTE_V | PTE_R | PTE_W | PTE_U | AD);
    rig.map4k(pte);
    expect(rig.go(Store)).toBe(`${Cause.TlbMiss}/${FaultReason.TlbMiss}`);
    rig.mmu.tlbWrite(VA, pte, L0_ADDR, 0);
    expect(rig.go(Store)).toBe(DATA * 4096 + 0xabc);
    expect(rig.reads()).toBe(0);
    expect(rig.mmu.counters.tlbRefillTraps).toBe(1);
    expect(rig.mmu.counters.tlbMisses).toBe(1);
  });
});
