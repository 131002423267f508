// A whole-file listing in the style of `objdump -d -s`: code sections disassembled with their
// labels (and objdump's "# address <symbol>" notes on auipc/lui pairs), data sections as hex and
// text, .bss as its address and size.
import { hexDigits } from "../hw/hex.js";
import { Opcode } from "../hw/isa.js";
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
  type ElfSymbolInfo,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHT_NOBITS,
} from "./elf-reader.js";
import { immI, immS, immU, REG_ZERO, rdOf, rs1Of } from "./isa.js";

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
    .filter(isLabel)
    .map((s): NamedAddress => ({ name: s.name, address: s.value, global: s.global }));
  const lookup = makeSymbolLookup(labels);
  const gp = elf.symbols.find((s) => s.name === "__global_pointer$")?.value;
  const notes = new AddressNotes(lookup, gp, options.aliases ?? true);
  const out: string[] = ["", `${fileName}:     file format elf32-littleriscv`, ""];
  for (const s of elf.sections) {
    if ((s.flags & SHF_ALLOC) === 0 || s.size === 0) continue;
    if (s.type === SHT_NOBITS)
      out.push("", `Section ${s.name}: ${s.size} bytes of zeros at ${s.addr.toString(16)}`);
    else if ((s.flags & SHF_EXECINSTR) !== 0) codeListing(out, s, labels, lookup, notes, options);
    else dataListing(out, s, labels);
  }
  return `${out.join("\n")}\n`;
}

/** Symbols worth showing as labels: not the file, sections, or mapping symbols ($x, $d). */
function isLabel(s: ElfSymbolInfo): boolean {
  return (
    s.type !== STT_FILE &&
    s.type !== STT_SECTION &&
    s.name !== "" &&
    !s.name.startsWith("$") &&
    s.shndx !== 0
  );
}

function labelsIn(s: ElfSectionInfo, labels: readonly NamedAddress[]): Map<number, string> {
  const inside = labels.filter((l) => l.address >= s.addr && l.address < s.addr + s.size);
  return new Map(preferredAtEachAddress(inside).map((l) => [l.address, l.name]));
}

/** Appends the disassembly of a code section to `out`. */
function codeListing(
  out: string[],
  s: ElfSectionInfo,
  labels: readonly NamedAddress[],
  lookup: SymbolLookup,
  notes: AddressNotes,
  options: ListingOptions,
): void {
  out.push("", `Disassembly of section ${s.name}:`);
  const here = labelsIn(s, labels);
  if (!here.has(s.addr)) out.push("", `${hex8(s.addr)} <${s.name}>:`);
  const b = s.bytes;
  for (let off = 0; off < s.size; off += WORD) {
    const addr = s.addr + off;
    const label = here.get(addr);
    if (label !== undefined) out.push("", `${hex8(addr)} <${label}>:`);
    const zeros = zeroWords(b, off, s.size, (o) => here.has(s.addr + o));
    if (zeros * WORD >= SKIP_ZEROES) {
      out.push("\t...");
      off += (zeros - 1) * WORD;
      continue;
    }
    if (off + WORD > s.size) {
      out.push(`${addrColumn(addr)}\t${[...b.subarray(off)].map(hex2).join(" ")}`);
      break;
    }
    const word = (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
    const text = disassemble(word, addr, lookup, options);
    const space = text.indexOf(" ");
    const tabbed = space < 0 ? text : `${text.slice(0, space)}\t${text.slice(space + 1)}`;
    out.push(`${addrColumn(addr)}\t${hex8(word)}          \t${tabbed}${notes.after(word, addr)}`);
  }
}

/** objdump shows a run of at least 8 zero bytes (up to the next label) as "...". */
const SKIP_ZEROES = 8;

/** How many all-zero words start at `off`, stopping before a label. */
function zeroWords(
  b: Uint8Array,
  off: number,
  size: number,
  labelAt: (off: number) => boolean,
): number {
  let n = 0;
  for (let o = off; o + WORD <= size && (o === off || !labelAt(o)); o += WORD) {
    if (b[o] !== 0 || b[o + 1] !== 0 || b[o + 2] !== 0 || b[o + 3] !== 0) break;
    n++;
  }
  return n;
}

/**
 * objdump's notes (riscv-dis.c, maybe_print_address): lui/auipc rd remember an upper address;
 * the next load, store, jalr or addi (printed as such) based on rd gets a "# address <symbol>"
 * comment and consumes it. Offsets from zero or tp are noted as they are, and offsets from gp
 * when the file defines __global_pointer$.
 */
class AddressNotes {
  private readonly hi = new Map<number, number>();
  private readonly lookup: SymbolLookup;
  private readonly gp: number | undefined;
  private readonly aliases: boolean;

  constructor(lookup: SymbolLookup, gp: number | undefined, aliases: boolean) {
    this.lookup = lookup;
    this.gp = gp;
    this.aliases = aliases;
  }

  after(word: number, pc: number): string {
    const op = word & 0x7f;
    const rd = rdOf(word);
    if (op === Opcode.Lui) this.hi.set(rd, (immU(word) << 12) >>> 0);
    if (op === Opcode.Auipc) this.hi.set(rd, (pc + (immU(word) << 12)) >>> 0);
    const offset = this.noteOffset(word);
    if (offset === undefined) return "";
    const addr = this.address(rs1Of(word), offset);
    if (addr === undefined) return "";
    const label = this.lookup(addr);
    return ` # ${addr.toString(16)}${label === undefined ? "" : ` <${label}>`}`;
  }

  /** The offset objdump would try to resolve for this instruction, if any. */
  private noteOffset(word: number): number | undefined {
    const op = word & 0x7f;
    if (op === Opcode.Load) return immI(word);
    if (op === Opcode.Store) return immS(word);
    if (op === Opcode.Jalr) return word === RET ? undefined : immI(word); // ret shows no operand
    const isAddi = op === Opcode.OpImm && ((word >>> 12) & 7) === 0 && rs1Of(word) !== 0;
    if (!isAddi) return undefined;
    const printedAsMv = this.aliases && immI(word) === 0;
    return printedAsMv ? undefined : immI(word);
  }

  private address(base: number, offset: number): number | undefined {
    const hi = this.hi.get(base);
    if (hi !== undefined) {
      this.hi.delete(base);
      return (hi + offset) >>> 0;
    }
    if (base === REG_GP && this.gp !== undefined) return (this.gp + offset) >>> 0;
    if (base === REG_TP || base === REG_ZERO) return offset >>> 0;
    return undefined;
  }
}

const RET = 0x00008067;
const REG_GP = 3;
const REG_TP = 4;

/** Appends a hex and text dump of a data section to `out`. */
function dataListing(out: string[], s: ElfSectionInfo, labels: readonly NamedAddress[]): void {
  out.push("", `Contents of section ${s.name}:`);
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

const hex2 = (n: number): string => hexDigits(n, 2);
const hex8 = (n: number): string => hexDigits(n, 8);
const addrColumn = (n: number): string => `${(n >>> 0).toString(16).padStart(8, " ")}:`;
