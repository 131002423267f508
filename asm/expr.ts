// Expressions as GNU as evaluates them: 64-bit two's-complement integers, its own operator
// precedence (not C's: `2 + 3 & 1` is 3), comparisons giving -1 for true, and values that are
// either absolute or "an address in a section plus a constant" (a relocatable value).
import { AsmFail } from "./diagnostics.js";
import { type Token, TokenKind } from "./lexer.js";

export type UnaryOp = "neg" | "bitnot" | "lognot" | "plus";
export type BinaryOp =
  | "*"
  | "/"
  | "%"
  | "<<"
  | ">>"
  | "|"
  | "&"
  | "^"
  | "!"
  | "+"
  | "-"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "&&"
  | "||";

export type Expr =
  | { op: "num"; value: bigint; col: number }
  | { op: "sym"; name: string; col: number }
  | { op: "dot"; col: number }
  | { op: UnaryOp; arg: Expr; col: number }
  | { op: BinaryOp; left: Expr; right: Expr; col: number };

/**
 * Binary operator ranks, higher binds tighter; equal ranks associate to the left. These are GNU
 * as's ranks (gas/expr.c), which put shifts with `*` and the bitwise operators above `+`.
 */
const RANK: Readonly<Record<string, number>> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<>": 3,
  "<": 3,
  "<=": 3,
  ">": 3,
  ">=": 3,
  "+": 4,
  "-": 4,
  "|": 5,
  "&": 5,
  "^": 5,
  "!": 5,
  "*": 6,
  "/": 6,
  "%": 6,
  "<<": 6,
  ">>": 6,
};

/** Something a relocatable value is relative to: a section of this program, or a linker symbol. */
export interface SectionRef {
  readonly name: string;
}
export type Base = { kind: "section"; section: SectionRef } | { kind: "linker"; name: string };

/** An absolute value (base undefined) or base + offset. */
export interface Value {
  base: Base | undefined;
  offset: bigint;
}

/** What evaluation needs from the assembler. Lookups throw AsmFail for unknown symbols. */
export interface EvalContext {
  symbol(name: string, col: number): Value;
  /** The location counter `.`. */
  dot(col: number): Value;
  warn(col: number, message: string): void;
}

/** Resolves a numeric local label reference (`1b`, `2f`) to the internal symbol name. */
export type LocalRefResolver = (token: Token) => string;

/** Reads tokens[pos..end) as one expression; throws AsmFail on a syntax error. */
export function parseExpression(
  tokens: readonly Token[],
  start: number,
  end: number,
  resolveLocal: LocalRefResolver,
): Expr {
  if (start >= end) {
    const prev = tokens[start - 1];
    throw new AsmFail(
      prev === undefined ? 1 : prev.col + Math.max(prev.text.length, 1),
      "missing expression",
    );
  }
  const p = new ExprParser(tokens, start, end, resolveLocal);
  const e = p.binary(0);
  if (p.pos < end)
    throw new AsmFail(tokens[p.pos]!.col, `unexpected ${describe(tokens[p.pos]!)} in expression`);
  return e;
}

/** How a token is named in messages. */
export function describe(t: Token): string {
  if (t.kind === TokenKind.String) return "string";
  if (t.kind === TokenKind.LocalRef) return `'${t.text}${t.dir}'`;
  return `'${t.text}'`;
}

class ExprParser {
  pos: number;
  private readonly tokens: readonly Token[];
  private readonly end: number;
  private readonly resolveLocal: LocalRefResolver;

  constructor(
    tokens: readonly Token[],
    start: number,
    end: number,
    resolveLocal: LocalRefResolver,
  ) {
    this.tokens = tokens;
    this.pos = start;
    this.end = end;
    this.resolveLocal = resolveLocal;
  }

  /** Precedence climbing over RANK. */
  binary(minRank: number): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t === undefined || t.kind !== TokenKind.Punct) return left;
      const rank = RANK[t.text];
      if (rank === undefined || rank <= minRank) return left;
      this.pos++;
      const right = this.binary(rank);
      const op = (t.text === "<>" ? "!=" : t.text) as BinaryOp;
      left = { op, left, right, col: t.col };
    }
  }

  private unary(): Expr {
    const t = this.next();
    if (t.kind === TokenKind.Punct) {
      const op = UNARY[t.text];
      if (op !== undefined) return { op, arg: this.unary(), col: t.col };
      if (t.text === "(") return this.parenthesized();
    }
    return this.primary(t);
  }

  private parenthesized(): Expr {
    const e = this.binary(0);
    const close = this.peek();
    if (close === undefined || close.text !== ")" || close.kind !== TokenKind.Punct) {
      throw new AsmFail(close?.col ?? this.lastCol(), "missing ')' in expression");
    }
    this.pos++;
    return e;
  }

  private primary(t: Token): Expr {
    switch (t.kind) {
      case TokenKind.Number:
        return { op: "num", value: t.value ?? 0n, col: t.col };
      case TokenKind.Ident:
        return t.text === "." ? { op: "dot", col: t.col } : { op: "sym", name: t.text, col: t.col };
      case TokenKind.LocalRef:
        return { op: "sym", name: this.resolveLocal(t), col: t.col };
      case TokenKind.Error:
        throw new AsmFail(t.col, t.text);
      default:
        throw new AsmFail(t.col, `expected a number or a symbol, found ${describe(t)}`);
    }
  }

  private peek(): Token | undefined {
    return this.pos < this.end ? this.tokens[this.pos] : undefined;
  }

  private next(): Token {
    const t = this.peek();
    if (t === undefined) throw new AsmFail(this.lastCol(), "expression ends too early");
    this.pos++;
    return t;
  }

  private lastCol(): number {
    const last = this.tokens[this.end - 1];
    return last === undefined ? 1 : last.col + Math.max(1, last.text.length);
  }
}

const UNARY: Readonly<Record<string, UnaryOp>> = {
  "-": "neg",
  "~": "bitnot",
  "!": "lognot",
  "+": "plus",
};

const I64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const TRUE = -1n; // GNU as: a true comparison is all ones
const SHIFT_LIMIT = 64n;

/** Evaluates an expression; throws AsmFail for undefined symbols and non-relocatable results. */
export function evaluate(e: Expr, ctx: EvalContext): Value {
  switch (e.op) {
    case "num":
      return { base: undefined, offset: I64(e.value) };
    case "sym":
      return ctx.symbol(e.name, e.col);
    case "dot":
      return ctx.dot(e.col);
    case "neg":
    case "bitnot":
    case "lognot":
    case "plus":
      return evalUnary(e.op, evaluate(e.arg, ctx), e.col);
    default:
      return evalBinary(e.op, evaluate(e.left, ctx), evaluate(e.right, ctx), e.col, ctx);
  }
}

function evalUnary(op: UnaryOp, v: Value, col: number): Value {
  if (op === "plus") return v;
  const x = absolute(v, col, op === "neg" ? "-" : op === "bitnot" ? "~" : "!");
  if (op === "neg") return abs(I64(-x));
  if (op === "bitnot") return abs(I64(~x));
  return abs(x === 0n ? 1n : 0n);
}

function evalBinary(op: BinaryOp, l: Value, r: Value, col: number, ctx: EvalContext): Value {
  if (op === "+") {
    if (l.base !== undefined && r.base !== undefined) {
      throw new AsmFail(col, "cannot add two addresses");
    }
    return { base: l.base ?? r.base, offset: I64(l.offset + r.offset) };
  }
  if (op === "-") return subtract(l, r, col);
  return abs(arith(op, absolute(l, col, op), absolute(r, col, op), col, ctx));
}

function subtract(l: Value, r: Value, col: number): Value {
  if (r.base === undefined) return { base: l.base, offset: I64(l.offset - r.offset) };
  if (l.base !== undefined && sameBase(l.base, r.base)) return abs(I64(l.offset - r.offset));
  throw new AsmFail(
    col,
    "cannot subtract addresses in different sections (or an address from a number)",
  );
}

function sameBase(a: Base, b: Base): boolean {
  if (a.kind === "section" && b.kind === "section") return a.section === b.section;
  return a.kind === "linker" && b.kind === "linker" && a.name === b.name;
}

function arith(op: BinaryOp, a: bigint, b: bigint, col: number, ctx: EvalContext): bigint {
  switch (op) {
    case "*":
      return I64(a * b);
    case "/":
    case "%":
      if (b === 0n) throw new AsmFail(col, "division by zero");
      return I64(op === "/" ? a / b : a % b);
    case "<<":
    case ">>":
      return shift(op, a, b, col, ctx);
    case "|":
      return a | b;
    case "&":
      return a & b;
    case "^":
      return a ^ b;
    case "!":
      return a | ~b; // GNU as's binary "or not"
    case "==":
      return a === b ? TRUE : 0n;
    case "!=":
      return a !== b ? TRUE : 0n;
    case "<":
      return a < b ? TRUE : 0n;
    case "<=":
      return a <= b ? TRUE : 0n;
    case ">":
      return a > b ? TRUE : 0n;
    case ">=":
      return a >= b ? TRUE : 0n;
    case "&&":
      return a !== 0n && b !== 0n ? 1n : 0n;
    default:
      return a !== 0n || b !== 0n ? 1n : 0n;
  }
}

/** `<<` and `>>` (logical, on the 64-bit pattern, as GNU as does). */
function shift(op: "<<" | ">>", a: bigint, b: bigint, col: number, ctx: EvalContext): bigint {
  if (b < 0n || b >= SHIFT_LIMIT) {
    ctx.warn(col, `shift count out of range (${b} is not between 0 and 63)`);
    return 0n;
  }
  return op === "<<" ? I64(a << b) : I64(BigInt.asUintN(64, a) >> b);
}

function abs(offset: bigint): Value {
  return { base: undefined, offset };
}

function absolute(v: Value, col: number, op: string): bigint {
  if (v.base !== undefined) {
    throw new AsmFail(col, `'${op}' cannot be applied to an address (only + and - can)`);
  }
  return v.offset;
}

/** The names of all symbols an expression mentions (for "defined in terms of itself" checks). */
export function symbolsOf(e: Expr, out: string[] = []): string[] {
  if (e.op === "sym") out.push(e.name);
  else if ("arg" in e) symbolsOf(e.arg, out);
  else if ("left" in e) {
    symbolsOf(e.left, out);
    symbolsOf(e.right, out);
  }
  return out;
}
