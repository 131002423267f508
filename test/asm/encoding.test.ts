// Encodings, case by case (riscv-tests style: every case numbered, a failure names its number).
// The expected words were produced by GNU as 2.40 (-march=rv32im -mabi=ilp32 -mno-relax) and
// GNU ld (-m elf32lriscv --no-relax); each line is assembled at _start = 0x10074.
import { describe, expect, it } from "vitest";
import { liSequence } from "../../asm/instructions.js";
import { encodeI, encodeU, instructionSpec, splitHiLo } from "../../asm/isa.js";
import { hex32 } from "../../hw/hex.js";
import { textWords } from "./helpers.js";

const CASES: ReadonlyArray<readonly [string, readonly number[]]> = [
  ["lui a0, 0x12345", [0x12345537]],
  ["lui t6, 0", [0x00000fb7]],
  ["lui x31, 0xfffff", [0xffffffb7]],
  ["auipc t0, 0xfffff", [0xfffff297]],
  ["addi a0, a1, -2048", [0x80058513]],
  ["addi a0, a1, 2047", [0x7ff58513]],
  ["addi x0, x0, 0", [0x00000013]],
  ["slti a0, a1, -1", [0xfff5a513]],
  ["sltiu a0, a1, 2047", [0x7ff5b513]],
  ["xori s0, s1, 0x555", [0x5554c413]],
  ["ori s2, s3, -1", [0xfff9e913]],
  ["andi s4, s5, 0x7f0", [0x7f0afa13]],
  ["slli a0, a1, 0", [0x00059513]],
  ["slli a0, a1, 31", [0x01f59513]],
  ["srli a0, a1, 1", [0x0015d513]],
  ["srai a0, a1, 31", [0x41f5d513]],
  ["add a0, a1, a2", [0x00c58533]],
  ["sub a0, a1, a2", [0x40c58533]],
  ["sll t0, t1, t2", [0x007312b3]],
  ["slt s10, s11, t3", [0x01cdad33]],
  ["sltu t4, t5, t6", [0x01ff3eb3]],
  ["xor x1, x2, x3", [0x003140b3]],
  ["srl gp, tp, fp", [0x008251b3]],
  ["sra a0, zero, ra", [0x40105533]],
  ["or a5, a6, a7", [0x011867b3]],
  ["and sp, sp, sp", [0x00217133]],
  ["mul a0, a1, a2", [0x02c58533]],
  ["mulh a0, a1, a2", [0x02c59533]],
  ["mulhsu a0, a1, a2", [0x02c5a533]],
  ["mulhu a0, a1, a2", [0x02c5b533]],
  ["div a0, a1, a2", [0x02c5c533]],
  ["divu a0, a1, a2", [0x02c5d533]],
  ["rem a0, a1, a2", [0x02c5e533]],
  ["remu a0, a1, a2", [0x02c5f533]],
  ["lb a0, -1(a1)", [0xfff58503]],
  ["lh a0, 2(a1)", [0x00259503]],
  ["lw a0, 2047(sp)", [0x7ff12503]],
  ["lbu a0, -2048(a1)", [0x8005c503]],
  ["lhu a0, (a1)", [0x0005d503]],
  ["sb a0, 1(a1)", [0x00a580a3]],
  ["sh a0, -2(a1)", [0xfea59f23]],
  ["sw a0, 2047(sp)", [0x7ea12fa3]],
  ["sw ra, -2048(s0)", [0x80142023]],
  ["jalr x0, 0(ra)", [0x00008067]],
  ["jalr ra, 8(t0)", [0x008280e7]],
  ["jalr t0, t1, -4", [0xffc302e7]],
  ["jalr t1", [0x000300e7]],
  ["jalr t1, t2", [0x00038367]],
  ["jalr t0, 12", [0x00c280e7]],
  ["jalr 4(t0)", [0x004280e7]],
  ["jr ra", [0x00008067]],
  ["jr t0, 4", [0x00428067]],
  ["jr 8(t1)", [0x00830067]],
  ["ret", [0x00008067]],
  ["fence", [0x0ff0000f]],
  ["fence r, w", [0x0210000f]],
  ["fence io, o", [0x0c40000f]],
  ["fence rw, rw", [0x0330000f]],
  ["fence iorw, iorw", [0x0ff0000f]],
  ["fence.tso", [0x8330000f]],
  ["ecall", [0x00000073]],
  ["ebreak", [0x00100073]],
  ["unimp", [0xc0001073]],
  ["scall", [0x00000073]],
  ["sbreak", [0x00100073]],
  ["nop", [0x00000013]],
  ["li a0, 0", [0x00000513]],
  ["li a0, 2047", [0x7ff00513]],
  ["li a0, -2048", [0x80000513]],
  ["li a0, 2048", [0x00001537, 0x80050513]],
  ["li a0, -2049", [0xfffff537, 0x7ff50513]],
  ["li a0, 0x1000", [0x00001537]],
  ["li a0, 0x12345678", [0x12345537, 0x67850513]],
  ["li a0, 0x12345fff", [0x12346537, 0xfff50513]],
  ["li a0, 0x7ffff800", [0x80000537, 0x80050513]],
  ["li a0, 0x7fffffff", [0x80000537, 0xfff50513]],
  ["li a0, 0x80000000", [0x80000537]],
  ["li a0, 0xfffff800", [0x80000513]],
  ["li a0, 0xffffffff", [0xfff00513]],
  ["li a0, -2147483648", [0x80000537]],
  ["li a0, 'A'", [0x04100513]],
  ["mv a0, a1", [0x00058513]],
  ["not a0, a1", [0xfff5c513]],
  ["neg a0, a1", [0x40b00533]],
  ["seqz a0, a1", [0x0015b513]],
  ["snez a0, a1", [0x00b03533]],
  ["sltz a0, a1", [0x0005a533]],
  ["sgtz a0, a1", [0x00b02533]],
  ["sgt a0, a1, a2", [0x00b62533]],
  ["sgtu a0, a1, a2", [0x00b63533]],
  ["zext.b a0, a1", [0x0ff5f513]],
  ["sext.b a0, a1", [0x01859513, 0x41855513]],
  ["sext.h a0, a1", [0x01059513, 0x41055513]],
  ["zext.h a0, a1", [0x01059513, 0x01055513]],
  ["add a0, a1, 5", [0x00558513]],
  ["and a0, a1, 5", [0x0055f513]],
  ["or a0, a1, 5", [0x0055e513]],
  ["xor a0, a1, 5", [0x0055c513]],
  ["sll a0, a1, 5", [0x00559513]],
  ["srl a0, a1, 5", [0x0055d513]],
  ["sra a0, a1, 5", [0x4055d513]],
  ["slt a0, a1, 5", [0x0055a513]],
  ["sltu a0, a1, 5", [0x0055b513]],
  ["la a0, 100", [0x06400513]],
  ["1: beq a0, a1, 1b", [0x00b50063]],
  ["1: bne zero, a0, 1b", [0x00a01063]],
  ["1: blt a0, a1, 1f; nop; 1:", [0x00b54463, 0x00000013]],
  ["1: bge a0, a1, 1f; nop; nop; 1:", [0x00b55663, 0x00000013, 0x00000013]],
  ["1: bltu a0, a1, 1b", [0x00b56063]],
  ["1: bgeu a0, a1, 1b", [0x00b57063]],
  ["1: beqz a0, 1b", [0x00050063]],
  ["1: bnez a0, 1b", [0x00051063]],
  ["1: blez a0, 1b", [0x00a05063]],
  ["1: bgez a0, 1b", [0x00055063]],
  ["1: bltz a0, 1b", [0x00054063]],
  ["1: bgtz a0, 1b", [0x00a04063]],
  ["1: bgt a0, a1, 1b", [0x00a5c063]],
  ["1: ble a0, a1, 1b", [0x00a5d063]],
  ["1: bgtu a0, a1, 1b", [0x00a5e063]],
  ["1: bleu a0, a1, 1b", [0x00a5f063]],
  ["1: j 1b", [0x0000006f]],
  ["1: j 1f; 1:", [0x0040006f]],
  ["1: jal 1b", [0x000000ef]],
  ["1: jal t0, 1b", [0x000002ef]],
  ["1: call 1f; 1:", [0x00000097, 0x008080e7]],
  ["1: call t0, 1f; 1:", [0x00000317, 0x008302e7]],
  ["1: call 1f@plt; 1:", [0x00000097, 0x008080e7]],
  ["1: tail 1b", [0x00000317, 0x00030067]],
  ["1: jump 1b, t2", [0x00000397, 0x00038067]],
  ["1: la a0, 1b", [0x00000517, 0x00050513]],
  ["1: lla a0, 1f; 1:", [0x00000517, 0x00850513]],
  ["1: lw a0, 1b", [0x00000517, 0x00052503]],
  ["1: lbu a1, 1b + 1", [0x00000597, 0x0015c583]],
  ["1: sw a0, 1b, t0", [0x00000297, 0x00a2a023]],
  ["1: sh a0, 1f, t1; 1:", [0x00000317, 0x00a31423]],
  ["1: auipc t0, %pcrel_hi(1b); addi t0, t0, %pcrel_lo(1b)", [0x00000297, 0x00028293]],
  [
    "1: auipc t0, %pcrel_hi(2f); lw t1, %pcrel_lo(1b)(t0); sw t1, %pcrel_lo(1b)(t0); 2:",
    [0x00000297, 0x00c2a303, 0x0062a623],
  ],
  ["lui a0, %hi(0x12345fff); addi a0, a0, %lo(0x12345fff)", [0x12346537, 0xfff50513]],
  ["lui a0, %hi(-1); lw a0, %lo(-1)(a0)", [0x00000537, 0xfff52503]],
  ["j . + 8", [0x0080006f]],
  ["beq a0, a1, .", [0x00b50063]],
];

describe("instruction encodings match GNU as", () => {
  CASES.forEach(([line, words], i) => {
    it(`case ${i + 1}: ${line}`, () => {
      const got = textWords(`.text\n.globl _start\n_start:\n${line}\n`);
      expect(got.map(hex32), `case ${i + 1}: ${line}`).toEqual(words.map(hex32));
    });
  });
});

describe("li picks GNU as's sequence", () => {
  const addi = instructionSpec("addi")!;
  const lui = instructionSpec("lui")!;
  it("uses one addi for 12-bit values", () => {
    expect(liSequence(10, -2048)).toEqual([encodeI(addi, 10, 0, -2048)]);
    expect(liSequence(10, 2047)).toEqual([encodeI(addi, 10, 0, 2047)]);
  });
  it("uses lui alone when the low 12 bits are zero", () => {
    expect(liSequence(10, 0x12345000)).toEqual([encodeU(lui, 10, 0x12345)]);
  });
  it("uses lui + addi otherwise, rounding %hi up when %lo is negative", () => {
    expect(liSequence(10, 0x800)).toEqual([encodeU(lui, 10, 1), encodeI(addi, 10, 10, -2048)]);
  });
  it("splits every value so that hi << 12 plus lo gives it back", () => {
    for (const v of [
      0, 1, -1, 0x7ff, 0x800, 0xfff, 0x1000, 0x7fffffff, -0x80000000, 0x12345678, -0x12345678,
    ]) {
      const { hi, lo } = splitHiLo(v);
      expect(((hi << 12) + lo) | 0, `value ${v}`).toBe(v | 0);
      expect(lo).toBeGreaterThanOrEqual(-2048);
      expect(lo).toBeLessThanOrEqual(2047);
    }
  });
});
