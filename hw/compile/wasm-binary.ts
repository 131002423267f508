// Just enough of the WebAssembly binary format to write one module of one function: the
// instructions compile/wasm.ts uses, the encodings of their operands, a function body's writer,
// and the module around it (which imports the memory, functions and perhaps a table).
// (The format: https://webassembly.github.io/spec/core/binary/ .)

/** Value and block types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export const VOID = 0x40;
/** The type of a table of functions. */
const FUNCREF = 0x70;

/** Opcodes, by their text-format names. */
export const Op = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  br_if: 0x0d,
  br_table: 0x0e,
  call: 0x10,
  return_call_indirect: 0x13,
  drop: 0x1a,
  local_get: 0x20,
  local_set: 0x21,
  local_tee: 0x22,
  i32_load: 0x28,
  i32_load8_s: 0x2c,
  i32_load8_u: 0x2d,
  i32_load16_s: 0x2e,
  i32_load16_u: 0x2f,
  i32_store: 0x36,
  f64_store: 0x39,
  i32_store8: 0x3a,
  i32_store16: 0x3b,
  i32_const: 0x41,
  f64_const: 0x44,
  i32_eqz: 0x45,
  i32_eq: 0x46,
  i32_ne: 0x47,
  i32_lt_s: 0x48,
  i32_lt_u: 0x49,
  i32_ge_s: 0x4e,
  i32_ge_u: 0x4f,
  i32_add: 0x6a,
  i32_sub: 0x6b,
  i32_mul: 0x6c,
  i32_div_s: 0x6d,
  i32_div_u: 0x6e,
  i32_rem_s: 0x6f,
  i32_rem_u: 0x70,
  i32_and: 0x71,
  i32_or: 0x72,
  i32_xor: 0x73,
  i32_shl: 0x74,
  i32_shr_s: 0x75,
  i32_shr_u: 0x76,
  i64_mul: 0x7e,
  i64_shr_u: 0x88,
  f64_add: 0xa0,
  f64_sub: 0xa1,
  f64_mul: 0xa2,
  i32_wrap_i64: 0xa7,
  i64_extend_i32_s: 0xac,
  i64_extend_i32_u: 0xad,
  f64_convert_i32_s: 0xb7,
} as const;

/** An f64's bytes, little-endian as the format has them (and every host we run on). */
const F64_VALUE = new Float64Array(1);
const F64_BYTES = new Uint8Array(F64_VALUE.buffer);

/** A growing byte buffer with the format's encodings. */
export class Bytes {
  private data = new Uint8Array(1024);
  length = 0;

  byte(b: number): this {
    if (this.length === this.data.length) this.grow(1);
    this.data[this.length++] = b;
    return this;
  }

  /** Makes room for `more` bytes. */
  private grow(more: number): void {
    let size = this.data.length * 2;
    while (size < this.length + more) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.data.subarray(0, this.length));
    this.data = bigger;
  }

  /** An unsigned LEB128 number (sizes, indices, offsets). */
  u32(n: number): this {
    let v = n >>> 0;
    do {
      const b = v & 0x7f;
      v >>>= 7;
      this.byte(v === 0 ? b : b | 0x80);
    } while (v !== 0);
    return this;
  }

  /** A signed LEB128 number (i32.const's operand). */
  s32(n: number): this {
    let v = n | 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      const done = (v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0);
      this.byte(done ? b : b | 0x80);
      if (done) return this;
    }
  }

  f64(x: number): this {
    F64_VALUE[0] = x;
    return this.bytes(F64_BYTES);
  }

  bytes(b: Uint8Array): this {
    if (this.length + b.length > this.data.length) this.grow(b.length);
    this.data.set(b, this.length);
    this.length += b.length;
    return this;
  }

  /** A name: its length and its UTF-8 bytes (ASCII here). */
  name(s: string): this {
    this.u32(s.length);
    for (let i = 0; i < s.length; i++) this.byte(s.charCodeAt(i));
    return this;
  }

  /** A section or body: its size first. */
  sized(content: Bytes): this {
    return this.u32(content.length).bytes(content.view());
  }

  view(): Uint8Array {
    return this.data.subarray(0, this.length);
  }
}

/** Alignment hints (log2 bytes) of memory accesses, by size. */
const ALIGN: Record<number, number> = { 1: 0, 2: 1, 4: 2, 8: 3 };

/**
 * A function body being written, one instruction at a time (each method writes one and returns
 * the writer, so that a line of calls reads as the instructions in order), keeping count of the
 * structured constructs open so that a branch can name its target by level.
 */
export class Code {
  readonly bytes = new Bytes();
  /** Blocks, loops and ifs open. */
  level = 0;

  get(local: number): this {
    this.bytes.byte(Op.local_get).u32(local);
    return this;
  }

  set(local: number): this {
    this.bytes.byte(Op.local_set).u32(local);
    return this;
  }

  tee(local: number): this {
    this.bytes.byte(Op.local_tee).u32(local);
    return this;
  }

  i32(value: number): this {
    this.bytes.byte(Op.i32_const).s32(value);
    return this;
  }

  f64(value: number): this {
    this.bytes.byte(Op.f64_const).f64(value);
    return this;
  }

  /** Instructions without operands. */
  op(...codes: number[]): this {
    for (const code of codes) this.bytes.byte(code);
    return this;
  }

  /** A load or store of `size` bytes at the address on the stack plus `offset`. */
  mem(code: number, size: number, offset: number): this {
    this.bytes.byte(code).u32(ALIGN[size]!).u32(offset);
    return this;
  }

  call(func: number): this {
    this.bytes.byte(Op.call).u32(func);
    return this;
  }

  /** A tail call (return_call_indirect) of type `type` through table 0, the index on the stack. */
  returnCallIndirect(type: number): this {
    this.bytes.byte(Op.return_call_indirect).u32(type).u32(0);
    return this;
  }

  /** Opens a block, loop or if (`type`: VOID or a result type); returns its level. */
  open(code: number, type = VOID): number {
    this.bytes.byte(code).byte(type);
    return ++this.level;
  }

  end(): this {
    this.bytes.byte(Op.end);
    this.level--;
    return this;
  }

  /** Branches (br or br_if) to the construct opened at `level`. */
  br(level: number, code: number = Op.br): this {
    this.bytes.byte(code).u32(this.level - level);
    return this;
  }

  /** Branches on the i32 on the stack to the construct at levels[it], or `otherwise` if none. */
  brTable(levels: number[], otherwise: number): this {
    this.bytes.byte(Op.br_table).u32(levels.length);
    for (const level of levels) this.bytes.u32(this.level - level);
    this.bytes.u32(this.level - otherwise);
    return this;
  }
}

/** A function type. */
export interface FunctionType {
  params: number[];
  result: number;
}

/** What moduleOf writes. */
export interface ModuleSpec {
  /** The function types; the exported function has the first. */
  types: FunctionType[];
  /** The functions it imports, e.<name>, with their type's index. */
  imports: [name: string, type: number][];
  /** Whether it imports a table of functions, e.t (what return_call_indirect goes through). */
  table: boolean;
  /** The exported function's own locals (counts by value type), and its code without the end. */
  locals: [count: number, type: number][];
  body: Bytes;
}

/**
 * A module that imports memory `e.m`, perhaps table `e.t` and the functions `spec.imports`, and
 * exports one function `f`.
 */
export function moduleOf(spec: ModuleSpec): Uint8Array {
  const m = new Bytes();
  m.bytes(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
  const types = new Bytes().u32(spec.types.length);
  for (const type of spec.types) {
    types.byte(0x60).u32(type.params.length);
    for (const p of type.params) types.byte(p);
    types.u32(1).byte(type.result);
  }
  m.byte(1).sized(types);
  const imp = new Bytes().u32(spec.imports.length + (spec.table ? 2 : 1));
  imp.name("e").name("m").byte(0x02).byte(0x00).u32(0); // memory, at least 0 pages
  if (spec.table) imp.name("e").name("t").byte(0x01).byte(FUNCREF).byte(0x00).u32(0);
  for (const [name, type] of spec.imports) imp.name("e").name(name).byte(0x00).u32(type);
  m.byte(2).sized(imp);
  m.byte(3).sized(new Bytes().u32(1).u32(0));
  m.byte(7).sized(new Bytes().u32(1).name("f").byte(0x00).u32(spec.imports.length));
  const fn = new Bytes().u32(spec.locals.length);
  for (const [count, t] of spec.locals) fn.u32(count).byte(t);
  fn.bytes(spec.body.view()).byte(Op.end);
  m.byte(10).sized(new Bytes().u32(1).sized(fn));
  return m.view().slice();
}
