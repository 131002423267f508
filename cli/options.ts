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
