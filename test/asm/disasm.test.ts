// The disassembler, against GNU objdump's text: a table of cases taken from objdump 2.40, then
// thousands of random instructions run through objdump itself, then a whole listing.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { decode, disassemble, makeSymbolLookup } from "../../asm/disasm.js";
import { readElf } from "../../asm/elf-reader.js";
import { writeElf } from "../../asm/elf-writer.js";
import {
  encodeB,
  encodeI,
  encodeJ,
  encodeR,
  encodeS,
  encodeShift,
  encodeU,
  Format,
  INSTRUCTIONS,
} from "../../asm/isa.js";
import { formatListing } from "../../asm/listing.js";
import { asm, describeWithBinutils, GNU_AS, GNU_OBJDUMP, scratchFile, tool } from "./helpers.js";

/** [word, pc, objdump's text, objdump -M no-aliases text] */
const CASES: ReadonlyArray<readonly [number, number, string, string]> = [
  [0x12345537, 0, "lui a0,0x12345", "lui a0,0x12345"],
  [0xfffff297, 4, "auipc t0,0xfffff", "auipc t0,0xfffff"],
  [0xff9ff0ef, 8, "jal 0", "jal ra,0"],
  [0xff5ff06f, 0xc, "j 0", "jal zero,0"],
  [0xff1ff2ef, 0x10, "jal t0,0", "jal t0,0"],
  [0x00008067, 0x14, "ret", "jalr zero,0(ra)"],
  [0x000280e7, 0x18, "jalr t0", "jalr ra,0(t0)"],
  [0x00830067, 0x1c, "jr 8(t1)", "jalr zero,8(t1)"],
  [0xffc302e7, 0x20, "jalr t0,-4(t1)", "jalr t0,-4(t1)"],
  [0x000302e7, 0x20, "jalr t0,t1", "jalr t0,0(t1)"],
  [0x00030067, 0x24, "jr t1", "jalr zero,0(t1)"],
  [0xfc050ce3, 0x28, "beqz a0,0", "beq a0,zero,0"],
  [0xfca01ae3, 0x2c, "bne zero,a0,0", "bne zero,a0,0"],
  [0xfc0548e3, 0x30, "bltz a0,0", "blt a0,zero,0"],
  [0xfca046e3, 0x34, "bgtz a0,0", "blt zero,a0,0"],
  [0xfc0554e3, 0x38, "bgez a0,0", "bge a0,zero,0"],
  [0xfca052e3, 0x3c, "blez a0,0", "bge zero,a0,0"],
  [0xfcb560e3, 0x40, "bltu a0,a1,0", "bltu a0,a1,0"],
  [0xfab57ee3, 0x44, "bgeu a0,a1,0", "bgeu a0,a1,0"],
  [0xfff58503, 0, "lb a0,-1(a1)", "lb a0,-1(a1)"],
  [0x7ff12503, 0, "lw a0,2047(sp)", "lw a0,2047(sp)"],
  [0x8005c503, 0, "lbu a0,-2048(a1)", "lbu a0,-2048(a1)"],
  [0x00a59123, 0, "sh a0,2(a1)", "sh a0,2(a1)"],
  [0xfea5aea3, 0, "sw a0,-3(a1)", "sw a0,-3(a1)"],
  [0x00500513, 0, "li a0,5", "addi a0,zero,5"],
  [0x00058513, 0, "mv a0,a1", "addi a0,a1,0"],
  [0x00000013, 0, "nop", "addi zero,zero,0"],
  [0x40000013, 0, "li zero,1024", "addi zero,zero,1024"],
  [0xff958513, 0, "addi a0,a1,-7", "addi a0,a1,-7"], // objdump 2.40 says "add a0,a1,-7"
  [0x0035a513, 0, "slti a0,a1,3", "slti a0,a1,3"],
  [0x0015b513, 0, "seqz a0,a1", "sltiu a0,a1,1"],
  [0xfff5c513, 0, "not a0,a1", "xori a0,a1,-1"],
  [0x0ff5f513, 0, "zext.b a0,a1", "andi a0,a1,255"],
  [0x00359513, 0, "slli a0,a1,0x3", "slli a0,a1,0x3"],
  [0x4035d513, 0, "srai a0,a1,0x3", "srai a0,a1,0x3"],
  [0x40c00533, 0, "neg a0,a2", "sub a0,zero,a2"],
  [0x0005a533, 0, "sltz a0,a1", "slt a0,a1,zero"],
  [0x00c02533, 0, "sgtz a0,a2", "slt a0,zero,a2"],
  [0x00c03533, 0, "snez a0,a2", "sltu a0,zero,a2"],
  [0x40c5d533, 0, "sra a0,a1,a2", "sra a0,a1,a2"],
  [0x0ff0000f, 0, "fence", "fence iorw,iorw"],
  [0x0210000f, 0, "fence r,w", "fence r,w"],
  [0x0100000f, 0, "fence w,unknown", "fence w,unknown"],
  [0x8330000f, 0, "fence.tso", "fence.tso"],
  [0x00000073, 0, "ecall", "ecall"],
  [0x00100073, 0, "ebreak", "ebreak"],
  [0xc0001073, 0, "unimp", "unimp"],
  [0x02c5a533, 0, "mulhsu a0,a1,a2", "mulhsu a0,a1,a2"],
  [0x02c5f533, 0, "remu a0,a1,a2", "remu a0,a1,a2"],
  [0x00000000, 0, ".word 0x00000000", ".word 0x00000000"],
  [0xffffffff, 0, ".word 0xffffffff", ".word 0xffffffff"],
  [0x0000100f, 0, ".word 0x0000100f", ".word 0x0000100f"], // fence.i: Zifencei, not RV32IM
  [0x10500073, 0, ".word 0x10500073", ".word 0x10500073"], // wfi: privileged
  [0x02005013, 0, ".word 0x02005013", ".word 0x02005013"], // srli with shamt 32: not on RV32
  [0x40001013, 0, ".word 0x40001013", ".word 0x40001013"],
  [0x80000033, 0, ".word 0x80000033", ".word 0x80000033"],
  [0x00003003, 0, ".word 0x00003003", ".word 0x00003003"], // ld: RV64 only
];

describe("disassemble() prints what objdump prints", () => {
  CASES.forEach(([word, pc, aliased, plain], i) => {
    it(`case ${i + 1}: ${aliased}`, () => {
      expect(disassemble(word, pc)).toBe(aliased);
      expect(disassemble(word, pc, undefined, { aliases: false })).toBe(plain);
    });
  });

  it("names branch and jump targets with the symbol lookup", () => {
    const lookup = makeSymbolLookup([
      { name: "main", address: 0x10074 },
      { name: "loop", address: 0x10080 },
      { name: "local", address: 0x10080, global: false },
    ]);
    expect(disassemble(0x0000006f, 0x10074, lookup)).toBe("j 10074 <main>");
    expect(disassemble(0x008000ef, 0x10074, lookup)).toBe("jal 1007c <main+0x8>");
    expect(disassemble(0xfe050ee3, 0x10084, lookup)).toBe("beqz a0,10080 <loop>");
    expect(disassemble(0x0000006f, 0x100, lookup)).toBe("j 100");
  });

  it("decodes every instruction of the table back to its own entry", () => {
    for (const s of INSTRUCTIONS) {
      const w = s.format === Format.Fixed ? s.word : encodeFor(s, 5, 6, 7, 4);
      expect(decode(w)?.name, s.name).toBe(s.name);
    }
  });
});

/** An instruction of `s` with the given fields (immediates masked to what the format holds). */
function encodeFor(
  s: (typeof INSTRUCTIONS)[number],
  rd: number,
  rs1: number,
  rs2: number,
  imm: number,
): number {
  switch (s.format) {
    case Format.R:
      return encodeR(s, rd, rs1, rs2);
    case Format.I:
    case Format.Load:
    case Format.Jalr:
      return encodeI(s, rd, rs1, imm);
    case Format.Shift:
      return encodeShift(s, rd, rs1, imm & 31);
    case Format.Store:
      return encodeS(s, rs2, rs1, imm);
    case Format.Branch:
      return encodeB(s, rs1, rs2, imm & ~1);
    case Format.U:
      return encodeU(s, rd, imm);
    case Format.J:
      return encodeJ(s, rd, imm & ~1);
    case Format.Fence:
      return ((imm & 0xff) << 20) | 0x0f;
    case Format.Amo:
      return encodeR(s, rd, rs1, rs2);
    case Format.Lr:
      return encodeR(s, rd, rs1, 0);
    case Format.Fixed:
      return s.word;
  }
}

/** objdump 2.40 prints addi/andi/ori/xori/slli/srli/srai with a register as add/and/... */
const OBJDUMP_QUIRKS: Readonly<Record<string, string>> = {
  add: "addi",
  and: "andi",
  or: "ori",
  xor: "xori",
  sll: "slli",
  srl: "srli",
  sra: "srai",
};

/** objdump's instruction lines as [address, word, text], text normalized to our spacing. */
function objdumpLines(
  path: string,
  extra: readonly string[] = [],
): Array<[number, number, string]> {
  const out: Array<[number, number, string]> = [];
  for (const line of tool(GNU_OBJDUMP, ["-d", ...extra, path]).split("\n")) {
    const m = /^\s*([0-9a-f]+):\t([0-9a-f]{8})\s+\t(\S+)(?:\t(.*))?$/.exec(line);
    if (m === null) continue;
    let mnemonic = m[3]!;
    const operands = m[4] ?? "";
    const lastIsImmediate = !/,(zero|ra|sp|gp|tp|fp|[ast]\d+)( |$)/.test(
      operands.replace(/ #.*$/, ""),
    );
    if (OBJDUMP_QUIRKS[mnemonic] !== undefined && lastIsImmediate)
      mnemonic = OBJDUMP_QUIRKS[mnemonic]!;
    out.push([
      Number.parseInt(m[1]!, 16),
      Number.parseInt(m[2]!, 16),
      operands ? `${mnemonic} ${operands}` : mnemonic,
    ]);
  }
  return out;
}

function randomWords(count: number): number[] {
  let s = 0x9e3779b9;
  const next = (): number => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
  const words: number[] = [];
  for (let i = 0; i < count; i++) {
    const spec = INSTRUCTIONS[next() % INSTRUCTIONS.length]!;
    const r = next();
    words.push(encodeFor(spec, r & 31, (r >>> 5) & 31, (r >>> 10) & 31, (next() % 4096) - 2048));
  }
  return words;
}

describeWithBinutils("disassembly agrees with GNU objdump", () => {
  it("on 3000 random RV32IMA instructions, with and without aliases", () => {
    const words = randomWords(3000);
    const source = `.text\n${words.map((w) => `.insn 0x${w.toString(16).padStart(8, "0")}`).join("\n")}\n`;
    const src = scratchFile("random.s", source);
    const obj = `${src}.o`;
    tool(GNU_AS, ["-march=rv32ima", "-mabi=ilp32", "-o", obj, src]);
    for (const aliases of [true, false]) {
      const lines = objdumpLines(obj, aliases ? [] : ["-M", "no-aliases"]);
      expect(lines.length).toBe(words.length);
      for (const [addr, word, text] of lines) {
        const ours = disassemble(word, addr, undefined, { aliases });
        expect(ours, `0x${word.toString(16)} at ${addr.toString(16)}`).toBe(
          text.replace(/ <[^>]*>/g, "").replace(/ #.*$/, ""),
        );
      }
    }
  });

  it("lists a whole program as objdump -d does, labels and address notes included", () => {
    const source = readFileSync("test/asm/fixtures/pseudo.s", "utf8");
    const elfPath = scratchFile("pseudo.elf", writeElf(asm(source)));
    const parsed = readElf(readFileSync(elfPath));
    if (!parsed.ok) throw new Error(parsed.error);
    const listing = formatListing(parsed.elf, "pseudo.elf");
    const ourLines = new Map<number, string>();
    for (const line of listing.split("\n")) {
      const m = /^\s*([0-9a-f]+):\t[0-9a-f]{8}\s+\t(.*)$/.exec(line);
      if (m !== null) ourLines.set(Number.parseInt(m[1]!, 16), m[2]!.replace("\t", " "));
    }
    const theirs = objdumpLines(elfPath);
    expect(theirs.length).toBeGreaterThan(50);
    for (const [addr, , text] of theirs)
      expect(ourLines.get(addr), `at ${addr.toString(16)}`).toBe(text);
    expect(listing).toContain("00010094 <_start>:");
    expect(listing).toContain("Contents of section .rodata:");
  });
});

describe("reading damaged ELF files", () => {
  it("gives a reason or a listing for 2000 corrupted files, never an exception", () => {
    const base = writeElf(asm(readFileSync("test/asm/fixtures/pseudo.s", "utf8")));
    let seed = 7;
    const next = (n: number): number => {
      seed ^= seed << 13;
      seed >>>= 0;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      seed >>>= 0;
      return seed % n;
    };
    let listed = 0;
    for (let i = 0; i < 2000; i++) {
      const bytes = base.slice();
      const headerOnly = i % 2 === 0; // half the damage goes to the ELF header
      for (let k = 0; k <= next(8); k++) bytes[next(headerOnly ? 64 : bytes.length)] = next(256);
      const damaged = next(4) === 0 ? bytes.subarray(0, next(bytes.length)) : bytes;
      const r = readElf(damaged);
      if (r.ok) {
        expect(formatListing(r.elf, "damaged.elf")).toContain("file format");
        listed++;
      } else expect(r.error).not.toMatch(/\n/);
    }
    expect(listed).toBeGreaterThan(0);
  });
});
