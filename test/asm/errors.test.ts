// Errors and warnings: each names file:line:column and says what is wrong; every error in a file
// is reported; no input, however broken, makes the assembler throw.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assemble, formatDiagnostic } from "../../asm/assembler.js";
import { writeElf } from "../../asm/elf-writer.js";

/** The first error of `line` (placed on line 2, after `.text`), as "col: message". */
function firstError(line: string): string {
  const r = assemble(`.text\n${line}\n`, "e.s");
  if (r.ok) return "(assembled)";
  const e = r.errors[0]!;
  return `${e.line}:${e.column}: ${e.message}`;
}

const ERROR_CASES: ReadonlyArray<readonly [string, string]> = [
  ["addd a0, a0, 1", "2:1: unknown instruction 'addd'"],
  ["addi a0, a0, 4096", "2:14: immediate 4096 is out of range for 'addi' (-2048..2047)"],
  ["addi a0, a0, -2049", "2:14: immediate -2049 is out of range for 'addi' (-2048..2047)"],
  ["lw a0, 2048(sp)", "2:8: immediate 2048 is out of range for 'lw' (-2048..2047)"],
  ["addi a0, a0", "2:1: 'addi' takes 3 operands (addi rd, rs1, imm), not 2"],
  [
    "add a0, a1, a2, a3",
    "2:1: 'add' takes 3 operands (add rd, rs1, rs2 | add rd, rs1, imm), not 4",
  ],
  ["ret a0", "2:1: 'ret' takes 0 operands (ret), not 1"],
  ["addi a9, a0, 1", "2:6: operand 1 of 'addi' must be a register, not 'a9'"],
  [
    "addi A0, a0, 1",
    "2:6: operand 1 of 'addi' must be a register, not 'A0' (register names are lower case)",
  ],
  [
    "add a0, a1, 4(sp)",
    "2:13: operand 3 of 'add' must be a register or a number or symbol, not a memory operand",
  ],
  [
    "lw a0, a1",
    "2:8: operand 2 of 'lw' must be a memory operand like 8(sp) or a number or symbol, not a register",
  ],
  ["lw a0, 4(a9)", "2:10: 'a9' is not a register (a memory operand is offset(register))"],
  ["lw a0, 4(sp", "2:12: missing ')'"],
  ["lw a0, 4)(sp)", "2:9: ')' without a matching '('"],
  ["slli a0, a0, 32", "2:14: shift amount 32 is out of range for 'slli' (0..31)"],
  ["lui a0, -1", "2:9: 'lui' immediate -1 is out of range (0..1048575, the upper 20 bits)"],
  [
    "lui a0, 0x100000",
    "2:9: 'lui' immediate 1048576 is out of range (0..1048575, the upper 20 bits)",
  ],
  ["li a0, 0x100000000", "2:8: li value 4294967296 does not fit in 32 bits"],
  [
    "li a0, later\n.equ later, 1",
    "2:8: li needs a value known at this point, but 'later' is not defined before it",
  ],
  ["beq a0, a1, nowhere", "2:13: undefined symbol 'nowhere'"],
  ["addi a0, a0, a1 + 1", "2:14: register 'a1' cannot be used in an expression"],
  [
    "x: addi a0, a0, x",
    "2:17: 'addi' needs a 12-bit constant here, not an address (use %lo(symbol) or la)",
  ],
  [
    "addi a0, a0, %hi(x)\nx:",
    "2:14: %hi gives the upper 20 bits (for lui/auipc); 'addi' needs %lo or %pcrel_lo here",
  ],
  ["lui a0, %lo(x)\nx:", "2:9: %lo gives the lower 12 bits; 'lui' needs %hi or %pcrel_hi here"],
  [
    "addi a0, a0, %foo(x)",
    "2:14: unknown relocation function after '%' (found 'foo'; known: %hi, %lo, %pcrel_hi, %pcrel_lo)",
  ],
  ["j 1b", "2:3: '1b' refers back to a label '1:' but there is none before it"],
  ["j 2f", "2:3: '2f' refers forward to a label '2:' but there is none after it"],
  ["x: nop\nx: nop", "3:1: symbol 'x' is already defined (at e.s:2:1)"],
  ['.ascii "abc', '2:8: unterminated string (missing closing ")'],
  [".ascii abc", "2:8: .ascii takes strings in double quotes, not 'abc'"],
  [".foo 1", "2:1: unknown directive '.foo'"],
  [".macro m", "2:1: directive '.macro' is not supported by this assembler"],
  [
    "fence.i",
    "2:1: unknown instruction 'fence.i': it needs the Zifencei extension, and this assembler is RV32IMA only",
  ],
  [
    "csrr a0, cycle",
    "2:1: unknown instruction 'csrr': it needs the Zicsr extension, and this assembler is RV32IMA only",
  ],
  [
    "fence wr, rw",
    "2:7: a fence set is some of the letters i, o, r, w in that order (as in 'rw' or 'iorw')",
  ],
  [".align 40", "2:8: .align alignment 40 is too large (at most 20)"],
  [".balign 3", "2:1: .balign alignment 3 is not a power of 2"],
  [".space -1", "2:8: .space size cannot be negative (-1)"],
  [
    ".space later\nlater:",
    "2:8: .space size needs a value known at this point, but 'later' is not defined before it",
  ],
  [".word 1 +", "2:10: expression ends too early"],
  [".word (1", "2:9: missing ')' in expression"],
  [".word 1 2", "2:9: unexpected '2' in expression"],
  [".word 99999999999999999999", "2:7: number '99999999999999999999' does not fit in 64 bits"],
  [".word 09", "2:7: malformed number '09'"],
  [".byte `", "2:7: unexpected character '`'"],
  [
    ".option rvc",
    "2:1: compressed instructions (the C extension) are not supported: this assembler is RV32IMA only",
  ],
  [".equ a0, 1", "2:6: 'a0' is a register name and cannot be a symbol"],
  [".bss\nnop", "3:1: cannot put instructions in .bss (a section without contents)"],
  [".bss\n.word 1", "3:7: cannot store non-zero values in .bss (it has no contents; use .data)"],
  ["(a0)", "2:1: expected an instruction, directive or label, found '('"],
  ['.include "x.s"', "2:10: cannot include 'x.s': no file access here"],
  [
    "beq a0, a1, far\n.space 4096\nfar:",
    "2:13: branch target 0x11078 is out of range (4100 bytes away; the limit is ±4 KiB; branch the other way around a 'j' to go further)",
  ],
  [
    "j far\n.space 0x100000\nfar:",
    "2:3: jump target 0x110078 is out of range (1048580 bytes away; the limit is ±1 MiB; use 'call' or 'tail' to go further)",
  ],
  ["beq a0, a1, 3", "2:13: branch target 0x3 is not 2-byte aligned"],
  [
    "x: addi a0, a0, %pcrel_lo(x)",
    "2:17: %pcrel_lo needs the label of an auipc with %pcrel_hi, but there is none at 0x10074",
  ],
  [".data\nx: .half x", "3:10: address 0x11074 does not fit in 2 bytes"],
  [
    ".section .sdata\nx: .word 1\n.text\nla a0, x",
    "5:8: the address refers to section '.sdata', which is not loaded (give it flags, e.g. .section .sdata,\"aw\")",
  ],
];

describe("error messages", () => {
  ERROR_CASES.forEach(([source, expected], i) => {
    it(`case ${i + 1}: ${source.split("\n")[0]}`, () => {
      expect(firstError(source), `case ${i + 1}`).toBe(expected);
    });
  });

  it("formats a diagnostic as file:line:col: error: message", () => {
    const r = assemble("\n\n  addd a0, a0, 1\n", "prog.s");
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(formatDiagnostic(r.errors[0]!)).toBe("prog.s:3:3: error: unknown instruction 'addd'");
  });

  it("reports every error in a file, in source order, not only the first", () => {
    const source = [
      ".text",
      "addd a0, a0, 1",
      "nop",
      "addi a0, a0, 5000",
      "beq a0, a1, nowhere",
      ".word 1 / 0",
      "lui a0, -1",
    ];
    const r = assemble(source.join("\n"), "many.s");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.map((e) => e.line)).toEqual([2, 4, 5, 6, 7]);
  });

  it("marks warnings as warnings", () => {
    const r = assemble(".text\nnop\n", "w.s");
    expect(r.ok && r.warnings.map((w) => formatDiagnostic(w))).toEqual([
      "w.s:1:1: warning: no _start symbol: the program will start at the beginning of .text (0x10074), as GNU ld does",
    ]);
  });

  it("warns about a local _start, a misaligned instruction and content GNU ld would not load", () => {
    const r = assemble("_start: nop\n.byte 1\nnop\n.section .sdata\n.word 1\n", "w.s");
    const messages = r.warnings.map((w) => `${w.line}: ${w.message}`);
    expect(messages).toEqual([
      "1: '_start' is not declared .globl: GNU ld would not find it and would start at the beginning of .text",
      "3: instruction at offset 5 of .text is not 4-byte aligned; it will trap if executed",
      '5: section \'.sdata\' has no "a" flag, so it is not loaded: use .section .sdata,"aw" (or "a" for read-only)',
    ]);
  });

  it("warns about a branch to an address that is 2- but not 4-byte aligned", () => {
    const r = assemble(".globl _start\n_start: beq a0, a1, x\n.half 0\nx: .half 0\n", "w.s");
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.message)).toContain(
      "branch target 0x1007a is not 4-byte aligned; it will trap (RV32IMA has no 2-byte instructions)",
    );
  });
});

/** A small deterministic generator (xorshift32). */
function rng(seed: number): (n: number) => number {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % n;
  };
}

describe("no input makes the assembler throw", () => {
  const corpus = [
    ...readdirSync("test/asm/fixtures")
      .filter((f) => f.endsWith(".s") && f !== "limits.s")
      .map((f) => `test/asm/fixtures/${f}`),
    ...readdirSync("programs")
      .filter((f) => f.endsWith(".s"))
      .map((f) => `programs/${f}`),
  ].map((f) => readFileSync(f, "utf8"));
  const alphabet = " \t\n,()%'\"#;:.-+*/<>=!~&|^$@abcxyz0123456789lwaiupbfjr\\";
  const mutations: Array<(src: string, r: (n: number) => number) => string> = [
    (_s, r) => Array.from({ length: 300 }, () => alphabet[r(alphabet.length)]).join(""),
    (s, r) => {
      const a = s.split("");
      for (let j = 0; j < 12; j++) a[r(a.length)] = alphabet[r(alphabet.length)]!;
      return a.join("");
    },
    (s, r) => {
      const lines = s.split("\n");
      for (let j = 0; j < 6; j++) lines.splice(r(lines.length), 0, lines[r(lines.length)]!);
      return lines.join("\n");
    },
    (_s, r) => String.fromCharCode(...Array.from({ length: 400 }, () => r(256))),
    (s, r) => s.slice(0, r(s.length)),
  ];

  it("survives 1500 mangled sources with diagnostics only", () => {
    const r = rng(20240601);
    let assembled = 0;
    for (let i = 0; i < 1500; i++) {
      const base = corpus[r(corpus.length)]!;
      const source = mutations[r(mutations.length)]!(base, r);
      const result = assemble(source, "fuzz.s", { readInclude: () => "nop\n" });
      if (result.ok) {
        assembled++;
        expect(writeElf(result.program).length).toBeGreaterThan(0);
      } else {
        expect(result.errors.length).toBeGreaterThan(0);
        for (const e of result.errors) {
          expect(e.message, `case ${i}: ${JSON.stringify(source.slice(0, 200))}`).not.toMatch(
            /internal/,
          );
          expect(e.line).toBeGreaterThanOrEqual(1);
          expect(e.column).toBeGreaterThanOrEqual(1);
        }
      }
    }
    expect(assembled).toBeGreaterThan(0);
  });
});
