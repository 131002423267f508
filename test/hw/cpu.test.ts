// The RV32IM CPU, checked instruction by instruction (riscv-tests style: every case numbered, a
// failure names its number). Programs run in bare mode from physical address 0x1000.
import { describe, expect, it } from "vitest";
import { defaultMachineConfig, Machine } from "../../hw/machine.js";
import { Cause, FaultReason } from "../../hw/trap.js";
import * as E from "./encode.js";

const BASE = 0x1000;
const DATA = 0x8000;

function machineWith(words: number[]): Machine {
  const m = new Machine({ ...defaultMachineConfig, ramSize: 64 * 1024 });
  words.forEach((w, i) => {
    m.ram.i32[(BASE >> 2) + i] = w | 0;
  });
  m.cpu.pc = BASE;
  return m;
}

/** Runs `words` followed by ebreak; returns the machine (registers as left). */
function exec(words: number[], setup?: (m: Machine) => void): Machine {
  const m = machineWith([...words, E.EBREAK]);
  setup?.(m);
  const trap = m.cpu.run(10_000);
  expect(trap?.cause, `ended with ${JSON.stringify(trap)}`).toBe(Cause.Breakpoint);
  return m;
}

const MIN = -0x8000_0000;
type RCase = [E.ROp, number, number, number];
const rCases: RCase[] = [
  ["add", 1, 2, 3],
  ["add", 0x7fffffff, 1, MIN],
  ["sub", 0, 1, -1],
  ["sub", MIN, 1, 0x7fffffff],
  ["sll", 1, 31, MIN],
  ["sll", 1, 33, 2],
  ["srl", MIN, 31, 1],
  ["srl", -1, 0, -1],
  ["sra", MIN, 31, -1],
  ["sra", -16, 2, -4],
  ["slt", -1, 0, 1],
  ["slt", 0, -1, 0],
  ["sltu", -1, 0, 0],
  ["sltu", 0, -1, 1],
  ["xor", 0xff00, 0x0ff0, 0xf0f0],
  ["or", 0xf0, 0x0f, 0xff],
  ["and", 0xf0, 0x3c, 0x30],
  ["mul", 0x10000, 0x10000, 0],
  ["mul", -3, 7, -21],
  ["mul", MIN, -1, MIN],
  ["mulh", MIN, MIN, 0x40000000],
  ["mulh", -1, -1, 0],
  ["mulh", -1, 1, -1],
  ["mulh", 0x7fffffff, 0x7fffffff, 0x3fffffff],
  ["mulhu", -1, -1, -2],
  ["mulhu", MIN, 2, 1],
  ["mulhu", 0x12345678, 0x9abcdef0, 0x0b00ea4e],
  ["mulhsu", -1, -1, -1],
  ["mulhsu", MIN, -1, MIN],
  ["mulhsu", 2, -1, 1],
  ["div", 7, 2, 3],
  ["div", -7, 2, -3],
  ["div", 7, 0, -1],
  ["div", MIN, -1, MIN],
  ["divu", -1, 2, 0x7fffffff],
  ["divu", 7, 0, -1],
  ["rem", -7, 2, -1],
  ["rem", 7, -2, 1],
  ["rem", 7, 0, 7],
  ["rem", MIN, -1, 0],
  ["remu", -1, 10, 5],
  ["remu", 7, 0, 7],
];

describe("RV32IM register-register operations", () => {
  rCases.forEach(([op, a, b, want], n) => {
    it(`case ${n + 1}: ${op} ${a}, ${b} = ${want}`, () => {
      const m = exec([...E.li(5, a), ...E.li(6, b), E.rop(op, 7, 5, 6)]);
      expect(m.cpu.x[7]).toBe(want | 0);
    });
  });
});

describe("RV32I immediate operations", () => {
  const cases: [string, number[], number][] = [
    ["addi negative", [E.iop("addi", 7, 0, -1)], -1],
    ["slti", [E.iop("addi", 5, 0, -5), E.iop("slti", 7, 5, -4)], 1],
    ["sltiu sign-extended imm", [E.iop("sltiu", 7, 0, -1)], 1],
    ["xori -1 is not", [E.iop("addi", 5, 0, 5), E.iop("xori", 7, 5, -1)], -6],
    ["ori", [E.iop("ori", 7, 0, 0x7ff)], 0x7ff],
    ["andi", [E.iop("addi", 5, 0, -1), E.iop("andi", 7, 5, 0x0f0)], 0xf0],
    ["slli 31", [E.iop("addi", 5, 0, 1), E.slli(7, 5, 31)], MIN],
    ["srli", [E.iop("addi", 5, 0, -1), E.srli(7, 5, 28)], 15],
    ["srai", [E.iop("addi", 5, 0, -256), E.srai(7, 5, 4)], -16],
    ["lui", [E.lui(7, 0xfffff)], -4096],
    ["auipc", [E.auipc(7, 1)], BASE + 4096],
    ["x0 ignores writes", [E.iop("addi", 0, 0, 5), E.iop("addi", 7, 0, 0)], 0],
  ];
  cases.forEach(([name, words, want], n) => {
    it(`case ${n + 1}: ${name}`, () => expect(exec(words).cpu.x[7]).toBe(want | 0));
  });
});

describe("loads and stores of every width", () => {
  const setup = (m: Machine) => {
    m.ram.i32[DATA >> 2] = 0x8081_82f3 | 0;
  };
  const cases: [string, number[], number][] = [
    ["lb sign-extends", [E.load("lb", 7, 5, 0)], 0xf3 - 256],
    ["lbu zero-extends", [E.load("lbu", 7, 5, 0)], 0xf3],
    ["lh sign-extends", [E.load("lh", 7, 5, 2)], 0x8081 - 0x10000],
    ["lhu zero-extends", [E.load("lhu", 7, 5, 2)], 0x8081],
    ["lw", [E.load("lw", 7, 5, 0)], 0x808182f3 | 0],
    [
      "sb then lw",
      [E.iop("addi", 6, 0, 0x11), E.store("sb", 6, 5, 1), E.load("lw", 7, 5, 0)],
      0x808111f3 | 0,
    ],
    [
      "sh then lw",
      [E.iop("addi", 6, 0, -1), E.store("sh", 6, 5, 2), E.load("lw", 7, 5, 0)],
      0xffff82f3 | 0,
    ],
    [
      "sw negative offset",
      [E.iop("addi", 6, 0, 9), E.store("sw", 6, 5, -4), E.load("lw", 7, 5, -4)],
      9,
    ],
  ];
  cases.forEach(([name, words, want], n) => {
    it(`case ${n + 1}: ${name}`, () => {
      const m = exec([...E.li(5, DATA), ...words], setup);
      expect(m.cpu.x[7]).toBe(want);
      expect(m.cpu.loads).toBeGreaterThan(0);
    });
  });
});

describe("branches and jumps", () => {
  const br: [Parameters<typeof E.branch>[0], number, number, boolean][] = [
    ["beq", 1, 1, true],
    ["beq", 1, 2, false],
    ["bne", 1, 2, true],
    ["blt", -1, 0, true],
    ["blt", 0, -1, false],
    ["bge", 0, 0, true],
    ["bge", -1, 0, false],
    ["bltu", 0, -1, true],
    ["bltu", -1, 0, false],
    ["bgeu", -1, 0, true],
  ];
  br.forEach(([op, a, b, taken], n) => {
    it(`case ${n + 1}: ${op} ${a}, ${b} ${taken ? "taken" : "not taken"}`, () => {
      const m = exec([
        ...E.li(5, a),
        ...E.li(6, b),
        E.iop("addi", 7, 0, 1),
        E.branch(op, 5, 6, 8),
        E.iop("addi", 7, 0, 2),
      ]);
      expect(m.cpu.x[7]).toBe(taken ? 1 : 2);
    });
  });

  it("jal links pc+4 and jumps", () => {
    const m = exec([E.jal(1, 8), E.iop("addi", 7, 0, 1), E.iop("addi", 8, 0, 2)]);
    expect(m.cpu.x[1]).toBe(BASE + 4);
    expect(m.cpu.x[7]).toBe(0);
    expect(m.cpu.x[8]).toBe(2);
  });

  it("jalr clears bit 0 of the target and links", () => {
    const m = exec([
      ...E.li(5, BASE + 17),
      E.jalr(1, 5, 0),
      E.iop("addi", 7, 0, 1),
      E.iop("addi", 8, 0, 2),
    ]);
    expect(m.cpu.x[1]).toBe(BASE + 12);
    expect(m.cpu.x[7]).toBe(0);
  });

  it("backward branch loops (a counted loop runs 10 times)", () => {
    const m = exec([
      E.iop("addi", 5, 0, 10),
      E.iop("addi", 7, 7, 3),
      E.iop("addi", 5, 5, -1),
      E.branch("bne", 5, 0, -8),
    ]);
    expect(m.cpu.x[7]).toBe(30);
  });
});

describe("traps leave no side effects", () => {
  it("an illegal instruction traps with the bits in tval and pc at it", () => {
    const m = machineWith([E.iop("addi", 7, 0, 1), 0xffff_ffff]);
    const trap = m.cpu.run(100);
    expect(trap).toEqual({
      cause: Cause.IllegalInstruction,
      tval: 0xffffffff,
      epc: BASE + 4,
      reason: FaultReason.None,
    });
    expect(m.cpu.pc).toBe(BASE + 4);
    expect(m.cpu.instret).toBe(1);
  });

  it("the all-zero word is illegal", () => {
    expect(machineWith([0]).cpu.run(1)?.cause).toBe(Cause.IllegalInstruction);
  });

  it("a misaligned load traps and writes no register", () => {
    const m = machineWith([...E.li(5, DATA + 2), E.iop("addi", 7, 0, 9), E.load("lw", 7, 5, 0)]);
    const trap = m.cpu.run(100);
    expect(trap).toMatchObject({ cause: Cause.LoadMisaligned, tval: DATA + 2, epc: BASE + 12 });
    expect(m.cpu.x[7]).toBe(9);
  });

  it("a misaligned store traps and writes no memory", () => {
    const m = machineWith([...E.li(5, DATA + 1), E.iop("addi", 6, 0, -1), E.store("sh", 6, 5, 0)]);
    expect(m.cpu.run(100)).toMatchObject({ cause: Cause.StoreMisaligned, tval: DATA + 1 });
    expect(m.ram.i32[DATA >> 2]).toBe(0);
  });

  it("a jump to a misaligned target traps on the jump, without linking", () => {
    const m = machineWith([...E.li(5, BASE + 6), E.jalr(1, 5, 0)]);
    expect(m.cpu.run(100)).toMatchObject({
      cause: Cause.InstructionMisaligned,
      tval: BASE + 6,
      epc: BASE + 8,
    });
    expect(m.cpu.x[1]).toBe(0);
  });

  it("a load outside RAM is a load access fault (bus error) in bare mode", () => {
    const m = machineWith([...E.li(5, 0x100000), E.load("lw", 7, 5, 0)]);
    expect(m.cpu.run(100)).toMatchObject({
      cause: Cause.LoadAccessFault,
      tval: 0x100000,
      reason: FaultReason.BusError,
    });
  });

  it("a store outside RAM is a store access fault", () => {
    const m = machineWith([...E.li(5, -4), E.store("sw", 0, 5, 0)]);
    expect(m.cpu.run(100)).toMatchObject({ cause: Cause.StoreAccessFault, tval: 0xfffffffc });
  });

  it("fetching outside RAM is an instruction access fault", () => {
    const m = machineWith([...E.li(5, 0x200000), E.jalr(0, 5, 0)]);
    expect(m.cpu.run(100)).toMatchObject({
      cause: Cause.InstructionAccessFault,
      tval: 0x200000,
      epc: 0x200000,
    });
  });
});

describe("ecall, ebreak, fence and the budget", () => {
  it("ecall traps with pc at the ecall and counts as an instruction", () => {
    const m = machineWith([E.iop("addi", 17, 0, 93), E.ECALL]);
    expect(m.cpu.run(100)).toMatchObject({ cause: Cause.EcallFromU, epc: BASE + 4 });
    expect(m.cpu.instret).toBe(2);
  });

  it("fence is a no-op", () => {
    expect(exec([E.FENCE, E.iop("addi", 7, 0, 4)]).cpu.x[7]).toBe(4);
  });

  it("run(budget) returns null after exactly budget instructions", () => {
    const m = machineWith([E.jal(0, 0)]);
    expect(m.cpu.run(1000)).toBeNull();
    expect(m.cpu.instret).toBe(1000);
    expect(m.cpu.pc).toBe(BASE);
  });

  it("step() runs one instruction", () => {
    const m = machineWith([E.iop("addi", 7, 0, 1), E.iop("addi", 7, 7, 1)]);
    expect(m.cpu.step()).toBeNull();
    expect(m.cpu.x[7]).toBe(1);
    expect(m.cpu.pc).toBe(BASE + 4);
  });
});
