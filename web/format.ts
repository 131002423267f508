// Number formats the panes share.
import { hex, hex32 } from "../hw/hex.js";

export { hex, hex32 };

/** Bytes as the CLI writes sizes: 16m, 4k, 512. */
export function sizeText(bytes: number): string {
  const KiB = 1024;
  const MiB = KiB * KiB;
  if (bytes >= MiB && bytes % MiB === 0) return `${bytes / MiB}m`;
  if (bytes >= KiB && bytes % KiB === 0) return `${bytes / KiB}k`;
  return String(bytes);
}

/** A size typed with an optional k/m/g suffix, in bytes; undefined if malformed. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+)\s*([kmg]?)\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[
    m[2]!.toLowerCase() as "" | "k" | "m" | "g"
  ];
  return Number(m[1]) * unit;
}
