// The MMU as a whole: bare, base-limit and segmented modes at their boundaries (and against OSTEP's
// relocation and segmentation vectors), explained translations, the side-effect-free path, the
// counters, and — with the CPU in the loop — the promise of the fast path: every fetch, load and
// store is exactly one TLB lookup with exact replacement, and no TLB, refill or A/D setting ever
// changes what a program computes, only the counters.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultMachineConfig, Machine } from "../../hw/machine.js";
import {
  AdMode,
  accessCycles,
  checkMmuConfig,
  MIN_SOFTWARE_REFILL_WAYS,
  Mmu,
  type MmuConfig,
  type MmuEvent,
  type MmuMemAccess,
  MmuMode,
  RefillMode,
} from "../../hw/mmu.js";
import { Prng } from "../../hw/prng.js";
import {
  encodePte,
  LINEAR_VALID,
  linearFormat,
  type PageTableFormat,
  SV32,
} from "../../hw/ptformat.js";
import { Ram } from "../../hw/ram.js";
import {
  makePte,
  makeSatp,
  PTE_A,
  PTE_D,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
} from "../../hw/sv32.js";
import type { TlbPolicy } from "../../hw/tlb.js";
import { Access, Cause, FaultReason, type Trap } from "../../hw/trap.js";
import * as E from "./encode.js";

const { Fetch, Load, Store } = Access;
const RWX = PTE_R | PTE_W | PTE_X;

function newMmu(ram: Ram, config: Partial<MmuConfig> = {}): Mmu {
  return new Mmu(
    ram,
    {
      tlb: { entries: 8, ways: 8, policy: "lru" },
      refill: RefillMode.Hardware,
      ad: AdMode.Hardware,
      segmentBits: 2,
      ...config,
    },
    new Prng(1),
  );
}

/** The outcome of a guest-path translation: the pa, or "cause/reason". */
function go(mmu: Mmu, va: number, access: Access, size = 1): number | string {
  const pa = mmu.translate(va, access, 0, size);
  return pa >= 0 ? pa : `${mmu.faultCause}/${mmu.faultReason}`;
}
const limitFault = (cause: Cause) => `${cause}/${FaultReason.Limit}`;

describe("bare mode", () => {
  it("pa = va inside RAM; outside it, access faults 1/5/7", () => {
    const mmu = newMmu(new Ram(8192));
    expect(go(mmu, 0x1fff, Load)).toBe(0x1fff);
    expect(go(mmu, 0x1ffc, Store, 4)).toBe(0x1ffc);
    expect(go(mmu, 0x2000, Load)).toBe(`${Cause.LoadAccessFault}/${FaultReason.BusError}`);
    expect(go(mmu, 0x2000, Store)).toBe(`${Cause.StoreAccessFault}/${FaultReason.BusError}`);
    expect(go(mmu, 0xffff_fffc, Fetch, 4)).toBe(
      `${Cause.InstructionAccessFault}/${FaultReason.BusError}`,
    );
    expect(mmu.counters.accessFaults).toBe(3);
  });
});

describe("base-limit mode", () => {
  const BASE = 0x3000;
  const LIMIT = 0x1800;
  function rig(): Mmu {
    const mmu = newMmu(new Ram(0x10000));
    mmu.setMode(MmuMode.BaseLimit);
    mmu.setBaseLimit(BASE, LIMIT);
    return mmu;
  }
  // [case, va, access, size, expected]
  const cases: [number, number, Access, number, number | string][] = [
    [1, 0, Load, 1, BASE],
    [2, LIMIT - 1, Load, 1, BASE + LIMIT - 1],
    [3, LIMIT, Load, 1, limitFault(Cause.LoadAccessFault)],
    [4, LIMIT, Store, 1, limitFault(Cause.StoreAccessFault)],
    [5, LIMIT, Fetch, 4, limitFault(Cause.InstructionAccessFault)],
    [6, LIMIT - 4, Load, 4, BASE + LIMIT - 4],
    [7, LIMIT - 2, Load, 4, limitFault(Cause.LoadAccessFault)], // the word crosses the limit
    [8, 0xffff_ffff, Load, 1, limitFault(Cause.LoadAccessFault)],
  ];
  for (const [n, va, access, size, want] of cases) {
    it(`case ${n}: va 0x${va.toString(16)}`, () => {
      expect(go(rig(), va, access, size)).toBe(want);
    });
  }

  it("case 9: a partition running past the end of RAM is a bus error there", () => {
    const mmu = rig();
    mmu.setBaseLimit(0xf000, 0x2000);
    expect(go(mmu, 0xfff, Load)).toBe(0xffff);
    expect(go(mmu, 0x1000, Load)).toBe(`${Cause.LoadAccessFault}/${FaultReason.BusError}`);
  });

  it("case 10: the fast path never caches a page the limit cuts through", () => {
    const m = machine({ ramSize: 0x10000 });
    m.mmu.setMode(MmuMode.BaseLimit);
    m.mmu.setBaseLimit(0x4000, 0x1804);
    const code = [...E.li(5, 0x17ff), E.load("lbu", 6, 5, 0), E.load("lbu", 7, 5, 5), E.EBREAK];
    code.forEach((w, i) => {
      m.ram.i32[(0x4000 >> 2) + i] = w;
    });
    m.ram.u8[0x4000 + 0x17ff] = 0x5a;
    const trap = m.cpu.run(100);
    expect(m.cpu.x[6]).toBe(0x5a);
    expect(trap).toMatchObject({ cause: Cause.LoadAccessFault, tval: 0x1804, epc: 12 });
    expect(m.cpu.x[7]).toBe(0);
  });
});

describe("segmented mode", () => {
  const SEG = 2 ** 30; // 4 segments of 1 GiB
  function rig(): Mmu {
    const mmu = newMmu(new Ram(0x10000));
    mmu.setMode(MmuMode.Segmented);
    mmu.setSegment(0, { base: 0x1000, limit: 0x800, growsDown: false, perms: PTE_R | PTE_X });
    mmu.setSegment(1, { base: 0x4000, limit: 0x2000, growsDown: false, perms: PTE_R | PTE_W });
    mmu.setSegment(3, { base: 0x9000, limit: 0x1000, growsDown: true, perms: PTE_R | PTE_W });
    return mmu;
  }
  const cases: [number, string, number, Access, number | string][] = [
    [1, "seg 0 offset 0", 0, Fetch, 0x1000],
    [2, "seg 0 limit-1", 0x7ff, Load, 0x17ff],
    [3, "seg 0 limit", 0x800, Load, limitFault(Cause.LoadAccessFault)],
    [4, "seg 0 has no W", 0x10, Store, `${Cause.StoreAccessFault}/${FaultReason.NoPermission}`],
    [
      5,
      "seg 1 has no X",
      SEG,
      Fetch,
      `${Cause.InstructionAccessFault}/${FaultReason.NoPermission}`,
    ],
    [6, "seg 1 limit-1", SEG + 0x1fff, Store, 0x5fff],
    [7, "seg 1 limit", SEG + 0x2000, Store, limitFault(Cause.StoreAccessFault)],
    [8, "seg 2 is invalid (limit 0)", 2 * SEG, Load, limitFault(Cause.LoadAccessFault)],
    [9, "grows down: the top byte is base-1", 4 * SEG - 1, Load, 0x8fff],
    [10, "grows down: the lowest byte is base-limit", 4 * SEG - 0x1000, Store, 0x8000],
    [
      11,
      "grows down: one below the limit",
      4 * SEG - 0x1001,
      Load,
      limitFault(Cause.LoadAccessFault),
    ],
    [12, "grows down: offset 0 is far below", 3 * SEG, Load, limitFault(Cause.LoadAccessFault)],
  ];
  for (const [n, name, va, access, want] of cases) {
    it(`case ${n}: ${name}`, () => {
      expect(go(rig(), va >>> 0, access)).toBe(want);
    });
  }

  it("case 13: a small address space: the top bits of `addressBits` pick the segment", () => {
    const mmu = newMmu(new Ram(4096), { segmentBits: 1 });
    mmu.setMode(MmuMode.Segmented);
    mmu.setAddressBits(7);
    mmu.setSegment(0, { base: 0, limit: 20, growsDown: false, perms: RWX });
    mmu.setSegment(1, { base: 512, limit: 20, growsDown: true, perms: RWX });
    expect(go(mmu, 19, Load)).toBe(19);
    expect(go(mmu, 20, Load)).toBe(limitFault(Cause.LoadAccessFault));
    expect(go(mmu, 108, Load)).toBe(492);
    expect(go(mmu, 107, Load)).toBe(limitFault(Cause.LoadAccessFault));
    expect(go(mmu, 127, Load)).toBe(511);
    expect(go(mmu, 128, Load)).toBe(limitFault(Cause.LoadAccessFault));
    expect(() => mmu.setAddressBits(1)).toThrow(RangeError);
  });
});

describe("OSTEP relocation and segmentation vectors", () => {
  const dir = fileURLToPath(new URL("../vectors/ostep/", import.meta.url));
  const num = (text: string, re: RegExp) => Number(re.exec(text)![1]);
  for (const file of ["000", "001", "002", "003", "004"].map((n) => `${n}-relocation.txt`)) {
    it(file, () => {
      const text = readFileSync(dir + file, "utf8");
      const mmu = newMmu(new Ram(128 * 1024));
      mmu.setMode(MmuMode.BaseLimit);
      mmu.setBaseLimit(
        num(text, /Base\s+: 0x[0-9a-f]+ \(decimal (\d+)\)/),
        num(text, /Limit\s+: (\d+)/),
      );
      const lines = [
        ...text.matchAll(
          /VA\s+\d+: 0x([0-9a-f]+) .*--> (?:VALID: 0x([0-9a-f]+)|SEGMENTATION VIOLATION)/g,
        ),
      ];
      expect(lines.length).toBeGreaterThan(0);
      for (const [, va, pa] of lines) {
        const r = mmu.translateQuietly(Number.parseInt(va!, 16), Load);
        expect(r.ok ? r.pa : "violation", `${file} va ${va}`).toBe(
          pa ? Number.parseInt(pa, 16) : "violation",
        );
      }
    });
  }
  for (const file of ["006", "007", "008", "009", "010"].map((n) => `${n}-segmentation.txt`)) {
    it(file, () => {
      const text = readFileSync(dir + file, "utf8");
      const asize = text.match(/address space size (\d+)(k?)/)!;
      const bytes = Number(asize[1]) * (asize[2] ? 1024 : 1);
      const mmu = newMmu(new Ram(128 * 1024), { segmentBits: 1 });
      mmu.setMode(MmuMode.Segmented);
      mmu.setAddressBits(Math.log2(bytes));
      for (const s of [0, 1]) {
        mmu.setSegment(s, {
          base: num(text, new RegExp(`Segment ${s} base .*\\(decimal (\\d+)\\)`)),
          limit: num(text, new RegExp(`Segment ${s} limit\\s+: (\\d+)`)),
          growsDown: s === 1,
          perms: RWX,
        });
      }
      const lines = [
        ...text.matchAll(
          /VA\s+\d+: 0x([0-9a-f]+) .*--> (?:VALID in SEG(\d): 0x([0-9a-f]+)|SEGMENTATION VIOLATION \(SEG(\d)\))/g,
        ),
      ];
      expect(lines.length).toBeGreaterThan(0);
      for (const [, va, , pa] of lines) {
        const r = mmu.translateQuietly(Number.parseInt(va!, 16), Load);
        expect(r.ok ? r.pa : "violation", `${file} va ${va}`).toBe(
          pa ? Number.parseInt(pa, 16) : "violation",
        );
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// Paged translation, explained and quiet.

const ROOT = 1;
const L0 = 2;
const LEAF = PTE_V | PTE_R | PTE_W | PTE_U;

function pagedRig(config: Partial<MmuConfig> = {}): { ram: Ram; mmu: Mmu } {
  const ram = new Ram(1 << 20);
  const mmu = newMmu(ram, config);
  mmu.setMode(MmuMode.Paged);
  mmu.setSatp(makeSatp(ROOT, 3));
  ram.i32[(ROOT * 4096) >>> 2] = makePte(L0, PTE_V);
  ram.i32[(L0 * 4096 + 0x20 * 4) >>> 2] = makePte(0x40, LEAF);
  for (const vpn of [0x21, 0x22]) {
    ram.i32[(L0 * 4096 + vpn * 4) >>> 2] = makePte(vpn + 0x20, PTE_V | PTE_R | PTE_X | PTE_U);
  }
  return { ram, mmu };
}

describe("explained translations", () => {
  it("a miss: TLB lookup, each level, the check, the A/D update, the fill, the result", () => {
    const { mmu } = pagedRig({ tlb: { entries: 4, ways: 2, policy: "lru" } });
    const events: MmuEvent[] = [];
    mmu.setTracer((e) => events.push(e));
    mmu.translate(0x20abc, Store, 10);
    expect(events).toEqual([
      { kind: "start", access: Store, va: 0x20abc, mode: "paged" },
      { kind: "tlb", vpn: 0x20, asid: 3, set: 0, way: -1, hit: false },
      {
        kind: "walk",
        level: 1,
        index: 0,
        pteAddr: 0x1000,
        pte: makePte(L0, PTE_V),
        flags: "V-------",
        pfn: L0,
      },
      {
        kind: "walk",
        level: 0,
        index: 0x20,
        pteAddr: 0x2080,
        pte: makePte(0x40, LEAF),
        flags: "VRW-U---",
        pfn: 0x40,
      },
      { kind: "check", access: Store, flags: "VRW-U---", reason: FaultReason.None },
      {
        kind: "ad",
        pteAddr: 0x2080,
        old: makePte(0x40, LEAF),
        pte: makePte(0x40, LEAF | PTE_A | PTE_D),
      },
      {
        kind: "fill",
        index: 0,
        set: 0,
        way: 0,
        vpn: 0x20,
        ppn: 0x40,
        asid: 3,
        global: false,
        megapage: false,
      },
      { kind: "done", pa: 0x40abc },
    ]);
    events.length = 0;
    mmu.translate(0x20000, Fetch, 12);
    expect(events).toEqual([
      { kind: "start", access: Fetch, va: 0x20000, mode: "paged" },
      { kind: "tlb", vpn: 0x20, asid: 3, set: 0, way: 0, hit: true },
      { kind: "check", access: Fetch, flags: "VRW-U-AD", reason: FaultReason.NoPermission },
      { kind: "fault", cause: Cause.InstructionPageFault, reason: FaultReason.NoPermission },
    ]);
  });

  it("tracing keeps the fast tables empty; without it a translation installs its page", () => {
    const { mmu } = pagedRig();
    mmu.setTracer(() => {});
    mmu.translate(0x20000, Load, 2);
    expect(mmu.fast.load[0x20]).toBe(0);
    expect(mmu.cacheable).toBe(false);
    mmu.setTracer(null);
    mmu.translate(0x20000, Load, 4);
    expect(mmu.fast.load[0x20]).not.toBe(0);
    expect(mmu.fast.store[0x20]).toBe(0); // installed per access kind, after its own check
  });
});

describe("the fast tables' bookkeeping", () => {
  it("a page whose store word is dropped after every store (a reservation) is listed once", () => {
    const { mmu } = pagedRig();
    const listed = () =>
      (mmu.fast as unknown as { entryCounts: Int32Array }).entryCounts.reduce((a, b) => a + b, 0);
    mmu.translate(0x20000, Load, 2);
    for (let t = 4; t < 4000; t += 2) {
      mmu.translate(0x20004, Store, t + 1);
      mmu.fast.store[0x20] = 0; // as Cpu.storeNearReservation does
    }
    expect(mmu.fast.load[0x20]).not.toBe(0);
    expect(listed()).toBe(1);
  });
});

describe("the quiet path changes nothing", () => {
  function snapshot(ram: Ram, mmu: Mmu): string {
    return JSON.stringify({
      ram: Array.from(ram.i32.subarray(0, 4096)),
      tlb: mmu.tlb.contents(),
      stamps: Array.from(mmu.tlb.stamps.subarray(0, 10)),
      counters: [
        mmu.counters.tlbMisses,
        mmu.counters.walkReads,
        mmu.counters.adUpdates,
        mmu.counters.pageFaults,
        mmu.counters.accessFaults,
      ],
      fault: [mmu.faultCause, mmu.faultReason],
      fast: [mmu.fast.load[0x20], mmu.fast.store[0x20], mmu.fast.fetchSlot],
    });
  }
  // [name, config, guest accesses first, quiet access: va, kind, expected pa or fault]
  const cases: [string, Partial<MmuConfig>, [number, Access][], number, Access, number | null][] = [
    ["a miss that would set A and D", {}, [], 0x20010, Store, 0x40010],
    ["a hit that would set D", {}, [[0x20000, Load]], 0x20010, Store, 0x40010],
    [
      "a fetch hit on another page than the fetch page",
      {},
      [
        [0x21000, Fetch],
        [0x22000, Fetch],
      ],
      0x21004,
      Fetch,
      0x41004,
    ],
    ["a fault", {}, [], 0x30000, Load, null],
    ["an A/D fault (trap scheme)", { ad: AdMode.Trap }, [], 0x20010, Load, null],
    [
      "a miss in software-refill mode walks instead of trapping",
      { refill: RefillMode.Software },
      [],
      0x20010,
      Load,
      0x40010,
    ],
  ];
  cases.forEach(([name, config, first, va, access, want], n) => {
    it(`case ${n + 1}: ${name}`, () => {
      const { ram, mmu } = pagedRig(config);
      first.forEach(([v, a], k) => {
        expect(mmu.translate(v, a, 2 * k)).toBeGreaterThanOrEqual(0);
      });
      const before = snapshot(ram, mmu);
      const events: MmuEvent[] = [];
      const r = mmu.translateQuietly(va, access, (e) => events.push(e));
      expect(r.ok ? r.pa : null).toBe(want);
      expect(events[0]).toMatchObject({ kind: "start", va });
      expect(snapshot(ram, mmu)).toBe(before);
      expect(mmu.tracing).toBe(false);
    });
  });

  it("peek reads through the translation without touching anything", () => {
    const { ram, mmu } = pagedRig();
    ram.i32[(0x40000 + 0x10) >>> 2] = 0x1234_5678;
    expect(mmu.peek32(0x20010)).toBe(0x1234_5678);
    expect(mmu.peek8(0x20013)).toBe(0x12);
    expect(mmu.peek32(0x22ffe)).toBeUndefined(); // runs into an unmapped page
    expect(mmu.tlb.contents()).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// The CPU in the loop.

function machine(opts: {
  ramSize?: number;
  entries?: number;
  ways?: number;
  policy?: TlbPolicy;
  refill?: RefillMode;
  ad?: AdMode;
  seed?: number;
}): Machine {
  const entries = opts.entries ?? 64;
  return new Machine({
    ...defaultMachineConfig,
    ramSize: opts.ramSize ?? 1 << 20,
    seed: opts.seed ?? 1,
    mmu: {
      ...defaultMachineConfig.mmu,
      tlb: { entries, ways: opts.ways ?? entries, policy: opts.policy ?? "lru" },
      refill: opts.refill ?? RefillMode.Hardware,
      ad: opts.ad ?? AdMode.Hardware,
    },
  });
}

// The test program: writes, reads back and checksums NPAGES data pages REPS times, calling a
// function on a second code page for every data page (so fetches change page too).
const CODE_VA = 0x10000;
const FUNC_VA = 0x11000;
const DATA_VA = 0x20000;
const NPAGES = 8;
const REPS = 3;
const CODE = [
  E.lui(10, DATA_VA >> 12), // x10 = data
  E.iop("addi", 11, 0, NPAGES),
  E.iop("addi", 16, 0, REPS),
  E.iop("addi", 13, 0, 0), // x13 = checksum
  E.iop("addi", 12, 0, 0), // outer: i = 0
  E.slli(14, 12, 12), // loop1: x14 = data + i * 4096
  E.rop("add", 14, 14, 10),
  E.store("sw", 12, 14, 0),
  E.jal(1, FUNC_VA - (CODE_VA + 32)),
  E.iop("addi", 12, 12, 1),
  E.branch("blt", 12, 11, -20),
  E.iop("addi", 12, 12, -1), // loop2: i--
  E.slli(14, 12, 12),
  E.rop("add", 14, 14, 10),
  E.load("lw", 15, 14, 8),
  E.rop("xor", 13, 13, 15),
  E.store("sh", 13, 14, 4),
  E.branch("bne", 12, 0, -24),
  E.iop("addi", 16, 16, -1),
  E.branch("bne", 16, 0, -60),
  E.EBREAK,
];
const FUNC = [
  E.load("lw", 15, 14, 0),
  E.rop("add", 13, 13, 15),
  E.store("sw", 13, 14, 8),
  E.jalr(0, 1, 0),
];
const PAGES = [CODE_VA, FUNC_VA, ...Array.from({ length: NPAGES }, (_, i) => DATA_VA + i * 4096)];

/** One address space: its root table, level-0 table, and where its pages live physically. */
interface Space {
  root: number;
  l0: number;
  /** pa = va + offset. */
  offset: number;
  asid: number;
}
const SPACE_A: Space = { root: 1, l0: 2, offset: 0x20000, asid: 1 };
const SPACE_B: Space = { root: 3, l0: 4, offset: 0x60000, asid: 2 };

/** Loads the program into `space` and builds its Sv32 tables (A and D clear, as the OS leaves them). */
function loadSv32(m: Machine, space: Space): void {
  const ram = m.ram;
  CODE.forEach((w, i) => {
    ram.i32[((CODE_VA + space.offset) >> 2) + i] = w;
  });
  FUNC.forEach((w, i) => {
    ram.i32[((FUNC_VA + space.offset) >> 2) + i] = w;
  });
  ram.i32[(space.root * 4096) >> 2] = makePte(space.l0, PTE_V);
  for (const va of PAGES) {
    const perms = va < DATA_VA ? PTE_R | PTE_X : PTE_R | PTE_W;
    const pte = makePte((va + space.offset) >> 12, PTE_V | PTE_U | perms);
    ram.i32[(space.l0 * 4096 + (va >> 12) * 4) >> 2] = pte;
  }
}

function startSv32(m: Machine, space: Space): void {
  m.mmu.setMode(MmuMode.Paged);
  m.mmu.setSatp(makeSatp(space.root, space.asid));
  m.cpu.pc = CODE_VA;
}

/** Address of the level-0 PTE of `va` in `space`, found the way a kernel would. */
function pteAddrOf(m: Machine, space: Space, va: number): number {
  const pde = m.ram.i32[(space.root * 4096 + (va >>> 22) * 4) >> 2]! >>> 0;
  return (pde >>> 10) * 4096 + ((va >>> 12) & 0x3ff) * 4;
}

/** A tiny kernel: refills the TLB, sets A/D after A/D faults; anything else is a test failure. */
function handle(m: Machine, space: Space, trap: Trap, sfenceAfterAd: boolean): void {
  const addr = pteAddrOf(m, space, trap.tval);
  if (trap.cause === Cause.TlbMiss) {
    m.mmu.tlbWrite(trap.tval, m.ram.i32[addr >> 2]! >>> 0, addr, 0);
    return;
  }
  if (trap.reason === FaultReason.AccessedClear || trap.reason === FaultReason.DirtyClear) {
    const bits = PTE_A | (trap.cause === Cause.StorePageFault ? PTE_D : 0);
    m.ram.i32[addr >> 2] = m.ram.i32[addr >> 2]! | bits;
    if (sfenceAfterAd) m.mmu.sfenceVma(trap.tval, space.asid);
    return;
  }
  throw new Error(`unexpected trap ${JSON.stringify(trap)}`);
}

interface Run {
  m: Machine;
  log: MmuMemAccess[];
  /** Each trap with the TLB contents and miss count after it was handled. */
  history: string[];
  /** Every translation attempt (traced runs only): "va/asid". */
  accesses: string[];
}

/** Runs the program to its ebreak in `budget`-sized slices (1 = single-stepping). */
function runProgram(
  m: Machine,
  space: Space,
  opts: { budget?: number; traced?: boolean; sfenceAfterAd?: boolean } = {},
): Run {
  const run: Run = { m, log: [], history: [], accesses: [] };
  m.mmu.setMemLog(run.log);
  if (opts.traced) {
    m.mmu.setTracer((e) => {
      if (e.kind === "start") run.accesses.push(`${e.va}/${m.mmu.asid}`);
    });
  }
  for (let slices = 0; slices < 1_000_000; slices++) {
    const trap = m.cpu.run(opts.budget ?? 1_000_000);
    if (!trap) continue;
    if (trap.cause === Cause.Breakpoint) return run;
    handle(m, space, trap, opts.sfenceAfterAd ?? false);
    run.history.push(JSON.stringify([trap, m.mmu.tlb.contents(), m.mmu.counters.tlbMisses]));
  }
  throw new Error("the program did not finish");
}

/** What the program computed: its checksum, the data it wrote, and the PTEs' final A/D bits. */
function results(m: Machine, space: Space): unknown {
  const data = PAGES.slice(2).map((va) =>
    Array.from(m.ram.i32.subarray((va + space.offset) >> 2, ((va + space.offset) >> 2) + 3)),
  );
  const ad = PAGES.map((va) => (m.ram.i32[pteAddrOf(m, space, va) >> 2]! >>> 0) & (PTE_A | PTE_D));
  return {
    x13: m.cpu.x[13],
    data,
    ad,
    instret: m.cpu.instret,
    loads: m.cpu.loads,
    stores: m.cpu.stores,
  };
}

const reference = (() => {
  const m = machine({});
  loadSv32(m, SPACE_A);
  startSv32(m, SPACE_A);
  runProgram(m, SPACE_A);
  return results(m, SPACE_A);
})();

describe("guest traps carry the spec's cause, tval and epc", () => {
  it("a store to a read-only page: store page fault, tval = address, nothing written", () => {
    const m = machine({});
    loadSv32(m, SPACE_A);
    const pte = pteAddrOf(m, SPACE_A, DATA_VA);
    m.ram.i32[pte >> 2] = makePte((DATA_VA + SPACE_A.offset) >> 12, PTE_V | PTE_U | PTE_R);
    startSv32(m, SPACE_A);
    const trap = m.cpu.run(1000);
    expect(trap).toEqual({
      cause: Cause.StorePageFault,
      tval: DATA_VA,
      epc: CODE_VA + 28,
      reason: FaultReason.NoPermission,
    });
    expect(m.ram.i32[(DATA_VA + SPACE_A.offset) >> 2]).toBe(0);
    expect(m.mmu.counters.failedDataTranslations).toBe(1);
    expect(m.mmu.counters.faultCount(Cause.StorePageFault)).toBe(1);
  });

  it("a fetch from an unmapped page: instruction page fault with tval = epc = the target", () => {
    const m = machine({});
    loadSv32(m, SPACE_A);
    m.ram.i32[pteAddrOf(m, SPACE_A, FUNC_VA) >> 2] = 0;
    startSv32(m, SPACE_A);
    expect(m.cpu.run(1000)).toEqual({
      cause: Cause.InstructionPageFault,
      tval: FUNC_VA,
      epc: FUNC_VA,
      reason: FaultReason.NotMapped,
    });
    expect(m.cpu.x[1]).toBe(CODE_VA + 36); // the jal completed; the fetch after it trapped
  });

  it("a software-refill miss is its own cause (24), not a page fault", () => {
    const m = machine({ refill: RefillMode.Software });
    loadSv32(m, SPACE_A);
    startSv32(m, SPACE_A);
    expect(m.cpu.run(1000)).toEqual({
      cause: Cause.TlbMiss,
      tval: CODE_VA,
      epc: CODE_VA,
      reason: FaultReason.TlbMiss,
    });
    expect([
      m.mmu.counters.tlbRefillTraps,
      m.mmu.counters.pageFaults,
      m.mmu.counters.tlbMisses,
    ]).toEqual([1, 0, 1]);
  });
});

describe("the fast path is an exact cache of the TLB", () => {
  const configs: [number, number, TlbPolicy, RefillMode, AdMode][] = [
    [1, 1, "lru", RefillMode.Hardware, AdMode.Hardware],
    [3, 3, "lru", RefillMode.Hardware, AdMode.Hardware],
    [4, 2, "lru", RefillMode.Hardware, AdMode.Hardware],
    [4, 4, "fifo", RefillMode.Hardware, AdMode.Hardware],
    [4, 1, "fifo", RefillMode.Hardware, AdMode.Hardware],
    [6, 3, "random", RefillMode.Hardware, AdMode.Hardware],
    [4, 4, "lru", RefillMode.Software, AdMode.Hardware],
    [4, 2, "lru", RefillMode.Hardware, AdMode.Trap],
    [3, 3, "fifo", RefillMode.Software, AdMode.Trap],
    [2, 2, "random", RefillMode.Software, AdMode.Trap],
  ];
  for (const [entries, ways, policy, refill, ad] of configs) {
    const name = `${entries} entries ${ways}-way ${policy}, ${refill} refill, ${ad} A/D`;
    it(`${name}: fast, traced (every access on the slow path), stepped and sliced runs agree`, () => {
      const runs = [{}, { traced: true }, { budget: 1 }, { budget: 7 }].map((opts) => {
        const m = machine({ entries, ways, policy, refill, ad, seed: 9 });
        loadSv32(m, SPACE_A);
        startSv32(m, SPACE_A);
        return runProgram(m, SPACE_A, opts);
      });
      const view = (r: Run) => ({
        log: r.log,
        history: r.history,
        tlb: r.m.mmu.tlb.contents(),
        counters: [
          r.m.mmu.counters.tlbMisses,
          r.m.mmu.counters.walkReads,
          r.m.mmu.counters.adUpdates,
          r.m.mmu.counters.tlbRefillTraps,
          r.m.mmu.counters.pageFaults,
        ],
        results: results(r.m, SPACE_A),
      });
      const [fast, traced, stepped, sliced] = runs.map(view);
      expect(traced).toEqual(fast);
      expect(stepped).toEqual(fast);
      expect(sliced).toEqual(fast);
      // Every fetch, load and store was one lookup: the traced run saw each on the slow path.
      const m = runs[1]!.m;
      expect(runs[1]!.accesses.length).toBe(
        m.cpu.ticks + m.cpu.loads + m.cpu.stores + m.mmu.counters.failedDataTranslations,
      );
    });
  }

  // An independent model of a set-associative TLB, fed the traced run's accesses.
  function modelMisses(
    accesses: string[],
    entries: number,
    ways: number,
    policy: TlbPolicy,
    seed: number,
  ) {
    const sets = entries / ways;
    const rng = new Prng(seed);
    const tlb: { tag: string; vpn: number; last: number; filled: number }[][] = Array.from(
      { length: sets },
      () => [],
    );
    let misses = 0;
    accesses.forEach((a, t) => {
      const [va, asid] = a.split("/").map(Number) as [number, number];
      const vpn = va >>> 12;
      const tag = `${vpn}/${asid}`;
      const set = tlb[vpn % sets]!;
      const hit = set.find((e) => e.tag === tag);
      if (hit) {
        hit.last = t;
        return;
      }
      misses++;
      const entry = { tag, vpn, last: t, filled: t };
      if (set.length < ways) set.push(entry);
      else if (policy === "random") set[rng.below(ways)] = entry;
      else {
        const key = policy === "lru" ? "last" : "filled";
        const victim = set.reduce((v, e, i) => (e[key] < set[v]![key] ? i : v), 0);
        set[victim] = entry;
      }
    });
    return {
      misses,
      tags: tlb
        .flat()
        .map((e) => e.tag)
        .sort(),
    };
  }

  // A software refill fills at the time of the miss, so the same model applies to it.
  const modelConfigs: [number, number, TlbPolicy, RefillMode][] = [
    [1, 1, "lru", RefillMode.Hardware],
    [2, 2, "lru", RefillMode.Hardware],
    [3, 3, "lru", RefillMode.Hardware],
    [4, 2, "lru", RefillMode.Hardware],
    [4, 1, "fifo", RefillMode.Hardware],
    [3, 3, "fifo", RefillMode.Hardware],
    [4, 2, "random", RefillMode.Hardware],
    [5, 5, "random", RefillMode.Hardware],
    [2, 2, "lru", RefillMode.Software],
    [4, 2, "lru", RefillMode.Software],
    [3, 3, "fifo", RefillMode.Software],
    [4, 2, "random", RefillMode.Software],
  ];
  for (const [entries, ways, policy, refill] of modelConfigs) {
    it(`${entries} entries ${ways}-way ${policy}, ${refill} refill: misses and contents match an independent model`, () => {
      const setup = () => {
        const m = machine({ entries, ways, policy, refill, seed: 5 });
        loadSv32(m, SPACE_A);
        startSv32(m, SPACE_A);
        return m;
      };
      const traced = runProgram(setup(), SPACE_A, { traced: true });
      const model = modelMisses(traced.accesses, entries, ways, policy, 5);
      const fast = runProgram(setup(), SPACE_A);
      for (const mmu of [traced.m.mmu, fast.m.mmu]) {
        expect(mmu.counters.tlbMisses).toBe(model.misses);
        expect(
          mmu.tlb
            .contents()
            .map((e) => `${e.vpn}/${e.asid}`)
            .sort(),
        ).toEqual(model.tags);
      }
      expect(fast.m.mmu.counters.tlbRefillTraps).toBe(
        refill === RefillMode.Software ? model.misses : 0,
      );
    });
  }

  it("two address spaces switched every 13 instructions: ASID-tagged entries stay exact", () => {
    const switched = (traced: boolean) => {
      const m = machine({ entries: 6, ways: 3, policy: "lru" });
      loadSv32(m, SPACE_A);
      loadSv32(m, SPACE_B);
      const accesses: string[] = [];
      if (traced)
        m.mmu.setTracer((e) => e.kind === "start" && accesses.push(`${e.va}/${m.mmu.asid}`));
      const ctx = [SPACE_A, SPACE_B].map((s) => ({
        space: s,
        x: new Int32Array(32),
        pc: CODE_VA,
        done: false,
      }));
      for (let turn = 0; !ctx.every((c) => c.done); turn++) {
        const c = ctx[turn % 2]!;
        if (c.done) continue;
        m.mmu.setMode(MmuMode.Paged);
        m.mmu.setSatp(makeSatp(c.space.root, c.space.asid));
        m.cpu.x.set(c.x);
        m.cpu.pc = c.pc;
        const trap = m.cpu.run(13);
        if (trap) {
          expect(trap.cause).toBe(Cause.Breakpoint);
          c.done = true;
        }
        c.x.set(m.cpu.x);
        c.pc = m.cpu.pc;
        if (turn % 5 === 4) m.mmu.setMode(MmuMode.Bare); // the kernel runs in between
      }
      return { m, accesses, x13: ctx.map((c) => c.x[13]) };
    };
    const fast = switched(false);
    const traced = switched(true);
    const model = modelMisses(traced.accesses, 6, 3, "lru", 1);
    expect(fast.x13).toEqual(traced.x13);
    expect(fast.x13[0]).toBe((reference as { x13: number }).x13);
    expect(fast.m.mmu.counters.tlbMisses).toBe(model.misses);
    expect(traced.m.mmu.counters.tlbMisses).toBe(model.misses);
    expect(fast.m.mmu.tlb.contents()).toEqual(traced.m.mmu.tlb.contents());
  });
});

describe("LRU stays exact in the corners", () => {
  /** Maps each [va, perms] of `space` (A and D set) and writes `code` at `codeVa`. */
  function build(m: Machine, space: Space, pages: [number, number][], code: [number, number[]][]) {
    m.ram.i32[(space.root * 4096) >> 2] = makePte(space.l0, PTE_V);
    for (const [va, perms] of pages) {
      const pte = makePte((va + space.offset) >> 12, PTE_V | PTE_U | PTE_A | PTE_D | perms);
      m.ram.i32[(space.l0 * 4096 + (va >> 12) * 4) >> 2] = pte;
    }
    for (const [va, words] of code) {
      words.forEach((w, i) => {
        m.ram.i32[((va + space.offset) >> 2) + i] = w;
      });
    }
  }
  const pagesOf = (m: Machine) =>
    m.mmu.tlb
      .contents()
      .map((e) => e.vpn << 12)
      .sort((a, b) => a - b);

  it("a fetch that faults right after a load: the old code page keeps its true last use", () => {
    // P1's last word loads from D, then execution runs on into P2, whose fetch misses (a trap
    // in software refill). Then P2's load from E must evict P1 (last used before the load of D).
    const [P1, P2, D, EP] = [0x10000, 0x11000, 0x20000, 0x21000];
    const m = machine({ entries: 3, refill: RefillMode.Software });
    build(
      m,
      SPACE_A,
      [
        [P1, PTE_R | PTE_X],
        [P2, PTE_R | PTE_X],
        [D, PTE_R],
        [EP, PTE_R],
      ],
      [
        [P1, [E.lui(10, D >> 12), E.lui(11, EP >> 12), E.jal(0, 0xff4)]],
        [P1 + 0xffc, [E.load("lw", 5, 10, 0)]],
        [P2, [E.load("lw", 7, 11, 0), E.EBREAK]],
      ],
    );
    startSv32(m, SPACE_A);
    m.cpu.pc = P1;
    runProgram(m, SPACE_A);
    expect(m.mmu.counters.tlbRefillTraps).toBe(4);
    expect(pagesOf(m)).toEqual([P2, D, EP]);
  });

  it("after a context switch, the last process's code page keeps its last fetch time", () => {
    // A touches DA once, then loops in its code page until its slice ends; B then needs two
    // entries: the first free, the second must evict DA (A's code was used far later).
    const [CODE, DATA] = [0x10000, 0x20000];
    const m = machine({ entries: 3 });
    build(
      m,
      SPACE_A,
      [
        [CODE, PTE_R | PTE_X],
        [DATA, PTE_R],
      ],
      [
        [
          CODE,
          [E.lui(10, DATA >> 12), E.load("lw", 5, 10, 0), E.iop("addi", 6, 6, 1), E.jal(0, -4)],
        ],
      ],
    );
    build(
      m,
      SPACE_B,
      [
        [CODE, PTE_R | PTE_X],
        [DATA, PTE_R],
      ],
      [[CODE, [E.lui(10, DATA >> 12), E.load("lw", 5, 10, 0), E.EBREAK]]],
    );
    startSv32(m, SPACE_A);
    expect(m.cpu.run(50)).toBeNull();
    m.mmu.setMode(MmuMode.Bare); // the kernel runs
    startSv32(m, SPACE_B);
    expect(m.cpu.run(50)?.cause).toBe(Cause.Breakpoint);
    expect(m.mmu.tlb.contents().map((e) => `${e.vpn << 12}/${e.asid}`)).toEqual([
      `${CODE}/1`,
      `${DATA}/2`,
      `${CODE}/2`,
    ]);
  });

  it("entries a kernel writes after one miss are stamped with that miss's time", () => {
    const { ram, mmu } = pagedRig({
      refill: RefillMode.Software,
      tlb: { entries: 2, ways: 2, policy: "lru" },
    });
    const pte = (ppn: number) => makePte(ppn, LEAF | PTE_A | PTE_D);
    for (const [vpn, t] of [
      [0x20, 10],
      [0x21, 20],
    ] as const) {
      expect(mmu.translate(vpn << 12, Load, t)).toBeLessThan(0);
      mmu.tlbWrite(vpn << 12, pte(vpn + 0x20), 0, 0);
    }
    expect(mmu.translate(0x22000, Load, 30)).toBeLessThan(0); // TLB miss at time 30
    mmu.tlbWrite(0x22000, pte(0x42), 0, 0); // evicts 0x20 (used at 10)
    mmu.tlbWrite(0x23000, pte(0x43), 0, 0); // a prefetch: evicts 0x21 (20), not 0x22 (30)
    expect(mmu.tlb.contents().map((e) => e.vpn)).toEqual([0x22, 0x23]);
    expect(ram.size).toBe(1 << 20);
  });
});

describe("no TLB or MMU setting changes what a program computes", () => {
  const shapes: [number, number][] = [
    [1, 1],
    [2, 1],
    [2, 2],
    [4, 2],
    [16, 4],
    [64, 64],
  ];
  const policies: TlbPolicy[] = ["lru", "fifo", "random"];
  for (const [entries, ways] of shapes) {
    for (const policy of policies) {
      it(`${entries} entries, ${ways}-way, ${policy}, every refill and A/D scheme`, () => {
        for (const refill of [RefillMode.Hardware, RefillMode.Software]) {
          const config = { ...defaultMachineConfig.mmu, tlb: { entries, ways, policy }, refill };
          if (ways < MIN_SOFTWARE_REFILL_WAYS && refill === RefillMode.Software) {
            expect(checkMmuConfig(config)).toMatch(/at least 2 ways/);
            continue;
          }
          for (const ad of [AdMode.Hardware, AdMode.Trap]) {
            for (const sfenceAfterAd of [false, true]) {
              const m = machine({ entries, ways, policy, refill, ad });
              loadSv32(m, SPACE_A);
              startSv32(m, SPACE_A);
              runProgram(m, SPACE_A, { sfenceAfterAd, budget: 97 });
              expect(results(m, SPACE_A), `${refill} refill, ${ad} A/D`).toEqual(reference);
            }
          }
        }
      });
    }
  }

  it("only the counters change: a bigger TLB misses less", () => {
    const misses = [1, 4, 64].map((entries) => {
      const m = machine({ entries });
      loadSv32(m, SPACE_A);
      startSv32(m, SPACE_A);
      runProgram(m, SPACE_A);
      return m.mmu.counters.tlbMisses;
    });
    expect(misses[0]).toBeGreaterThan(misses[1]!);
    expect(misses[1]).toBeGreaterThan(misses[2]!);
    expect(misses[2]).toBe(PAGES.length);
  });

  /** Loads the program and a linear table (textbook format) mapping the same layout. */
  function linearRun(pageSize: number): Machine {
    const m = machine({ entries: 4 });
    loadSv32(m, SPACE_A);
    const fmt: PageTableFormat = linearFormat(2 ** 18, pageSize);
    const table = 0x8000; // physical, below the program
    for (const va of PAGES) {
      for (let off = 0; off < 4096; off += pageSize) {
        const vpn = (va + off) / pageSize;
        m.ram.i32[(table + vpn * 4) >> 2] = encodePte(
          fmt,
          (va + off + SPACE_A.offset) / pageSize,
          PTE_V,
        );
      }
    }
    m.mmu.setFormat(fmt);
    m.mmu.setMode(MmuMode.Paged);
    m.mmu.setPageTable(table / pageSize, 1);
    m.cpu.pc = CODE_VA;
    expect(m.cpu.run(100_000)?.cause).toBe(Cause.Breakpoint);
    return m;
  }

  it("the same program on a linear table with 4 KiB pages (fast path) and 2 KiB pages (slow path)", () => {
    for (const pageSize of [4096, 2048]) {
      const m = linearRun(pageSize);
      const r = results(m, SPACE_A) as { x13: number; data: unknown };
      expect(r.x13).toBe((reference as { x13: number }).x13);
      expect(r.data).toEqual((reference as { data: unknown }).data);
      expect(m.mmu.fast.fetch.some((w) => w !== 0)).toBe(pageSize === 4096);
      expect(m.mmu.tlb.contents().length).toBe(4);
      expect(LINEAR_VALID).toBe(0x8000_0000);
    }
    expect(machine({}).mmu.format).toBe(SV32); // the default
  });

  it("the same program under base-limit and segmentation (pa = va + 0x20000)", () => {
    for (const mode of [MmuMode.BaseLimit, MmuMode.Segmented]) {
      const m = machine({});
      loadSv32(m, SPACE_A);
      m.mmu.setMode(mode);
      m.mmu.setBaseLimit(SPACE_A.offset, DATA_VA + NPAGES * 4096);
      m.mmu.setSegment(0, {
        base: SPACE_A.offset,
        limit: DATA_VA + NPAGES * 4096,
        growsDown: false,
        perms: RWX,
      });
      m.cpu.pc = CODE_VA;
      expect(m.cpu.run(100_000)?.cause).toBe(Cause.Breakpoint);
      const r = results(m, SPACE_A) as { x13: number; data: unknown };
      expect(r.x13).toBe((reference as { x13: number }).x13);
      expect(r.data).toEqual((reference as { data: unknown }).data);
    }
  });
});

describe("counters and the timing model", () => {
  it("faults are counted by cause", () => {
    const { mmu } = pagedRig({ ad: AdMode.Trap });
    go(mmu, 0x30000, Load);
    go(mmu, 0x30000, Store);
    go(mmu, 0x20000, Store);
    expect(mmu.counters.faultCount(Cause.LoadPageFault)).toBe(1);
    expect(mmu.counters.faultCount(Cause.StorePageFault)).toBe(2);
    expect(mmu.counters.faultCount(Cause.InstructionPageFault)).toBe(0);
    expect(mmu.counters.pageFaults).toBe(3);
    expect(mmu.counters.failedDataTranslations).toBe(3);
  });

  it("effective access time: each access, lookup, walk read and A/D write at its cost", () => {
    const costs = { tlbHit: 1, memory: 100, walkLevel: 100 };
    // 100 accesses, 98 TLB hits and 2 misses reading 2 levels each, one A/D write:
    const cycles = accessCycles(
      { accesses: 100, tlbLookups: 100, walkReads: 4, adUpdates: 1 },
      costs,
    );
    expect(cycles).toBe(100 * 100 + 100 * 1 + 4 * 100 + 100);
    expect(accessCycles({ accesses: 10, tlbLookups: 0, walkReads: 0, adUpdates: 0 }, costs)).toBe(
      1000,
    );
  });

  it("configurations are checked", () => {
    const ok: MmuConfig = { ...defaultMachineConfig.mmu };
    expect(checkMmuConfig(ok)).toBeUndefined();
    expect(checkMmuConfig({ ...ok, segmentBits: 0 })).toMatch(/segment bits/);
    expect(checkMmuConfig({ ...ok, refill: "magic" as RefillMode })).toMatch(/refill/);
    expect(checkMmuConfig({ ...ok, ad: "x" as AdMode })).toMatch(/A\/D/);
    expect(checkMmuConfig({ ...ok, tlb: { entries: 3, ways: 2, policy: "lru" } })).toMatch(
      /multiple/,
    );
    expect(checkMmuConfig({ ...ok, format: { ...SV32, vaBits: 31 } })).toMatch(/add up/);
  });

  it("tlbWrite refuses a leaf level the format cannot have", () => {
    const { mmu } = pagedRig();
    expect(() => mmu.tlbWrite(0, 0, 0, 2)).toThrow(RangeError);
    mmu.setFormat(linearFormat(2 ** 18, 4096));
    expect(() => mmu.tlbWrite(0, 0, 0, 1)).toThrow(RangeError);
  });

  it("a software refill of a page already cached rewrites its entry in place", () => {
    const { ram, mmu } = pagedRig({ refill: RefillMode.Software });
    const addr = L0 * 4096 + 0x20 * 4;
    const i = mmu.tlbWrite(0x20000, makePte(0x40, LEAF), addr, 0);
    mmu.tlbWrite(0x21000, makePte(0x41, LEAF), addr + 4, 0);
    expect(mmu.tlbWrite(0x20000, makePte(0x50, LEAF | PTE_A), addr, 0)).toBe(i);
    expect(mmu.tlb.contents().map((e) => e.ppn)).toEqual([0x50, 0x41]);
    expect(ram.size).toBe(1 << 20);
  });
});
