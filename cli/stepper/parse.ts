// Reading what the user typed: command words, counts, addresses (numbers, labels, $registers,
// sums of them) and x's /Nw format. Every problem is a StepError naming the bad text.
import { ABI_NAMES } from "../../asm/isa.js";
import { StepError } from "../../session/step/errors.js";

/** A command line split into its command name, its /format suffix, and its arguments. */
export interface CommandLine {
  name: string;
  format: string | undefined;
  args: string[];
}

/** Splits a line into words; undefined for a blank line or a # comment. */
export function splitLine(line: string): CommandLine | undefined {
  const words = line
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  const first = words[0];
  if (first === undefined || first.startsWith("#")) return undefined;
  const slash = first.indexOf("/");
  return {
    name: (slash < 0 ? first : first.slice(0, slash)).toLowerCase(),
    format: slash < 0 ? undefined : first.slice(slash + 1),
    args: words.slice(1),
  };
}

/** A whole number >= `min` (decimal or 0x hex), or a StepError about `what`. */
export function parseNumber(text: string, what: string, min = 1): number {
  const n = numberValue(text);
  if (n === undefined || n < min)
    throw new StepError(`bad ${what} '${text}' (expected a whole number of at least ${min})`);
  return n;
}

function numberValue(text: string): number | undefined {
  const t = text.replace(/_/g, "");
  if (/^0x[0-9a-f]+$/i.test(t)) return Number.parseInt(t.slice(2), 16);
  if (/^\d+$/.test(t)) return Number(t);
  return undefined;
}

/** What an address expression may name besides numbers. */
export interface AddressContext {
  /** The address of a label, or undefined. */
  label(name: string): number | undefined;
  /** A register of the focus process by ABI or x name, or "pc"; undefined if unknown. */
  register(name: string): number | undefined;
}

/**
 * An address: terms joined by + and - (`0x10074`, `_start+8`, `$sp-16`). A term is a number, a
 * label, or `$` and a register name. Must come out in 0 .. 0xffffffff.
 */
export function parseAddress(text: string, ctx: AddressContext): number {
  const terms = text.match(/[+-]?[^+-]+/g);
  if (!terms || terms.join("") !== text) throw new StepError(`bad address '${text}'`);
  let sum = 0;
  for (const term of terms) {
    const negative = term.startsWith("-");
    const body = term.replace(/^[+-]/, "");
    const value = termValue(body, text, ctx);
    sum += negative ? -value : value;
  }
  if (!Number.isSafeInteger(sum) || sum < 0 || sum > 0xffff_ffff)
    throw new StepError(`bad address '${text}': outside 0x0..0xffffffff`);
  return sum;
}

function termValue(term: string, whole: string, ctx: AddressContext): number {
  const n = numberValue(term);
  if (n !== undefined) return n;
  if (term.startsWith("$")) {
    const r = ctx.register(term.slice(1).toLowerCase());
    if (r === undefined) throw new StepError(`bad address '${whole}': no register '${term}'`);
    return r;
  }
  if (/^[A-Za-z_.$][\w.$]*$/.test(term)) {
    const a = ctx.label(term);
    if (a === undefined) throw new StepError(`bad address '${whole}': no label '${term}'`);
    return a;
  }
  throw new StepError(`bad address '${whole}' (expected a number, a label or $register)`);
}

/** The register number for an ABI or x name ("sp", "x2"), or undefined. */
export function registerNumber(name: string): number | undefined {
  const abi = (ABI_NAMES as readonly string[]).indexOf(name);
  if (abi >= 0) return abi;
  if (name === "fp") return 8;
  const m = /^x(\d+)$/.exec(name);
  const n = m ? Number(m[1]) : -1;
  return n >= 0 && n < 32 ? n : undefined;
}

/** x's format: how many units, the unit size in bytes, and whether to disassemble them. */
export interface ExamineFormat {
  count: number;
  size: 1 | 2 | 4;
  instructions: boolean;
  /** NUL-terminated strings (x/s). */
  strings: boolean;
}

const UNITS: Record<string, 1 | 2 | 4> = { b: 1, h: 2, w: 4 };
/** Most units (or instructions, or strings) one x or xp shows. */
export const MAX_EXAMINE = 65536;

/**
 * Parses "4w", "16b", "w", "8", "5i", "2s" (gdb's x/Nu: words, halves, bytes, instructions or
 * strings; x as a format letter is accepted and means hex, which every dump is).
 */
export function parseExamineFormat(format: string | undefined): ExamineFormat {
  if (format === undefined || format === "")
    return { count: 1, size: 4, instructions: false, strings: false };
  const m = /^(\d*)([bhwxis]*)$/i.exec(format);
  const letters = (m?.[2] ?? "").toLowerCase().replace(/x/g, "");
  if (!m || letters.length > 1)
    throw new StepError(`bad format '/${format}' (expected /Nw, /Nh, /Nb, /Ni or /Ns, e.g. x/4w)`);
  const count = m[1] === "" ? 1 : parseNumber(m[1]!, "count");
  if (count > MAX_EXAMINE)
    throw new StepError(`at most ${MAX_EXAMINE} units at a time (asked for ${m[1]})`);
  const strings = letters === "s";
  return {
    count,
    size: strings ? 1 : (UNITS[letters] ?? 4),
    instructions: letters === "i",
    strings,
  };
}
