// Writes an ELF32 little-endian RISC-V executable (ET_EXEC), laid out as GNU ld lays out a
// single object: program headers PT_RISCV_ATTRIBUTES then the PT_LOADs (link.ts), the section
// contents at offsets congruent to their addresses modulo the page size, then .riscv.attributes,
// .symtab, .strtab, .shstrtab and the section header table.
import { formatDiagnostic } from "./diagnostics.js";
import {
  type LinkedImage,
  type LinkedSymbol,
  link,
  PAGE_SIZE,
  type PlacedSection,
  type SectionAddresses,
  type Segment,
} from "./link.js";
import { type AsmProgram, isNobits, isReadOnly, SectionKind, SymbolType } from "./program.js";

export type { SectionAddresses } from "./link.js";

// ELF constants (System V gABI and the RISC-V psABI).
const ELFCLASS32 = 1;
const ELFDATA2LSB = 1;
const EV_CURRENT = 1;
const ET_EXEC = 2;
const EM_RISCV = 243;
const PT_LOAD = 1;
const PT_RISCV_ATTRIBUTES = 0x70000003;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const SHT_PROGBITS = 1;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_NOBITS = 8;
const SHT_RISCV_ATTRIBUTES = 0x70000003;
const SHF_WRITE = 1;
const SHF_ALLOC = 2;
const SHF_EXECINSTR = 4;
const SHN_ABS = 0xfff1;
const STB_LOCAL = 0;
const STB_GLOBAL = 1;
const STT_NOTYPE = 0;
const STT_OBJECT = 1;
const STT_FUNC = 2;
const STT_FILE = 4;
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const SHDR_SIZE = 40;
const SYM_SIZE = 16;
const WORD_ALIGN = 4;

/** The arch string GNU as 2.40 records for -march=rv32im. */
const RISCV_ARCH = "rv32i2p1_m2p0_zmmul1p0";

/**
 * Links `program` (default layout, or sections at `layout`) and returns the executable's bytes.
 * The default layout was already checked by assemble(), so this throws only if a custom layout
 * puts a target out of reach or sections on top of each other (an Error listing the problems).
 */
export function writeElf(program: AsmProgram, layout?: SectionAddresses): Uint8Array {
  const linked = link(program, layout);
  if (!linked.ok)
    throw new Error(`writeElf: ${linked.errors.map((d) => formatDiagnostic(d)).join("; ")}`);
  return writeLinkedElf(linked.image, program.file);
}

interface SectionHeader {
  name: string;
  type: number;
  flags: number;
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
}

/** The executable for an already linked image; `sourceFile` names the STT_FILE symbol. */
export function writeLinkedElf(image: LinkedImage, sourceFile: string): Uint8Array {
  const out = new ByteWriter();
  out.skip(EHDR_SIZE + PHDR_SIZE * (1 + image.segments.length));
  const segOffsets = segmentOffsets(image.segments, out.length);
  const used = image.sections.filter((s) => s.size > 0);
  const headers: SectionHeader[] = [nullHeader()];
  for (const s of used) headers.push(contentHeader(s, out, image, segOffsets));
  const attributes = riscvAttributes();
  const attrOffset = out.append(attributes);
  headers.push(plain(".riscv.attributes", SHT_RISCV_ATTRIBUTES, attrOffset, attributes.length));
  const indexOf = (kind: SectionKind): number =>
    headers.findIndex((h) => h.name === sectionName(image, kind));
  const { symtab, strtab, firstGlobal } = symbolTable(image.symbols, sourceFile, indexOf);
  out.alignTo(WORD_ALIGN);
  const symOffset = out.append(symtab);
  const symIndex = headers.length;
  headers.push({
    ...plain(".symtab", SHT_SYMTAB, symOffset, symtab.length),
    link: symIndex + 1,
    info: firstGlobal,
    align: WORD_ALIGN,
    entsize: SYM_SIZE,
  });
  headers.push(plain(".strtab", SHT_STRTAB, out.append(strtab), strtab.length));
  const shstrtabIndex = headers.length;
  const names = new StringTable();
  const nameOffsets = [...headers.map((h) => names.add(h.name)), names.add(".shstrtab")];
  const shstr = names.bytes();
  headers.push(plain(".shstrtab", SHT_STRTAB, out.append(shstr), shstr.length));
  out.alignTo(WORD_ALIGN);
  const shoff = out.length;
  for (const [i, h] of headers.entries()) out.append(sectionHeaderBytes(h, nameOffsets[i] ?? 0));
  const bytes = out.bytes();
  writeElfHeader(
    bytes,
    image.entry,
    1 + image.segments.length,
    shoff,
    headers.length,
    shstrtabIndex,
  );
  writeProgramHeaders(bytes, image.segments, segOffsets, attrOffset, attributes.length);
  return bytes;
}

function sectionName(image: LinkedImage, kind: SectionKind): string {
  return image.sections.find((s) => s.kind === kind)!.name;
}

/**
 * File offsets of the segments: the one holding the headers starts at 0, the others at the first
 * free offset congruent to their address modulo the page size (so a loader can map pages).
 */
function segmentOffsets(segments: readonly Segment[], headersEnd: number): number[] {
  let free = headersEnd;
  return segments.map((seg) => {
    let offset = 0;
    if (!seg.includesHeaders) {
      offset = free - (free % PAGE_SIZE) + (seg.vaddr % PAGE_SIZE);
      if (offset < free) offset += PAGE_SIZE;
    }
    free = Math.max(free, offset + seg.filesz);
    return offset;
  });
}

function contentHeader(
  s: PlacedSection,
  out: ByteWriter,
  image: LinkedImage,
  segOffsets: number[],
): SectionHeader {
  const segIndex = image.segments.findIndex((seg) => seg.kinds.includes(s.kind));
  const seg = image.segments[segIndex]!;
  const offset = segOffsets[segIndex]! + (s.address - seg.vaddr);
  const nobits = isNobits(s.kind);
  if (!nobits) {
    out.padTo(offset);
    out.append(s.bytes.subarray(0, s.size));
  }
  const flags =
    SHF_ALLOC |
    (s.kind === SectionKind.Text ? SHF_EXECINSTR : 0) |
    (isReadOnly(s.kind) ? 0 : SHF_WRITE);
  const type = nobits ? SHT_NOBITS : SHT_PROGBITS;
  return {
    name: s.name,
    type,
    flags,
    addr: s.address,
    offset,
    size: s.size,
    link: 0,
    info: 0,
    align: s.align,
    entsize: 0,
  };
}

function nullHeader(): SectionHeader {
  return plain("", 0, 0, 0);
}

function plain(name: string, type: number, offset: number, size: number): SectionHeader {
  return {
    name,
    type,
    flags: 0,
    addr: 0,
    offset,
    size,
    link: 0,
    info: 0,
    align: name === "" ? 0 : 1,
    entsize: 0,
  };
}

/** .riscv.attributes: format 'A', vendor "riscv", Tag_File with Tag_RISCV_arch (5). */
function riscvAttributes(): Uint8Array {
  const TAG_FILE = 1;
  const TAG_RISCV_ARCH = 5;
  const arch = [...new TextEncoder().encode(RISCV_ARCH), 0];
  const fileSub = [TAG_FILE, ...u32(1 + 4 + 1 + arch.length), TAG_RISCV_ARCH, ...arch];
  const vendor = [...new TextEncoder().encode("riscv"), 0];
  const subsection = [...u32(4 + vendor.length + fileSub.length), ...vendor, ...fileSub];
  return new Uint8Array([0x41, ...subsection]);
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}

/** .symtab and .strtab: the null symbol, the file, local symbols, then global ones. */
function symbolTable(
  symbols: readonly LinkedSymbol[],
  sourceFile: string,
  sectionIndex: (kind: SectionKind) => number,
): { symtab: Uint8Array; strtab: Uint8Array; firstGlobal: number } {
  const strings = new StringTable();
  const rows: Uint8Array[] = [symbolBytes(0, 0, 0, 0, 0, 0)];
  const fileName = sourceFile.split(/[\\/]/).pop() ?? sourceFile;
  rows.push(symbolBytes(strings.add(fileName), 0, 0, STT_FILE, STB_LOCAL, SHN_ABS));
  const ordered = [...symbols.filter((s) => !s.global), ...symbols.filter((s) => s.global)];
  const firstGlobal = rows.length + symbols.filter((s) => !s.global).length;
  for (const s of ordered) {
    const index = s.section === undefined ? -1 : sectionIndex(s.section);
    const shndx = index > 0 ? index : SHN_ABS;
    rows.push(
      symbolBytes(
        strings.add(s.name),
        s.address,
        s.size,
        symbolType(s.type),
        s.global ? STB_GLOBAL : STB_LOCAL,
        shndx,
      ),
    );
  }
  const symtab = new Uint8Array(rows.length * SYM_SIZE);
  for (const [i, r] of rows.entries()) symtab.set(r, i * SYM_SIZE);
  return { symtab, strtab: strings.bytes(), firstGlobal };
}

function symbolType(t: LinkedSymbol["type"]): number {
  if (t === SymbolType.Func) return STT_FUNC;
  if (t === SymbolType.Object) return STT_OBJECT;
  return STT_NOTYPE;
}

function symbolBytes(
  name: number,
  value: number,
  size: number,
  type: number,
  bind: number,
  shndx: number,
): Uint8Array {
  const b = new Uint8Array(SYM_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, name, true);
  v.setUint32(4, value >>> 0, true);
  v.setUint32(8, size >>> 0, true);
  v.setUint8(12, (bind << 4) | type);
  v.setUint8(13, 0);
  v.setUint16(14, shndx, true);
  return b;
}

function sectionHeaderBytes(h: SectionHeader, nameOffset: number): Uint8Array {
  const b = new Uint8Array(SHDR_SIZE);
  const v = new DataView(b.buffer);
  const fields = [
    nameOffset,
    h.type,
    h.flags,
    h.addr,
    h.offset,
    h.size,
    h.link,
    h.info,
    h.align,
    h.entsize,
  ];
  for (const [i, f] of fields.entries()) v.setUint32(i * 4, f >>> 0, true);
  return b;
}

function writeElfHeader(
  b: Uint8Array,
  entry: number,
  phnum: number,
  shoff: number,
  shnum: number,
  shstrndx: number,
): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  b.set([0x7f, 0x45, 0x4c, 0x46, ELFCLASS32, ELFDATA2LSB, EV_CURRENT], 0);
  v.setUint16(16, ET_EXEC, true);
  v.setUint16(18, EM_RISCV, true);
  v.setUint32(20, EV_CURRENT, true);
  v.setUint32(24, entry >>> 0, true);
  v.setUint32(28, EHDR_SIZE, true); // e_phoff
  v.setUint32(32, shoff, true);
  v.setUint32(36, 0, true); // e_flags: soft-float ABI, no RVC
  v.setUint16(40, EHDR_SIZE, true);
  v.setUint16(42, PHDR_SIZE, true);
  v.setUint16(44, phnum, true);
  v.setUint16(46, SHDR_SIZE, true);
  v.setUint16(48, shnum, true);
  v.setUint16(50, shstrndx, true);
}

function writeProgramHeaders(
  b: Uint8Array,
  segments: Segment[],
  offsets: number[],
  attrOffset: number,
  attrSize: number,
): void {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const put = (i: number, fields: number[]): void => {
    for (const [k, f] of fields.entries())
      v.setUint32(EHDR_SIZE + i * PHDR_SIZE + k * 4, f >>> 0, true);
  };
  put(0, [PT_RISCV_ATTRIBUTES, attrOffset, 0, 0, attrSize, 0, PF_R, 1]);
  segments.forEach((seg, i) => {
    const flags = PF_R | (seg.writable ? PF_W : 0) | (seg.executable ? PF_X : 0);
    put(i + 1, [
      PT_LOAD,
      offsets[i]!,
      seg.vaddr,
      seg.vaddr,
      seg.filesz,
      seg.memsz,
      flags,
      PAGE_SIZE,
    ]);
  });
}

/** A string table: offset 0 is the empty string. */
class StringTable {
  private readonly parts: number[] = [0];
  private readonly seen = new Map<string, number>([["", 0]]);

  add(s: string): number {
    const known = this.seen.get(s);
    if (known !== undefined) return known;
    const offset = this.parts.length;
    this.parts.push(...new TextEncoder().encode(s), 0);
    this.seen.set(s, offset);
    return offset;
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.parts);
  }
}

/** A growable byte buffer. */
class ByteWriter {
  private buf = new Uint8Array(4096);
  length = 0;

  private reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.length + n));
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  skip(n: number): void {
    this.reserve(n);
    this.length += n;
  }

  padTo(offset: number): void {
    if (offset > this.length) this.skip(offset - this.length);
  }

  alignTo(a: number): void {
    this.padTo(Math.ceil(this.length / a) * a);
  }

  /** Appends bytes and returns the offset they start at. */
  append(data: Uint8Array): number {
    const at = this.length;
    this.reserve(data.length);
    this.buf.set(data, at);
    this.length += data.length;
    return at;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
