// An assembled program before it is placed in memory: the bytes of its output sections, the
// symbols, and the fixups that still need final addresses. `link` (link.ts) places the sections
// and applies the fixups; `writeElf` (elf-writer.ts) wraps the result in an executable.
import type { SourcePos } from "./diagnostics.js";

/**
 * The output sections, in the order GNU ld's default script places them. The small-data sections
 * (.sdata holding .srodata and .sdata input, .sbss) are GCC's, kept apart as ld keeps them.
 */
export const SectionKind = {
  Text: "text",
  Rodata: "rodata",
  Data: "data",
  SmallData: "sdata",
  SmallBss: "sbss",
  Bss: "bss",
} as const;
export type SectionKind = (typeof SectionKind)[keyof typeof SectionKind];

export const SECTION_KINDS: readonly SectionKind[] = [
  SectionKind.Text,
  SectionKind.Rodata,
  SectionKind.Data,
  SectionKind.SmallData,
  SectionKind.SmallBss,
  SectionKind.Bss,
];

/** The ELF section name of each output section. */
export const SECTION_NAMES: Readonly<Record<SectionKind, string>> = {
  text: ".text",
  rodata: ".rodata",
  data: ".data",
  sdata: ".sdata",
  sbss: ".sbss",
  bss: ".bss",
};

/** Sections with no contents in the file (only zeros in memory). */
export const isNobits = (k: SectionKind): boolean =>
  k === SectionKind.Bss || k === SectionKind.SmallBss;

/** Sections in the text segment (the rest are writable). */
export const isReadOnly = (k: SectionKind): boolean =>
  k === SectionKind.Text || k === SectionKind.Rodata;

export interface AsmSection {
  kind: SectionKind;
  name: string;
  /** The contents; empty for .bss and .sbss (which only have a size). */
  bytes: Uint8Array;
  size: number;
  /** Alignment in bytes (a power of two). */
  align: number;
}

export const SymbolType = { None: "none", Func: "func", Object: "object" } as const;
export type SymbolType = (typeof SymbolType)[keyof typeof SymbolType];

export interface AsmSymbol {
  name: string;
  /** The section the symbol is in, or undefined for an absolute symbol (`.equ`). */
  section: SectionKind | undefined;
  /** Offset in the section, or the value of an absolute symbol (32-bit, unsigned). */
  value: number;
  global: boolean;
  type: SymbolType;
  size: number;
}

/**
 * What a fixup patches, named after the RISC-V psABI relocation it stands for. "P" is the address
 * of the fixup, "S" the target's address, "hi"/"lo" the split of splitHiLo (isa.ts).
 */
export const FixupKind = {
  /** lui: %hi(S), R_RISCV_HI20. */
  Hi20: "hi20",
  /** I-format immediate: %lo(S), R_RISCV_LO12_I. */
  Lo12I: "lo12_i",
  /** S-format immediate: %lo(S), R_RISCV_LO12_S. */
  Lo12S: "lo12_s",
  /** auipc: %pcrel_hi(S - P), R_RISCV_PCREL_HI20. */
  PcrelHi20: "pcrel_hi20",
  /** I-format: %pcrel_lo of the pcrel_hi20 fixup at the target (the auipc's label). */
  PcrelLo12I: "pcrel_lo12_i",
  /** S-format: as PcrelLo12I. */
  PcrelLo12S: "pcrel_lo12_s",
  /** auipc + an I-format instruction at P + 4: la, lla, call, tail, `lw rd, sym`. */
  PcrelPairI: "pcrel_pair_i",
  /** auipc + a store at P + 4: `sw rs, sym, rt`. */
  PcrelPairS: "pcrel_pair_s",
  /** Conditional branch offset S - P, R_RISCV_BRANCH. */
  Branch: "branch",
  /** jal offset S - P, R_RISCV_JAL. */
  Jal: "jal",
  /** Data: S as 8, 16 or 32 bits. */
  Abs8: "abs8",
  Abs16: "abs16",
  Abs32: "abs32",
} as const;
export type FixupKind = (typeof FixupKind)[keyof typeof FixupKind];

/** Where a fixup's target is: in a section, a linker-defined symbol, or an absolute address. */
export type FixupTarget =
  | { kind: "section"; section: SectionKind; offset: number }
  | { kind: "linker"; name: string; offset: number }
  | { kind: "absolute"; address: number };

export interface AsmFixup {
  section: SectionKind;
  offset: number;
  kind: FixupKind;
  target: FixupTarget;
  /** The statement that asked for it, for error messages. */
  pos: SourcePos;
}

export interface AsmProgram {
  /** The main source file's name. */
  file: string;
  /** Every output section, in SECTION_KINDS order; unused ones have size 0. */
  sections: AsmSection[];
  symbols: AsmSymbol[];
  fixups: AsmFixup[];
  /** The entry point: `_start` if defined, else the start of .text. */
  entry: { section: SectionKind; offset: number; symbol: string | undefined };
}

/** The section of `program` of the given kind. */
export function sectionOf(program: AsmProgram, kind: SectionKind): AsmSection {
  const s = program.sections.find((x) => x.kind === kind);
  if (s === undefined) throw new Error(`sectionOf: program has no ${kind} section`);
  return s;
}

/**
 * Symbols GNU ld defines that a program may use without defining them. vmlab's linker defines the
 * same ones, with the same values (see link.ts).
 */
export const LINKER_SYMBOLS: ReadonlySet<string> = new Set([
  "__global_pointer$",
  "__DATA_BEGIN__",
  "__SDATA_BEGIN__",
  "__BSS_END__",
  "__bss_start",
  "_edata",
  "_end",
  "end",
  "edata",
  "etext",
  "_etext",
  "__etext",
  "__executable_start",
]);
