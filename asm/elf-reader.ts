import type { ElfImage, ElfSegment, ElfSymbol } from "../hw/elf.js";
// vmlab's one ELF32 reader. readElf: the sections and symbols of a RISC-V ELF32 file, for the
// disassembler's listing. readExecutable: a static RISC-V executable as the kernel's loader maps it
// (entry, PT_LOAD segments, symbols), refusing what vmlab cannot run. Every malformed input gives a
// one-line reason instead of an exception.

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
// Constants from the System V ABI and the RISC-V ELF psABI.
const ELFCLASS32 = 1;
const ELFCLASS64 = 2;
const ELFDATA2LSB = 1;
const ET_REL = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const EM_RISCV = 243;
const EF_RISCV_RVC = 0x1;
const EF_RISCV_FLOAT_ABI = 0x6;
const EHDR_SIZE = 52;
const SHDR_SIZE = 40;
const PHDR_SIZE = 32;
const SYM_SIZE = 16;
const PT_LOAD = 1;
const PT_INTERP = 3;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
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

/** True if the bytes start with the ELF magic number. */
export function isElf(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x7f &&
    bytes[1] === 0x45 &&
    bytes[2] === 0x4c &&
    bytes[3] === 0x46
  );
}

/** The identification bytes and the machine (whose field is at the same place in ELF64). */
function checkIdent(bytes: Uint8Array, dv: DataView): void {
  if (!isElf(bytes)) fail("not an ELF file (no \\x7fELF magic number)");
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

// ---- executables, as the loader maps them (the shape is hw/elf.ts's) ----

export type { ElfImage, ElfSegment, ElfSymbol };

export type ElfResult = { ok: true; image: ElfImage } | { ok: false; error: string };

/** Parses a static RISC-V RV32 executable (no C extension, no float ABI); never throws. */
export function readExecutable(bytes: Uint8Array): ElfResult {
  const fail = (error: string): ElfResult => ({ ok: false, error });
  if (!isElf(bytes)) return fail("not an ELF file (no \\x7fELF magic number)");
  if (bytes.length < EHDR_SIZE) return fail(`truncated ELF header (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const refusal = executableRefusal(bytes, dv);
  if (refusal !== undefined) return fail(refusal);
  const segs = readSegments(bytes, dv);
  if (typeof segs === "string") return fail(segs);
  const entry = dv.getUint32(24, true);
  if (!segs.some((s) => s.executable && entry >= s.vaddr && entry < s.vaddr + s.memsz)) {
    return fail(`entry point 0x${entry.toString(16)} is not inside an executable segment`);
  }
  return { ok: true, image: { entry, segments: segs, symbols: executableSymbols(bytes) } };
}

/** Why vmlab cannot run a file with this ELF header, or undefined if it can. */
function executableRefusal(bytes: Uint8Array, dv: DataView): string | undefined {
  if (bytes[4] !== ELFCLASS32)
    return `ELF class ${bytes[4] === ELFCLASS64 ? "64-bit" : bytes[4]}: vmlab runs 32-bit (ELFCLASS32) programs`;
  if (bytes[5] !== ELFDATA2LSB) return "big-endian ELF: RISC-V programs are little-endian";
  const machine = dv.getUint16(18, true);
  if (machine !== EM_RISCV)
    return `built for ${MACHINES[machine] ?? `machine ${machine}`}, not RISC-V (EM_RISCV = 243)`;
  const type = dv.getUint16(16, true);
  if (type === ET_REL) return "a relocatable object (.o), not an executable: link it first (ld)";
  if (type === ET_DYN)
    return "a position-independent or shared executable: link with -static -no-pie";
  if (type !== ET_EXEC) return `ELF type ${type} is not an executable (ET_EXEC)`;
  const flags = dv.getUint32(36, true);
  if (flags & EF_RISCV_RVC)
    return "uses compressed (C extension) instructions: build with -march=rv32im";
  if (flags & EF_RISCV_FLOAT_ABI) return "uses a floating-point ABI: build with -mabi=ilp32";
  return undefined;
}

/** The PT_LOAD segments with memory, checked (sizes, bounds, no overlap), or why not. */
function readSegments(bytes: Uint8Array, dv: DataView): ElfSegment[] | string {
  const phoff = dv.getUint32(28, true);
  const phentsize = dv.getUint16(42, true);
  const phnum = dv.getUint16(44, true);
  if (phnum === 0) return "no program headers: nothing to load";
  if (phentsize < PHDR_SIZE) return `program header size ${phentsize} is too small`;
  if (phoff + phnum * phentsize > bytes.length)
    return "truncated: program headers run past the end of the file";
  const segs: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    const type = dv.getUint32(at, true);
    if (type === PT_INTERP) return "a dynamically linked executable: link it statically";
    if (type !== PT_LOAD) continue;
    const offset = dv.getUint32(at + 4, true);
    const vaddr = dv.getUint32(at + 8, true);
    const filesz = dv.getUint32(at + 16, true);
    const memsz = dv.getUint32(at + 20, true);
    const pflags = dv.getUint32(at + 24, true);
    const where = `segment ${i} (0x${vaddr.toString(16)})`;
    if (filesz > memsz) return `${where}: file size ${filesz} exceeds memory size ${memsz}`;
    if (filesz > 0 && offset + filesz > bytes.length)
      return `truncated: ${where} runs past the end of the file`;
    if (vaddr + memsz > 0x1_0000_0000) return `${where} extends past the 4 GiB address space`;
    if (memsz === 0) continue;
    segs.push({
      vaddr,
      memsz,
      data: bytes.subarray(offset, offset + filesz),
      readable: (pflags & PF_R) !== 0,
      writable: (pflags & PF_W) !== 0,
      executable: (pflags & PF_X) !== 0,
    });
  }
  if (segs.length === 0) return "no loadable (PT_LOAD) segments";
  return segmentOverlap(segs) ?? segs;
}

/** Where two segments overlap, or undefined. */
function segmentOverlap(segs: readonly ElfSegment[]): string | undefined {
  const sorted = [...segs].sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.vaddr + prev.memsz > cur.vaddr)
      return `segments at 0x${prev.vaddr.toString(16)} and 0x${cur.vaddr.toString(16)} overlap`;
  }
  return undefined;
}

/** The named symbols of the symbol table, or none if the sections are malformed (symbols are optional). */
function executableSymbols(bytes: Uint8Array): ElfSymbol[] {
  const r = readElf(bytes);
  if (!r.ok) return [];
  return r.elf.symbols
    .filter((s) => s.name !== "")
    .map(({ name, value, size, type }) => ({ name, value, size, type }));
}
