// The disassembler: one 32-bit word in, GNU objdump's text out ("addi a0,a0,1", "jal 10074
// <main>", "ret"). Pure and allocation-light, for the CPU tracer and the single-stepper. Decoding
// uses the instruction table of isa.ts, so it cannot disagree with the assembler.
import { hex } from "../hw/hex.js";
import { Opcode } from "../hw/isa.js";
import {
  AMO_AQ,
  AMO_RL,
  amoSuffix,
  FENCE_ALL,
  Format,
  fenceSetName,
  funct3Of,
  funct7Of,
  INSTRUCTIONS,
  type InstructionSpec,
  immB,
  immI,
  immJ,
  immS,
  immU,
  REG_RA,
  REG_ZERO,
  rdOf,
  registerName,
  rs1Of,
  rs2Of,
} from "./isa.js";

export interface DisasmOptions {
  /**
   * Use the pseudo-instructions objdump prints by default (li, mv, ret, j, beqz, ...). With
   * false, print every instruction under its real name, as `objdump -M no-aliases` does.
   */
  aliases?: boolean;
}

/** The text of a branch or jump target's label (e.g. "main" or "main+0x8"), if there is one. */
export type SymbolLookup = (addr: number) => string | undefined;

// Decode tables, keyed by the fields that identify an instruction of each format.
const byFunct7 = new Map<number, InstructionSpec>(); // R, Shift, Amo, Lr: opcode, funct3, funct7
const byFunct3 = new Map<number, InstructionSpec>(); // I, Load, Store, Branch, Jalr, Fence
const byOpcode = new Map<number, InstructionSpec>(); // U, J
const byWord = new Map<number, InstructionSpec>(); // Fixed
const key7 = (op: number, f3: number, f7: number): number => op | (f3 << 7) | (f7 << 10);
const key3 = (op: number, f3: number): number => op | (f3 << 7);

for (const s of INSTRUCTIONS) {
  if (
    s.format === Format.R ||
    s.format === Format.Shift ||
    s.format === Format.Amo ||
    s.format === Format.Lr
  )
    byFunct7.set(key7(s.opcode, s.funct3, s.funct7), s);
  else if (s.format === Format.U || s.format === Format.J) byOpcode.set(s.opcode, s);
  else if (s.format === Format.Fixed) byWord.set(s.word, s);
  else byFunct3.set(key3(s.opcode, s.funct3), s);
}

const RD_RS1_MASK = 0x000f8f80; // rd and rs1 fields
const FENCE_FM_SHIFT = 28;

/** The instruction table entry for a word, or undefined if it is not an RV32IMA instruction. */
export function decode(word: number): InstructionSpec | undefined {
  const w = word >>> 0;
  if ((w & 3) !== 3) return undefined;
  const fixed = byWord.get(w);
  if (fixed !== undefined) return fixed;
  const op = w & 0x7f;
  // The A extension's aq and rl bits are not part of its opcode.
  const f7 = op === Opcode.Amo ? funct7Of(w) & ~(AMO_AQ | AMO_RL) : funct7Of(w);
  const s =
    byFunct7.get(key7(op, funct3Of(w), f7)) ??
    byFunct3.get(key3(op, funct3Of(w))) ??
    byOpcode.get(op);
  if (s === undefined || s.format === Format.Fixed) return undefined; // SYSTEM words other than the fixed ones
  if (s.format === Format.Fence && ((w & RD_RS1_MASK) !== 0 || w >>> FENCE_FM_SHIFT !== 0))
    return undefined;
  if (s.format === Format.Lr && rs2Of(w) !== 0) return undefined;
  return s;
}

/**
 * Disassembles one instruction word at address `pc` into objdump's syntax (mnemonic, one space,
 * operands separated by commas). Words that are not RV32IMA instructions come back as
 * `.word 0x0000abcd`. Never throws.
 */
export function disassemble(
  word: number,
  pc: number,
  symbolAt?: SymbolLookup,
  options?: DisasmOptions,
): string {
  const w = word >>> 0;
  const s = decode(w);
  if (s === undefined) return `.word ${hex(w, 8)}`;
  const aliases = options?.aliases ?? true;
  switch (s.format) {
    case Format.R:
      return formatR(s, w, aliases);
    case Format.I:
      return formatI(s, w, aliases);
    case Format.Shift:
      return `${s.name} ${reg(rdOf(w))},${reg(rs1Of(w))},${hex(rs2Of(w))}`;
    case Format.Load:
      return `${s.name} ${reg(rdOf(w))},${immI(w)}(${reg(rs1Of(w))})`;
    case Format.Store:
      return `${s.name} ${reg(rs2Of(w))},${immS(w)}(${reg(rs1Of(w))})`;
    case Format.Branch:
      return formatBranch(s, w, pc, symbolAt, aliases);
    case Format.U:
      return `${s.name} ${reg(rdOf(w))},${hex(immU(w))}`;
    case Format.J:
      return formatJal(w, pc, symbolAt, aliases);
    case Format.Jalr:
      return formatJalr(w, aliases);
    case Format.Fence:
      return formatFence(w, aliases);
    case Format.Amo:
      return `${s.name}${amoSuffix(w)} ${reg(rdOf(w))},${reg(rs2Of(w))},(${reg(rs1Of(w))})`;
    case Format.Lr:
      return `${s.name}${amoSuffix(w)} ${reg(rdOf(w))},(${reg(rs1Of(w))})`;
    case Format.Fixed:
      return s.name;
  }
}

const reg = registerName;

function target(pc: number, offset: number, symbolAt: SymbolLookup | undefined): string {
  const addr = (pc + offset) >>> 0;
  const label = symbolAt?.(addr);
  return label === undefined ? addr.toString(16) : `${addr.toString(16)} <${label}>`;
}

function formatR(s: InstructionSpec, w: number, aliases: boolean): string {
  const rd = reg(rdOf(w));
  const rs1 = rs1Of(w);
  const rs2 = rs2Of(w);
  if (aliases) {
    if (s.name === "sub" && rs1 === REG_ZERO) return `neg ${rd},${reg(rs2)}`;
    if (s.name === "sltu" && rs1 === REG_ZERO) return `snez ${rd},${reg(rs2)}`;
    if (s.name === "slt" && rs2 === REG_ZERO) return `sltz ${rd},${reg(rs1)}`;
    if (s.name === "slt" && rs1 === REG_ZERO) return `sgtz ${rd},${reg(rs2)}`;
  }
  return `${s.name} ${rd},${reg(rs1)},${reg(rs2)}`;
}

const NOP_WORD = 0x00000013;

function formatI(s: InstructionSpec, w: number, aliases: boolean): string {
  const rd = reg(rdOf(w));
  const rs1 = rs1Of(w);
  const imm = immI(w);
  if (aliases) {
    if (s.name === "addi") {
      if (w === NOP_WORD) return "nop";
      if (rs1 === REG_ZERO) return `li ${rd},${imm}`;
      if (imm === 0) return `mv ${rd},${reg(rs1)}`;
    }
    if (s.name === "xori" && imm === -1) return `not ${rd},${reg(rs1)}`;
    if (s.name === "andi" && imm === 255) return `zext.b ${rd},${reg(rs1)}`;
    if (s.name === "sltiu" && imm === 1) return `seqz ${rd},${reg(rs1)}`;
  }
  return `${s.name} ${rd},${reg(rs1)},${imm}`;
}

/** objdump's branch aliases: a comparison with zero names only the other register. */
const BRANCH_ZERO_RS2: Readonly<Record<string, string>> = {
  beq: "beqz",
  bne: "bnez",
  blt: "bltz",
  bge: "bgez",
};
const BRANCH_ZERO_RS1: Readonly<Record<string, string>> = { blt: "bgtz", bge: "blez" };

function formatBranch(
  s: InstructionSpec,
  w: number,
  pc: number,
  symbolAt: SymbolLookup | undefined,
  aliases: boolean,
): string {
  const rs1 = rs1Of(w);
  const rs2 = rs2Of(w);
  const t = target(pc, immB(w), symbolAt);
  if (aliases) {
    const zero2 = rs2 === REG_ZERO ? BRANCH_ZERO_RS2[s.name] : undefined;
    if (zero2 !== undefined) return `${zero2} ${reg(rs1)},${t}`;
    const zero1 = rs1 === REG_ZERO ? BRANCH_ZERO_RS1[s.name] : undefined;
    if (zero1 !== undefined) return `${zero1} ${reg(rs2)},${t}`;
  }
  return `${s.name} ${reg(rs1)},${reg(rs2)},${t}`;
}

function formatJal(
  w: number,
  pc: number,
  symbolAt: SymbolLookup | undefined,
  aliases: boolean,
): string {
  const rd = rdOf(w);
  const t = target(pc, immJ(w), symbolAt);
  if (aliases && rd === REG_ZERO) return `j ${t}`;
  if (aliases && rd === REG_RA) return `jal ${t}`;
  return `jal ${reg(rd)},${t}`;
}

function formatJalr(w: number, aliases: boolean): string {
  const rd = rdOf(w);
  const rs1 = reg(rs1Of(w));
  const imm = immI(w);
  if (!aliases) return `jalr ${reg(rd)},${imm}(${rs1})`;
  if (rd === REG_ZERO && rs1Of(w) === REG_RA && imm === 0) return "ret";
  const address = imm === 0 ? rs1 : `${imm}(${rs1})`;
  if (rd === REG_ZERO) return `jr ${address}`;
  if (rd === REG_RA) return `jalr ${address}`;
  return `jalr ${reg(rd)},${address}`;
}

function formatFence(w: number, aliases: boolean): string {
  const pred = (w >>> 24) & 0xf;
  const succ = (w >>> 20) & 0xf;
  if (aliases && pred === FENCE_ALL && succ === FENCE_ALL) return "fence";
  return `fence ${fenceSetName(pred) ?? "unknown"},${fenceSetName(succ) ?? "unknown"}`;
}

export interface NamedAddress {
  name: string;
  address: number;
  global?: boolean;
}

/**
 * A SymbolLookup over `symbols` that names an address as objdump does: the nearest symbol at or
 * below it, plus the distance ("main", "main+0x8"). Addresses below every symbol have no name.
 * Where several symbols share an address, a global one wins, then the first given.
 */
export function makeSymbolLookup(symbols: readonly NamedAddress[]): SymbolLookup {
  const sorted = preferredAtEachAddress(symbols);
  return (addr) => {
    let lo = 0;
    let hi = sorted.length - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]!.address <= addr) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (best < 0) return undefined;
    const s = sorted[best]!;
    const delta = addr - s.address;
    return delta === 0 ? s.name : `${s.name}+${hex(delta)}`;
  };
}

/** One symbol per address (the preferred one), sorted by address. */
export function preferredAtEachAddress(symbols: readonly NamedAddress[]): NamedAddress[] {
  const byAddress = new Map<number, NamedAddress>();
  for (const s of symbols) {
    const seen = byAddress.get(s.address);
    if (seen === undefined || (s.global === true && seen.global !== true))
      byAddress.set(s.address, s);
  }
  return [...byAddress.values()].sort((a, b) => a.address - b.address);
}
