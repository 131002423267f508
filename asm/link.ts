// Placing an AsmProgram in memory and applying its fixups, as GNU ld does for a single object
// with `ld -m elf32lriscv --no-relax` and its default linker script:
//
//   0x10000   ELF header + program headers   \
//             .text                           } text segment, R+X
//             .rodata                        /
//   next page .data (same offset in the page as the end of .rodata)  \
//             .sdata (GCC's small data, .srodata and .sdata)          \ data segment, RW
//             .sbss  (memory only)                                    /
//             .bss   (memory only, its end padded to 4 bytes)        /
//
// Sections can also be put at given addresses (SectionAddresses), e.g. to match another linker.
import { hex } from "../hw/hex.js";
import type { AsmDiagnostic } from "./diagnostics.js";
import {
  BRANCH_MAX,
  BRANCH_MIN,
  JAL_MAX,
  JAL_MIN,
  splitHiLo,
  withImmB,
  withImmI,
  withImmJ,
  withImmS,
  withImmU,
} from "./isa.js";
import {
  type AsmFixup,
  type AsmProgram,
  type AsmSymbol,
  FixupKind,
  isNobits,
  isReadOnly,
  SECTION_KINDS,
  SECTION_NAMES,
  SectionKind,
} from "./program.js";

/** Where to put each output section; any left out follows the previous one as GNU ld would. */
export type SectionAddresses = Partial<Record<SectionKind, number>>;

export const TEXT_SEGMENT_START = 0x10000;
export const PAGE_SIZE = 0x1000; // GNU ld's MAXPAGESIZE for RISC-V
export const ELF_HEADER_SIZE = 52;
export const PROGRAM_HEADER_SIZE = 32;
/** Program headers besides the PT_LOADs: PT_RISCV_ATTRIBUTES, as GNU ld emits. */
const EXTRA_PROGRAM_HEADERS = 1;
const BSS_END_ALIGN = 4; // the default script's `. = ALIGN(32 / 8)` inside .bss
const GP_OFFSET = 0x800;

export interface PlacedSection {
  kind: SectionKind;
  name: string;
  address: number;
  size: number;
  align: number;
  /** Contents with every fixup applied (empty for .bss). */
  bytes: Uint8Array;
}

/** A PT_LOAD segment: the sections it holds, and whether the ELF headers are at its start. */
export interface Segment {
  kinds: SectionKind[];
  vaddr: number;
  /** Bytes from vaddr to the end of the last section with contents. */
  filesz: number;
  memsz: number;
  readable: true;
  writable: boolean;
  executable: boolean;
  includesHeaders: boolean;
}

export interface LinkedSymbol {
  name: string;
  address: number;
  size: number;
  global: boolean;
  type: AsmSymbol["type"];
  /** Undefined for absolute symbols. */
  section: SectionKind | undefined;
}

export interface LinkedImage {
  sections: PlacedSection[];
  segments: Segment[];
  /** Size of the ELF header and program headers. */
  headersSize: number;
  entry: number;
  symbols: LinkedSymbol[];
  /** Values of the linker-defined symbols (_end, __global_pointer$, ...). */
  linkerSymbols: ReadonlyMap<string, number>;
}

export type LinkResult =
  | { ok: true; image: LinkedImage; errors: []; warnings: AsmDiagnostic[] }
  | { ok: false; errors: AsmDiagnostic[]; warnings: AsmDiagnostic[] };

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;
const alignDown = (n: number, a: number): number => Math.floor(n / a) * a;

/**
 * Places the sections (default layout, or `addresses`) and applies every fixup. Out-of-range or
 * misaligned targets are errors naming the source line. Throws RangeError only for an impossible
 * `addresses` (overlapping sections, or beyond 32 bits).
 */
export function link(program: AsmProgram, addresses: SectionAddresses = {}): LinkResult {
  const placed = place(program, addresses);
  for (const s of placed.sections) s.bytes = s.bytes.slice(); // fixups patch the copy
  const linkerSymbols = linkerSymbolValues(placed.sections);
  const errors: AsmDiagnostic[] = [];
  const warnings: AsmDiagnostic[] = [];
  const patcher = new Patcher(placed.sections, linkerSymbols, errors, warnings);
  patcher.indexPcrelHi(program.fixups);
  for (const f of program.fixups) patcher.apply(f);
  if (errors.length > 0) return { ok: false, errors, warnings };
  const addr = (kind: SectionKind): number => placed.sections.find((s) => s.kind === kind)!.address;
  const symbols = program.symbols.map((s) => ({
    name: s.name,
    address: s.section === undefined ? s.value : (addr(s.section) + s.value) >>> 0,
    size: s.size,
    global: s.global,
    type: s.type,
    section: s.section,
  }));
  const entry = (addr(program.entry.section) + program.entry.offset) >>> 0;
  return { ok: true, image: { ...placed, entry, symbols, linkerSymbols }, errors: [], warnings };
}

// ---- placement ----

interface Placement {
  sections: PlacedSection[];
  segments: Segment[];
  headersSize: number;
}

function place(program: AsmProgram, addresses: SectionAddresses): Placement {
  // The number of program headers decides where .text starts by default, and the grouping into
  // segments depends on the addresses: settle it in (at most) two rounds.
  let loads = defaultLoadCount(program);
  for (let round = 0; ; round++) {
    const headersSize = ELF_HEADER_SIZE + PROGRAM_HEADER_SIZE * (EXTRA_PROGRAM_HEADERS + loads);
    const sections = assignAddresses(program, addresses, headersSize);
    const segments = planSegments(sections, headersSize);
    if (segments.length === loads || round > 0) {
      checkPlacement(sections);
      return { sections, segments, headersSize };
    }
    loads = segments.length;
  }
}

function defaultLoadCount(program: AsmProgram): number {
  const used = (readOnly: boolean): boolean =>
    program.sections.some((s) => isReadOnly(s.kind) === readOnly && s.size > 0);
  return Math.max(Number(used(true)) + Number(used(false)), 1);
}

function assignAddresses(
  program: AsmProgram,
  given: SectionAddresses,
  headersSize: number,
): PlacedSection[] {
  const text = placeFrom(
    program,
    given,
    SECTION_KINDS.filter(isReadOnly),
    TEXT_SEGMENT_START + headersSize,
  );
  const textEnd = text.at(-1)!.address + text.at(-1)!.size;
  const writable = SECTION_KINDS.filter((k) => !isReadOnly(k));
  // GNU ld's DATA_SEGMENT_ALIGN: the next page at the same offset in the page as the end of the
  // text segment, unless starting on the page boundary saves a page of memory (ld's
  // lang_size_segment; COMMONPAGESIZE = MAXPAGESIZE = 4 KiB for RISC-V).
  const samePageOffset = alignUp(textEnd, PAGE_SIZE) + (textEnd % PAGE_SIZE);
  let data = placeFrom(program, given, writable, samePageOffset);
  const dataEnd = alignUp(data.at(-1)!.address + data.at(-1)!.size, BSS_END_ALIGN);
  if (savesAPage(samePageOffset, dataEnd))
    data = placeFrom(program, given, writable, alignUp(textEnd, PAGE_SIZE));
  return [...text, ...data];
}

/** Places `kinds` one after the other from `start` (each aligned), unless given an address. */
function placeFrom(
  program: AsmProgram,
  given: SectionAddresses,
  kinds: SectionKind[],
  start: number,
): PlacedSection[] {
  const out: PlacedSection[] = [];
  let next = start;
  for (const kind of kinds) {
    const s = program.sections.find((x) => x.kind === kind)!;
    const address = given[kind] ?? alignUp(next, s.align);
    const size =
      kind === SectionKind.Bss && s.size > 0
        ? alignUp(address + s.size, BSS_END_ALIGN) - address
        : s.size;
    out.push({
      kind,
      name: SECTION_NAMES[kind],
      address,
      size,
      align: s.align,
      bytes: s.bytes, // shared until link() copies it (placement may be tried more than once)
    });
    next = address + size;
  }
  return out;
}

/** ld's test: [base, end) crosses a page boundary, and would not if it started on one. */
function savesAPage(base: number, end: number): boolean {
  const first = (PAGE_SIZE - (base % PAGE_SIZE)) % PAGE_SIZE;
  const last = end % PAGE_SIZE;
  const crosses = Math.floor(base / PAGE_SIZE) !== Math.floor(end / PAGE_SIZE);
  return first !== 0 && last !== 0 && crosses && first + last <= PAGE_SIZE;
}

function checkPlacement(sections: PlacedSection[]): void {
  const used = sections.filter((s) => s.size > 0);
  for (const s of used) {
    if (!Number.isInteger(s.address) || s.address < 0 || s.address + s.size > 2 ** 32) {
      throw new RangeError(
        `link: ${s.name} at 0x${s.address.toString(16)} does not fit in the 32-bit address space`,
      );
    }
  }
  for (const a of used) {
    for (const b of used) {
      if (a !== b && a.address < b.address + b.size && b.address < a.address + a.size) {
        throw new RangeError(`link: sections ${a.name} and ${b.name} overlap`);
      }
    }
  }
}

/**
 * Groups the non-empty sections into PT_LOAD segments: .text with .rodata (R+X), .data with .bss
 * (RW), a section joining the previous one if it follows within a page. The first segment also
 * maps the ELF headers if they fit below it in its page (as in GNU ld's default layout).
 */
function planSegments(sections: PlacedSection[], headersSize: number): Segment[] {
  const segments: Segment[] = [];
  for (const s of sections) {
    if (s.size === 0) continue;
    const last = segments.at(-1);
    if (last !== undefined && canJoin(last, s)) join(last, s);
    else segments.push(startSegment(s));
  }
  if (segments.length === 0) segments.push(startSegment(sections[0]!));
  segments[0] = withHeaders(segments[0]!, headersSize);
  return segments;
}

/** `s` can extend `seg`: same permissions, close after it, and no contents after zeros. */
function canJoin(seg: Segment, s: PlacedSection): boolean {
  const end = seg.vaddr + seg.memsz;
  const sameKind = isReadOnly(seg.kinds[0]!) === isReadOnly(s.kind);
  const contentsFit = isNobits(s.kind) || seg.filesz === seg.memsz;
  return sameKind && contentsFit && s.address >= end && s.address - end < PAGE_SIZE;
}

function join(seg: Segment, s: PlacedSection): void {
  seg.kinds.push(s.kind);
  seg.memsz = s.address + s.size - seg.vaddr;
  if (!isNobits(s.kind)) seg.filesz = seg.memsz;
  if (s.kind === SectionKind.Text) seg.executable = true;
}

function withHeaders(seg: Segment, headersSize: number): Segment {
  const page = alignDown(seg.vaddr, PAGE_SIZE);
  if (seg.vaddr - page < headersSize) return seg;
  const grow = seg.vaddr - page;
  return {
    ...seg,
    vaddr: page,
    filesz: seg.filesz + grow,
    memsz: seg.memsz + grow,
    includesHeaders: true,
  };
}

function startSegment(s: PlacedSection): Segment {
  const nobits = isNobits(s.kind);
  return {
    kinds: [s.kind],
    vaddr: s.address,
    filesz: nobits ? 0 : s.size,
    memsz: s.size,
    readable: true,
    writable: !isReadOnly(s.kind),
    executable: s.kind === SectionKind.Text,
    includesHeaders: false,
  };
}

/** The symbols GNU ld's default script defines, with its formulas. */
function linkerSymbolValues(sections: PlacedSection[]): Map<string, number> {
  const get = (k: SectionKind): PlacedSection => sections.find((s) => s.kind === k)!;
  const end = (s: PlacedSection): number => s.address + s.size;
  const etext = end(get(SectionKind.Text));
  const dataBegin = get(SectionKind.Data).address;
  const sdataBegin = get(SectionKind.SmallData).address;
  const edata = end(get(SectionKind.SmallData));
  const bssEnd = alignUp(
    Math.max(edata, end(get(SectionKind.SmallBss)), end(get(SectionKind.Bss))),
    BSS_END_ALIGN,
  );
  const gp = Math.min(sdataBegin + GP_OFFSET, Math.max(dataBegin + GP_OFFSET, bssEnd - GP_OFFSET));
  return new Map([
    ["__executable_start", TEXT_SEGMENT_START],
    ["__etext", etext],
    ["_etext", etext],
    ["etext", etext],
    ["__DATA_BEGIN__", dataBegin],
    ["__SDATA_BEGIN__", sdataBegin],
    ["_edata", edata],
    ["edata", edata],
    ["__bss_start", edata],
    ["__BSS_END__", bssEnd],
    ["_end", bssEnd],
    ["end", bssEnd],
    ["__global_pointer$", gp],
  ]);
}

// ---- fixups ----

class Patcher {
  private readonly byKind: ReadonlyMap<SectionKind, PlacedSection>;
  private readonly linkerSymbols: ReadonlyMap<string, number>;
  private readonly errors: AsmDiagnostic[];
  private readonly warnings: AsmDiagnostic[];
  /** auipc fixups by address, for %pcrel_lo. */
  private readonly pcrelHi = new Map<number, AsmFixup>();

  constructor(
    sections: PlacedSection[],
    linkerSymbols: ReadonlyMap<string, number>,
    errors: AsmDiagnostic[],
    warnings: AsmDiagnostic[],
  ) {
    this.byKind = new Map(sections.map((s) => [s.kind, s]));
    this.linkerSymbols = linkerSymbols;
    this.errors = errors;
    this.warnings = warnings;
  }

  indexPcrelHi(fixups: readonly AsmFixup[]): void {
    for (const f of fixups) {
      if (
        f.kind === FixupKind.PcrelHi20 ||
        f.kind === FixupKind.PcrelPairI ||
        f.kind === FixupKind.PcrelPairS
      ) {
        this.pcrelHi.set(this.place(f), f);
      }
    }
  }

  private place(f: AsmFixup): number {
    return this.byKind.get(f.section)!.address + f.offset;
  }

  private targetAddress(f: AsmFixup): number {
    const t = f.target;
    if (t.kind === "absolute") return t.address;
    if (t.kind === "linker") return (this.linkerSymbols.get(t.name)! + t.offset) >>> 0;
    return (this.byKind.get(t.section)!.address + t.offset) >>> 0;
  }

  private fail(f: AsmFixup, message: string): void {
    this.errors.push({ file: f.pos.file, line: f.pos.line, column: f.pos.col, message });
  }

  private read(f: AsmFixup, delta = 0): number {
    const b = this.byKind.get(f.section)!.bytes;
    const i = f.offset + delta;
    return (b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24)) >>> 0;
  }

  private write(f: AsmFixup, value: number, size: number, delta = 0): void {
    const b = this.byKind.get(f.section)!.bytes;
    for (let i = 0; i < size; i++) b[f.offset + delta + i] = (value >>> (8 * i)) & 0xff;
  }

  private patch(f: AsmFixup, fn: (w: number) => number, delta = 0): void {
    this.write(f, fn(this.read(f, delta)), 4, delta);
  }

  apply(f: AsmFixup): void {
    const P = this.place(f);
    const S = this.targetAddress(f);
    switch (f.kind) {
      case FixupKind.Hi20:
        this.patch(f, (w) => withImmU(w, splitHiLo(S).hi));
        break;
      case FixupKind.Lo12I:
        this.patch(f, (w) => withImmI(w, splitHiLo(S).lo));
        break;
      case FixupKind.Lo12S:
        this.patch(f, (w) => withImmS(w, splitHiLo(S).lo));
        break;
      case FixupKind.PcrelHi20:
        this.patch(f, (w) => withImmU(w, splitHiLo(S - P).hi));
        break;
      case FixupKind.PcrelLo12I:
      case FixupKind.PcrelLo12S:
        this.pcrelLo(f, S);
        break;
      case FixupKind.PcrelPairI:
      case FixupKind.PcrelPairS:
        this.pcrelPair(f, S - P);
        break;
      case FixupKind.Branch:
        this.pcRelative(
          f,
          S - P,
          BRANCH_MIN,
          BRANCH_MAX,
          "branch",
          "±4 KiB; branch the other way around a 'j' to go further",
          withImmB,
        );
        break;
      case FixupKind.Jal:
        this.pcRelative(
          f,
          S - P,
          JAL_MIN,
          JAL_MAX,
          "jump",
          "±1 MiB; use 'call' or 'tail' to go further",
          withImmJ,
        );
        break;
      case FixupKind.Abs8:
        this.data(f, S, 1);
        break;
      case FixupKind.Abs16:
        this.data(f, S, 2);
        break;
      case FixupKind.Abs32:
        this.write(f, S, 4);
        break;
    }
  }

  private pcrelPair(f: AsmFixup, offset: number): void {
    const { hi, lo } = splitHiLo(offset);
    this.patch(f, (w) => withImmU(w, hi));
    this.patch(f, (w) => (f.kind === FixupKind.PcrelPairI ? withImmI(w, lo) : withImmS(w, lo)), 4);
  }

  /** %pcrel_lo(label): the low part of the offset computed by the auipc at `label`. */
  private pcrelLo(f: AsmFixup, auipc: number): void {
    const hi = this.pcrelHi.get(auipc);
    if (hi === undefined) {
      this.fail(
        f,
        `%pcrel_lo needs the label of an auipc with %pcrel_hi, but there is none at ${hex(auipc)}`,
      );
      return;
    }
    const { lo } = splitHiLo(this.targetAddress(hi) - auipc);
    this.patch(f, (w) => (f.kind === FixupKind.PcrelLo12I ? withImmI(w, lo) : withImmS(w, lo)));
  }

  private pcRelative(
    f: AsmFixup,
    offset: number,
    min: number,
    max: number,
    what: string,
    reach: string,
    encode: (w: number, offset: number) => number,
  ): void {
    const target = hex(this.place(f) + offset);
    if (offset % 2 !== 0) {
      this.fail(f, `${what} target ${target} is not 2-byte aligned`);
      return;
    }
    if (offset < min || offset > max) {
      this.fail(
        f,
        `${what} target ${target} is out of range (${offset} bytes away; the limit is ${reach})`,
      );
      return;
    }
    if (offset % 4 !== 0) {
      this.warnings.push({
        severity: "warning",
        file: f.pos.file,
        line: f.pos.line,
        column: f.pos.col,
        message: `${what} target ${target} is not 4-byte aligned; it will trap (RV32IMA has no 2-byte instructions)`,
      });
    }
    this.patch(f, (w) => encode(w, offset));
  }

  private data(f: AsmFixup, value: number, size: number): void {
    const bits = size * 8;
    if (value >= 2 ** bits) {
      this.fail(
        f,
        `address ${hex(value)} does not fit in ${size === 1 ? "a byte" : `${size} bytes`}`,
      );
      return;
    }
    this.write(f, value, size);
  }
}
