// Instruction operands as written: a register (`a0`), an immediate or symbol expression (`42`,
// `msg+4`, `%hi(msg)`), or a memory operand (`8(sp)`, `(a0)`, `%lo(x)(a1)`).
import { AsmFail } from "./diagnostics.js";
import { describe, type Expr, type LocalRefResolver, parseExpression } from "./expr.js";
import { registerNumber } from "./isa.js";
import { type Token, TokenKind } from "./lexer.js";

/** The relocation functions an operand may be wrapped in. */
export const RelocFn = {
  Hi: "hi",
  Lo: "lo",
  PcrelHi: "pcrel_hi",
  PcrelLo: "pcrel_lo",
} as const;
export type RelocFn = (typeof RelocFn)[keyof typeof RelocFn];
const RELOC_FNS: ReadonlySet<string> = new Set(Object.values(RelocFn));

/** An expression, maybe inside %hi(...) and friends. */
export interface ImmOperand {
  kind: "imm";
  fn: RelocFn | undefined;
  expr: Expr;
  col: number;
}

export interface RegOperand {
  kind: "reg";
  reg: number;
  col: number;
}

/** offset(base); offset is undefined when written as just (base). */
export interface MemOperand {
  kind: "mem";
  fn: RelocFn | undefined;
  expr: Expr | undefined;
  base: number;
  col: number;
}

export type Operand = RegOperand | ImmOperand | MemOperand;

/** One letter per operand kind, as used in the operand signatures of instructions.ts. */
export const kindLetter = (op: Operand): string =>
  op.kind === "reg" ? "r" : op.kind === "imm" ? "i" : "m";

/** Parses one comma-separated operand (its tokens, non-empty); throws AsmFail if malformed. */
export function parseOperand(written: readonly Token[], resolveLocal: LocalRefResolver): Operand {
  const tokens = withoutPltSuffix(written);
  const first = tokens[0]!;
  checkParentheses(tokens);
  if (tokens.length === 1 && first.kind === TokenKind.Ident) {
    const reg = registerNumber(first.text);
    if (reg !== undefined) return { kind: "reg", reg, col: first.col };
  }
  const base = trailingBaseRegister(tokens);
  if (base !== undefined) {
    const offset =
      tokens.length > 3 ? parseImm(tokens, 0, tokens.length - 3, resolveLocal) : undefined;
    return { kind: "mem", fn: offset?.fn, expr: offset?.expr, base, col: first.col };
  }
  return parseImm(tokens, 0, tokens.length, resolveLocal);
}

/** `call f@plt` means `call f` in a static executable (GNU as accepts the suffix too). */
function withoutPltSuffix(tokens: readonly Token[]): readonly Token[] {
  const n = tokens.length;
  const at = tokens[n - 2];
  const plt = tokens[n - 1];
  const suffix = at?.kind === TokenKind.Punct && at.text === "@" && plt?.text === "plt";
  return n > 2 && suffix ? tokens.slice(0, n - 2) : tokens;
}

/**
 * The register of a trailing `( reg )`, if the operand ends with one. `off(name)` with a name
 * that is not a register is an error (it cannot be an expression either).
 */
function trailingBaseRegister(tokens: readonly Token[]): number | undefined {
  const n = tokens.length;
  if (n < 3) return undefined;
  const [open, reg, close] = [tokens[n - 3]!, tokens[n - 2]!, tokens[n - 1]!];
  if (open.text !== "(" || close.text !== ")" || reg.kind !== TokenKind.Ident) return undefined;
  if (open.kind !== TokenKind.Punct || close.kind !== TokenKind.Punct) return undefined;
  const number = registerNumber(reg.text);
  const before = tokens[n - 4];
  const isFunctionName = before?.kind === TokenKind.Ident && tokens[n - 5]?.text === "%";
  const juxtaposed =
    before !== undefined &&
    !isFunctionName &&
    (before.kind !== TokenKind.Punct || before.text === ")");
  if (number === undefined && juxtaposed) {
    throw new AsmFail(
      reg.col,
      `'${reg.text}' is not a register (a memory operand is offset(register))`,
    );
  }
  return number;
}

function checkParentheses(tokens: readonly Token[]): void {
  let depth = 0;
  for (const t of tokens) {
    if (t.kind !== TokenKind.Punct) continue;
    if (t.text === "(") depth++;
    else if (t.text === ")" && --depth < 0) throw new AsmFail(t.col, "')' without a matching '('");
  }
  if (depth > 0) {
    const last = tokens.at(-1)!;
    throw new AsmFail(last.col + last.text.length, "missing ')'");
  }
}

/** An expression, or %fn(expression), filling exactly tokens[start..end). */
function parseImm(
  tokens: readonly Token[],
  start: number,
  end: number,
  resolveLocal: LocalRefResolver,
): ImmOperand {
  const first = tokens[start]!;
  if (first.kind !== TokenKind.Punct || first.text !== "%") {
    return {
      kind: "imm",
      fn: undefined,
      expr: parseExpression(tokens, start, end, resolveLocal),
      col: first.col,
    };
  }
  const name = tokens[start + 1];
  if (name === undefined || name.kind !== TokenKind.Ident || !RELOC_FNS.has(name.text)) {
    const what = name === undefined ? "nothing" : describe(name);
    throw new AsmFail(
      first.col,
      `unknown relocation function after '%' (found ${what}; known: %hi, %lo, %pcrel_hi, %pcrel_lo)`,
    );
  }
  const open = tokens[start + 2];
  const close = tokens[end - 1]!;
  if (open?.text !== "(" || close.text !== ")" || end - start < 5) {
    throw new AsmFail(
      first.col,
      `%${name.text} needs a parenthesized expression, as in %${name.text}(symbol)`,
    );
  }
  const expr = parseExpression(tokens, start + 3, end - 1, resolveLocal);
  return { kind: "imm", fn: name.text as RelocFn, expr, col: first.col };
}

/** Splits tokens[start..end) at commas outside parentheses. Empty operands stay (as []). */
export function splitOperands(tokens: readonly Token[], start: number, end: number): Token[][] {
  const out: Token[][] = [];
  if (start >= end) return out;
  let depth = 0;
  let current: Token[] = [];
  for (let i = start; i < end; i++) {
    const t = tokens[i]!;
    if (t.kind === TokenKind.Punct) {
      if (t.text === "(") depth++;
      else if (t.text === ")") depth--;
      else if (t.text === "," && depth <= 0) {
        out.push(current);
        current = [];
        continue;
      }
    }
    current.push(t);
  }
  out.push(current);
  return out;
}
