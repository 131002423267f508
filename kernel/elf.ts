// Reading RISC-V ELF32 executables: the header, the PT_LOAD segments the loader maps, and the
// symbol table (for debuggers and traces). Every malformed input gives a one-line reason.

/** A loadable segment: `memsz - filesz` bytes after the file data are zero (bss). */
export interface ElfSegment {
  vaddr: number;
  memsz: number;
  /** The bytes from the file (filesz of them). */
  data: Uint8Array;
  readable: boolean;
  writable: boolean;
  executable: boolean;
}

export interface ElfSymbol {
  name: string;
  value: number;
  size: number;
  /** STT_FUNC, STT_OBJECT, ...: 0 none, 1 object, 2 func, 3 section, 4 file. */
  type: number;
}

export interface ElfImage {
  entry: number;
  segments: ElfSegment[];
  symbols: ElfSymbol[];
}

export type ElfResult = { ok: true; image: ElfImage } | { ok: false; error: string };

// Constants from the System V ABI and the RISC-V ELF psABI.
const ELFCLASS32 = 1;
const ELFDATA2LSB = 1;
const ET_EXEC = 2;
const ET_DYN = 3;
const ET_REL = 1;
const EM_RISCV = 243;
const EF_RISCV_RVC = 0x1;
const EF_RISCV_FLOAT_ABI = 0x6;
const PT_LOAD = 1;
const PT_INTERP = 3;
const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const SHT_SYMTAB = 2;
const EHDR_SIZE = 52;
const PHDR_SIZE = 32;
const SHDR_SIZE = 40;

const machineNames: Record<number, string> = {
  3: "x86 (i386)",
  8: "MIPS",
  20: "PowerPC",
  40: "ARM",
  62: "x86-64",
  183: "AArch64",
};

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

/** Parses a RISC-V ELF32 executable; never throws. */
export function parseElf(bytes: Uint8Array): ElfResult {
  const fail = (error: string): ElfResult => ({ ok: false, error });
  if (!isElf(bytes)) return fail("not an ELF file (no \\x7fELF magic number)");
  if (bytes.length < EHDR_SIZE) return fail(`truncated ELF header (${bytes.length} bytes)`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[4] !== ELFCLASS32)
    return fail(
      `ELF class ${bytes[4] === 2 ? "64-bit" : bytes[4]}: vmlab runs 32-bit (ELFCLASS32) programs`,
    );
  if (bytes[5] !== ELFDATA2LSB) return fail("big-endian ELF: RISC-V programs are little-endian");
  const machine = dv.getUint16(18, true);
  if (machine !== EM_RISCV) {
    return fail(
      `built for ${machineNames[machine] ?? `machine ${machine}`}, not RISC-V (EM_RISCV = 243)`,
    );
  }
  const type = dv.getUint16(16, true);
  if (type === ET_REL)
    return fail("a relocatable object (.o), not an executable: link it first (ld)");
  if (type === ET_DYN)
    return fail("a position-independent or shared executable: link with -static -no-pie");
  if (type !== ET_EXEC) return fail(`ELF type ${type} is not an executable (ET_EXEC)`);
  const flags = dv.getUint32(36, true);
  if (flags & EF_RISCV_RVC)
    return fail("uses compressed (C extension) instructions: build with -march=rv32im");
  if (flags & EF_RISCV_FLOAT_ABI) return fail("uses a floating-point ABI: build with -mabi=ilp32");
  const segs = readSegments(bytes, dv);
  if (typeof segs === "string") return fail(segs);
  const entry = dv.getUint32(24, true);
  if (!segs.some((s) => s.executable && entry >= s.vaddr && entry < s.vaddr + s.memsz)) {
    return fail(`entry point 0x${entry.toString(16)} is not inside an executable segment`);
  }
  return { ok: true, image: { entry, segments: segs, symbols: readSymbols(bytes, dv) } };
}

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
  const sorted = [...segs].sort((a, b) => a.vaddr - b.vaddr);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const cur = sorted[i]!;
    if (prev.vaddr + prev.memsz > cur.vaddr)
      return `segments at 0x${prev.vaddr.toString(16)} and 0x${cur.vaddr.toString(16)} overlap`;
  }
  return segs;
}

/** The symbol table, if the file has a well-formed one; otherwise none (symbols are optional). */
function readSymbols(bytes: Uint8Array, dv: DataView): ElfSymbol[] {
  const shoff = dv.getUint32(32, true);
  const shentsize = dv.getUint16(46, true);
  const shnum = dv.getUint16(48, true);
  if (shoff === 0 || shentsize < SHDR_SIZE || shoff + shnum * shentsize > bytes.length) return [];
  const dec = new TextDecoder();
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * shentsize;
    if (dv.getUint32(at + 4, true) !== SHT_SYMTAB) continue;
    const off = dv.getUint32(at + 16, true);
    const size = dv.getUint32(at + 20, true);
    const link = dv.getUint32(at + 24, true);
    const strAt = shoff + link * shentsize;
    if (link >= shnum || off + size > bytes.length) return [];
    const strOff = dv.getUint32(strAt + 16, true);
    const strSize = dv.getUint32(strAt + 20, true);
    if (strOff + strSize > bytes.length) return [];
    const out: ElfSymbol[] = [];
    for (let s = off; s + 16 <= off + size; s += 16) {
      const nameOff = dv.getUint32(s, true);
      if (nameOff === 0 || nameOff >= strSize) continue;
      let end = strOff + nameOff;
      while (end < strOff + strSize && bytes[end] !== 0) end++;
      const name = dec.decode(bytes.subarray(strOff + nameOff, end));
      out.push({
        name,
        value: dv.getUint32(s + 4, true),
        size: dv.getUint32(s + 8, true),
        type: bytes[s + 12]! & 0xf,
      });
    }
    return out;
  }
  return [];
}
