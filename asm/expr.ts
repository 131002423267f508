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

/**
 * Limits on one expression, far beyond anything written by hand or by a compiler: parentheses and
 * unary operators nested at most MAX_EXPR_NESTING deep, and at most MAX_EXPR_OPERATORS binary
 * operators. Together they bound the height of its tree, so evaluating it stays within the host's
 * stack (symbols defined by other expressions are followed without nesting: see evaluate).
 */
export const MAX_EXPR_NESTING = 256;
export const MAX_EXPR_OPERATORS = 1024;

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
  /** Parentheses and unary operators open around the current token. */
  private depth = 0;
  /** Binary operators read so far. */
  private operators = 0;

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
      if (++this.operators > MAX_EXPR_OPERATORS)
        throw new AsmFail(t.col, `expression has more than ${MAX_EXPR_OPERATORS} operators`);
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
      if (op !== undefined) return { op, arg: this.nested(t, () => this.unary()), col: t.col };
      if (t.text === "(") return this.nested(t, () => this.parenthesized());
    }
    return this.primary(t);
  }

  /** Reads what `t` opens, one level deeper; beyond MAX_EXPR_NESTING it is an error at `t`. */
  private nested(t: Token, read: () => Expr): Expr {
    if (this.depth >= MAX_EXPR_NESTING) {
      throw new AsmFail(
        t.col,
        `expression nested more than ${MAX_EXPR_NESTING} deep (parentheses and unary operators)`,
      );
    }
    this.depth++;
    try {
      return read();
    } finally {
      this.depth--;
    }
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

/**
 * Evaluation depth at which a symbol whose value is not known yet is not followed but deferred:
 * evaluate() computes it first, from the top, then retries. A chain of `.set n, n + 1` of any
 * length thus takes linear time and bounded stack.
 */
export const DEFER_DEPTH = 64;

/** Nodes being evaluated right now, below the outermost evaluate(). */
let evalDepth = 0;
/** An outermost evaluate() is running (and will run what is deferred). */
let driving = false;

/** "Defined in terms of itself": permanent, so every definition it passes through is marked. */
export class CycleFail extends AsmFail {
  constructor(col: number, name: string) {
    super(col, `symbol '${name}' is defined in terms of itself`);
  }
}

/** What a deferred definition is known by; marked when it is found on a cycle. */
export interface DeferKey {
  onCycle?: boolean;
}

/** Thrown by a symbol lookup at DEFER_DEPTH: `run` computes (and keeps) the symbol's value. */
export class Deferred {
  readonly key: DeferKey;
  readonly name: string;
  readonly col: number;
  readonly run: () => void;
  constructor(key: DeferKey, name: string, col: number, run: () => void) {
    this.key = key;
    this.name = name;
    this.col = col;
    this.run = run;
  }
}

/** True where a symbol lookup should throw Deferred instead of evaluating its definition. */
export function shouldDefer(): boolean {
  return driving && evalDepth >= DEFER_DEPTH;
}

/**
 * Evaluates an expression; throws AsmFail for undefined symbols, symbols defined in terms of
 * themselves, and non-relocatable results. The outermost call runs deferred symbol definitions
 * (innermost first) before retrying, so recursion never goes deeper than DEFER_DEPTH plus the
 * height of one expression.
 */
export function evaluate(e: Expr, ctx: EvalContext): Value {
  if (driving) return evaluateCounted(e, ctx);
  driving = true;
  try {
    const pending: Deferred[] = [];
    for (;;) {
      try {
        const first = pending.at(-1);
        if (first === undefined) return evaluateCounted(e, ctx);
        first.run();
        pending.pop();
      } catch (err) {
        if (!(err instanceof Deferred)) throw err;
        const again = pending.findIndex((p) => p.key === err.key);
        if (again >= 0) {
          // Each of these waits for the next, and the last for the first: all are on the cycle,
          // and any later use of them fails at once.
          for (const p of pending.slice(again)) p.key.onCycle = true;
          throw new CycleFail(err.col, err.name);
        }
        pending.push(err);
      }
    }
  } finally {
    driving = false;
  }
}

function evaluateCounted(e: Expr, ctx: EvalContext): Value {
  evalDepth++;
  try {
    return evaluateNode(e, ctx);
  } finally {
    evalDepth--;
  }
}

function evaluateNode(e: Expr, ctx: EvalContext): Value {
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
