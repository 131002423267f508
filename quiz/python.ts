// The bits of Python the OSTEP simulators lean on, reproduced exactly: int() parsing, `%`
// formatting (%d %x %s %.2f with widths and zero padding), print()'s joining of its arguments,
// and str() of booleans and lists of ints.

/** A value print() or str() can show: Python ints (number or bigint), strings, booleans. */
export type PyValue = string | number | bigint | boolean;

/** str(v) as Python prints it: True/False for booleans, decimal for ints. */
export function pyStr(v: PyValue): string {
  if (typeof v === "boolean") return v ? "True" : "False";
  return String(v);
}

/** str(list) for a list of ints: "[8, 7, 4]". */
export function pyListStr(items: readonly PyValue[]): string {
  return `[${items.map(pyStr).join(", ")}]`;
}

/** Collects what a Python program prints on stdout. */
export class PyPrinter {
  private readonly parts: string[] = [];

  /** print(*args): arguments joined by one space, then a newline. */
  print(...args: PyValue[]): void {
    this.parts.push(`${args.map(pyStr).join(" ")}\n`);
  }

  /** print(s, end=''): the text as is. */
  write(s: string): void {
    this.parts.push(s);
  }

  /** Everything printed so far. */
  text(): string {
    return this.parts.join("");
  }
}

/** `%d`, `%4d`, `%08d`: an int right-aligned in `width`, zero-padded after the sign if `zero`. */
export function pyD(n: number | bigint, width = 0, zero = false): string {
  const v = typeof n === "number" ? Math.trunc(n) : n;
  return pad(v < 0, (v < 0 ? -v : v).toString(10), width, zero);
}

/** `%x`, `%02x`, `%08x`: lower-case hex; a negative int prints as '-' and the hex of its magnitude. */
export function pyX(n: number | bigint, width = 0, zero = false): string {
  const v = typeof n === "number" ? Math.trunc(n) : n;
  return pad(v < 0, (v < 0 ? -v : v).toString(16), width, zero);
}

/** `%Ns`: `s` right-aligned in `width` (never truncated). */
export function pyS(s: string, width = 0): string {
  return s.padStart(width, " ");
}

function pad(negative: boolean, digits: string, width: number, zero: boolean): string {
  const sign = negative ? "-" : "";
  if (zero) return sign + digits.padStart(width - sign.length, "0");
  return (sign + digits).padStart(width, " ");
}

/**
 * `%.Nf` as CPython formats a float: the exact binary value rounded half-to-even at N decimals
 * (JavaScript's toFixed rounds exact ties up, e.g. 12.125 -> "12.13" where Python prints "12.12").
 */
export function pyFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
  const negative = x < 0 || Object.is(x, -0);
  const { mantissa, exponent } = decompose(Math.abs(x));
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exponent >= 0) {
    q = (mantissa << BigInt(exponent)) * scale;
  } else {
    const num = mantissa * scale;
    const den = 1n << BigInt(-exponent);
    q = num / den;
    const twiceRest = (num % den) * 2n;
    if (twiceRest > den || (twiceRest === den && q % 2n === 1n)) q += 1n;
  }
  const s = q.toString().padStart(digits + 1, "0");
  const int = s.slice(0, s.length - digits);
  const frac = digits > 0 ? `.${s.slice(s.length - digits)}` : "";
  return `${negative ? "-" : ""}${int}${frac}`;
}

/** A finite non-negative double as mantissa * 2**exponent, exactly. */
function decompose(x: number): { mantissa: bigint; exponent: number } {
  if (x === 0) return { mantissa: 0n, exponent: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  const fraction = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased === 0) return { mantissa: fraction, exponent: -1074 };
  return { mantissa: fraction | (1n << 52n), exponent: biased - 1075 };
}

const DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * Python's `int(text, base)` for base 2..36: surrounding whitespace, a sign, an optional 0x/0o/0b
 * prefix matching the base, and single underscores between digits. Returns undefined where
 * Python raises ValueError.
 */
export function parsePyInt(text: string, base = 10): bigint | undefined {
  let s = text.trim();
  let negative = false;
  if (s.startsWith("+") || s.startsWith("-")) {
    negative = s.startsWith("-");
    s = s.slice(1);
  }
  const prefix = s.slice(0, 2).toLowerCase();
  let afterPrefix = false;
  if (
    (base === 16 && prefix === "0x") ||
    (base === 8 && prefix === "0o") ||
    (base === 2 && prefix === "0b")
  ) {
    s = s.slice(2);
    afterPrefix = true;
  }
  if (afterPrefix && s.startsWith("_")) s = s.slice(1);
  if (s === "" || s.startsWith("_") || s.endsWith("_") || s.includes("__")) return undefined;
  let value = 0n;
  const big = BigInt(base);
  for (const ch of s) {
    if (ch === "_") continue;
    const d = DIGITS.indexOf(ch.toLowerCase());
    if (d < 0 || d >= base) return undefined;
    value = value * big + BigInt(d);
  }
  return negative ? -value : value;
}

/**
 * optparse's type="int" conversion (_parse_num): "0x.." is hex, "0b.." binary, a leading "0"
 * octal, anything else decimal, then int(value, radix). Returns undefined where optparse
 * reports "invalid integer value".
 */
export function parseOptparseInt(text: string): bigint | undefined {
  const head = text.slice(0, 2).toLowerCase();
  if (head === "0x") return parsePyInt(text, 16);
  if (head === "0b") return parsePyInt(text.slice(2) || "0", 2);
  if (text.startsWith("0")) return parsePyInt(text, 8);
  return parsePyInt(text, 10);
}
