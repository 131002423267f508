// Command-line parsing as Python's optparse does it for the OSTEP simulators: short options
// (clustered like -cv, value attached like -s1 or in the next word, even one starting with '-'),
// long options (--seed=1 or --seed 1, any unambiguous prefix like --se), "--" ending the options,
// words that are not options collected and ignored, the last occurrence winning, and
// type="int" values converted as optparse converts them (0x.. hex, 0.. octal).

import { parseOptparseInt } from "./python.js";

/** How an option takes its value: type="int", type="string", or action="store_true". */
export type OptionKind = "int" | "string" | "flag";

/** One add_option() line of a simulator. */
export interface OptionSpec {
  /** The attribute name (optparse's dest). */
  readonly dest: string;
  /** "-s", if the option has a short form. */
  readonly short?: string;
  /** "--seed", if the option has a long form. */
  readonly long?: string;
  readonly kind: OptionKind;
  /** The default, in the type the simulator gives it (for "string" options, the string). */
  readonly default: bigint | string | boolean;
  readonly help: string;
  /** Matched only when spelled out in full (vmlab's own options, kept out of OSTEP's abbreviations). */
  readonly exact?: boolean;
}

/** A parsed value: bigint for "int", string for "string", boolean for "flag". */
export type OptionValue = bigint | string | boolean;

/** The outcome of parsing: values by dest, the ignored positional words, and whether -h was given. */
export interface ParsedOptions {
  readonly values: ReadonlyMap<string, OptionValue>;
  readonly positional: readonly string[];
  readonly help: boolean;
}

/** A command-line mistake, worded as optparse words it (e.g. "no such option: -x"). */
export class OptionError extends Error {
  override name = "OptionError";
}

/**
 * Parses `argv` against `specs` the way optparse.OptionParser.parse_args does (with the standard
 * -h/--help). Throws OptionError for an unknown or ambiguous option, a missing value, a value
 * given to a flag, or an invalid integer.
 */
export function parseOptions(specs: readonly OptionSpec[], argv: readonly string[]): ParsedOptions {
  const values = new Map<string, OptionValue>();
  for (const s of specs) values.set(s.dest, s.default);
  const positional: string[] = [];
  const state = { help: false };
  const rest = [...argv];
  while (rest.length > 0) {
    const arg = rest.shift()!;
    if (arg === "--") {
      positional.push(...rest);
      break;
    }
    if (arg.startsWith("--")) parseLong(specs, arg, rest, values, state);
    else if (arg.startsWith("-") && arg !== "-") parseShortCluster(specs, arg, rest, values, state);
    else positional.push(arg);
  }
  return { values, positional, help: state.help };
}

function parseLong(
  specs: readonly OptionSpec[],
  arg: string,
  rest: string[],
  values: Map<string, OptionValue>,
  state: { help: boolean },
): void {
  const eq = arg.indexOf("=");
  const typed = eq >= 0 ? arg.slice(0, eq) : arg;
  const name = matchLong(specs, typed);
  if (name === "--help") {
    if (eq >= 0) throw new OptionError(`--help option does not take a value`);
    state.help = true;
    return;
  }
  const spec = specs.find((s) => s.long === name)!;
  if (spec.kind === "flag") {
    if (eq >= 0) throw new OptionError(`${name} option does not take a value`);
    values.set(spec.dest, true);
    return;
  }
  let value: string;
  if (eq >= 0) value = arg.slice(eq + 1);
  else if (rest.length > 0) value = rest.shift()!;
  else throw new OptionError(`${name} option requires 1 argument`);
  values.set(spec.dest, convertValue(spec, name, value));
}

/** optparse's _match_abbrev: an exact name, or the one long option the prefix starts. */
function matchLong(specs: readonly OptionSpec[], typed: string): string {
  if (specs.some((s) => s.long === typed)) return typed;
  const names = ["--help", ...specs.flatMap((s) => (s.long && !s.exact ? [s.long] : []))];
  if (names.includes(typed)) return typed;
  const candidates = names.filter((n) => n.startsWith(typed));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new OptionError(`no such option: ${typed}`);
  candidates.sort();
  throw new OptionError(`ambiguous option: ${typed} (${candidates.join(", ")}?)`);
}

function parseShortCluster(
  specs: readonly OptionSpec[],
  arg: string,
  rest: string[],
  values: Map<string, OptionValue>,
  state: { help: boolean },
): void {
  for (let i = 1; i < arg.length; i++) {
    const name = `-${arg[i]}`;
    if (name === "-h") {
      state.help = true;
      continue;
    }
    const spec = specs.find((s) => s.short === name);
    if (!spec) throw new OptionError(`no such option: ${name}`);
    if (spec.kind === "flag") {
      values.set(spec.dest, true);
      continue;
    }
    let value: string;
    if (i + 1 < arg.length) value = arg.slice(i + 1);
    else if (rest.length > 0) value = rest.shift()!;
    else throw new OptionError(`${name} option requires 1 argument`);
    values.set(spec.dest, convertValue(spec, name, value));
    return;
  }
}

function convertValue(spec: OptionSpec, name: string, value: string): OptionValue {
  if (spec.kind !== "int") return value;
  const n = parseOptparseInt(value);
  if (n === undefined) throw new OptionError(`option ${name}: invalid integer value: '${value}'`);
  return n;
}

/** The help text in optparse's layout: usage, then one entry per option with its default. */
export function formatHelp(usage: string, specs: readonly OptionSpec[], extra = ""): string {
  const rows: [string, string][] = [["-h, --help", "show this help message and exit"]];
  for (const s of specs) {
    const metavar = s.kind === "flag" ? "" : s.dest.toUpperCase();
    const forms: string[] = [];
    if (s.short) forms.push(metavar ? `${s.short} ${metavar}` : s.short);
    if (s.long) forms.push(metavar ? `${s.long}=${metavar}` : s.long);
    const dflt = s.kind === "flag" ? "" : ` [default: ${String(s.default)}]`;
    rows.push([forms.join(", "), s.help + dflt]);
  }
  const lines = [`Usage: ${usage}`, "", "Options:"];
  for (const [forms, help] of rows) {
    if (forms.length <= 20) lines.push(`  ${forms.padEnd(22)}${help}`);
    else lines.push(`  ${forms}`, `${" ".repeat(24)}${help}`);
  }
  return `${lines.join("\n")}\n${extra}`;
}

/** The value of an "int" option (a bigint). */
export function intOpt(p: ParsedOptions, dest: string): bigint {
  const v = p.values.get(dest);
  if (typeof v !== "bigint") throw new Error(`intOpt: ${dest} is not an int option`);
  return v;
}

/** The value of a "string" option. */
export function strOpt(p: ParsedOptions, dest: string): string {
  const v = p.values.get(dest);
  if (typeof v !== "string") throw new Error(`strOpt: ${dest} is not a string option`);
  return v;
}

/** The value of a "flag" (store_true) option. */
export function flagOpt(p: ParsedOptions, dest: string): boolean {
  const v = p.values.get(dest);
  if (typeof v !== "boolean") throw new Error(`flagOpt: ${dest} is not a flag`);
  return v;
}
