// A minimal RV32IM encoder for hardware tests, so they do not depend on the assembler.
const R = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const I = (imm: number, rs1: number, f3: number, rd: number, op: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const S = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 5) & 0x7f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    ((imm & 31) << 7) |
    0x23) >>>
  0;
const B = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 12) & 1) << 31) |
    (((imm >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((imm >> 1) & 0xf) << 8) |
    (((imm >> 11) & 1) << 7) |
    0x63) >>>
  0;

const rOps = {
  add: [0, 0],
  sub: [0x20, 0],
  sll: [0, 1],
  slt: [0, 2],
  sltu: [0, 3],
  xor: [0, 4],
  srl: [0, 5],
  sra: [0x20, 5],
  or: [0, 6],
  and: [0, 7],
  mul: [1, 0],
  mulh: [1, 1],
  mulhsu: [1, 2],
  mulhu: [1, 3],
  div: [1, 4],
  divu: [1, 5],
  rem: [1, 6],
  remu: [1, 7],
} as const;
export type ROp = keyof typeof rOps;
export const rop = (name: ROp, rd: number, rs1: number, rs2: number) =>
  R(rops(name)[0], rs2, rs1, rops(name)[1], rd, 0x33);
const rops = (n: ROp) => rOps[n];

const iOps = { addi: 0, slti: 2, sltiu: 3, xori: 4, ori: 6, andi: 7 } as const;
export const iop = (name: keyof typeof iOps, rd: number, rs1: number, imm: number) =>
  I(imm, rs1, iOps[name], rd, 0x13);
export const slli = (rd: number, rs1: number, sh: number) => I(sh, rs1, 1, rd, 0x13);
export const srli = (rd: number, rs1: number, sh: number) => I(sh, rs1, 5, rd, 0x13);
export const srai = (rd: number, rs1: number, sh: number) => I(0x400 | sh, rs1, 5, rd, 0x13);

const loads = { lb: 0, lh: 1, lw: 2, lbu: 4, lhu: 5 } as const;
export const load = (name: keyof typeof loads, rd: number, rs1: number, imm: number) =>
  I(imm, rs1, loads[name], rd, 0x03);
const stores = { sb: 0, sh: 1, sw: 2 } as const;
export const store = (name: keyof typeof stores, rs2: number, rs1: number, imm: number) =>
  S(imm, rs2, rs1, stores[name]);
const branches = { beq: 0, bne: 1, blt: 4, bge: 5, bltu: 6, bgeu: 7 } as const;
export const branch = (name: keyof typeof branches, rs1: number, rs2: number, off: number) =>
  B(off, rs2, rs1, branches[name]);

export const lui = (rd: number, imm20: number) =>
  (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x37) >>> 0;
export const auipc = (rd: number, imm20: number) =>
  (((imm20 & 0xfffff) << 12) | (rd << 7) | 0x17) >>> 0;
export const jal = (rd: number, off: number) =>
  ((((off >> 20) & 1) << 31) |
    (((off >> 1) & 0x3ff) << 21) |
    (((off >> 11) & 1) << 20) |
    (((off >> 12) & 0xff) << 12) |
    (rd << 7) |
    0x6f) >>>
  0;
export const jalr = (rd: number, rs1: number, imm: number) => I(imm, rs1, 0, rd, 0x67);
export const ECALL = 0x73;
export const EBREAK = 0x0010_0073;
export const FENCE = 0x0ff0_000f;

/** `li rd, value` as lui+addi (always two words). */
export function li(rd: number, value: number): number[] {
  const lo = (value << 20) >> 20;
  const hi = ((value - lo) >>> 12) & 0xfffff;
  return [lui(rd, hi), iop("addi", rd, rd, lo)];
}
