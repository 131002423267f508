// Parsing of option values shared by subcommands: sizes with k/m/g suffixes, counts, choices.
// Each parser throws a commander InvalidArgumentError, which commander prints as one line naming
// the option.
import { InvalidArgumentError } from "commander";

const SIZE_UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "16m", "512k", "1g", "4096" -> bytes. */
export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  if (!m)
    throw new InvalidArgumentError(`'${text}' is not a size (examples: 4096, 512k, 16m, 1g).`);
  const bytes = Number(m[1]) * SIZE_UNITS[m[2]!.toLowerCase()]!;
  if (!Number.isSafeInteger(bytes))
    throw new InvalidArgumentError(`'${text}' is not a whole number of bytes.`);
  return bytes;
}

/** A size parser accepting at most `max` bytes (named `maxText`, e.g. "2g", in the message). */
export function parseSizeAtMost(max: number, maxText: string): (text: string) => number {
  return (text) => {
    const bytes = parseSize(text);
    if (bytes > max)
      throw new InvalidArgumentError(`'${text}' is more than ${maxText}, the most allowed.`);
    return bytes;
  };
}

/** A whole number >= min (accepts 1_000_000, 1e6 and 0x10). */
export function parseCount(text: string, min = 0): number {
  const clean = text.replace(/_/g, "").trim();
  const n = /^0x[0-9a-f]+$/i.test(clean) ? Number.parseInt(clean, 16) : Number(clean);
  if (clean === "" || !Number.isSafeInteger(n) || n < min) {
    throw new InvalidArgumentError(
      `'${text}' is not a whole number${min > 0 ? ` of at least ${min}` : ""}.`,
    );
  }
  return n;
}

/** A parser accepting one of `choices` (case-insensitive), returning it in lower case. */
export function parseChoice<T extends string>(choices: readonly T[]): (text: string) => T {
  return (text) => {
    const t = text.toLowerCase() as T;
    if (!choices.includes(t))
      throw new InvalidArgumentError(`'${text}' is not one of ${choices.join(", ")}.`);
    return t;
  };
}

/** The option texts given on the command line, by commander attribute name, as typed. */
export type TypedOptions = ReadonlyMap<string, string>;

/** The setup an option's effect depends on. */
export interface OptionSetup {
  readonly mm: string;
  readonly swap: number;
}

/** Options that only paged memory uses, with why. */
const PAGED_ONLY: readonly [attribute: string, why: string][] = [
  ["tlb", "only paged memory has a TLB"],
  ["tlbWays", "only paged memory has a TLB"],
  ["tlbPolicy", "only paged memory has a TLB"],
  ["tlbRefill", "only paged memory has a TLB"],
  ["ad", "only page tables have A/D bits"],
  ["swap", "only paged memory swaps"],
  ["policy", "only paged memory swaps"],
  ["forkCopy", "only paged memory has copy-on-write to turn off"],
];

/** The memory schemes that place contiguous blocks (what --fit chooses among holes for). */
const CONTIGUOUS_SCHEMES = ["base-limit", "segmented"];

/**
 * One line per option given on the command line that does nothing under the chosen setup
 * (`--policy lru` without `--swap`, `--swap` under `--mm segmented`, TLB options under `--mm bare`,
 * `--fit` under `--mm paged`), each naming the option as typed. Empty if every option counts.
 */
export function ineffectiveOptionWarnings(setup: OptionSetup, typed: TypedOptions): string[] {
  const warnings: string[] = [];
  const as = (attribute: string) => `--${kebab(attribute)} ${typed.get(attribute) ?? ""}`.trim();
  if (setup.mm !== "paged") {
    for (const [attribute, why] of PAGED_ONLY) {
      if (attribute === "swap" && setup.swap === 0) continue;
      if (typed.has(attribute))
        warnings.push(`${as(attribute)} does nothing under --mm ${setup.mm}: ${why}`);
    }
  } else if (setup.swap === 0 && typed.has("policy")) {
    warnings.push(`${as("policy")} does nothing without --swap: no page is ever evicted`);
  }
  if (typed.has("json") && !typed.has("stats")) {
    warnings.push(
      "--json does nothing without --stats: it is the form --stats prints the counters in",
    );
  }
  if (!CONTIGUOUS_SCHEMES.includes(setup.mm) && typed.has("fit")) {
    warnings.push(
      `${as("fit")} does nothing under --mm ${setup.mm}: it places base-limit partitions and segments`,
    );
  }
  return warnings;
}

/** "tlbWays" -> "tlb-ways" (commander's attribute name back to the flag). */
function kebab(attribute: string): string {
  return attribute.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * A commander error message in vmlab's words: the one `vmlab: ` prefix, and an invalid option
 * value as `vmlab: --ram: 'abc' is not a size ...` instead of commander's
 * `error: option '--ram <size>' argument 'abc' is invalid. 'abc' is not a size ...`.
 */
export function commanderMessage(message: string): string {
  const text = message.replace(/^error: /, "");
  const invalid = /^option '([^']*)' argument '(.*)' is invalid\.\s*(.*)$/s.exec(text);
  if (!invalid) return `vmlab: ${text}`;
  const [, flags = "", value, why] = invalid;
  const flag = /--[\w-]+/.exec(flags)?.[0] ?? flags.split(/[ ,]/)[0];
  return `vmlab: ${flag}: ${why?.trim() ? why : `'${value}' is not accepted\n`}`;
}
