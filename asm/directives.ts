// Assembler directives (.text, .word, .align, .equ, ...). Each handler runs in pass 1: it updates
// the assembler's state and, for output, reserves an item whose emit function runs in pass 2.
import type { Assembler } from "./assembler.js";
import { AsmFail } from "./diagnostics.js";
import { describe, type Expr } from "./expr.js";
import { type Token, TokenKind } from "./lexer.js";
import { splitOperands } from "./operands.js";
import { SymbolType } from "./program.js";

/** A directive as written: its name token and its comma-separated operands. */
interface Directive {
  name: string;
  col: number;
  ops: Token[][];
  /** All tokens after the name (for directives that are not comma-separated lists). */
  rest: Token[];
}

type Handler = (a: Assembler, d: Directive) => void;

const MAX_ALIGN_LOG2 = 20; // 1 MiB: more is surely a mistake
const MAX_CONTENT_BYTES = 64 * 1024 * 1024; // a section with contents (.text, .data, ...)
const MAX_NOBITS_BYTES = 0x8000_0000; // .bss: 2 GiB, the user half of the 32-bit address space
const MAX_FILL_SIZE = 8;

/** Runs the directive named by `head` with tokens[start..end) as its operands. */
export function runDirective(
  a: Assembler,
  head: Token,
  tokens: Token[],
  start: number,
  end: number,
): void {
  const name = head.text.toLowerCase();
  const d: Directive = {
    name,
    col: head.col,
    ops: splitOperands(tokens, start, end),
    rest: tokens.slice(start, end),
  };
  const handler = HANDLERS.get(name);
  if (handler !== undefined) {
    handler(a, d);
    return;
  }
  if (name.startsWith(".cfi_") || IGNORED.has(name)) return;
  if (UNSUPPORTED.has(name))
    throw new AsmFail(head.col, `directive '${head.text}' is not supported by this assembler`);
  throw new AsmFail(head.col, `unknown directive '${head.text}'`);
}

/** Directives with no effect on an executable built from one file. */
const IGNORED: ReadonlySet<string> = new Set([
  ".file",
  ".ident",
  ".attribute",
  ".loc",
  ".local",
  ".hidden",
  ".protected",
  ".internal",
  ".addrsig",
  ".addrsig_sym",
  ".text_end",
]);

const UNSUPPORTED: ReadonlySet<string> = new Set([
  ".macro",
  ".endm",
  ".rept",
  ".endr",
  ".irp",
  ".irpc",
  ".if",
  ".ifdef",
  ".ifndef",
  ".else",
  ".endif",
  ".org",
  ".comm",
  ".lcomm",
  ".insn",
  ".incbin",
  ".float",
  ".double",
  ".uleb128",
  ".sleb128",
]);

// ---- operand helpers ----

function expr(a: Assembler, tokens: Token[], d: Directive): Expr {
  if (tokens.length === 0) throw new AsmFail(d.col, `${d.name}: missing operand`);
  return a.parseExpr(tokens, 0, tokens.length);
}

function optionalExpr(a: Assembler, tokens: Token[] | undefined): Expr | undefined {
  return tokens === undefined || tokens.length === 0
    ? undefined
    : a.parseExpr(tokens, 0, tokens.length);
}

function symbolName(tokens: Token[] | undefined, d: Directive): Token {
  const t = tokens?.[0];
  if (t === undefined || t.kind !== TokenKind.Ident || tokens!.length !== 1) {
    throw new AsmFail(
      t?.col ?? d.col,
      `${d.name} needs a symbol name${t === undefined ? "" : `, not ${describe(t)}`}`,
    );
  }
  return t;
}

function expectOps(d: Directive, min: number, max: number): void {
  const n = d.ops.length;
  if (n < min || n > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new AsmFail(d.col, `${d.name} takes ${want} operand${max === 1 ? "" : "s"}, not ${n}`);
  }
}

/** A non-negative size that must be known in pass 1. */
function count(a: Assembler, e: Expr, what: string, limit = MAX_CONTENT_BYTES): number {
  const v = a.constant1(e, what);
  if (v < 0n) throw new AsmFail(e.col, `${what} cannot be negative (${v})`);
  if (v > BigInt(limit)) throw new AsmFail(e.col, `${what} ${v} is too large (at most ${limit})`);
  return Number(v);
}

function reserve(
  a: Assembler,
  size: number,
  col: number,
  emit: Parameters<Assembler["addItem"]>[1],
): void {
  const max = a.current.nobits ? MAX_NOBITS_BYTES : MAX_CONTENT_BYTES;
  if (a.current.size + size > max)
    throw new AsmFail(col, `section ${a.current.name} would be larger than ${max} bytes`);
  a.addItem(size, emit);
}

// ---- sections ----

function simpleSection(name: string): Handler {
  return (a, d) => {
    if (d.ops.length > 0)
      throw new AsmFail(d.col, `${d.name} takes no operands here (subsections are not supported)`);
    a.switchTo(a.section(name));
  };
}

/** .section NAME[, "flags"[, @type]] */
function sectionDirective(a: Assembler, d: Directive): void {
  const [nameToks, flagToks, typeToks] = d.ops;
  if (nameToks === undefined || nameToks.length === 0)
    throw new AsmFail(d.col, ".section needs a section name");
  const name =
    nameToks[0]!.kind === TokenKind.String
      ? decode(nameToks[0]!)
      : nameToks.map((t) => t.text).join("");
  let flags: string | undefined;
  if (flagToks !== undefined) {
    const f = flagToks[0];
    if (f === undefined || f.kind !== TokenKind.String || flagToks.length !== 1) {
      throw new AsmFail(
        f?.col ?? d.col,
        '.section flags must be a string such as "ax", "a" or "aw"',
      );
    }
    flags = decode(f);
  }
  const type = typeToks?.find((t) => t.kind === TokenKind.Ident || t.kind === TokenKind.String);
  const typeName =
    type === undefined
      ? undefined
      : type.kind === TokenKind.String
        ? decode(type).replace(/^[@%]/, "")
        : type.text;
  a.switchTo(a.section(name, flags, typeName));
}

function decode(t: Token): string {
  return String.fromCharCode(...(t.bytes ?? []));
}

function pushSection(a: Assembler, d: Directive): void {
  a.sectionStack.push({ current: a.current, previous: a.previous });
  sectionDirective(a, d);
}

function popSection(a: Assembler, d: Directive): void {
  const top = a.sectionStack.pop();
  if (top === undefined) throw new AsmFail(d.col, ".popsection without a matching .pushsection");
  a.current = top.current;
  a.previous = top.previous;
}

function previousSection(a: Assembler): void {
  a.switchTo(a.previous);
}

// ---- symbols ----

function globl(a: Assembler, d: Directive): void {
  if (d.ops.length === 0) throw new AsmFail(d.col, `${d.name} needs at least one symbol name`);
  for (const op of d.ops) {
    const t = symbolName(op, d);
    const e = a.symbols.entry(t.text);
    e.global = true;
    e.globalPos ??= a.at(t.col);
  }
}

function equ(once: boolean): Handler {
  return (a, d) => {
    expectOps(d, 2, 2);
    const name = symbolName(d.ops[0], d);
    a.defineEqu(name, expr(a, d.ops[1]!, d), once);
  };
}

const TYPE_NAMES: Readonly<Record<string, SymbolType>> = {
  function: SymbolType.Func,
  STT_FUNC: SymbolType.Func,
  object: SymbolType.Object,
  STT_OBJECT: SymbolType.Object,
  notype: SymbolType.None,
  STT_NOTYPE: SymbolType.None,
};

/** .type NAME, @function | %function | STT_FUNC | @object ... */
function typeDirective(a: Assembler, d: Directive): void {
  expectOps(d, 2, 2);
  const name = symbolName(d.ops[0], d);
  const word = d.ops[1]!.find((t) => t.kind === TokenKind.Ident || t.kind === TokenKind.String);
  const text =
    word === undefined
      ? ""
      : word.kind === TokenKind.String
        ? decode(word).replace(/^[@%]/, "")
        : word.text;
  const type = TYPE_NAMES[text];
  if (type === undefined) return; // other types (tls_object, gnu_indirect_function...) change nothing here
  a.symbols.entry(name.text).type = type;
}

function sizeDirective(a: Assembler, d: Directive): void {
  expectOps(d, 2, 2);
  const name = symbolName(d.ops[0], d);
  const e = expr(a, d.ops[1]!, d);
  const dot = {
    base: { kind: "section" as const, section: a.current },
    offset: BigInt(a.current.size),
  };
  a.symbols.entry(name.text).size = { expr: e, seq: a.symbols.seq, dot, pos: a.at(e.col) };
}

// ---- data ----

function integers(size: number): Handler {
  return (a, d) => {
    const exprs = d.ops.map((op) => expr(a, op, d));
    reserve(a, size * exprs.length, d.col, (w) => {
      for (const e of exprs) w.data(e, size);
    });
  };
}

function strings(terminated: boolean): Handler {
  return (a, d) => {
    const chunks = d.ops.map((op) => {
      const t = op[0];
      if (t === undefined || t.kind !== TokenKind.String || op.length !== 1) {
        throw new AsmFail(
          t?.col ?? d.col,
          `${d.name} takes strings in double quotes${t === undefined ? "" : `, not ${describe(t)}`}`,
        );
      }
      return terminated ? [...t.bytes!, 0] : t.bytes!;
    });
    const bytes = chunks.flat();
    reserve(a, bytes.length, d.col, (w) => w.bytes(bytes, d.col));
  };
}

/** .space/.skip N[, fill] and .zero N */
function space(allowFill: boolean): Handler {
  return (a, d) => {
    expectOps(d, 1, allowFill ? 2 : 1);
    const limit = a.current.nobits ? MAX_NOBITS_BYTES : MAX_CONTENT_BYTES;
    const n = count(a, expr(a, d.ops[0]!, d), `${d.name} size`, limit);
    const fillExpr = optionalExpr(a, d.ops[1]);
    const fill =
      fillExpr === undefined ? 0n : a.constant1(fillExpr, `${d.name} fill value`) & 0xffn;
    reserve(a, n, d.col, (w) => w.pad(n, Number(fill)));
  };
}

/** .fill repeat[, size[, value]]: `repeat` copies of `value` as `size` bytes. */
function fill(a: Assembler, d: Directive): void {
  expectOps(d, 1, 3);
  const repeat = count(a, expr(a, d.ops[0]!, d), ".fill repeat count");
  const sizeExpr = optionalExpr(a, d.ops[1]);
  const size =
    sizeExpr === undefined ? 1 : Math.min(count(a, sizeExpr, ".fill size", 1 << 16), MAX_FILL_SIZE);
  const valueExpr = optionalExpr(a, d.ops[2]);
  const value = valueExpr === undefined ? 0n : a.constant1(valueExpr, ".fill value");
  reserve(a, repeat * size, d.col, (w) => w.repeat(littleEndian(value, size), repeat, d.col));
}

/** The low `size` bytes of `value`, least significant first. */
function littleEndian(value: bigint, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let v = BigInt.asUintN(64, value);
  for (let i = 0; i < size; i++, v >>= 8n) bytes[i] = Number(v & 0xffn);
  return bytes;
}

// ---- alignment ----

/** .align and .p2align take log2 of the alignment (on RISC-V); .balign takes bytes. */
function align(log2: boolean): Handler {
  return (a, d) => {
    expectOps(d, 1, 3);
    const arg = count(
      a,
      expr(a, d.ops[0]!, d),
      `${d.name} alignment`,
      log2 ? MAX_ALIGN_LOG2 : 1 << MAX_ALIGN_LOG2,
    );
    const bytes = log2 ? 2 ** arg : Math.max(arg, 1);
    if ((bytes & (bytes - 1)) !== 0)
      throw new AsmFail(d.col, `${d.name} alignment ${bytes} is not a power of 2`);
    const fillExpr = optionalExpr(a, d.ops[1]);
    const fillValue =
      fillExpr === undefined
        ? undefined
        : Number(a.constant1(fillExpr, `${d.name} fill value`) & 0xffn);
    const maxExpr = optionalExpr(a, d.ops[2]);
    const max = maxExpr === undefined ? undefined : count(a, maxExpr, `${d.name} maximum padding`);
    alignTo(a, bytes, fillValue, max, d.col);
  };
}

function alignTo(
  a: Assembler,
  bytes: number,
  fillValue: number | undefined,
  max: number | undefined,
  col: number,
): void {
  const s = a.current;
  s.align = Math.max(s.align, bytes);
  const padding = (bytes - (s.size % bytes)) % bytes;
  if (padding === 0 || (max !== undefined && padding > max)) return;
  reserve(a, padding, col, (w) => w.pad(padding, fillValue));
}

// ---- everything else ----

function option(_a: Assembler, d: Directive): void {
  const words = d.rest.map((t) => t.text).join("");
  if (words === "rvc" || /^arch,.*\+c/.test(words)) {
    throw new AsmFail(
      d.col,
      "compressed instructions (the C extension) are not supported: this assembler is RV32IMA only",
    );
  }
  if (words === "pic")
    throw new AsmFail(
      d.col,
      "'.option pic' is not supported: executables here are static (no GOT)",
    );
}

function include(a: Assembler, d: Directive): void {
  const t = d.ops[0]?.[0];
  if (
    d.ops.length !== 1 ||
    t === undefined ||
    t.kind !== TokenKind.String ||
    d.ops[0]!.length !== 1
  ) {
    throw new AsmFail(
      t?.col ?? d.col,
      '.include needs one file name in double quotes, as in .include "defs.s"',
    );
  }
  a.include(new TextDecoder().decode(new Uint8Array(t.bytes!)), t.col);
}

function end(a: Assembler): void {
  a.endOfFile = true;
}

const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  [".text", simpleSection(".text")],
  [".data", simpleSection(".data")],
  [".bss", simpleSection(".bss")],
  [".rodata", simpleSection(".rodata")],
  [".section", sectionDirective],
  [".pushsection", pushSection],
  [".popsection", popSection],
  [".previous", previousSection],
  [".globl", globl],
  [".global", globl],
  [".weak", globl],
  [".equ", equ(false)],
  [".set", equ(false)],
  [".equiv", equ(true)],
  [".type", typeDirective],
  [".size", sizeDirective],
  [".byte", integers(1)],
  [".half", integers(2)],
  [".short", integers(2)],
  [".hword", integers(2)],
  [".2byte", integers(2)],
  [".word", integers(4)],
  [".long", integers(4)],
  [".int", integers(4)],
  [".4byte", integers(4)],
  [".dword", integers(8)],
  [".quad", integers(8)],
  [".8byte", integers(8)],
  [".ascii", strings(false)],
  [".asciz", strings(true)],
  [".string", strings(true)],
  [".space", space(true)],
  [".skip", space(true)],
  [".zero", space(false)],
  [".fill", fill],
  [".align", align(true)],
  [".p2align", align(true)],
  [".balign", align(false)],
  [".option", option],
  [".include", include],
  [".end", end],
]);
