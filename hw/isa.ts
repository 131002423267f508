// The RV32IMA encodings: the one table of major opcodes and function codes that the CPU decodes and
// the assembler and disassembler (asm/isa.ts) encode with. RISC-V unprivileged spec, "RV32/64G
// Instruction Set Listings". Fields of a 32-bit instruction, by format (bit 31 on the left):
//
//   R     funct7[31:25] rs2[24:20] rs1[19:15] funct3[14:12] rd[11:7] opcode[6:0]   register-register
//   I     imm[11:0][31:20]         rs1        funct3        rd       opcode        immediate, loads
//   S     imm[11:5]     rs2        rs1        funct3        imm[4:0] opcode        stores
//   B     imm[12|10:5]  rs2        rs1        funct3        imm[4:1|11] opcode     branches
//   U     imm[31:12]                                        rd       opcode        lui, auipc
//   J     imm[20|10:1|11|19:12]                             rd       opcode        jal
//   AMO   funct5[31:27] aq[26] rl[25] rs2 rs1 funct3        rd       opcode        the A extension
//
// Every 32-bit instruction has bits 1:0 = 11. Members are `as const` numbers, so a switch on them
// compiles to constant compares (the CPU's decode switch depends on it).

/** Major opcodes (bits 6:0). */
export const Opcode = {
  Load: 0x03,
  MiscMem: 0x0f,
  OpImm: 0x13,
  Auipc: 0x17,
  Store: 0x23,
  Amo: 0x2f,
  Op: 0x33,
  Lui: 0x37,
  Branch: 0x63,
  Jalr: 0x67,
  Jal: 0x6f,
  System: 0x73,
} as const;
export type Opcode = (typeof Opcode)[keyof typeof Opcode];

/** funct3 (bits 14:12) of the branches. */
export const BranchFunct3 = { Beq: 0, Bne: 1, Blt: 4, Bge: 5, Bltu: 6, Bgeu: 7 } as const;

/** funct3 of the loads: bits 1:0 are log2 of the width, bit 2 zero-extends. */
export const LoadFunct3 = { Lb: 0, Lh: 1, Lw: 2, Lbu: 4, Lhu: 5 } as const;

/** funct3 of the stores: log2 of the width. */
export const StoreFunct3 = { Sb: 0, Sh: 1, Sw: 2 } as const;

/** funct3 of OP and OP-IMM (funct7 tells add from sub and srl from sra). */
export const OpFunct3 = { Add: 0, Sll: 1, Slt: 2, Sltu: 3, Xor: 4, Srl: 5, Or: 6, And: 7 } as const;

/** funct3 of the M extension (OP with funct7 MulDiv). */
export const MulDivFunct3 = {
  Mul: 0,
  Mulh: 1,
  Mulhsu: 2,
  Mulhu: 3,
  Div: 4,
  Divu: 5,
  Rem: 6,
  Remu: 7,
} as const;

/** funct7 (bits 31:25) of the R-format and shift instructions. */
export const Funct7 = {
  /** add, srl, slli, ... */
  Base: 0x00,
  /** sub, sra, srai: bit 30 set */
  Alt: 0x20,
  /** the M extension: mul, div, rem, ... */
  MulDiv: 0x01,
} as const;

/**
 * funct5 (bits 31:27) of the A extension's instructions; bit 26 is aq and bit 25 rl (ordering
 * hints: vmlab's CPU runs one hart in program order, so every access is already ordered).
 */
export const AmoFunct5 = {
  Add: 0x00,
  Swap: 0x01,
  Lr: 0x02,
  Sc: 0x03,
  Xor: 0x04,
  Or: 0x08,
  And: 0x0c,
  Min: 0x10,
  Max: 0x14,
  Minu: 0x18,
  Maxu: 0x1c,
} as const;
export type AmoFunct5 = (typeof AmoFunct5)[keyof typeof AmoFunct5];

/** funct3 of the A extension's word-sized (.w) instructions. */
export const AMO_FUNCT3_WORD = 2;

/** The two SYSTEM instructions a U-mode program may execute; every other SYSTEM word is illegal. */
export const ECALL = 0x0000_0073;
export const EBREAK = 0x0010_0073;
