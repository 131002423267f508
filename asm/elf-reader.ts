// Reading the sections and symbols of a RISC-V ELF32 file, for the disassembler's listing. (The
// kernel's loader reads program headers; this reads what a listing needs.) Every malformed input
// gives a one-line reason instead of an exception.

export interface ElfSectionInfo {
  name: string;
  type: number;
  flags: number;
  addr: number;
  size: number;
  /** The contents (empty for SHT_NOBITS). */
  bytes: Uint8Array;
}

export interface ElfSymbolInfo {
  name: string;
  value: number;
  size: number;
  /** STT_*: 0 none, 1 object, 2 func, 3 section, 4 file. */
  type: number;
  global: boolean;
  /** Section header index (0 undefined, 0xfff1 absolute). */
  shndx: number;
}

export interface ElfFile {
  /** ET_REL 1, ET_EXEC 2, ET_DYN 3. */
  type: number;
  entry: number;
  sections: ElfSectionInfo[];
  symbols: ElfSymbolInfo[];
}

export type ElfReadResult = { ok: true; elf: ElfFile } | { ok: false; error: string };

export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_NOBITS = 8;
export const SHF_ALLOC = 2;
export const SHF_EXECINSTR = 4;
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const EM_RISCV = 243;
const EHDR_SIZE = 52;
const SHDR_SIZE = 40;
const PHDR_SIZE = 32;
const SYM_SIZE = 16;
const PT_LOAD = 1;
const PF_X = 1;
const STB_SHIFT = 4;
const STB_LOCAL = 0;

const MACHINES: Readonly<Record<number, string>> = {
  3: "x86 (i386)",
  8: "MIPS",
  20: "PowerPC",
  40: "ARM",
  62: "x86-64",
  183: "AArch64",
  243: "RISC-V",
};

class ElfFormatError {
  readonly message: string;
  constructor(message: string) {
    this.message = message;
  }
}

/** Parses the header, section headers and symbol table of a RISC-V ELF32 file; never throws. */
export function readElf(bytes: Uint8Array): ElfReadResult {
  try {
    return { ok: true, elf: parse(bytes) };
  } catch (e) {
    if (e instanceof ElfFormatError) return { ok: false, error: e.message };
    return {
      ok: false,
      error: `unreadable ELF file (${e instanceof Error ? e.message : String(e)})`,
    };
  }
}

function fail(message: string): never {
  throw new ElfFormatError(message);
}

function parse(bytes: Uint8Array): ElfFile {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  checkIdent(bytes, dv);
  const type = dv.getUint16(16, true);
  const entry = dv.getUint32(24, true);
  const sections = readSections(bytes, dv);
  const symbols = readSymbols(bytes, dv, sections);
  const usable = sections.length > 0 ? sections.map((s) => s.info) : segmentsAsSections(bytes, dv);
  return { type, entry, sections: usable, symbols };
}

/** The identification bytes and the machine (whose field is at the same place in ELF64). */
function checkIdent(bytes: Uint8Array, dv: DataView): void {
  const magic = bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
  if (!magic) fail("not an ELF file (no \\x7fELF magic number)");
  if (bytes.length < EHDR_SIZE)
    fail(`truncated ELF file (${bytes.length} bytes, shorter than the ELF header)`);
  const machine = dv.getUint16(18, true);
  if (machine !== EM_RISCV)
    fail(`built for ${MACHINES[machine] ?? `machine ${machine}`}, not RISC-V`);
  if (bytes[4] === ELFCLASS64)
    fail("a 64-bit ELF file: vmlab handles 32-bit RISC-V (ELFCLASS32) programs");
  if (bytes[4] !== ELFCLASS32) fail(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== ELFDATA2LSB) fail("a big-endian ELF file: RISC-V programs are little-endian");
}

interface RawSection {
  info: ElfSectionInfo;
  offset: number;
  link: number;
  entsize: number;
}

function readSections(bytes: Uint8Array, dv: DataView): RawSection[] {
  const shoff = dv.getUint32(32, true);
  const shnum = dv.getUint16(48, true);
  const shstrndx = dv.getUint16(50, true);
  if (shnum === 0) return [];
  if (dv.getUint16(46, true) !== SHDR_SIZE)
    fail(`unexpected section header size ${dv.getUint16(46, true)}`);
  if (shoff + shnum * SHDR_SIZE > bytes.length)
    fail(`truncated ELF file: the section headers end past its ${bytes.length} bytes`);
  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) raw.push(readSection(bytes, dv, shoff + i * SHDR_SIZE));
  const names = raw[shstrndx];
  if (names === undefined) fail(`bad section name table index ${shstrndx}`);
  for (const [i, s] of raw.entries()) {
    const at = dv.getUint32(shoff + i * SHDR_SIZE, true);
    s.info.name = cString(names.info.bytes, at);
  }
  return raw;
}

function readSection(bytes: Uint8Array, dv: DataView, at: number): RawSection {
  const type = dv.getUint32(at + 4, true);
  const offset = dv.getUint32(at + 16, true);
  const size = dv.getUint32(at + 20, true);
  const hasBytes = type !== SHT_NOBITS && type !== 0;
  if (hasBytes && offset + size > bytes.length)
    fail(`truncated ELF file: a section ends past its ${bytes.length} bytes`);
  const info: ElfSectionInfo = {
    name: "",
    type,
    flags: dv.getUint32(at + 8, true),
    addr: dv.getUint32(at + 12, true),
    size,
    bytes: hasBytes ? bytes.subarray(offset, offset + size) : new Uint8Array(0),
  };
  return { info, offset, link: dv.getUint32(at + 24, true), entsize: dv.getUint32(at + 36, true) };
}

function readSymbols(bytes: Uint8Array, dv: DataView, sections: RawSection[]): ElfSymbolInfo[] {
  const symtab = sections.find((s) => s.info.type === SHT_SYMTAB);
  if (symtab === undefined) return [];
  const strtab = sections[symtab.link]?.info.bytes ?? new Uint8Array(0);
  const out: ElfSymbolInfo[] = [];
  const count = Math.floor(symtab.info.size / SYM_SIZE);
  for (let i = 1; i < count; i++) {
    const at = symtab.offset + i * SYM_SIZE;
    if (at + SYM_SIZE > bytes.length) break;
    const info = dv.getUint8(at + 12);
    out.push({
      name: cString(strtab, dv.getUint32(at, true)),
      value: dv.getUint32(at + 4, true),
      size: dv.getUint32(at + 8, true),
      type: info & 0xf,
      global: info >> STB_SHIFT !== STB_LOCAL,
      shndx: dv.getUint16(at + 14, true),
    });
  }
  return out;
}

/** A stripped file (no section headers): its executable PT_LOAD segments stand in for sections. */
function segmentsAsSections(bytes: Uint8Array, dv: DataView): ElfSectionInfo[] {
  const phoff = dv.getUint32(28, true);
  const phnum = dv.getUint16(44, true);
  if (phoff + phnum * PHDR_SIZE > bytes.length)
    fail(`truncated ELF file: the program headers end past its ${bytes.length} bytes`);
  const out: ElfSectionInfo[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PHDR_SIZE;
    if (dv.getUint32(at, true) !== PT_LOAD) continue;
    const offset = dv.getUint32(at + 4, true);
    const filesz = dv.getUint32(at + 16, true);
    if (offset + filesz > bytes.length)
      fail(`truncated ELF file: segment ${i} ends past its ${bytes.length} bytes`);
    const exec = (dv.getUint32(at + 24, true) & PF_X) !== 0;
    out.push({
      name: `segment${i}`,
      type: SHT_PROGBITS,
      flags: SHF_ALLOC | (exec ? SHF_EXECINSTR : 0),
      addr: dv.getUint32(at + 8, true),
      size: filesz,
      bytes: bytes.subarray(offset, offset + filesz),
    });
  }
  return out;
}

function cString(table: Uint8Array, at: number): string {
  if (at >= table.length) return "";
  let end = at;
  while (end < table.length && table[end] !== 0) end++;
  return new TextDecoder().decode(table.subarray(at, end));
}
