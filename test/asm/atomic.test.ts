// The A extension in the toolchain: lr.w, sc.w and the nine amo*.w with their .aq/.rl/.aqrl
// suffixes, assembled to GNU as's words (-march=rv32ima) and printed as objdump prints them.
import { describe, expect, it } from "vitest";
import { assemble } from "../../asm/assembler.js";
import { decode, disassemble } from "../../asm/disasm.js";
import { AMO_ORDERINGS, Format, INSTRUCTIONS } from "../../asm/isa.js";
import { hex32 } from "../../hw/hex.js";
import {
  describeWithBinutils,
  GNU_AS,
  GNU_OBJDUMP,
  scratchFile,
  textWords,
  tool,
} from "./helpers.js";

/** [source line, GNU as 2.40's word (-march=rv32ima), objdump's text] */
const CASES: ReadonlyArray<readonly [string, number, string]> = [
  ["lr.w a0, (a1)", 0x1005a52f, "lr.w a0,(a1)"],
  ["lr.w.aq a0, (a1)", 0x1405a52f, "lr.w.aq a0,(a1)"],
  ["lr.w.aqrl a0, 0(a1)", 0x1605a52f, "lr.w.aqrl a0,(a1)"],
  ["lr.w.rl t0, 0(t1)", 0x120322af, "lr.w.rl t0,(t1)"],
  ["sc.w a0, a2, (a1)", 0x18c5a52f, "sc.w a0,a2,(a1)"],
  ["sc.w.rl a0, a2, (a1)", 0x1ac5a52f, "sc.w.rl a0,a2,(a1)"],
  ["sc.w.aq t0, t1, (sp)", 0x1c6122af, "sc.w.aq t0,t1,(sp)"],
  ["sc.w.aqrl zero, zero, (zero)", 0x1e00202f, "sc.w.aqrl zero,zero,(zero)"],
  ["amoswap.w a0, a2, (a1)", 0x08c5a52f, "amoswap.w a0,a2,(a1)"],
  ["amoswap.w.aq zero, a2, (a1)", 0x0cc5a02f, "amoswap.w.aq zero,a2,(a1)"],
  ["amoswap.w.rl s0, s1, (a0)", 0x0a95242f, "amoswap.w.rl s0,s1,(a0)"],
  ["amoadd.w.aqrl a0, a2, (a1)", 0x06c5a52f, "amoadd.w.aqrl a0,a2,(a1)"],
  ["amoadd.w.aq s0, s1, (a0)", 0x0495242f, "amoadd.w.aq s0,s1,(a0)"],
  ["amoxor.w a0, a2, (a1)", 0x20c5a52f, "amoxor.w a0,a2,(a1)"],
  ["amoxor.w.aqrl s0, s1, (a0)", 0x2695242f, "amoxor.w.aqrl s0,s1,(a0)"],
  ["amoand.w a0, a2, (a1)", 0x60c5a52f, "amoand.w a0,a2,(a1)"],
  ["amoand.w.aq s0, s1, 0 (a0)", 0x6495242f, "amoand.w.aq s0,s1,(a0)"],
  ["amoor.w a0, a2, (a1)", 0x40c5a52f, "amoor.w a0,a2,(a1)"],
  ["amoor.w.rl s0, s1, (a0)", 0x4295242f, "amoor.w.rl s0,s1,(a0)"],
  ["amomin.w a0, a2, (a1)", 0x80c5a52f, "amomin.w a0,a2,(a1)"],
  ["amomin.w.aqrl s0, s0, (s0)", 0x8684242f, "amomin.w.aqrl s0,s0,(s0)"],
  ["amomax.w a0, a2, (a1)", 0xa0c5a52f, "amomax.w a0,a2,(a1)"],
  ["amomax.w.aq t6, t5, (t4)", 0xa5eeafaf, "amomax.w.aq t6,t5,(t4)"],
  ["amominu.w a0, a2, (a1)", 0xc0c5a52f, "amominu.w a0,a2,(a1)"],
  ["amominu.w.aqrl t6, t5, (t4)", 0xc7eeafaf, "amominu.w.aqrl t6,t5,(t4)"],
  ["amomaxu.w.rl a0, a2, (a1)", 0xe2c5a52f, "amomaxu.w.rl a0,a2,(a1)"],
  ["amomaxu.w.aq t6, t5, (t4)", 0xe5eeafaf, "amomaxu.w.aq t6,t5,(t4)"],
];

const AMO_SPECS = INSTRUCTIONS.filter((s) => s.format === Format.Amo || s.format === Format.Lr);

/** Every A-extension mnemonic with every ordering suffix, with registers varying by index. */
function everyVariant(): string[] {
  const regs = ["zero", "ra", "sp", "t0", "a0", "a5", "s11", "t6"];
  const lines: string[] = [];
  let i = 0;
  for (const s of AMO_SPECS) {
    for (const { suffix } of AMO_ORDERINGS) {
      const [rd, rs2, rs1] = [regs[i % 8], regs[(i + 3) % 8], regs[(i + 5) % 8]];
      lines.push(
        s.format === Format.Lr
          ? `${s.name}${suffix} ${rd}, (${rs1})`
          : `${s.name}${suffix} ${rd}, ${rs2}, (${rs1})`,
      );
      i++;
    }
  }
  return lines;
}

/** The first error of assembling `line`, as "line:col: message". */
function firstError(line: string): string {
  const r = assemble(`.text\n${line}\n`, "e.s");
  if (r.ok) return "(assembled)";
  const e = r.errors[0]!;
  return `${e.line}:${e.column}: ${e.message}`;
}

describe("the A extension in the assembler and disassembler", () => {
  it("has lr.w, sc.w and the nine amo*.w in the instruction table", () => {
    expect(AMO_SPECS.map((s) => s.name)).toEqual([
      "lr.w",
      "sc.w",
      "amoswap.w",
      "amoadd.w",
      "amoxor.w",
      "amoand.w",
      "amoor.w",
      "amomin.w",
      "amomax.w",
      "amominu.w",
      "amomaxu.w",
    ]);
  });

  CASES.forEach(([source, word, text], i) => {
    it(`case ${i + 1}: ${source}`, () => {
      expect(textWords(source).map(hex32)).toEqual([hex32(word)]);
      expect(disassemble(word, 0)).toBe(text);
      expect(disassemble(word, 0, undefined, { aliases: false })).toBe(text);
    });
  });

  it("round-trips every mnemonic with every ordering suffix", () => {
    const lines = everyVariant();
    expect(lines).toHaveLength(44);
    const words = textWords(lines.join("\n"));
    words.forEach((w, i) => {
      expect(disassemble(w, 0), lines[i]).toBe(lines[i]!.replace(/, /g, ","));
    });
  });

  it("decodes only the encodings the spec defines", () => {
    expect(disassemble(0x1005a52f | (1 << 20), 0)).toBe(".word 0x1015a52f"); // lr.w with rs2 = x1
    expect(disassemble(0x08c5b52f, 0)).toBe(".word 0x08c5b52f"); // amoswap.d: RV64 only
    expect(disassemble(0x28c5a52f, 0)).toBe(".word 0x28c5a52f"); // funct5 = 0b00101: reserved
    expect(decode(0x0ec5a52f)?.name).toBe("amoswap.w"); // aq and rl do not change the opcode
  });

  const ERRORS: ReadonlyArray<readonly [string, string]> = [
    ["lr.w a0, 4(a1)", "2:10: 'lr.w' takes no offset: write (rs1) or 0(rs1)"],
    ["amoadd.w.aq a0, a1, -8(a2)", "2:21: 'amoadd.w.aq' takes no offset: write (rs1) or 0(rs1)"],
    ["sc.w a0, (a1)", "2:1: 'sc.w' takes 3 operands (sc.w rd, rs2, (rs1)), not 2"],
    [
      "amoadd.w a0, a1, a2",
      "2:18: operand 3 of 'amoadd.w' must be a memory operand like 8(sp), not a register",
    ],
    ["lr.w.acq a0, (a1)", "2:1: unknown instruction 'lr.w.acq'"],
  ];
  ERRORS.forEach(([line, message], i) => {
    it(`error ${i + 1}: ${line}`, () => {
      expect(firstError(line)).toBe(message);
    });
  });
});

describeWithBinutils("the A extension against GNU as and objdump", () => {
  it("assembles all 44 variants to GNU's words and prints them as objdump does", () => {
    const lines = everyVariant();
    const src = scratchFile("amo.s", `.text\n${lines.join("\n")}\n`);
    const obj = `${src}.o`;
    tool(GNU_AS, ["-march=rv32ima", "-mabi=ilp32", "-o", obj, src]);
    const theirs = tool(GNU_OBJDUMP, ["-d", obj])
      .split("\n")
      .flatMap((l) => {
        const m = /^\s*[0-9a-f]+:\t([0-9a-f]{8})\s+\t(\S+)\t(.*)$/.exec(l);
        return m ? [[Number.parseInt(m[1]!, 16), `${m[2]} ${m[3]}`] as const] : [];
      });
    const ours = textWords(lines.join("\n"));
    expect(ours.map(hex32)).toEqual(theirs.map(([w]) => hex32(w)));
    for (const [w, text] of theirs) expect(disassemble(w, 0)).toBe(text);
  });
});
