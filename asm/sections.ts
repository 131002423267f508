// Input sections as the source names them (.text, .data, .rodata.str, .section .foo,"aw"...), how
// each maps onto one of the output sections (.text .rodata .data .sdata .sbss .bss), and how they
// are merged into those in GNU ld's order.
import type { SectionRef } from "./expr.js";
import { type AsmSection, isNobits, SECTION_KINDS, SECTION_NAMES, SectionKind } from "./program.js";

const EMPTY = new Uint8Array(0);

/** A section as the source sees it; its contents are filled in by the second pass. */
export class InputSection implements SectionRef {
  readonly name: string;
  /** The output section it goes into, or undefined if it is not loaded (no "a" flag). */
  readonly kind: SectionKind | undefined;
  /** Has no contents in the file (.bss): only zeros may be "stored" in it. */
  readonly nobits: boolean;
  /** Holds code: alignment padding is made of nops. */
  readonly code: boolean;
  /** Creation order, which is also the order within the output section. */
  readonly index: number;
  /** The location counter during pass 1; the final size afterwards. */
  size = 0;
  /** Alignment in bytes (a power of two). */
  align = 1;
  bytes: Uint8Array = EMPTY;
  /** Offset of this input section inside its output section (set by mergeSections). */
  outOffset = 0;

  constructor(name: string, attrs: SectionAttrs, index: number) {
    this.name = name;
    this.kind = attrs.kind;
    this.nobits = attrs.nobits;
    this.code = attrs.code;
    this.index = index;
  }
}

export interface SectionAttrs {
  kind: SectionKind | undefined;
  nobits: boolean;
  code: boolean;
}

/** Sections GNU as knows by name (elf.c special sections); `.text.foo` counts as `.text`. */
const SPECIAL: Readonly<Record<string, string>> = {
  ".text": "ax",
  ".rodata": "a",
  ".rodata1": "a",
  ".data": "aw",
  ".data1": "aw",
  ".bss": "aw@nobits",
};

/** Default flags of a section name, as GNU as gives them ("" for names it does not know). */
export function defaultFlags(name: string): string {
  const exact = SPECIAL[name];
  if (exact !== undefined) return exact;
  for (const [base, flags] of Object.entries(SPECIAL)) {
    if (name.startsWith(`${base}.`)) return flags;
  }
  return "";
}

/**
 * Attributes from a flags string (a alloc, w write, x exec; others ignored) and a type (@nobits or
 * %nobits for bss-like sections). Allocated sections map to an output section by name where GNU
 * ld's script names them (.srodata and .sdata into .sdata, .sbss into .sbss), else by flags, as
 * ld places orphan sections: code with .text, writable with .data or .bss, the rest .rodata.
 */
export function sectionAttrs(name: string, flags: string, type: string | undefined): SectionAttrs {
  const nobits = type === "nobits" || flags.includes("@nobits");
  const code = flags.includes("x");
  if (!flags.includes("a")) return { kind: undefined, nobits, code };
  return { kind: outputKind(name, code, nobits, flags.includes("w")), nobits, code };
}

function outputKind(name: string, code: boolean, nobits: boolean, writable: boolean): SectionKind {
  if (code) return SectionKind.Text;
  if (nobits) return isNamed(name, ".sbss") ? SectionKind.SmallBss : SectionKind.Bss;
  if (isNamed(name, ".sdata") || isNamed(name, ".srodata")) return SectionKind.SmallData;
  return writable ? SectionKind.Data : SectionKind.Rodata;
}

/** `name` is `base` or `base.something`. */
const isNamed = (name: string, base: string): boolean =>
  name === base || name.startsWith(`${base}.`);

/** Input patterns GNU ld's default script lists first in an output section, in its order. */
const FIRST_INPUTS: Readonly<Record<SectionKind, readonly string[]>> = {
  text: [".text.unlikely", ".text.exit", ".text.startup", ".text.hot", ".text.sorted"],
  rodata: [".rodata"],
  data: [".data"],
  sdata: [".srodata.cst16", ".srodata.cst8", ".srodata.cst4", ".srodata.cst2", ".srodata"],
  sbss: [".sbss"],
  bss: [".bss"],
};

/** The order of an input section inside its output section (ties keep source order). */
function rank(s: InputSection, kind: SectionKind): number {
  const patterns = FIRST_INPUTS[kind];
  const i = patterns.findIndex((base) => isNamed(s.name, base));
  return i < 0 ? patterns.length : i;
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Concatenates input sections into the output sections (setting each one's outOffset). */
export function mergeSections(inputs: readonly InputSection[]): AsmSection[] {
  return SECTION_KINDS.map((kind): AsmSection => {
    const parts = inputs.filter((s) => s.kind === kind);
    parts.sort((a, b) => rank(a, kind) - rank(b, kind) || a.index - b.index);
    let size = 0;
    let align = 1;
    for (const p of parts) {
      size = alignUp(size, p.align);
      p.outOffset = size;
      size += p.size;
      align = Math.max(align, p.align);
    }
    const bytes = isNobits(kind) ? EMPTY : new Uint8Array(size);
    if (!isNobits(kind)) for (const p of parts) bytes.set(p.bytes.subarray(0, p.size), p.outOffset);
    return { kind, name: SECTION_NAMES[kind], bytes, size, align };
  });
}
