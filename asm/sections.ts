// Input sections as the source names them (.text, .data, .rodata.str, .section .foo,"aw"...), how
// each maps onto one of the four output sections, and how they are merged into those.
import type { SectionRef } from "./expr.js";
import { type AsmSection, SECTION_KINDS, SECTION_NAMES, SectionKind } from "./program.js";

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
 * %nobits for bss-like sections). Allocated sections map to an output section by their flags, as
 * GNU ld places orphan sections: code with .text, writable with .data or .bss, the rest .rodata.
 */
export function sectionAttrs(flags: string, type: string | undefined): SectionAttrs {
  const nobits = type === "nobits" || flags.includes("@nobits");
  const code = flags.includes("x");
  if (!flags.includes("a")) return { kind: undefined, nobits, code };
  let kind: SectionKind = SectionKind.Rodata;
  if (code) kind = SectionKind.Text;
  else if (nobits) kind = SectionKind.Bss;
  else if (flags.includes("w")) kind = SectionKind.Data;
  return { kind, nobits, code };
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Concatenates input sections into the four output sections (setting each one's outOffset). */
export function mergeSections(inputs: readonly InputSection[]): AsmSection[] {
  return SECTION_KINDS.map((kind) => {
    const parts = inputs.filter((s) => s.kind === kind).sort((a, b) => a.index - b.index);
    let size = 0;
    let align = 1;
    for (const p of parts) {
      size = alignUp(size, p.align);
      p.outOffset = size;
      size += p.size;
      align = Math.max(align, p.align);
    }
    const bytes = kind === SectionKind.Bss ? EMPTY : new Uint8Array(size);
    if (kind !== SectionKind.Bss)
      for (const p of parts) bytes.set(p.bytes.subarray(0, p.size), p.outOffset);
    return { kind, name: SECTION_NAMES[kind], bytes, size, align };
  });
}
