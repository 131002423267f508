// What each RV32IMA instruction computes from its operands: the integer ALU (RV32I and the M
// extension, with the spec's results for division by zero and overflow), branch conditions, the
// B- and J-type immediates, and the AMO operations. Pure functions; the CPU (cpu.ts) decodes,
// reads the registers and memory, and calls these.
import * as isa from "./isa.js";

// Bound once (see cpu.ts: the hot loop calls these, and vitest makes every imported name a getter).
const { AmoFunct5, Funct7 } = isa;

/** The new memory value of amo<op>.w from the old one and rs2 (funct5 already checked). */
export function amo(f5: number, old: number, src: number): number {
  switch (f5) {
    case AmoFunct5.Swap:
      return src;
    case AmoFunct5.Add:
      return (old + src) | 0;
    case AmoFunct5.Xor:
      return old ^ src;
    case AmoFunct5.And:
      return old & src;
    case AmoFunct5.Or:
      return old | src;
    case AmoFunct5.Min:
      return Math.min(old, src);
    case AmoFunct5.Max:
      return Math.max(old, src);
    case AmoFunct5.Minu:
      return old >>> 0 < src >>> 0 ? old : src;
    default:
      return old >>> 0 > src >>> 0 ? old : src;
  }
}

/** addi slti sltiu xori ori andi slli srli srai (shift encodings already checked). */
export function opImm(f3: number, imm: number, a: number): number {
  switch (f3) {
    case 0:
      return (a + imm) | 0;
    case 1:
      return a << imm;
    case 2:
      return a < imm ? 1 : 0;
    case 3:
      return a >>> 0 < imm >>> 0 ? 1 : 0;
    case 4:
      return a ^ imm;
    case 5:
      return imm & 0x400 ? a >> imm : (a >>> imm) | 0;
    case 6:
      return a | imm;
    default:
      return a & imm;
  }
}

/** Whether a branch of funct3 `f3` (beq bne blt bge bltu bgeu; 2 and 3 already refused) is taken. */
export function branchTaken(f3: number, a: number, b: number): boolean {
  switch (f3) {
    case 0:
      return a === b;
    case 1:
      return a !== b;
    case 4:
      return a < b;
    case 5:
      return a >= b;
    case 6:
      return a >>> 0 < b >>> 0;
    default:
      return a >>> 0 >= b >>> 0;
  }
}

/** The OP major opcode by funct7: base, sub/sra, or the M extension; undefined if illegal. */
export function opReg(f7: number, f3: number, a: number, b: number): number | undefined {
  if (f7 === Funct7.Base) return op(f3, a, b);
  if (f7 === Funct7.Alt && (f3 === 0 || f3 === 5)) return f3 === 0 ? (a - b) | 0 : a >> b;
  if (f7 === Funct7.MulDiv) return opMul(f3, a, b);
  return undefined;
}

/** add sll slt sltu xor srl or and (funct7 = 0). */
function op(f3: number, a: number, b: number): number {
  switch (f3) {
    case 0:
      return (a + b) | 0;
    case 1:
      return a << b;
    case 2:
      return a < b ? 1 : 0;
    case 3:
      return a >>> 0 < b >>> 0 ? 1 : 0;
    case 4:
      return a ^ b;
    case 5:
      return (a >>> b) | 0;
    case 6:
      return a | b;
    default:
      return a & b;
  }
}

/** The M extension, with the spec's results for division by zero and signed overflow. */
function opMul(f3: number, a: number, b: number): number {
  switch (f3) {
    case 0:
      return Math.imul(a, b);
    case 1:
      return mulh(a, b);
    case 2:
      return mulhsu(a, b);
    case 3:
      return mulhu(a, b);
    case 4:
      if (b === 0) return -1;
      if (a === -0x8000_0000 && b === -1) return a;
      return (a / b) | 0;
    case 5:
      if (b === 0) return -1;
      return ((a >>> 0) / (b >>> 0)) | 0;
    case 6:
      if (b === 0) return a;
      if (a === -0x8000_0000 && b === -1) return 0;
      return (a % b) | 0;
    default:
      if (b === 0) return a;
      return ((a >>> 0) % (b >>> 0)) | 0;
  }
}

/** High 32 bits of the unsigned 64-bit product, from 16-bit halves (exact in doubles). */
export function mulhu(a: number, b: number): number {
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const lh = al * bh;
  const hl = ah * bl;
  const mid = ((al * bl) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (ah * bh + (lh >>> 16) + (hl >>> 16) + (mid >>> 16)) | 0;
}

/** High 32 bits of the signed 64-bit product. */
export function mulh(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0) - (b < 0 ? a : 0)) | 0;
}

/** High 32 bits of signed `a` times unsigned `b`. */
export function mulhsu(a: number, b: number): number {
  return (mulhu(a, b) - (a < 0 ? b : 0)) | 0;
}

/** The B-type immediate: imm[12|10:5] in bits 31..25, imm[4:1|11] in bits 11..7. */
export function branchOffset(inst: number): number {
  return (
    ((inst >> 19) & -4096) | ((inst << 4) & 0x800) | ((inst >>> 20) & 0x7e0) | ((inst >>> 7) & 0x1e)
  );
}

/** The J-type immediate: imm[20|10:1|11|19:12] in bits 31..12. */
export function jumpOffset(inst: number): number {
  return (
    ((inst >> 11) & -1048576) | (inst & 0xff000) | ((inst >>> 9) & 0x800) | ((inst >>> 20) & 0x7fe)
  );
}
