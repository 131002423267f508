// Splits one source line into tokens the way GNU as reads RISC-V assembly: `#` starts a comment,
// `/* ... */` comments may span lines, `;` separates statements, strings and character constants
// carry their escapes already decoded. Never throws: bad input becomes an error token.

export const TokenKind = {
  Ident: "ident",
  Number: "number",
  String: "string",
  /** A numeric local label reference such as `1b` or `2f`. */
  LocalRef: "localref",
  Punct: "punct",
  /** A lexical error; `text` holds the message. */
  Error: "error",
} as const;
export type TokenKind = (typeof TokenKind)[keyof typeof TokenKind];

export interface Token {
  kind: TokenKind;
  /** The identifier, the punctuation, the label digits of a LocalRef, or the error message. */
  text: string;
  /** 1-based column of the first character. */
  col: number;
  /** Numbers and character constants. */
  value?: bigint;
  /** Decoded bytes of a string literal. */
  bytes?: number[];
  /** For LocalRef: "b" (backward) or "f" (forward). */
  dir?: "b" | "f";
}

/** Carries an open `/* ...` comment from one line to the next. */
export interface LexState {
  inBlockComment: boolean;
}

const MAX_U64 = (1n << 64n) - 1n;
const SMALL_DECIMAL = /^(?:0|[1-9][0-9]*)$/;
const TWO_CHAR_PUNCT = new Set(["<<", ">>", "==", "!=", "<>", "<=", ">=", "&&", "||"]);
const ONE_CHAR_PUNCT = new Set([..."()[],:;+-*/%&|^~!<>=@"]);

const isDigit = (c: string): boolean => c >= "0" && c <= "9";
const isIdentStart = (c: string): boolean =>
  (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c === "_" || c === "." || c === "$";
const isIdentPart = (c: string): boolean => isIdentStart(c) || isDigit(c);

/** Tokenizes one line (without its newline). Comments vanish; `;` stays as a Punct token. */
export function lexLine(line: string, state: LexState): Token[] {
  const lexer = new LineLexer(line, state);
  lexer.run();
  return lexer.tokens;
}

class LineLexer {
  readonly tokens: Token[] = [];
  private pos = 0;
  private readonly src: string;
  private readonly state: LexState;

  constructor(src: string, state: LexState) {
    this.src = src;
    this.state = state;
  }

  run(): void {
    while (this.pos < this.src.length) {
      if (this.state.inBlockComment) {
        this.skipBlockComment();
        continue;
      }
      const c = this.src[this.pos]!;
      if (c === " " || c === "\t" || c === "\r" || c === "\f" || c === "\v") this.pos++;
      else if (c === "#") return;
      else if (c === "/" && this.src[this.pos + 1] === "*") {
        this.state.inBlockComment = true;
        this.pos += 2;
      } else this.lexToken(c);
    }
  }

  private skipBlockComment(): void {
    const end = this.src.indexOf("*/", this.pos);
    if (end < 0) {
      this.pos = this.src.length;
      return;
    }
    this.pos = end + 2;
    this.state.inBlockComment = false;
  }

  private lexToken(c: string): void {
    const col = this.pos + 1;
    if (isDigit(c)) this.lexNumber(col);
    else if (isIdentStart(c)) this.lexIdent(col);
    else if (c === '"') this.lexString(col);
    else if (c === "'") this.lexChar(col);
    else this.lexPunct(c, col);
  }

  private lexIdent(col: number): void {
    const start = this.pos;
    while (this.pos < this.src.length && isIdentPart(this.src[this.pos]!)) this.pos++;
    this.tokens.push({ kind: TokenKind.Ident, text: this.src.slice(start, this.pos), col });
  }

  private lexNumber(col: number): void {
    const start = this.pos;
    while (this.pos < this.src.length && isIdentPart(this.src[this.pos]!)) this.pos++;
    const text = this.src.slice(start, this.pos);
    const local = /^([0-9]+)([bf])$/.exec(text);
    if (local && !/^0[bB][01]+$/.test(text)) {
      const dir = local[2] === "b" ? "b" : "f";
      this.tokens.push({ kind: TokenKind.LocalRef, text: local[1]!, col, dir });
      return;
    }
    const value = parseNumber(text);
    if (typeof value === "string") this.error(col, value);
    else this.tokens.push({ kind: TokenKind.Number, text, col, value });
  }

  private lexString(col: number): void {
    this.pos++; // opening quote
    const bytes: number[] = [];
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === '"') {
        this.pos++;
        this.tokens.push({ kind: TokenKind.String, text: "", col, bytes });
        return;
      }
      this.readChar(bytes);
    }
    this.error(col, 'unterminated string (missing closing ")');
  }

  /** 'c or 'c' (GNU as accepts both); escapes as in strings. */
  private lexChar(col: number): void {
    this.pos++; // quote
    if (this.pos >= this.src.length) {
      this.error(col, "character constant without a character");
      return;
    }
    const bytes: number[] = [];
    this.readChar(bytes);
    if (this.src[this.pos] === "'") this.pos++;
    const value = BigInt(bytes[0] ?? 0);
    this.tokens.push({ kind: TokenKind.Number, text: "'", col, value });
  }

  /** Reads one (possibly escaped) character and appends its bytes (UTF-8 for non-ASCII). */
  private readChar(out: number[]): void {
    const c = this.src[this.pos]!;
    if (c !== "\\") {
      const cp = this.src.codePointAt(this.pos)!;
      this.pos += cp > 0xffff ? 2 : 1;
      pushUtf8(out, cp);
      return;
    }
    this.pos++;
    if (this.pos >= this.src.length) {
      out.push(0x5c);
      return;
    }
    out.push(this.readEscape());
  }

  private readEscape(): number {
    const e = this.src[this.pos]!;
    if (e >= "0" && e <= "7") return this.readDigits(/[0-7]/, 8, 3);
    if (e === "x" || e === "X") {
      this.pos++;
      if (!/[0-9a-fA-F]/.test(this.src[this.pos] ?? "")) return 0x78;
      return this.readDigits(/[0-9a-fA-F]/, 16, Number.POSITIVE_INFINITY);
    }
    this.pos++;
    return SIMPLE_ESCAPES[e] ?? e.charCodeAt(0) & 0xff;
  }

  /** Reads up to `max` digits of `radix`; GNU keeps the low 8 bits of a long escape. */
  private readDigits(digit: RegExp, radix: number, max: number): number {
    let v = 0;
    let n = 0;
    while (n < max && digit.test(this.src[this.pos] ?? "")) {
      v = (v * radix + Number.parseInt(this.src[this.pos]!, radix)) & 0xff;
      this.pos++;
      n++;
    }
    return v;
  }

  private lexPunct(c: string, col: number): void {
    const two = this.src.slice(this.pos, this.pos + 2);
    if (TWO_CHAR_PUNCT.has(two)) {
      this.tokens.push({ kind: TokenKind.Punct, text: two, col });
      this.pos += 2;
    } else if (ONE_CHAR_PUNCT.has(c)) {
      this.tokens.push({ kind: TokenKind.Punct, text: c, col });
      this.pos++;
    } else {
      const cp = this.src.codePointAt(this.pos)!;
      this.error(col, `unexpected character '${String.fromCodePoint(cp)}'`);
      this.pos += cp > 0xffff ? 2 : 1;
    }
  }

  private error(col: number, message: string): void {
    this.tokens.push({ kind: TokenKind.Error, text: message, col });
    this.pos = this.src.length; // the rest of the line cannot be trusted
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  "\\": 0x5c,
  '"': 0x22,
  "'": 0x27,
};

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else out.push(...new TextEncoder().encode(String.fromCodePoint(cp)));
}

/** Parses 0x.., 0b.., 0.. (octal) and decimal integers; returns a message if malformed. */
export function parseNumber(text: string): bigint | string {
  if (text.length < 10 && SMALL_DECIMAL.test(text)) return BigInt(Number(text)); // the common case
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(text);
  if (m === null) return `malformed number '${text}'`;
  let value: bigint;
  if (/^0[0-7]+$/.test(text)) value = BigInt(`0o${text.slice(1)}`);
  else value = BigInt(text);
  if (value > MAX_U64) return `number '${text}' does not fit in 64 bits`;
  return value;
}
