// The one hexadecimal formatter every layer uses for addresses, words, PTEs and page numbers.
// Values are shown as unsigned 32-bit (`n >>> 0`), lower-case, zero-padded to a minimum width.

/** `n` as unsigned hex digits, zero-padded to at least `digits` (no prefix): %0Nx. */
export function hexDigits(n: number, digits = 0): string {
  return (n >>> 0).toString(16).padStart(digits, "0");
}

/** `n` as 0x and unsigned hex digits, zero-padded to at least `digits`: 0x%0Nx. */
export function hex(n: number, digits = 0): string {
  return `0x${hexDigits(n, digits)}`;
}

/** An address or word as 0x%08x. */
export function hex32(n: number): string {
  return hex(n, 8);
}
