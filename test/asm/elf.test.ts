// The executable: GNU ld's default layout (text segment at 0x10000 with the headers, data on a
// later page), sections at given addresses, the symbol table, and acceptance by GNU readelf.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type ElfFile, readElf } from "../../asm/elf-reader.js";
import { writeElf } from "../../asm/elf-writer.js";
import { link } from "../../asm/link.js";
import type { AsmProgram } from "../../asm/program.js";
import {
  asm,
  describeWithBinutils,
  GNU_OBJDUMP,
  GNU_READELF,
  readIfExists,
  scratchFile,
  tool,
} from "./helpers.js";

const PT_LOAD = 1;
const PT_RISCV_ATTRIBUTES = 0x70000003;

interface ProgramHeader {
  type: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
  flags: number;
  align: number;
}

function programHeaders(bytes: Uint8Array): ProgramHeader[] {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const phoff = dv.getUint32(28, true);
  return Array.from({ length: dv.getUint16(44, true) }, (_, i) => {
    const at = phoff + i * 32;
    const f = (k: number): number => dv.getUint32(at + k * 4, true);
    return {
      type: f(0),
      offset: f(1),
      vaddr: f(2),
      filesz: f(4),
      memsz: f(5),
      flags: f(6),
      align: f(7),
    };
  });
}

function parsed(bytes: Uint8Array): ElfFile {
  const r = readElf(bytes);
  if (!r.ok) throw new Error(r.error);
  return r.elf;
}

function section(elf: ElfFile, name: string) {
  const s = elf.sections.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no section ${name}`);
  return s;
}

const SMALL = `
        .section .rodata
msg:    .ascii  "hi\\n"
        .text
        .globl  _start
_start: la      a1, msg
        li      a7, 93
        ecall
`;

const WITH_DATA = `${SMALL}
        .data
count:  .word   7
        .bss
buf:    .space  10
`;

describe("the default layout is GNU ld's", () => {
  it("puts the headers and .text, .rodata in one R+X segment at 0x10000", () => {
    const bytes = writeElf(asm(SMALL));
    const elf = parsed(bytes);
    const phdrs = programHeaders(bytes);
    expect(phdrs.map((p) => p.type)).toEqual([PT_RISCV_ATTRIBUTES, PT_LOAD]);
    expect(phdrs[1]).toMatchObject({ offset: 0, vaddr: 0x10000, flags: 5, align: 0x1000 });
    expect(section(elf, ".text").addr).toBe(0x10074); // 52-byte header + 2 program headers
    expect(section(elf, ".rodata").addr).toBe(0x10074 + 16);
    expect(phdrs[1]!.filesz).toBe(0x10074 + 16 + 3 - 0x10000);
    expect(elf.entry).toBe(0x10074);
  });

  it("starts the data segment on the next page, at the same offset in the page", () => {
    const bytes = writeElf(asm(WITH_DATA));
    const elf = parsed(bytes);
    const phdrs = programHeaders(bytes);
    expect(phdrs.map((p) => p.type)).toEqual([PT_RISCV_ATTRIBUTES, PT_LOAD, PT_LOAD]);
    const text = section(elf, ".text");
    expect(text.addr).toBe(0x10094); // three program headers now
    const rodataEnd = section(elf, ".rodata").addr + 3;
    const data = section(elf, ".data");
    expect(data.addr).toBe(rodataEnd + 0x1000);
    expect(phdrs[2]).toMatchObject({
      vaddr: data.addr,
      offset: rodataEnd - 0x10000,
      filesz: 4,
      flags: 6,
    });
    const bss = section(elf, ".bss");
    expect(bss.addr).toBe(data.addr + 4);
    expect((bss.addr + bss.size) % 4).toBe(0); // its end padded to 4 bytes, as the default script does
    expect(bss.size - 10).toBeLessThan(4);
    expect(phdrs[2]!.memsz).toBe(4 + bss.size);
  });

  it("starts the data segment on a page boundary when that saves a page (ld's lang_size_segment)", () => {
    const elf = parsed(writeElf(asm(`${SMALL}\n.data\n.word 1\n.bss\n.space 4000\n`)));
    expect(section(elf, ".data").addr).toBe(0x11000);
  });

  it("maps the headers with the data when there is no code", () => {
    const bytes = writeElf(asm(".data\nx: .word 1\n"));
    const phdrs = programHeaders(bytes);
    expect(phdrs.map((p) => p.type)).toEqual([PT_RISCV_ATTRIBUTES, PT_LOAD]);
    expect(phdrs[1]).toMatchObject({ offset: 0, vaddr: 0x11000, flags: 6 });
    expect(section(parsed(bytes), ".data").addr).toBe(0x11074);
  });

  it("defines GNU ld's symbols: _end, _edata, __bss_start, __global_pointer$", () => {
    const linked = link(asm(`${WITH_DATA}\n.text\nla a0, _end\n`));
    if (!linked.ok) throw new Error("link failed");
    const data = linked.image.sections.find((s) => s.kind === "data")!;
    const bss = linked.image.sections.find((s) => s.kind === "bss")!;
    const sym = (n: string) => linked.image.linkerSymbols.get(n);
    expect(sym("_edata")).toBe(data.address + 4);
    expect(sym("__bss_start")).toBe(data.address + 4);
    expect(sym("_end")).toBe(bss.address + bss.size);
    // MIN(__SDATA_BEGIN__ + 0x800, MAX(__DATA_BEGIN__ + 0x800, __BSS_END__ - 0x800))
    expect(sym("__global_pointer$")).toBe(data.address + 0x800);
  });
});

describe("sections at given addresses", () => {
  const program = (): AsmProgram =>
    asm(
      ".text\n.globl _start\n_start: la a0, value\nlw a1, value\ncall f\nf: ret\n.data\nvalue: .word value\n",
    );

  it("places each section where asked and resolves every address against it", () => {
    const bytes = writeElf(program(), { text: 0x80000000, data: 0x80100000 });
    const elf = parsed(bytes);
    expect(section(elf, ".text").addr).toBe(0x80000000);
    expect(section(elf, ".data").addr).toBe(0x80100000);
    expect([...section(elf, ".data").bytes]).toEqual([0x00, 0x00, 0x10, 0x80]);
    const words = new Uint32Array(section(elf, ".text").bytes.slice().buffer);
    expect(words[0]! >>> 12).toBe(0x100); // auipc a0, 0x100: value is 1 MiB ahead
    expect(elf.entry).toBe(0x80000000);
    for (const p of programHeaders(bytes).filter((h) => h.type === PT_LOAD)) {
      expect(p.offset % 0x1000, "file offset congruent to the address").toBe(p.vaddr % 0x1000);
    }
  });

  it("refuses overlapping sections, and targets moved out of reach", () => {
    expect(() => writeElf(program(), { text: 0x20000, data: 0x20004 })).toThrow(/overlap/);
    const branchy = asm(".text\nbeqz a0, x\n.section .rodata\nx: .word 0\n");
    expect(() => writeElf(branchy, { text: 0x10000, rodata: 0x90000 })).toThrow(/out of range/);
  });
});

describe("the symbol table", () => {
  it("lists the file, then local symbols, then global ones, with types and sizes", () => {
    const elf = parsed(
      writeElf(
        asm(
          ".text\n.globl _start\n.type _start, @function\n_start: nop\nret\n.size _start, 8\nloop: j loop\n.equ K, 5\n",
          "dir/prog.s",
        ),
      ),
    );
    expect(elf.symbols.map((s) => [s.name, s.global, s.type])).toEqual([
      ["prog.s", false, 4],
      ["loop", false, 0],
      ["K", false, 0],
      ["_start", true, 2],
    ]);
    expect(elf.symbols.find((s) => s.name === "_start")).toMatchObject({ value: 0x10074, size: 8 });
    expect(elf.symbols.find((s) => s.name === "K")).toMatchObject({ value: 5, shndx: 0xfff1 });
  });
});

const FIXTURES = readdirSync("test/asm/fixtures")
  .filter((f) => f.endsWith(".s"))
  .map((f) => `test/asm/fixtures/${f}`);

describeWithBinutils("GNU readelf and objdump accept the output", () => {
  for (const path of FIXTURES) {
    it(`reads ${path}`, () => {
      const elfPath = scratchFile("out.elf", writeElf(asm(readIfExists(path)!, path)));
      const header = tool(GNU_READELF, ["-h", "-l", "-S", "-s", "-W", elfPath]);
      expect(header).toMatch(/Class:\s+ELF32/);
      expect(header).toMatch(/Data:\s+2's complement, little endian/);
      expect(header).toMatch(/Type:\s+EXEC \(Executable file\)/);
      expect(header).toMatch(/Machine:\s+RISC-V/);
      expect(header).toMatch(/LOAD\s+0x000000 0x000\d+000/);
      expect(header).not.toMatch(/warning|error|corrupt/i);
      expect(tool(GNU_OBJDUMP, ["-d", elfPath])).toMatch(/file format elf32-littleriscv/);
    });
  }
});
