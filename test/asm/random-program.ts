// Random but valid RV32IM programs (every instruction form, pseudo-instructions, %hi/%lo, data),
// for differential testing against GNU as + ld. Deterministic for a given seed.
import { hex } from "../../hw/hex.js";

/** A program of about `count` statements in .text (8 labels, branches between them) and some data. */
export function randomProgram(seed: number, count: number): string {
  let s = seed >>> 0 || 1;
  const r = (n: number): number => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
  const regs = [
    "zero",
    "ra",
    "sp",
    "gp",
    "tp",
    "t0",
    "t1",
    "t2",
    "s0",
    "s1",
    "a0",
    "a1",
    "a2",
    "a3",
    "a4",
    "a5",
    "a6",
    "a7",
    "s2",
    "s3",
    "s4",
    "s5",
    "s6",
    "s7",
    "s8",
    "s9",
    "s10",
    "s11",
    "t3",
    "t4",
    "t5",
    "t6",
    "fp",
    "x0",
    "x5",
    "x31",
  ];
  const reg = () => regs[r(regs.length)]!;
  const imm12 = () => String(r(4096) - 2048);
  const labels = Array.from({ length: 8 }, (_, i) => `L${i}`);
  const lab = () => labels[r(labels.length)]!;
  const forms: Array<() => string> = [
    () =>
      `${["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and", "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"][r(18)]} ${reg()}, ${reg()}, ${reg()}`,
    () =>
      `${["addi", "slti", "sltiu", "xori", "ori", "andi"][r(6)]} ${reg()}, ${reg()}, ${imm12()}`,
    () => `${["slli", "srli", "srai"][r(3)]} ${reg()}, ${reg()}, ${r(32)}`,
    () => `${["lb", "lh", "lw", "lbu", "lhu"][r(5)]} ${reg()}, ${imm12()}(${reg()})`,
    () => `${["sb", "sh", "sw"][r(3)]} ${reg()}, ${imm12()}(${reg()})`,
    () => `${["lui", "auipc"][r(2)]} ${reg()}, ${hex(r(1 << 20))}`,
    () =>
      `${["beq", "bne", "blt", "bge", "bltu", "bgeu", "bgt", "ble", "bgtu", "bleu"][r(10)]} ${reg()}, ${reg()}, ${lab()}`,
    () => `${["beqz", "bnez", "blez", "bgez", "bltz", "bgtz"][r(6)]} ${reg()}, ${lab()}`,
    () => `${["j", "jal", "call", "tail"][r(4)]} ${lab()}`,
    () => `jal ${reg()}, ${lab()}`,
    () => `jalr ${reg()}, ${imm12()}(${reg()})`,
    () =>
      `li ${reg()}, ${[String(r(4096) - 2048), hex(((r(1 << 16) << 16) | r(1 << 16)) >>> 0), String(-r(1 << 30))][r(3)]}`,
    () =>
      `${["la", "lla"][r(2)]} ${reg()}, ${["d0", "d1", "d2"][r(3)]}${r(2) ? ` + ${r(64)}` : ""}`,
    () => `${["lw", "lh", "lb", "lbu", "lhu"][r(5)]} ${reg()}, ${["d0", "d1", "d2"][r(3)]}`,
    () => `${["sw", "sh", "sb"][r(3)]} ${reg()}, ${["d0", "d1", "d2"][r(3)]}, ${reg()}`,
    () =>
      `${["mv", "not", "neg", "seqz", "snez", "sltz", "sgtz", "zext.b", "sext.b", "sext.h", "zext.h"][r(11)]} ${reg()}, ${reg()}`,
    () => `${["nop", "ret", "ecall", "ebreak", "fence", "fence.tso", "unimp"][r(7)]}`,
    () => `lui ${reg()}, %hi(${["d0", "d1", "d2"][r(3)]})`,
    () => `addi ${reg()}, ${reg()}, %lo(${["d0", "d1", "d2"][r(3)]})`,
  ];
  const text: string[] = [".text", ".globl _start", "_start:"];
  const per = Math.ceil(count / labels.length);
  for (const l of labels) {
    text.push(`${l}:`);
    for (let i = 0; i < per; i++) text.push(`  ${forms[r(forms.length)]!()}`);
  }
  const data = [
    ".data",
    "d0: .word 1, 2, 3",
    ".align 3",
    "d1: .half 4",
    "d2: .byte 5",
    `.word ${r(1000)} * 3 + d0`,
    '.ascii "xyz"',
  ];
  return `${text.join("\n")}\n${data.join("\n")}\n`;
}
