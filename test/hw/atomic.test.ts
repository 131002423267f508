// The A extension on the CPU, from the unprivileged spec's chapter "A" (riscv-tests style: every
// case numbered): the nine AMOs (old value to rd, op(old, rs2) to memory), lr.w/sc.w and the
// reservation rules, aliasing of rd with rs1/rs2, rd = x0, misaligned addresses (an access
// fault, as the spec allows) and the encodings that are reserved. Bare mode from 0x1000.
import { describe, expect, it } from "vitest";
import { NO_RESERVATION } from "../../hw/cpu.js";
import { AmoFunct5 } from "../../hw/isa.js";
import { defaultMachineConfig, Machine } from "../../hw/machine.js";
import { Cause, FaultReason } from "../../hw/trap.js";
import * as E from "./encode.js";

const BASE = 0x1000;
const DATA = 0x8000;
const MIN = -0x8000_0000;
const A0 = 10;
const A1 = 11;
const A2 = 12;
const A3 = 13;

/** An A-extension word (funct3 = 2, .w): funct5, registers and the aq/rl bits. */
function amo(f5: number, rd: number, rs1: number, rs2: number, aq = 0, rl = 0): number {
  return (
    ((f5 << 27) |
      (aq << 26) |
      (rl << 25) |
      (rs2 << 20) |
      (rs1 << 15) |
      (2 << 12) |
      (rd << 7) |
      0x2f) >>>
    0
  );
}
const lr = (rd: number, rs1: number) => amo(AmoFunct5.Lr, rd, rs1, 0);
const sc = (rd: number, rs2: number, rs1: number) => amo(AmoFunct5.Sc, rd, rs1, rs2);

function machineWith(words: number[]): Machine {
  const m = new Machine({ ...defaultMachineConfig, ramSize: 64 * 1024 });
  words.forEach((w, i) => {
    m.ram.i32[(BASE >> 2) + i] = w | 0;
  });
  m.cpu.pc = BASE;
  return m;
}

/** Runs `words` then ebreak with a1 = DATA and the word at DATA = `memory`. */
function exec(words: number[], memory = 0, setup?: (m: Machine) => void): Machine {
  const m = machineWith([...E.li(A1, DATA), ...words, E.EBREAK]);
  m.ram.i32[DATA >> 2] = memory;
  setup?.(m);
  const trap = m.cpu.run(10_000);
  expect(trap?.cause, `ended with ${JSON.stringify(trap)}`).toBe(Cause.Breakpoint);
  return m;
}

const word = (m: Machine, pa = DATA) => m.ram.i32[pa >> 2];

type AmoCase = [keyof typeof AmoFunct5, number, number, number];
/** [op, memory before, rs2, memory after]; rd always gets the memory before. */
const AMO_CASES: AmoCase[] = [
  ["Swap", 5, 9, 9],
  ["Add", 5, 9, 14],
  ["Add", 0x7fffffff, 1, MIN],
  ["Xor", 0xff00, 0x0ff0, 0xf0f0],
  ["And", 0xf0, 0x3c, 0x30],
  ["Or", 0xf0, 0x0f, 0xff],
  ["Min", -1, 1, -1],
  ["Min", 1, -1, -1],
  ["Min", MIN, 0x7fffffff, MIN],
  ["Max", -1, 1, 1],
  ["Max", MIN, -1, -1],
  ["Minu", -1, 1, 1],
  ["Minu", 1, -1, 1],
  ["Minu", MIN, 0x7fffffff, 0x7fffffff],
  ["Maxu", -1, 1, -1],
  ["Maxu", 0x7fffffff, MIN, MIN],
  ["Maxu", 0, 0, 0],
];

describe("AMOs: rd = the old word, memory = op(old, rs2)", () => {
  AMO_CASES.forEach(([op, before, src, after], n) => {
    it(`case ${n + 1}: amo${op.toLowerCase()}.w on ${before} with ${src} -> ${after}`, () => {
      const m = exec([...E.li(A2, src), amo(AmoFunct5[op], A0, A1, A2)], before);
      expect(word(m)).toBe(after | 0);
      expect(m.cpu.x[A0]).toBe(before | 0);
      expect(m.cpu.x[A2], "rs2 is unchanged").toBe(src | 0);
    });
  });

  it("case 18: rd = x0 still updates memory and leaves x0 zero", () => {
    const m = exec([...E.li(A2, 7), amo(AmoFunct5.Add, 0, A1, A2)], 35);
    expect(word(m)).toBe(42);
    expect(m.cpu.x[0]).toBe(0);
  });

  it("case 19: rd = rs2 reads rs2 before writing rd (amoswap exchanges)", () => {
    const m = exec([...E.li(A0, 111), amo(AmoFunct5.Swap, A0, A1, A0)], 222);
    expect(word(m)).toBe(111);
    expect(m.cpu.x[A0]).toBe(222);
  });

  it("case 20: rd = rs1 uses the address before overwriting it", () => {
    const m = exec([...E.li(A2, 1), amo(AmoFunct5.Add, A1, A1, A2)], 41);
    expect(word(m)).toBe(42);
    expect(m.cpu.x[A1]).toBe(41);
  });

  it("case 21: the aq and rl bits change nothing on one in-order hart", () => {
    const m = exec([...E.li(A2, 3), amo(AmoFunct5.Add, A0, A1, A2, 1, 1)], 4);
    expect([word(m), m.cpu.x[A0]]).toEqual([7, 4]);
  });

  it("case 22: an AMO is one load and one store to the timing model", () => {
    const m = exec([...E.li(A2, 3), amo(AmoFunct5.Add, A0, A1, A2)]);
    expect([m.cpu.loads, m.cpu.stores]).toEqual([0, 1]);
  });
});

describe("lr.w and sc.w: the reservation", () => {
  it("case 1: lr.w loads the word; sc.w then stores and writes 0 to rd", () => {
    const m = exec([lr(A0, A1), ...E.li(A2, 99), sc(A3, A2, A1)], 17);
    expect([m.cpu.x[A0], m.cpu.x[A3], word(m)]).toEqual([17, 0, 99]);
    expect(m.cpu.reservation, "sc.w ends the reservation").toBe(NO_RESERVATION);
  });

  it("case 2: sc.w without lr.w fails with 1 and writes nothing", () => {
    const m = exec([...E.li(A2, 99), sc(A3, A2, A1)], 17);
    expect([m.cpu.x[A3], word(m)]).toEqual([1, 17]);
  });

  it("case 3: a second sc.w after a successful one fails", () => {
    const m = exec([lr(A0, A1), sc(A3, A1, A1), ...E.li(A2, 5), sc(A3, A2, A1)]);
    expect([m.cpu.x[A3], word(m)]).toEqual([1, DATA]);
  });

  it("case 4: sw to the reserved word in between makes sc.w fail", () => {
    const m = exec([lr(A0, A1), ...E.li(A2, 7), E.store("sw", A2, A1, 0), sc(A3, 0, A1)], 1);
    expect([m.cpu.x[A3], word(m)]).toEqual([1, 7]);
  });

  it("case 5: sb to another byte of the reserved word makes sc.w fail", () => {
    const m = exec([lr(A0, A1), E.store("sb", 0, A1, 3), sc(A3, 0, A1)], -1);
    expect([m.cpu.x[A3], word(m)]).toEqual([1, 0x00ffffff]);
  });

  it("case 6: an AMO to the reserved word makes sc.w fail", () => {
    const m = exec([lr(A0, A1), amo(AmoFunct5.Or, 0, A1, A1), sc(A3, 0, A1)], 0);
    expect([m.cpu.x[A3], word(m)]).toEqual([1, DATA]);
  });

  it("case 7: a store to the next word leaves the reservation", () => {
    const m = exec([lr(A0, A1), E.store("sw", A1, A1, 4), ...E.li(A2, 8), sc(A3, A2, A1)]);
    expect([m.cpu.x[A3], word(m), word(m, DATA + 4)]).toEqual([0, 8, DATA]);
  });

  it("case 8: sc.w to another address fails, writes nothing, and ends the reservation", () => {
    const m = exec([
      lr(A0, A1),
      E.iop("addi", A2, A1, 4),
      sc(A3, A1, A2), // to DATA+4: fails
      sc(A0, A1, A1), // back to DATA: the reservation is gone
    ]);
    expect([m.cpu.x[A3], m.cpu.x[A0], word(m), word(m, DATA + 4)]).toEqual([1, 1, 0, 0]);
  });

  it("case 9: clearReservation (the kernel's trap and context-switch path) makes sc.w fail", () => {
    const m = machineWith([...E.li(A1, DATA), lr(A0, A1), sc(A3, A1, A1), E.EBREAK]);
    m.cpu.run(3); // li (two words) and lr.w
    expect(m.cpu.hasReservation()).toBe(true);
    m.cpu.clearReservation();
    expect(m.cpu.run(10)?.cause).toBe(Cause.Breakpoint);
    expect([m.cpu.x[A3], word(m)]).toEqual([1, 0]);
  });

  it("case 10: a later lr.w moves the reservation", () => {
    const moved = [E.iop("addi", A2, A1, 8), lr(A0, A1), lr(A0, A2)];
    const m = exec([...moved, sc(A3, A1, A2)]); // to DATA+8: reserved
    expect([m.cpu.x[A3], word(m), word(m, DATA + 8)]).toEqual([0, 0, DATA]);
    const n = exec([...moved, sc(A3, A1, A1)]); // to DATA: not reserved any more
    expect([n.cpu.x[A3], word(n), word(n, DATA + 8)]).toEqual([1, 0, 0]);
  });

  it("case 12: a store caught by the fast path before lr.w cannot bypass the reservation", () => {
    // The first sw installs the page's fast store entry; lr.w must take it away again.
    const m = exec([E.store("sw", 0, A1, 8), lr(A0, A1), E.store("sw", A1, A1, 0), sc(A3, 0, A1)]);
    expect([m.cpu.x[A3], word(m)]).toEqual([1, DATA]);
  });

  it("case 13: a store elsewhere in the reserved page keeps later stores checked", () => {
    const m = exec([
      lr(A0, A1),
      E.store("sw", A1, A1, 8), // same page, another word: the reservation stays ...
      E.store("sw", A1, A1, 0), // ... and this store to the reserved word still ends it
      sc(A3, 0, A1),
    ]);
    expect([m.cpu.x[A3], word(m)]).toEqual([1, DATA]);
  });

  it("case 11: the reservation survives run() returning between lr.w and sc.w", () => {
    const m = machineWith([...E.li(A1, DATA), lr(A0, A1), sc(A3, A1, A1), E.EBREAK]);
    m.cpu.run(3);
    expect(m.cpu.run(10)?.cause).toBe(Cause.Breakpoint);
    expect([m.cpu.x[A3], word(m)]).toEqual([0, DATA]);
  });
});

describe("misaligned and reserved encodings", () => {
  const cases: [string, number, Cause][] = [
    ["lr.w", lr(A0, A2), Cause.LoadAccessFault],
    ["sc.w", sc(A0, A1, A2), Cause.StoreAccessFault],
    ["amoadd.w", amo(AmoFunct5.Add, A0, A2, A1), Cause.StoreAccessFault],
  ];
  cases.forEach(([name, w, cause], n) => {
    it(`case ${n + 1}: a misaligned ${name} is an access fault that changes nothing`, () => {
      const m = machineWith([...E.li(A1, DATA), E.iop("addi", A2, A1, 2), lr(A3, A1), w]);
      m.ram.i32[DATA >> 2] = 0x11223344;
      m.ram.i32[(DATA >> 2) + 1] = 0x55667788;
      m.cpu.x[A0] = 7;
      const trap = m.cpu.run(10);
      expect(trap).toEqual({
        cause,
        tval: DATA + 2,
        epc: BASE + 16,
        reason: FaultReason.Misaligned,
      });
      expect([m.cpu.x[A0], word(m), word(m, DATA + 4), m.cpu.pc]).toEqual([
        7,
        0x11223344,
        0x55667788,
        BASE + 16,
      ]);
    });
  });

  const illegal: [string, number][] = [
    ["lr.w with rs2 != 0", lr(A0, A1) | (1 << 20)],
    ["amoadd.d (funct3 = 3, RV64)", amo(AmoFunct5.Add, A0, A1, A2) | (1 << 12)],
    ["funct5 = 0b00101 (reserved)", amo(0x05, A0, A1, A2)],
    ["funct5 = 0b11111 (reserved)", amo(0x1f, A0, A1, A2)],
  ];
  illegal.forEach(([name, w], n) => {
    it(`case ${n + 4}: ${name} is an illegal instruction`, () => {
      const m = machineWith([...E.li(A1, DATA), w]);
      expect(m.cpu.run(10)).toEqual({
        cause: Cause.IllegalInstruction,
        tval: w >>> 0,
        epc: BASE + 8,
        reason: FaultReason.None,
      });
    });
  });

  it("case 8: an AMO outside RAM is a store access fault (bus error)", () => {
    const m = machineWith([...E.li(A1, 0x10_0000), amo(AmoFunct5.Swap, A0, A1, A2)]);
    const trap = m.cpu.run(10);
    expect([trap?.cause, trap?.reason]).toEqual([Cause.StoreAccessFault, FaultReason.BusError]);
  });
});
