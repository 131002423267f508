// Every mnemonic the assembler accepts, real or pseudo, with its operand forms and the exact
// instruction sequence GNU as emits for it (riscv-opc.c / tc-riscv.c, with -march=rv32ima and no
// relaxation). A form is chosen by the kinds of the written operands: r register, i immediate or
// symbol, m memory operand `off(reg)`.
import { AsmFail } from "./diagnostics.js";
import {
  AMO_ORDERINGS,
  encodeAmo,
  encodeB,
  encodeFence,
  encodeI,
  encodeJ,
  encodeR,
  encodeS,
  encodeShift,
  encodeU,
  FENCE_ALL,
  Format,
  INSTRUCTIONS,
  type InstructionSpec,
  instructionSpec,
  parseFenceSet,
  REG_RA,
  REG_T1,
  REG_ZERO,
  splitHiLo,
} from "./isa.js";
import type { ImmOperand, MemOperand, Operand, RegOperand } from "./operands.js";
import { FixupKind } from "./program.js";

/** What choosing a form needs in the first pass, when later symbols are not known yet. */
export interface PlanContext {
  /** The operand's value if it is a constant known at this point, else undefined. */
  knownConstant(op: ImmOperand): bigint | undefined;
  /** The operand's value, which must be a constant known at this point; throws AsmFail. */
  constant(op: ImmOperand, what: string): bigint;
}

/** What encoding needs in the second pass. Methods throw AsmFail with a message for the user. */
export interface Emitter {
  /** Appends one instruction word. */
  word(w: number): void;
  /** A 12-bit I/S immediate: a constant in range, or %lo / %pcrel_lo (patched at link time). */
  imm12(op: ImmOperand | MemOperand, format: "I" | "S", mnemonic: string): number;
  /** A 20-bit U immediate: a constant 0..0xfffff, or %hi / %pcrel_hi. */
  upper20(op: ImmOperand, mnemonic: string): number;
  /** A shift amount 0..31. */
  shamt(op: ImmOperand, mnemonic: string): number;
  /** Records that the next word(s) refer to the operand's address, patched as `kind`. */
  target(op: ImmOperand, kind: FixupKind, mnemonic: string): void;
}

export interface Plan {
  size: number;
  emit(e: Emitter): void;
}

export interface Form {
  /** Operand kinds, one letter each: r, i, m. */
  sig: string;
  /** How the form is written, for error messages: "rd, rs1, imm". */
  syntax: string;
  plan(ops: readonly Operand[], p: PlanContext): Plan;
}

const WORD = 4;
type EmitFn = (e: Emitter, ops: readonly Operand[]) => void;

/** A form that always emits `count` words. */
function form(sig: string, syntax: string, emit: EmitFn, count = 1): Form {
  return { sig, syntax, plan: (ops) => ({ size: count * WORD, emit: (e) => emit(e, ops) }) };
}

// The signature guarantees the kinds; these accessors only narrow the types.
const reg = (ops: readonly Operand[], i: number): number => (ops[i] as RegOperand).reg;
const imm = (ops: readonly Operand[], i: number): ImmOperand => ops[i] as ImmOperand;
const mem = (ops: readonly Operand[], i: number): MemOperand => ops[i] as MemOperand;

function real(name: string): InstructionSpec {
  const s = instructionSpec(name);
  if (s === undefined) throw new Error(`instructions: no ISA entry for ${name}`);
  return s;
}

const ADDI = real("addi");
const AUIPC = real("auipc");
const LUI = real("lui");
const JAL = real("jal");
const JALR = real("jalr");

// ---- real instructions ----

function rType(s: InstructionSpec): Form {
  return form("rrr", "rd, rs1, rs2", (e, o) => e.word(encodeR(s, reg(o, 0), reg(o, 1), reg(o, 2))));
}

function iType(s: InstructionSpec): Form {
  return form("rri", "rd, rs1, imm", (e, o) =>
    e.word(encodeI(s, reg(o, 0), reg(o, 1), e.imm12(imm(o, 2), "I", s.name))),
  );
}

function shiftType(s: InstructionSpec): Form {
  return form("rri", "rd, rs1, shamt", (e, o) =>
    e.word(encodeShift(s, reg(o, 0), reg(o, 1), e.shamt(imm(o, 2), s.name))),
  );
}

function loadForms(s: InstructionSpec): Form[] {
  return [
    form("rm", "rd, offset(rs1)", (e, o) => {
      const m = mem(o, 1);
      e.word(encodeI(s, reg(o, 0), m.base, e.imm12(m, "I", s.name)));
    }),
    // `lw rd, symbol`: auipc rd, %pcrel_hi(symbol); lw rd, %pcrel_lo(rd)
    form(
      "ri",
      "rd, symbol",
      (e, o) => {
        const rd = reg(o, 0);
        e.target(imm(o, 1), FixupKind.PcrelPairI, s.name);
        e.word(encodeU(AUIPC, rd, 0));
        e.word(encodeI(s, rd, rd, 0));
      },
      2,
    ),
  ];
}

function storeForms(s: InstructionSpec): Form[] {
  return [
    form("rm", "rs2, offset(rs1)", (e, o) => {
      const m = mem(o, 1);
      e.word(encodeS(s, reg(o, 0), m.base, e.imm12(m, "S", s.name)));
    }),
    // `sw rs, symbol, rt`: auipc rt, %pcrel_hi(symbol); sw rs, %pcrel_lo(rt)
    form(
      "rir",
      "rs2, symbol, rt",
      (e, o) => {
        const rt = reg(o, 2);
        e.target(imm(o, 1), FixupKind.PcrelPairS, s.name);
        e.word(encodeU(AUIPC, rt, 0));
        e.word(encodeS(s, reg(o, 0), rt, 0));
      },
      2,
    ),
  ];
}

function branchTo(
  s: InstructionSpec,
  rs1: number,
  rs2: number,
  e: Emitter,
  target: ImmOperand,
): void {
  e.target(target, FixupKind.Branch, s.name);
  e.word(encodeB(s, rs1, rs2, 0));
}

function branchType(s: InstructionSpec): Form {
  return form("rri", "rs1, rs2, target", (e, o) => branchTo(s, reg(o, 0), reg(o, 1), e, imm(o, 2)));
}

function upperType(s: InstructionSpec): Form {
  return form("ri", "rd, imm20", (e, o) =>
    e.word(encodeU(s, reg(o, 0), e.upper20(imm(o, 1), s.name))),
  );
}

function jalTo(rd: number, e: Emitter, target: ImmOperand, name: string): void {
  e.target(target, FixupKind.Jal, name);
  e.word(encodeJ(JAL, rd, 0));
}

function jalrWord(
  e: Emitter,
  rd: number,
  rs1: number,
  offset: ImmOperand | MemOperand | undefined,
): void {
  e.word(encodeI(JALR, rd, rs1, offset === undefined ? 0 : e.imm12(offset, "I", "jalr")));
}

/** GNU as's jalr forms, in its order (riscv-opc.c). */
function jalrForms(): Form[] {
  return [
    form("rri", "rd, rs1, imm", (e, o) => jalrWord(e, reg(o, 0), reg(o, 1), imm(o, 2))),
    form("rm", "rd, offset(rs1)", (e, o) => jalrWord(e, reg(o, 0), mem(o, 1).base, mem(o, 1))),
    form("m", "offset(rs1)", (e, o) => jalrWord(e, REG_RA, mem(o, 0).base, mem(o, 0))),
    form("r", "rs1", (e, o) => jalrWord(e, REG_RA, reg(o, 0), undefined)),
    form("ri", "rs1, imm", (e, o) => jalrWord(e, REG_RA, reg(o, 0), imm(o, 1))),
    form("rr", "rd, rs1", (e, o) => jalrWord(e, reg(o, 0), reg(o, 1), undefined)),
  ];
}

function fenceForms(): Form[] {
  return [
    form("", "", (e) => e.word(encodeFence(FENCE_ALL, FENCE_ALL))),
    form("ii", "pred, succ", (e, o) =>
      e.word(encodeFence(fenceSet(imm(o, 0)), fenceSet(imm(o, 1)))),
    ),
  ];
}

function fenceSet(op: ImmOperand): number {
  const bits =
    op.expr.op === "sym" && op.fn === undefined ? parseFenceSet(op.expr.name) : undefined;
  if (bits === undefined) {
    throw new AsmFail(
      op.col,
      "a fence set is some of the letters i, o, r, w in that order (as in 'rw' or 'iorw')",
    );
  }
  return bits;
}

/**
 * The address of an A-extension instruction: `(rs1)`, or `0(rs1)` as GNU as also accepts; any
 * other offset is an error (these instructions have no offset field).
 */
function amoBase(op: MemOperand, mnemonic: string): number {
  const e = op.expr;
  if (op.fn !== undefined || (e !== undefined && !(e.op === "num" && e.value === 0n))) {
    throw new AsmFail(op.col, `'${mnemonic}' takes no offset: write (rs1) or 0(rs1)`);
  }
  return op.base;
}

/** lr.w and sc.w/amo*.w under one of their names (`name` with an ordering suffix). */
function amoForms(s: InstructionSpec, name: string, ordering: number): Form[] {
  if (s.format === Format.Lr) {
    return [
      form("rm", "rd, (rs1)", (e, o) =>
        e.word(encodeAmo(s, reg(o, 0), amoBase(mem(o, 1), name), 0, ordering)),
      ),
    ];
  }
  return [
    form("rrm", "rd, rs2, (rs1)", (e, o) =>
      e.word(encodeAmo(s, reg(o, 0), amoBase(mem(o, 2), name), reg(o, 1), ordering)),
    ),
  ];
}

/** GNU as accepts `add rd, rs, imm` for addi, and likewise for these. */
const IMMEDIATE_ALIASES: Readonly<Record<string, string>> = {
  add: "addi",
  and: "andi",
  or: "ori",
  xor: "xori",
  sll: "slli",
  srl: "srli",
  sra: "srai",
  slt: "slti",
  sltu: "sltiu",
};

function realForms(s: InstructionSpec): Form[] {
  switch (s.format) {
    case Format.R: {
      const alias = IMMEDIATE_ALIASES[s.name];
      return alias === undefined ? [rType(s)] : [rType(s), ...realForms(real(alias))];
    }
    case Format.I:
      return [iType(s)];
    case Format.Shift:
      return [shiftType(s)];
    case Format.Load:
      return loadForms(s);
    case Format.Store:
      return storeForms(s);
    case Format.Branch:
      return [branchType(s)];
    case Format.U:
      return [upperType(s)];
    case Format.J:
      return [
        form("i", "target", (e, o) => jalTo(REG_RA, e, imm(o, 0), "jal")),
        form("ri", "rd, target", (e, o) => jalTo(reg(o, 0), e, imm(o, 1), "jal")),
      ];
    case Format.Jalr:
      return jalrForms();
    case Format.Fence:
      return fenceForms();
    case Format.Amo:
    case Format.Lr:
      return amoForms(s, s.name, 0);
    case Format.Fixed:
      return [form("", "", (e) => e.word(s.word))];
  }
}

// ---- pseudo-instructions ----

const INT32_MIN = -(2n ** 31n);
const UINT32_LIMIT = 2n ** 32n;

/** The words of `li rd, value` as GNU as picks them: addi, lui, or lui + addi. */
export function liSequence(rd: number, value: number): number[] {
  const { hi, lo } = splitHiLo(value);
  const words: number[] = [];
  if (hi !== 0) words.push(encodeU(LUI, rd, hi));
  if (lo !== 0 || hi === 0) words.push(encodeI(ADDI, rd, hi !== 0 ? rd : REG_ZERO, lo));
  return words;
}

/** Checks that a li/la constant fits in 32 bits (signed or unsigned) and returns it. */
function li32(value: bigint, op: ImmOperand, what: string): number {
  if (value < INT32_MIN || value >= UINT32_LIMIT) {
    throw new AsmFail(op.col, `${what} value ${value} does not fit in 32 bits`);
  }
  return Number(BigInt.asIntN(32, value));
}

function emitAll(e: Emitter, words: readonly number[]): void {
  for (const w of words) e.word(w);
}

function wordsPlan(words: number[]): Plan {
  return { size: words.length * WORD, emit: (e) => emitAll(e, words) };
}

const liForm: Form = {
  sig: "ri",
  syntax: "rd, constant",
  plan(ops, p) {
    const op = imm(ops, 1);
    if (op.fn !== undefined) throw new AsmFail(op.col, `li takes a constant, not %${op.fn}(...)`);
    const value = li32(p.constant(op, "li"), op, "li");
    return wordsPlan(liSequence(reg(ops, 0), value));
  },
};

/** la/lla: auipc + addi to a symbol; a constant becomes li (as GNU as does). */
function laForm(name: string): Form {
  return {
    sig: "ri",
    syntax: "rd, symbol",
    plan(ops, p) {
      const op = imm(ops, 1);
      if (op.fn !== undefined)
        throw new AsmFail(op.col, `${name} takes a symbol, not %${op.fn}(...)`);
      const rd = reg(ops, 0);
      const known = p.knownConstant(op);
      if (known !== undefined) return wordsPlan(liSequence(rd, li32(known, op, name)));
      return {
        size: 2 * WORD,
        emit(e) {
          e.target(op, FixupKind.PcrelPairI, name);
          e.word(encodeU(AUIPC, rd, 0));
          e.word(encodeI(ADDI, rd, rd, 0));
        },
      };
    },
  };
}

/** auipc temp, %pcrel_hi(target); jalr rd, %pcrel_lo(temp) — call, tail and jump. */
function farJump(rd: number, temp: number, e: Emitter, target: ImmOperand, name: string): void {
  e.target(target, FixupKind.PcrelPairI, name);
  e.word(encodeU(AUIPC, temp, 0));
  e.word(encodeI(JALR, rd, temp, 0));
}

const twoRegs = (fn: (rd: number, rs: number) => number[]): Form =>
  form("rr", "rd, rs", (e, o) => emitAll(e, fn(reg(o, 0), reg(o, 1))), fn(0, 0).length);

function op3(name: string, rd: number, rs1: number, rs2: number): number {
  return encodeR(real(name), rd, rs1, rs2);
}

function opImm(name: string, rd: number, rs1: number, value: number): number {
  const s = real(name);
  return s.format === Format.Shift ? encodeShift(s, rd, rs1, value) : encodeI(s, rd, rs1, value);
}

/** A branch pseudo comparing one register with zero: `beqz rs, target` and friends. */
function branchZero(real1: string, zeroFirst: boolean): Form[] {
  const s = real(real1);
  return [
    form("ri", "rs, target", (e, o) => {
      const rs = reg(o, 0);
      branchTo(s, zeroFirst ? REG_ZERO : rs, zeroFirst ? rs : REG_ZERO, e, imm(o, 1));
    }),
  ];
}

/** bgt/ble/bgtu/bleu: the real branch with the registers swapped. */
function branchSwapped(real1: string): Form[] {
  const s = real(real1);
  return [
    form("rri", "rs1, rs2, target", (e, o) => branchTo(s, reg(o, 1), reg(o, 0), e, imm(o, 2))),
  ];
}

function pseudoForms(): Map<string, Form[]> {
  const m = new Map<string, Form[]>();
  m.set("nop", [form("", "", (e) => e.word(encodeI(ADDI, REG_ZERO, REG_ZERO, 0)))]);
  m.set("li", [liForm]);
  m.set("la", [laForm("la")]);
  m.set("lla", [laForm("lla")]);
  m.set("mv", [twoRegs((rd, rs) => [opImm("addi", rd, rs, 0)])]);
  m.set("not", [twoRegs((rd, rs) => [opImm("xori", rd, rs, -1)])]);
  m.set("neg", [twoRegs((rd, rs) => [op3("sub", rd, REG_ZERO, rs)])]);
  m.set("seqz", [twoRegs((rd, rs) => [opImm("sltiu", rd, rs, 1)])]);
  m.set("snez", [twoRegs((rd, rs) => [op3("sltu", rd, REG_ZERO, rs)])]);
  m.set("sltz", [twoRegs((rd, rs) => [op3("slt", rd, rs, REG_ZERO)])]);
  m.set("sgtz", [twoRegs((rd, rs) => [op3("slt", rd, REG_ZERO, rs)])]);
  m.set("zext.b", [twoRegs((rd, rs) => [opImm("andi", rd, rs, 255)])]);
  m.set("sext.b", [twoRegs((rd, rs) => [opImm("slli", rd, rs, 24), opImm("srai", rd, rd, 24)])]);
  m.set("sext.h", [twoRegs((rd, rs) => [opImm("slli", rd, rs, 16), opImm("srai", rd, rd, 16)])]);
  m.set("zext.h", [twoRegs((rd, rs) => [opImm("slli", rd, rs, 16), opImm("srli", rd, rd, 16)])]);
  m.set("sgt", [
    form("rrr", "rd, rs1, rs2", (e, o) => e.word(op3("slt", reg(o, 0), reg(o, 2), reg(o, 1)))),
  ]);
  m.set("sgtu", [
    form("rrr", "rd, rs1, rs2", (e, o) => e.word(op3("sltu", reg(o, 0), reg(o, 2), reg(o, 1)))),
  ]);
  m.set("beqz", branchZero("beq", false));
  m.set("bnez", branchZero("bne", false));
  m.set("bltz", branchZero("blt", false));
  m.set("bgez", branchZero("bge", false));
  m.set("blez", branchZero("bge", true));
  m.set("bgtz", branchZero("blt", true));
  m.set("bgt", branchSwapped("blt"));
  m.set("ble", branchSwapped("bge"));
  m.set("bgtu", branchSwapped("bltu"));
  m.set("bleu", branchSwapped("bgeu"));
  addJumps(m);
  m.set("scall", [form("", "", (e) => e.word(real("ecall").word))]);
  m.set("sbreak", [form("", "", (e) => e.word(real("ebreak").word))]);
  return m;
}

function addJumps(m: Map<string, Form[]>): void {
  m.set("j", [form("i", "target", (e, o) => jalTo(REG_ZERO, e, imm(o, 0), "j"))]);
  m.set("jr", [
    form("r", "rs", (e, o) => jalrWord(e, REG_ZERO, reg(o, 0), undefined)),
    form("m", "offset(rs)", (e, o) => jalrWord(e, REG_ZERO, mem(o, 0).base, mem(o, 0))),
    form("ri", "rs, imm", (e, o) => jalrWord(e, REG_ZERO, reg(o, 0), imm(o, 1))),
  ]);
  m.set("ret", [form("", "", (e) => jalrWord(e, REG_ZERO, REG_RA, undefined))]);
  m.set("call", [
    form("i", "symbol", (e, o) => farJump(REG_RA, REG_RA, e, imm(o, 0), "call"), 2),
    form("ri", "rd, symbol", (e, o) => farJump(reg(o, 0), REG_T1, e, imm(o, 1), "call"), 2),
  ]);
  m.set("tail", [
    form("i", "symbol", (e, o) => farJump(REG_ZERO, REG_T1, e, imm(o, 0), "tail"), 2),
  ]);
  m.set("jump", [
    form("ir", "symbol, rt", (e, o) => farJump(REG_ZERO, reg(o, 1), e, imm(o, 0), "jump"), 2),
  ]);
}

function buildTable(): Map<string, Form[]> {
  const table = pseudoForms();
  for (const s of INSTRUCTIONS) table.set(s.name, realForms(s));
  for (const s of INSTRUCTIONS) {
    if (s.format !== Format.Amo && s.format !== Format.Lr) continue;
    for (const { suffix, bits } of AMO_ORDERINGS) {
      if (suffix !== "") table.set(s.name + suffix, amoForms(s, s.name + suffix, bits));
    }
  }
  return table;
}

const TABLE: ReadonlyMap<string, readonly Form[]> = buildTable();

/** The forms of a mnemonic (lower case), or undefined if there is no such instruction. */
export function formsOf(mnemonic: string): readonly Form[] | undefined {
  return TABLE.get(mnemonic);
}

/** Instructions GNU as knows but RV32IMA lacks, with the extension that would provide them. */
export const OTHER_EXTENSIONS: Readonly<Record<string, string>> = {
  "fence.i": "Zifencei",
  csrr: "Zicsr",
  csrw: "Zicsr",
  csrrw: "Zicsr",
  csrrs: "Zicsr",
  csrrc: "Zicsr",
  csrrwi: "Zicsr",
  csrrsi: "Zicsr",
  csrrci: "Zicsr",
  csrs: "Zicsr",
  csrc: "Zicsr",
  rdcycle: "Zicsr",
  rdtime: "Zicsr",
  rdinstret: "Zicsr",
  pause: "Zihintpause",
  flw: "F",
  fsw: "F",
  "c.nop": "C",
  "c.addi": "C",
  "c.li": "C",
  "c.mv": "C",
  "c.j": "C",
  "c.jr": "C",
  mret: "privileged",
  sret: "privileged",
  wfi: "privileged",
};
