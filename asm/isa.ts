// The RV32IMA instruction set as the assembler and the disassembler both see it: register names, the
// six encoding formats, and one table of instructions (name, format, opcode, funct3, funct7). Both
// tools derive everything from this file; the opcodes and function codes come from hw/isa.ts, the
// table the CPU decodes with, so an encoding is written down exactly once.
import {
  AMO_FUNCT3_WORD,
  AmoFunct5,
  BranchFunct3,
  EBREAK,
  ECALL,
  Funct7,
  LoadFunct3,
  MulDivFunct3,
  Opcode,
  OpFunct3,
  StoreFunct3,
} from "../hw/isa.js";

/** Register numbers by ABI name (x0..x31 are accepted too, and fp as another name for s0). */
export const ABI_NAMES = [
  "zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
  "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
  "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
  "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
] as const; // biome-ignore format: one row per eight registers reads like the ABI table

export const REG_ZERO = 0;
export const REG_RA = 1;
export const REG_T0 = 5;
export const REG_T1 = 6;

const registerNumbers: ReadonlyMap<string, number> = buildRegisterMap();

function buildRegisterMap(): Map<string, number> {
  const map = new Map<string, number>();
  ABI_NAMES.forEach((name, n) => {
    map.set(name, n);
    map.set(`x${n}`, n);
  });
  map.set("fp", 8);
  return map;
}

/** The register number for a name (case-sensitive, as in GNU as), or undefined. */
export function registerNumber(name: string): number | undefined {
  return registerNumbers.get(name);
}

/** The ABI name of register n (0..31). */
export function registerName(n: number): string {
  return ABI_NAMES[n & 31] ?? "?";
}

/**
 * Instruction formats. Bit layouts (bit 31 on the left):
 *
 *   R      funct7[31:25]        rs2[24:20] rs1[19:15] funct3[14:12] rd[11:7]          opcode[6:0]
 *   I      imm[11:0][31:20]                rs1        funct3        rd                opcode
 *   Shift  funct7[31:25]        shamt[24:20] rs1      funct3        rd                opcode
 *   S      imm[11:5][31:25]     rs2        rs1        funct3        imm[4:0][11:7]    opcode
 *   B      imm[12|10:5][31:25]  rs2        rs1        funct3        imm[4:1|11][11:7] opcode
 *   U      imm[31:12][31:12]                                        rd                opcode
 *   J      imm[20|10:1|11|19:12][31:12]                             rd                opcode
 *   Amo    funct5[31:27] aq[26] rl[25] rs2 rs1    funct3        rd                opcode
 *
 * Load and Jalr are I-format, Store is S; Fence is I-format with pred[27:24] succ[23:20] and
 * fm[31:28]; Lr is Amo with rs2 = 0 (`lr.w rd, (rs1)`); Fixed instructions (ecall, ebreak, fence.tso, unimp) have one exact encoding.
 */
export const Format = {
  R: "R",
  I: "I",
  Shift: "Shift",
  Load: "Load",
  Store: "Store",
  Branch: "Branch",
  U: "U",
  J: "J",
  Jalr: "Jalr",
  Fence: "Fence",
  Amo: "Amo",
  Lr: "Lr",
  Fixed: "Fixed",
} as const;
export type Format = (typeof Format)[keyof typeof Format];

export interface InstructionSpec {
  readonly name: string;
  readonly format: Format;
  readonly opcode: number;
  readonly funct3: number;
  /** funct7 for R and Shift formats, funct5 << 2 (aq = rl = 0) for Amo and Lr; 0 elsewhere. */
  readonly funct7: number;
  /** The whole word, for Fixed-format instructions. */
  readonly word: number;
}

function spec(
  name: string,
  format: Format,
  opcode: number,
  funct3 = 0,
  funct7 = 0,
): InstructionSpec {
  return { name, format, opcode, funct3, funct7, word: 0 };
}

function fixed(name: string, word: number): InstructionSpec {
  return { name, format: Format.Fixed, opcode: word & 0x7f, funct3: 0, funct7: 0, word };
}

/** An A-extension instruction: funct5 in funct7's top five bits, aq and rl left clear. */
function amo(name: string, funct5: number, format: Format = Format.Amo): InstructionSpec {
  return spec(name, format, Opcode.Amo, AMO_FUNCT3_WORD, funct5 << 2);
}

/** The aq and rl bits of an A-extension instruction, as funct7's low bits. */
export const AMO_AQ = 2;
export const AMO_RL = 1;
/** The memory-ordering suffixes GNU as accepts after an A-extension mnemonic, with their bits. */
export const AMO_ORDERINGS: readonly { readonly suffix: string; readonly bits: number }[] = [
  { suffix: "", bits: 0 },
  { suffix: ".aq", bits: AMO_AQ },
  { suffix: ".rl", bits: AMO_RL },
  { suffix: ".aqrl", bits: AMO_AQ | AMO_RL },
];

/** The suffix for the aq/rl bits of an A-extension word. */
export function amoSuffix(w: number): string {
  const bits = (w >>> 25) & (AMO_AQ | AMO_RL);
  return AMO_ORDERINGS.find((o) => o.bits === bits)?.suffix ?? "";
}

/** Every RV32IMA instruction (plus fence.tso and unimp), in the order of the ISA manual. */
export const INSTRUCTIONS: readonly InstructionSpec[] = [
  spec("lui", Format.U, Opcode.Lui),
  spec("auipc", Format.U, Opcode.Auipc),
  spec("jal", Format.J, Opcode.Jal),
  spec("jalr", Format.Jalr, Opcode.Jalr, 0),
  spec("beq", Format.Branch, Opcode.Branch, BranchFunct3.Beq),
  spec("bne", Format.Branch, Opcode.Branch, BranchFunct3.Bne),
  spec("blt", Format.Branch, Opcode.Branch, BranchFunct3.Blt),
  spec("bge", Format.Branch, Opcode.Branch, BranchFunct3.Bge),
  spec("bltu", Format.Branch, Opcode.Branch, BranchFunct3.Bltu),
  spec("bgeu", Format.Branch, Opcode.Branch, BranchFunct3.Bgeu),
  spec("lb", Format.Load, Opcode.Load, LoadFunct3.Lb),
  spec("lh", Format.Load, Opcode.Load, LoadFunct3.Lh),
  spec("lw", Format.Load, Opcode.Load, LoadFunct3.Lw),
  spec("lbu", Format.Load, Opcode.Load, LoadFunct3.Lbu),
  spec("lhu", Format.Load, Opcode.Load, LoadFunct3.Lhu),
  spec("sb", Format.Store, Opcode.Store, StoreFunct3.Sb),
  spec("sh", Format.Store, Opcode.Store, StoreFunct3.Sh),
  spec("sw", Format.Store, Opcode.Store, StoreFunct3.Sw),
  spec("addi", Format.I, Opcode.OpImm, OpFunct3.Add),
  spec("slti", Format.I, Opcode.OpImm, OpFunct3.Slt),
  spec("sltiu", Format.I, Opcode.OpImm, OpFunct3.Sltu),
  spec("xori", Format.I, Opcode.OpImm, OpFunct3.Xor),
  spec("ori", Format.I, Opcode.OpImm, OpFunct3.Or),
  spec("andi", Format.I, Opcode.OpImm, OpFunct3.And),
  spec("slli", Format.Shift, Opcode.OpImm, OpFunct3.Sll, Funct7.Base),
  spec("srli", Format.Shift, Opcode.OpImm, OpFunct3.Srl, Funct7.Base),
  spec("srai", Format.Shift, Opcode.OpImm, OpFunct3.Srl, Funct7.Alt),
  spec("add", Format.R, Opcode.Op, OpFunct3.Add, Funct7.Base),
  spec("sub", Format.R, Opcode.Op, OpFunct3.Add, Funct7.Alt),
  spec("sll", Format.R, Opcode.Op, OpFunct3.Sll, Funct7.Base),
  spec("slt", Format.R, Opcode.Op, OpFunct3.Slt, Funct7.Base),
  spec("sltu", Format.R, Opcode.Op, OpFunct3.Sltu, Funct7.Base),
  spec("xor", Format.R, Opcode.Op, OpFunct3.Xor, Funct7.Base),
  spec("srl", Format.R, Opcode.Op, OpFunct3.Srl, Funct7.Base),
  spec("sra", Format.R, Opcode.Op, OpFunct3.Srl, Funct7.Alt),
  spec("or", Format.R, Opcode.Op, OpFunct3.Or, Funct7.Base),
  spec("and", Format.R, Opcode.Op, OpFunct3.And, Funct7.Base),
  spec("fence", Format.Fence, Opcode.MiscMem, 0),
  fixed("fence.tso", 0x8330000f),
  fixed("ecall", ECALL),
  fixed("ebreak", EBREAK),
  fixed("unimp", 0xc0001073), // csrrw x0, cycle, x0: a read-only CSR write, always illegal
  spec("mul", Format.R, Opcode.Op, MulDivFunct3.Mul, Funct7.MulDiv),
  spec("mulh", Format.R, Opcode.Op, MulDivFunct3.Mulh, Funct7.MulDiv),
  spec("mulhsu", Format.R, Opcode.Op, MulDivFunct3.Mulhsu, Funct7.MulDiv),
  spec("mulhu", Format.R, Opcode.Op, MulDivFunct3.Mulhu, Funct7.MulDiv),
  spec("div", Format.R, Opcode.Op, MulDivFunct3.Div, Funct7.MulDiv),
  spec("divu", Format.R, Opcode.Op, MulDivFunct3.Divu, Funct7.MulDiv),
  spec("rem", Format.R, Opcode.Op, MulDivFunct3.Rem, Funct7.MulDiv),
  spec("remu", Format.R, Opcode.Op, MulDivFunct3.Remu, Funct7.MulDiv),
  amo("lr.w", AmoFunct5.Lr, Format.Lr),
  amo("sc.w", AmoFunct5.Sc),
  amo("amoswap.w", AmoFunct5.Swap),
  amo("amoadd.w", AmoFunct5.Add),
  amo("amoxor.w", AmoFunct5.Xor),
  amo("amoand.w", AmoFunct5.And),
  amo("amoor.w", AmoFunct5.Or),
  amo("amomin.w", AmoFunct5.Min),
  amo("amomax.w", AmoFunct5.Max),
  amo("amominu.w", AmoFunct5.Minu),
  amo("amomaxu.w", AmoFunct5.Maxu),
];

const byName: ReadonlyMap<string, InstructionSpec> = new Map(INSTRUCTIONS.map((s) => [s.name, s]));

/** The table entry for a real (non-pseudo) instruction name, or undefined. */
export function instructionSpec(name: string): InstructionSpec | undefined {
  return byName.get(name);
}

// ---- immediate ranges ----
export const IMM12_MIN = -2048;
export const IMM12_MAX = 2047;
export const IMM20_MAX = 0xfffff;
export const SHAMT_MAX = 31;
export const BRANCH_MIN = -4096;
export const BRANCH_MAX = 4094;
export const JAL_MIN = -(1 << 20);
export const JAL_MAX = (1 << 20) - 2;

// ---- field extraction ----
export const rdOf = (w: number): number => (w >>> 7) & 31;
export const rs1Of = (w: number): number => (w >>> 15) & 31;
export const rs2Of = (w: number): number => (w >>> 20) & 31;
export const funct3Of = (w: number): number => (w >>> 12) & 7;
export const funct7Of = (w: number): number => w >>> 25;

// ---- encoders: fields are masked, immediates are taken modulo their width ----

export function encodeR(s: InstructionSpec, rd: number, rs1: number, rs2: number): number {
  return (
    ((s.funct7 << 25) | (rs2 << 20) | (rs1 << 15) | (s.funct3 << 12) | (rd << 7) | s.opcode) >>> 0
  );
}

/** An A-extension word: `ordering` is the aq/rl bits (AMO_AQ | AMO_RL); rs2 = 0 for lr.w. */
export function encodeAmo(
  s: InstructionSpec,
  rd: number,
  rs1: number,
  rs2: number,
  ordering: number,
): number {
  return (encodeR(s, rd, rs1, rs2) | ((ordering & 3) << 25)) >>> 0;
}

export function encodeI(s: InstructionSpec, rd: number, rs1: number, imm: number): number {
  return withImmI((rs1 << 15) | (s.funct3 << 12) | (rd << 7) | s.opcode, imm);
}

export function encodeShift(s: InstructionSpec, rd: number, rs1: number, shamt: number): number {
  return encodeR(s, rd, rs1, shamt & 31);
}

export function encodeS(s: InstructionSpec, rs2: number, rs1: number, imm: number): number {
  return withImmS((rs2 << 20) | (rs1 << 15) | (s.funct3 << 12) | s.opcode, imm);
}

export function encodeB(s: InstructionSpec, rs1: number, rs2: number, offset: number): number {
  return withImmB((rs2 << 20) | (rs1 << 15) | (s.funct3 << 12) | s.opcode, offset);
}

export function encodeU(s: InstructionSpec, rd: number, imm20: number): number {
  return withImmU((rd << 7) | s.opcode, imm20);
}

export function encodeJ(s: InstructionSpec, rd: number, offset: number): number {
  return withImmJ((rd << 7) | s.opcode, offset);
}

/** Replaces the I-format immediate of `w` with the low 12 bits of `imm`. */
export function withImmI(w: number, imm: number): number {
  return ((w & 0x000fffff) | ((imm & 0xfff) << 20)) >>> 0;
}

/** Replaces the S-format immediate of `w` with the low 12 bits of `imm`. */
export function withImmS(w: number, imm: number): number {
  const hi = ((imm >> 5) & 0x7f) << 25;
  const lo = (imm & 0x1f) << 7;
  return ((w & 0x01fff07f) | hi | lo) >>> 0;
}

/** Replaces the B-format offset of `w` (bit 0 of `offset` is dropped). */
export function withImmB(w: number, offset: number): number {
  const b12 = ((offset >> 12) & 1) << 31;
  const b10to5 = ((offset >> 5) & 0x3f) << 25;
  const b4to1 = ((offset >> 1) & 0xf) << 8;
  const b11 = ((offset >> 11) & 1) << 7;
  return ((w & 0x01fff07f) | b12 | b10to5 | b4to1 | b11) >>> 0;
}

/** Replaces the U-format immediate of `w` with the low 20 bits of `imm20`. */
export function withImmU(w: number, imm20: number): number {
  return ((w & 0xfff) | ((imm20 & IMM20_MAX) << 12)) >>> 0;
}

/** Replaces the J-format offset of `w` (bit 0 of `offset` is dropped). */
export function withImmJ(w: number, offset: number): number {
  const b20 = ((offset >> 20) & 1) << 31;
  const b10to1 = ((offset >> 1) & 0x3ff) << 21;
  const b11 = ((offset >> 11) & 1) << 20;
  const b19to12 = ((offset >> 12) & 0xff) << 12;
  return ((w & 0xfff) | b20 | b10to1 | b11 | b19to12) >>> 0;
}

// ---- decoders: immediates come back sign-extended (U unsigned, as objdump prints it) ----

export const immI = (w: number): number => w >> 20;
export const immS = (w: number): number => ((w >> 25) << 5) | ((w >>> 7) & 0x1f);
export const immU = (w: number): number => w >>> 12;

export function immB(w: number): number {
  const b12 = (w >> 31) << 12; // sign
  const b11 = ((w >>> 7) & 1) << 11;
  const b10to5 = ((w >>> 25) & 0x3f) << 5;
  const b4to1 = ((w >>> 8) & 0xf) << 1;
  return b12 | b11 | b10to5 | b4to1;
}

export function immJ(w: number): number {
  const b20 = (w >> 31) << 20; // sign
  const b19to12 = ((w >>> 12) & 0xff) << 12;
  const b11 = ((w >>> 20) & 1) << 11;
  const b10to1 = ((w >>> 21) & 0x3ff) << 1;
  return b20 | b19to12 | b11 | b10to1;
}

/** Splits a 32-bit value into the %hi part (for lui/auipc) and the sign-extended %lo part. */
export function splitHiLo(value: number): { hi: number; lo: number } {
  const lo = ((value & 0xfff) << 20) >> 20;
  const hi = ((value - lo) >>> 12) & IMM20_MAX;
  return { hi, lo };
}

// ---- fence sets: the pred and succ fields, bit 3..0 = i o r w ----
export const FENCE_I = 8;
export const FENCE_O = 4;
export const FENCE_R = 2;
export const FENCE_W = 1;
export const FENCE_ALL = FENCE_I | FENCE_O | FENCE_R | FENCE_W;

/** Encodes `fence pred,succ` (fm = 0, rd = rs1 = 0). */
export function encodeFence(pred: number, succ: number): number {
  return ((pred << 24) | (succ << 20) | Opcode.MiscMem) >>> 0;
}

/** The letters of a fence set ("iorw" order), or undefined for the empty set. */
export function fenceSetName(bits: number): string | undefined {
  const letters = [
    [FENCE_I, "i"],
    [FENCE_O, "o"],
    [FENCE_R, "r"],
    [FENCE_W, "w"],
  ] as const;
  const name = letters.map(([bit, ch]) => (bits & bit ? ch : "")).join("");
  return name === "" ? undefined : name;
}

/** Parses a fence set like "rw" or "iorw" (letters in i, o, r, w order); undefined if malformed. */
export function parseFenceSet(text: string): number | undefined {
  const m = /^(i?)(o?)(r?)(w?)$/.exec(text);
  if (m === null || text === "") return undefined;
  return (m[1] ? FENCE_I : 0) | (m[2] ? FENCE_O : 0) | (m[3] ? FENCE_R : 0) | (m[4] ? FENCE_W : 0);
}
