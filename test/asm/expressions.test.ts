// Expressions, constants, strings, symbols and data directives, as GNU as evaluates them. The
// expected values were checked against GNU as 2.40 (see the comments for its surprises).
import { describe, expect, it } from "vitest";
import { assemble } from "../../asm/assembler.js";
import { link } from "../../asm/link.js";
import { asm, errorsOf } from "./helpers.js";

/** The bytes of .data after linking at the default addresses. */
function dataBytes(source: string): number[] {
  const linked = link(asm(`.data\n${source}\n`));
  if (!linked.ok) throw new Error(JSON.stringify(linked.errors));
  const data = linked.image.sections.find((s) => s.kind === "data")!;
  return [...data.bytes];
}

/** The value of `.word expr` (as a signed 32-bit number). */
function word(expr: string, prelude = ""): number {
  const b = dataBytes(`${prelude}\n.word ${expr}`).slice(-4);
  return b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24);
}

const WORD_CASES: ReadonlyArray<readonly [string, number]> = [
  ["2 + 3 & 1", 3], // GNU: & binds tighter than +
  ["2 + 3 ^ 1", 4],
  ["1 - 2 * 3", -5],
  ["2 * 3 << 1", 12], // * and << have the same rank, left to right
  ["1 << 2 * 3", 12],
  ["6 & 3 | 8", 10],
  ["2 | 1 & 4", 0], // | and & have the same rank, left to right
  ["3 == 1 + 2", -1], // true is -1
  ["3 != 3", 0],
  ["3 <> 4", -1],
  ["5 < 3", 0],
  ["-1 < 1", -1], // signed comparison
  ["4 >= 4", -1],
  ["1 || 0 && 0", 1],
  ["1 && 2", 1],
  ["!0", 1],
  ["!5", 0],
  ["~0", -1],
  ["- - 1", 1],
  ["7 / 2", 3],
  ["-7 / 2", -3], // truncates toward zero
  ["-7 % 2", -1],
  ["8 / 2 / 2", 2],
  ["-8 >> 1", -4], // logical shift of the 64-bit value, then truncated to 32 bits
  ["1 ! 2", -3], // binary ! is "or not"
  ["0x1F + 0X10", 47],
  ["0b101 + 0B1", 6],
  ["017", 15],
  ["'a", 97],
  ["'a'", 97],
  ["'\\n'", 10],
  ["'\\\\'", 92],
  ["(1 + 2) * 3", 9],
  ["0xffffffff", -1],
];

describe("expressions evaluate as in GNU as", () => {
  WORD_CASES.forEach(([expr, value], i) => {
    it(`case ${i + 1}: .word ${expr} = ${value}`, () => {
      expect(word(expr)).toBe(value);
    });
  });

  it("computes label differences in the same section, including `.`", () => {
    expect(word("b - a", "a: .byte 1, 2, 3\nb:")).toBe(3);
    expect(word("a - b", "a: .byte 1, 2, 3\nb:")).toBe(-3);
    expect(word(". - a", "a: .byte 1, 2")).toBe(2);
  });

  it("gives each value of a .word list its own `.`", () => {
    expect(dataBytes("base: .word . - base, . - base")).toEqual([0, 0, 0, 0, 4, 0, 0, 0]);
  });

  it("lets .set change a symbol for the statements after it (and .equ, and =)", () => {
    const b = dataBytes(
      ".set x, 1\n.word x\n.set x, x + 1\n.word x\nx = 7\n.word x\n.equ x, 9\n.word x",
    );
    expect(b).toEqual([1, 0, 0, 0, 2, 0, 0, 0, 7, 0, 0, 0, 9, 0, 0, 0]);
  });

  it("lets data use a symbol defined later", () => {
    expect(word("later * 2\n.equ later, 21")).toBe(42);
  });

  it("binds `.` in .equ to where the .equ is", () => {
    expect(word("len", 'msg: .ascii "hello"\nlen = . - msg\n.byte 0, 0, 0')).toBe(5);
  });

  it("reports a symbol defined in terms of itself", () => {
    expect(errorsOf(".data\n.set a, b\n.set b, a\n.word a")[0]!.message).toMatch(
      /defined in terms of itself/,
    );
  });

  it("rejects division by zero and arithmetic on addresses", () => {
    expect(errorsOf(".data\n.word 1 / 0")[0]!.message).toBe("division by zero");
    expect(errorsOf(".data\nx: .word x * 2")[0]!.message).toMatch(
      /'\*' cannot be applied to an address/,
    );
    expect(errorsOf(".data\nx: .word x + x")[0]!.message).toMatch(/cannot add two addresses/);
    expect(errorsOf(".data\nx: .word 0\n.text\ny: nop\n.data\n.word x - y")[0]!.message).toMatch(
      /different sections/,
    );
  });

  it("warns, as GNU as does, when a value loses significant bits", () => {
    const r = assemble(
      ".data\n.byte 300, -129, 255, -128\n.half 70000\n.word 0x100000000\n",
      "w.s",
    );
    expect(r.ok).toBe(true);
    const truncations = r.warnings.filter((w) => w.message.includes("truncated"));
    expect(truncations.map((w) => `${w.line}:${w.column} ${w.message}`)).toEqual([
      "2:7 value 0x12c truncated to 0x2c",
      "3:7 value 0x11170 truncated to 0x1170",
      "4:7 value 0x100000000 truncated to 0x0",
    ]);
    expect(r.ok && r.warnings.every((w) => w.severity === "warning")).toBe(true);
  });
});

describe("strings and data directives", () => {
  it("decodes escapes as GNU as does (\\x takes every hex digit and keeps the low byte)", () => {
    expect(dataBytes('.ascii "\\0\\1\\12\\x4a\\x4A4\\b\\f\\r\\t\\v\\\\\\"\\\'\\q"')).toEqual([
      0, 1, 10, 0x4a, 0xa4, 8, 12, 13, 9, 11, 0x5c, 0x22, 0x27, 0x71,
    ]);
  });

  it("terminates .asciz and .string, not .ascii", () => {
    expect(dataBytes('.ascii "ab", "c"\n.asciz "d"\n.string "e", "f"')).toEqual([
      97, 98, 99, 100, 0, 101, 0, 102, 0,
    ]);
  });

  it("encodes non-ASCII characters as UTF-8", () => {
    expect(dataBytes('.ascii "é"')).toEqual([0xc3, 0xa9]);
  });

  it("writes integers little-endian in every width", () => {
    expect(
      dataBytes(".byte 1, -1\n.half 0x1234\n.short -2\n.2byte 3\n.word 0x12345678\n.4byte 5"),
    ).toEqual([1, 255, 0x34, 0x12, 0xfe, 0xff, 3, 0, 0x78, 0x56, 0x34, 0x12, 5, 0, 0, 0]);
    expect(dataBytes(".quad 0x1122334455667788\n.dword -1\n.8byte 3")).toEqual([
      0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 255, 255, 255, 255, 255, 255, 255, 255, 3, 0,
      0, 0, 0, 0, 0, 0,
    ]);
  });

  it("fills with .space, .skip, .zero and .fill", () => {
    expect(
      dataBytes(".space 2\n.space 2, 0xab\n.skip 1\n.zero 1\n.fill 2, 2, 0x1234\n.fill 1, 3, -1"),
    ).toEqual([0, 0, 0xab, 0xab, 0, 0, 0x34, 0x12, 0x34, 0x12, 255, 255, 255]);
  });

  it("aligns with .align/.p2align (powers of two), .balign (bytes), fill and maximum", () => {
    expect(dataBytes(".byte 1\n.align 2\n.byte 2\n.balign 8, 0xee\n.byte 3")).toEqual([
      1, 0, 0, 0, 2, 0xee, 0xee, 0xee, 3,
    ]);
    // .p2align 3,,2 would need 7 bytes of padding: more than 2, so it does nothing
    expect(dataBytes(".byte 1\n.p2align 3,,2\n.byte 2\n.p2align 2, 0x55, 3\n.byte 3")).toEqual([
      1, 2, 0x55, 0x55, 3,
    ]);
  });

  it("pads code with nops (GNU as's c.nop for a 2-byte gap), also at the end of .text", () => {
    const linked = link(asm(".text\nnop\n.byte 1\n.align 4\nnop\n"));
    const text = linked.ok ? [...linked.image.sections[0]!.bytes] : [];
    const NOP = [0x13, 0, 0, 0];
    expect(text).toEqual([...NOP, 1, 0, 1, 0, ...NOP, ...NOP, ...NOP, ...NOP, ...NOP, ...NOP]);
  });

  it("includes files through the host's reader, naming them in messages", () => {
    const files: Record<string, string> = { "defs.inc": ".equ SEVEN, 7\n.word undefined_here\n" };
    const r = assemble('.data\n.include "defs.inc"\n.word SEVEN\n', "main.s", {
      readInclude: (p) => files[p],
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors[0]).toMatchObject({
        file: "defs.inc",
        line: 2,
        column: 7,
        message: "undefined symbol 'undefined_here'",
      });
  });

  it("reports a missing include file and recursive includes", () => {
    const missing = assemble('.include "nope.s"\n', "m.s", { readInclude: () => undefined });
    expect(missing.ok || missing.errors[0]!.message).toBe("cannot open include file 'nope.s'");
    const loop = assemble('.include "self.s"\n', "self.s", {
      readInclude: () => '.include "self.s"\n',
    });
    expect(loop.ok || loop.errors[0]!.message).toMatch(/nested more than 32 deep/);
  });
});

describe("symbols", () => {
  it("exports labels and .equ values, not .L or numeric local labels", () => {
    const p = asm(".text\n.globl _start\n_start: nop\n.L1: nop\n1: nop\nfoo: nop\n.equ K, 42\n");
    expect(p.symbols.map((s) => s.name).sort()).toEqual(["K", "_start", "foo"]);
    expect(p.symbols.find((s) => s.name === "K")).toMatchObject({
      section: undefined,
      value: 42,
      global: false,
    });
    expect(p.symbols.find((s) => s.name === "foo")).toMatchObject({ section: "text", value: 12 });
  });

  it("records .globl, .type and .size", () => {
    const p = asm(".text\n.globl f\n.type f, @function\nf: nop\nret\n.size f, . - f\n");
    expect(p.symbols[0]).toMatchObject({ name: "f", global: true, type: "func", size: 8 });
  });

  it("resolves numeric labels to the nearest definition in each direction", () => {
    const p = asm(".data\n1: .word 1b, 1f\n1: .word 1b\n");
    const linked = link(p);
    const d = linked.ok ? linked.image.sections.find((s) => s.kind === "data")! : undefined;
    const words = [0, 4, 8].map(
      (o) => d!.bytes[o]! | (d!.bytes[o + 1]! << 8) | (d!.bytes[o + 2]! << 16),
    );
    expect(words).toEqual([d!.address, d!.address + 8, d!.address + 8]);
  });
});
