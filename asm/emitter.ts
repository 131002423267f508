// Pass 2: writes the bytes of each item into its section and records fixups for the values that
// depend on where the sections will be placed.
import type { Assembler, Item } from "./assembler.js";
import { AsmFail } from "./diagnostics.js";
import { type EvalContext, type Expr, evaluate, type Value } from "./expr.js";
import type { Emitter } from "./instructions.js";
import { IMM12_MAX, IMM12_MIN, IMM20_MAX, SHAMT_MAX, splitHiLo } from "./isa.js";
import { type ImmOperand, type MemOperand, RelocFn } from "./operands.js";
import { FixupKind } from "./program.js";

const NOP = 0x00000013; // addi x0, x0, 0
const C_NOP = 0x0001; // GNU as pads a 2-byte gap with c.nop even without the C extension
const BITS_PER_BYTE = 8n;
const NOP_BYTES = Uint8Array.of(NOP & 0xff, (NOP >>> 8) & 0xff, (NOP >>> 16) & 0xff, NOP >>> 24);

/** Writes one item at a time; it is also the evaluation context of that item (its `.`). */
export class Pass2Writer implements Emitter, EvalContext {
  private readonly asm: Assembler;
  private item: Item | undefined;
  private here = 0;

  constructor(asm: Assembler) {
    this.asm = asm;
  }

  /** Emits one item; checks it wrote exactly the size pass 1 reserved. */
  run(item: Item): void {
    this.item = item;
    this.here = item.offset;
    item.emit(this);
    if (this.here !== item.offset + item.size) {
      throw new Error(
        `Pass2Writer.run: ${item.pos.file}:${item.pos.line} wrote ${this.here - item.offset} bytes, planned ${item.size}`,
      );
    }
  }

  // ---- evaluation (the EvalContext of the current item) ----

  symbol(name: string, col: number): Value {
    return this.asm.symbols.lookup(name, this.item!.seq, col, this.asm);
  }

  /** `.` is where the next byte goes: the start of an instruction, or of each .word value. */
  dot(): Value {
    return { base: { kind: "section", section: this.item!.section }, offset: BigInt(this.here) };
  }

  warn(col: number, message: string): void {
    this.asm.warn(this.asm.at(col), message);
  }

  private get section() {
    return this.item!.section;
  }

  /** Evaluates an expression at this item. */
  value(expr: Expr): Value {
    return evaluate(expr, this);
  }

  // ---- raw output ----

  word(w: number): void {
    const s = this.section;
    if (s.nobits) {
      this.little(BigInt(w), 4, 0);
      return;
    }
    const b = s.bytes;
    const at = this.here;
    b[at] = w & 0xff;
    b[at + 1] = (w >>> 8) & 0xff;
    b[at + 2] = (w >>> 16) & 0xff;
    b[at + 3] = (w >>> 24) & 0xff;
    this.here = at + 4;
  }

  /** Writes `count` bytes of `value` little-endian. */
  little(value: bigint, count: number, col: number): void {
    const s = this.section;
    if (s.nobits) {
      if (value !== 0n)
        throw new AsmFail(
          col || this.item!.pos.col,
          `cannot store non-zero values in ${s.name} (it has no contents; use .data)`,
        );
      this.here += count;
      return;
    }
    let v = BigInt.asUintN(64, value);
    for (let i = 0; i < count; i++) {
      s.bytes[this.here++] = Number(v & 0xffn);
      v >>= BITS_PER_BYTE;
    }
  }

  bytes(data: ArrayLike<number>, col: number): void {
    const s = this.section;
    if (s.nobits) {
      for (let i = 0; i < data.length; i++) this.little(BigInt(data[i]!), 1, col);
      return;
    }
    s.bytes.set(data, this.here);
    this.here += data.length;
  }

  /**
   * `count` copies of `pattern` (.space, .fill, padding): in a section without contents only
   * zeros, and no work at all; elsewhere one fill, however large.
   */
  repeat(pattern: Uint8Array, count: number, col: number): void {
    const s = this.section;
    const total = pattern.length * count;
    if (s.nobits) {
      if (pattern.some((b) => b !== 0))
        throw new AsmFail(
          col || this.item!.pos.col,
          `cannot store non-zero values in ${s.name} (it has no contents; use .data)`,
        );
    } else fillPattern(s.bytes, this.here, total, pattern);
    this.here += total;
  }

  /** Alignment padding and .space: nops in code (GNU as's pattern), else the fill byte. */
  pad(count: number, fill: number | undefined): void {
    if (fill !== undefined || !this.section.code || this.section.nobits) {
      this.repeat(Uint8Array.of(fill ?? 0), count, 0);
      return;
    }
    let left = count;
    if (left % 2 === 1) {
      this.little(0n, 1, 0);
      left--;
    }
    if (left % 4 === 2) {
      this.little(BigInt(C_NOP), 2, 0);
      left -= 2;
    }
    this.repeat(NOP_BYTES, left / 4, 0);
  }

  /** A data value of `size` bytes: a number (truncated with a warning), or an address (fixup). */
  data(expr: Expr, size: number): void {
    const v = this.value(expr);
    if (v.base === undefined) {
      this.little(truncated(v.offset, size, expr.col, this), size, expr.col);
      return;
    }
    const kind =
      size === 4
        ? FixupKind.Abs32
        : size === 2
          ? FixupKind.Abs16
          : size === 1
            ? FixupKind.Abs8
            : undefined;
    if (kind === undefined)
      throw new AsmFail(expr.col, `an address takes 4 bytes (.word); it cannot fill ${size}`);
    this.fixup(kind, v, expr.col);
    this.little(0n, size, expr.col);
  }

  // ---- instruction operands (the Emitter interface) ----

  imm12(op: ImmOperand | MemOperand, format: "I" | "S", mnemonic: string): number {
    if (op.expr === undefined) return 0;
    const v = this.value(op.expr);
    switch (op.fn) {
      case undefined:
        return this.smallConstant(v, op.expr, mnemonic);
      case RelocFn.Lo:
        if (v.base === undefined) return splitHiLo(Number(BigInt.asIntN(32, v.offset))).lo;
        this.fixup(format === "I" ? FixupKind.Lo12I : FixupKind.Lo12S, v, op.col);
        return 0;
      case RelocFn.PcrelLo:
        if (v.base === undefined)
          throw new AsmFail(
            op.col,
            "%pcrel_lo needs the label of an auipc with %pcrel_hi, not a number",
          );
        this.fixup(format === "I" ? FixupKind.PcrelLo12I : FixupKind.PcrelLo12S, v, op.col);
        return 0;
      default:
        throw new AsmFail(
          op.col,
          `%${op.fn} gives the upper 20 bits (for lui/auipc); '${mnemonic}' needs %lo or %pcrel_lo here`,
        );
    }
  }

  private smallConstant(v: Value, expr: Expr, mnemonic: string): number {
    if (v.base !== undefined) {
      throw new AsmFail(
        expr.col,
        `'${mnemonic}' needs a 12-bit constant here, not an address (use %lo(symbol) or la)`,
      );
    }
    if (v.offset < BigInt(IMM12_MIN) || v.offset > BigInt(IMM12_MAX)) {
      throw new AsmFail(
        expr.col,
        `immediate ${v.offset} is out of range for '${mnemonic}' (${IMM12_MIN}..${IMM12_MAX})`,
      );
    }
    return Number(v.offset);
  }

  upper20(op: ImmOperand, mnemonic: string): number {
    const v = this.value(op.expr);
    switch (op.fn) {
      case undefined:
        if (v.base !== undefined)
          throw new AsmFail(
            op.col,
            `'${mnemonic}' needs a constant here, not an address (use %hi(symbol) or %pcrel_hi(symbol))`,
          );
        if (v.offset < 0n || v.offset > BigInt(IMM20_MAX)) {
          throw new AsmFail(
            op.col,
            `'${mnemonic}' immediate ${v.offset} is out of range (0..${IMM20_MAX}, the upper 20 bits)`,
          );
        }
        return Number(v.offset);
      case RelocFn.Hi:
        if (v.base === undefined) return splitHiLo(Number(BigInt.asIntN(32, v.offset))).hi;
        this.fixup(FixupKind.Hi20, v, op.col);
        return 0;
      case RelocFn.PcrelHi:
        this.fixup(FixupKind.PcrelHi20, v, op.col);
        return 0;
      default:
        throw new AsmFail(
          op.col,
          `%${op.fn} gives the lower 12 bits; '${mnemonic}' needs %hi or %pcrel_hi here`,
        );
    }
  }

  shamt(op: ImmOperand, mnemonic: string): number {
    if (op.fn !== undefined) throw new AsmFail(op.col, `a shift amount cannot be %${op.fn}(...)`);
    const v = this.value(op.expr);
    if (v.base !== undefined)
      throw new AsmFail(op.col, `'${mnemonic}' needs a shift amount, not an address`);
    if (v.offset < 0n || v.offset > BigInt(SHAMT_MAX)) {
      throw new AsmFail(
        op.col,
        `shift amount ${v.offset} is out of range for '${mnemonic}' (0..${SHAMT_MAX})`,
      );
    }
    return Number(v.offset);
  }

  target(op: ImmOperand, kind: FixupKind, mnemonic: string): void {
    if (op.fn !== undefined)
      throw new AsmFail(op.col, `'${mnemonic}' takes a symbol or address, not %${op.fn}(...)`);
    this.fixup(kind, this.value(op.expr), op.col);
  }

  private fixup(kind: FixupKind, target: Value, col: number): void {
    if (this.section.nobits)
      throw new AsmFail(col, `cannot store addresses in ${this.section.name} (it has no contents)`);
    this.asm.fixups.push({
      kind,
      section: this.section,
      offset: this.here,
      target,
      pos: this.asm.at(col),
    });
  }
}

/**
 * Writes `total` bytes at `at`: `pattern` over and over (doubling copies, not a byte loop). Pass 2
 * starts from zeroed sections and writes each byte once, so zeros need no writing.
 */
function fillPattern(bytes: Uint8Array, at: number, total: number, pattern: Uint8Array): void {
  if (total === 0 || pattern.every((b) => b === 0)) return;
  if (pattern.length === 1) {
    bytes.fill(pattern[0]!, at, at + total);
    return;
  }
  bytes.set(pattern.subarray(0, Math.min(pattern.length, total)), at);
  for (let done = pattern.length; done < total; done *= 2)
    bytes.copyWithin(at + done, at, at + Math.min(done, total - done));
}

/** The value as `size` bytes store it, warning (as GNU as does) when significant bits are lost. */
function truncated(value: bigint, size: number, col: number, ctx: EvalContext): bigint {
  const bits = BigInt(size) * BITS_PER_BYTE;
  if (bits >= 64n) return value;
  const high = value >> bits; // arithmetic: all zeros or all ones if nothing is lost
  const kept = BigInt.asUintN(Number(bits), value);
  if (high !== 0n && high !== -1n) {
    ctx.warn(
      col,
      `value 0x${BigInt.asUintN(64, value).toString(16)} truncated to 0x${kept.toString(16)}`,
    );
  }
  return kept;
}
