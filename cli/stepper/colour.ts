// ANSI colours for the interactive stepper. A Paint that is off returns text unchanged, so output
// without a terminal never carries escape codes.

const CODES = {
  bold: 1,
  dim: 2,
  red: 31,
  green: 32,
  yellow: 33,
  blue: 34,
  magenta: 35,
  cyan: 36,
} as const;
export type Colour = keyof typeof CODES;

export interface Paint {
  readonly on: boolean;
  /** `text` in `colour` (unchanged when off). */
  (colour: Colour, text: string): string;
}

/** A Paint that colours when `on`. */
export function makePaint(on: boolean): Paint {
  const paint = (colour: Colour, text: string): string =>
    on && text !== "" ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text;
  return Object.assign(paint, { on });
}

/** Colours cycled through for the user pages of pids 1, 2, 3, ... in the memory map. */
export const PID_COLOURS: readonly Colour[] = ["green", "blue", "magenta", "cyan", "yellow", "red"];
