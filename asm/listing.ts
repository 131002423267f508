// A whole-file listing in the style of `objdump -d -s`: code sections disassembled with their
// labels (and objdump's "# address <symbol>" notes on auipc/lui pairs), data sections as hex and
// text, .bss as its address and size.
import {
  disassemble,
  makeSymbolLookup,
  type NamedAddress,
  preferredAtEachAddress,
  type SymbolLookup,
} from "./disasm.js";
import {
  type ElfFile,
  type ElfSectionInfo,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHT_NOBITS,
} from "./elf-reader.js";
import { immI, immS, immU, Opcode, rdOf, rs1Of } from "./isa.js";

export interface ListingOptions {
  /** Print pseudo-instructions (li, mv, ret, ...) as objdump does by default. Default true. */
  aliases?: boolean;
}

const STT_FILE = 4;
const STT_SECTION = 3;
const WORD = 4;
const DUMP_LINE = 16;

/** The listing of every loaded section of `elf`; `fileName` heads it as objdump's does. */
export function formatListing(
  elf: ElfFile,
  fileName: string,
  options: ListingOptions = {},
): string {
  const labels = elf.symbols
    .filter(
      (s) =>
        s.type !== STT_FILE &&
        s.type !== STT_SECTION &&
        s.name !== "" &&
        !s.name.startsWith("$") &&
        s.shndx !== 0,
    )
    .map((s): NamedAddress => ({ name: s.name, address: s.value, global: s.global }));
  const lookup = makeSymbolLookup(labels);
  const out: string[] = ["", `${fileName}:     file format elf32-littleriscv`, ""];
  for (const s of elf.sections) {
    if ((s.flags & SHF_ALLOC) === 0 || s.size === 0) continue;
    if (s.type === SHT_NOBITS)
      out.push("", `Section ${s.name}: ${s.size} bytes of zeros at ${s.addr.toString(16)}`);
    else if ((s.flags & SHF_EXECINSTR) !== 0) out.push(...codeListing(s, labels, lookup, options));
    else out.push(...dataListing(s, labels));
  }
  return `${out.join("\n")}\n`;
}

function labelsIn(s: ElfSectionInfo, labels: readonly NamedAddress[]): Map<number, string> {
  const inside = labels.filter((l) => l.address >= s.addr && l.address < s.addr + s.size);
  return new Map(preferredAtEachAddress(inside).map((l) => [l.address, l.name]));
}

function codeListing(
  s: ElfSectionInfo,
  labels: readonly NamedAddress[],
  lookup: SymbolLookup,
  options: ListingOptions,
): string[] {
  const out = ["", `Disassembly of section ${s.name}:`];
  const here = labelsIn(s, labels);
  const notes = new AddressNotes(lookup);
  if (!here.has(s.addr)) out.push("", `${hex8(s.addr)} <${s.name}>:`);
  for (let off = 0; off < s.size; off += WORD) {
    const addr = s.addr + off;
    const label = here.get(addr);
    if (label !== undefined) out.push("", `${hex8(addr)} <${label}>:`);
    if (off + WORD > s.size) {
      out.push(`${addrColumn(addr)}\t${[...s.bytes.subarray(off)].map(hex2).join(" ")}`);
      break;
    }
    const b = s.bytes;
    const word = (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
    const text = disassemble(word, addr, lookup, options);
    const space = text.indexOf(" ");
    const tabbed = space < 0 ? text : `${text.slice(0, space)}\t${text.slice(space + 1)}`;
    out.push(`${addrColumn(addr)}\t${hex8(word)}          \t${tabbed}${notes.after(word, addr)}`);
  }
  return out;
}

/**
 * objdump's notes: after `lui`/`auipc rd`, an instruction adding a 12-bit offset to rd gets a
 * comment with the address it forms ("# 1013c <msg>").
 */
class AddressNotes {
  private readonly hi = new Map<number, number>();
  private readonly lookup: SymbolLookup;

  constructor(lookup: SymbolLookup) {
    this.lookup = lookup;
  }

  after(word: number, pc: number): string {
    const op = word & 0x7f;
    const rd = rdOf(word);
    const base = this.hi.get(rs1Of(word));
    let note = "";
    if (
      base !== undefined &&
      NOTE_OPCODES.has(op) &&
      !(op === Opcode.OP_IMM && ((word >>> 12) & 7) !== 0)
    ) {
      const offset = op === Opcode.STORE ? immS(word) : immI(word);
      const addr = (base + offset) >>> 0;
      const label = this.lookup(addr);
      note = ` # ${addr.toString(16)}${label === undefined ? "" : ` <${label}>`}`;
    }
    if (op === Opcode.LUI) this.hi.set(rd, (immU(word) << 12) >>> 0);
    else if (op === Opcode.AUIPC) this.hi.set(rd, (pc + (immU(word) << 12)) >>> 0);
    else if (WRITES_RD.has(op)) this.hi.delete(rd);
    return note;
  }
}

const NOTE_OPCODES: ReadonlySet<number> = new Set([
  Opcode.OP_IMM,
  Opcode.LOAD,
  Opcode.STORE,
  Opcode.JALR,
]);
const WRITES_RD: ReadonlySet<number> = new Set([
  Opcode.OP_IMM,
  Opcode.OP,
  Opcode.LOAD,
  Opcode.JAL,
  Opcode.JALR,
]);

function dataListing(s: ElfSectionInfo, labels: readonly NamedAddress[]): string[] {
  const out = ["", `Contents of section ${s.name}:`];
  const here = labelsIn(s, labels);
  for (let off = 0; off < s.size; off += DUMP_LINE) {
    const chunk = s.bytes.subarray(off, Math.min(off + DUMP_LINE, s.size));
    const names = [...here.entries()].filter(
      ([a]) => a >= s.addr + off && a < s.addr + off + DUMP_LINE,
    );
    for (const [a, name] of names) out.push(` ${hex8(a)} <${name}>:`);
    out.push(
      ` ${(s.addr + off).toString(16).padStart(5, "0")} ${hexGroups(chunk)}  ${printable(chunk)}`,
    );
  }
  return out;
}

function hexGroups(chunk: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < DUMP_LINE; i += WORD) {
    let g = "";
    for (let k = i; k < i + WORD; k++) g += k < chunk.length ? hex2(chunk[k]!) : "  ";
    groups.push(g);
  }
  return groups.join(" ");
}

function printable(chunk: Uint8Array): string {
  return [...chunk].map((c) => (c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".")).join("");
}

const hex2 = (n: number): string => n.toString(16).padStart(2, "0");
const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, "0");
const addrColumn = (n: number): string => `${(n >>> 0).toString(16).padStart(8, " ")}:`;
