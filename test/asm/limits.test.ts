// Inputs at the assembler's limits: expressions nested or chained far beyond any real program get a
// located error (never a host stack overflow); long chains of symbol definitions still work, in
// linear time; .space/.zero/.skip/.fill cost no per-byte work (none at all in .bss), and sizes
// beyond what can be loaded are located errors.
import { describe, expect, it, vi } from "vitest";
import { assemble } from "../../asm/assembler.js";
import { Pass2Writer } from "../../asm/emitter.js";
import { MAX_EXPR_NESTING, MAX_EXPR_OPERATORS } from "../../asm/expr.js";
import { SectionKind } from "../../asm/program.js";

/** The first error as "line:col: message", or "(assembled)". */
function firstError(source: string): string {
  const r = assemble(source, "deep.s");
  if (r.ok) return "(assembled)";
  const e = r.errors[0]!;
  return `${e.line}:${e.column}: ${e.message}`;
}

/** The .data bytes of a source that must assemble. */
function dataOf(source: string): Uint8Array {
  const r = assemble(source, "deep.s");
  if (!r.ok) throw new Error(r.errors[0]!.message);
  return r.program.sections.find((s) => s.kind === SectionKind.Data)!.bytes;
}

/** CPU milliseconds `fn` takes. */
function cpuMs(fn: () => void): number {
  const before = process.cpuUsage();
  fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const word = (bytes: Uint8Array, at = 0) =>
  new DataView(bytes.buffer, bytes.byteOffset).getInt32(at, true);

describe("expression depth", () => {
  const NEST = `expression nested more than ${MAX_EXPR_NESTING} deep (parentheses and unary operators)`;
  const cases: [string, string, string][] = [
    ["20,000 nested parentheses", `.word ${"(".repeat(20_000)}1${")".repeat(20_000)}`, NEST],
    ["20,000 unary minus signs", `.word ${"-".repeat(20_000)}1`, NEST],
    ["20,000 spaced unary operators", `.word ${"~ ".repeat(20_000)}1`, NEST],
    ["nested parentheses in li", `li a0, ${"(".repeat(5_000)}1${")".repeat(5_000)}`, NEST],
    [
      "20,000 additions",
      `.word 1${"+1".repeat(20_000)}`,
      `expression has more than ${MAX_EXPR_OPERATORS} operators`,
    ],
  ];
  for (const [what, line, message] of cases) {
    it(`${what}: a located error`, () => {
      const error = firstError(`.data\n${line}\n`);
      expect(error).toMatch(/^2:\d+: /);
      expect(error.replace(/^2:\d+: /, "")).toBe(message);
    });
  }

  it("points at the token that goes one level too deep", () => {
    const n = MAX_EXPR_NESTING + 1;
    expect(firstError(`.data\n.word ${"(".repeat(n)}1${")".repeat(n)}\n`)).toBe(
      `2:${7 + MAX_EXPR_NESTING}: ${`expression nested more than ${MAX_EXPR_NESTING} deep (parentheses and unary operators)`}`,
    );
  });

  it("accepts expressions at the limits, and evaluates them", () => {
    const half = MAX_EXPR_NESTING / 2;
    const tall = `${"-(".repeat(half)}1${"+1".repeat(MAX_EXPR_OPERATORS)}${")".repeat(half)}`;
    expect(word(dataOf(`.data\n.word ${tall}\n`))).toBe(MAX_EXPR_OPERATORS + 1); // an even number of minuses
  });
});

describe("chains of symbol definitions", () => {
  it("10,000 `.set n, n + 1` give 10,000, in linear time", () => {
    const source = `.set n, 0\n${".set n, n + 1\n".repeat(10_000)}.data\n.word n\n`;
    let bytes: Uint8Array = new Uint8Array(0);
    expect(cpuMs(() => (bytes = dataOf(source)))).toBeLessThan(2_000);
    expect(word(bytes)).toBe(10_000);
  });

  it("10,000 forward references, each symbol defined by the next, resolve", () => {
    const n = 10_000;
    const defs = Array.from({ length: n }, (_, i) => `.equ v${i}, v${i + 1} + 1\n`).join("");
    let bytes: Uint8Array = new Uint8Array(0);
    const ms = cpuMs(() => (bytes = dataOf(`.data\n.word v0\n${defs}.equ v${n}, 5\n`)));
    expect(word(bytes)).toBe(n + 5);
    expect(ms).toBeLessThan(2_000);
  });

  it("a cycle through 10,000 symbols is 'defined in terms of itself', at once", () => {
    const n = 10_000;
    const defs = Array.from({ length: n }, (_, i) => `.equ v${i}, v${i + 1} + 1\n`).join("");
    let error = "";
    const ms = cpuMs(() => (error = firstError(`.data\n.word v0\n${defs}.equ v${n}, v0\n`)));
    expect(error).toMatch(/^2:\d+: symbol 'v\d+' is defined in terms of itself$/);
    expect(ms).toBeLessThan(2_000);
  });
});

describe(".space, .zero, .skip and .fill", () => {
  it("40 × .space 60000000 in .bss: a located error at the one that passes 2 GiB, at once", () => {
    let error = "";
    const ms = cpuMs(() => (error = firstError(`.bss\n${".space 60000000\n".repeat(40)}`)));
    expect(error).toBe("37:1: section .bss would be larger than 2147483648 bytes");
    expect(ms).toBeLessThan(500);
  });

  it("1.8 GB of .bss in 30 directives costs nothing", () => {
    let size = 0;
    const ms = cpuMs(() => {
      const r = assemble(`.bss\n${".zero 60000000\n.skip 1\n".repeat(30)}`, "big.s");
      if (!r.ok) throw new Error(r.errors[0]!.message);
      size = r.program.sections.find((s) => s.kind === SectionKind.Bss)!.size;
    });
    expect(size).toBe(30 * 60_000_001);
    expect(ms).toBeLessThan(500);
  });

  it("refuses sizes beyond what can be loaded, at the size", () => {
    expect(firstError(".bss\nx: .space 0x100000000\n")).toBe(
      "2:11: .space size 4294967296 is too large (at most 2147483648)",
    );
    expect(firstError(".data\n.space 70000000\n")).toBe(
      "2:8: .space size 70000000 is too large (at most 67108864)",
    );
    expect(firstError(".bss\n.space 4, 1\n")).toBe(
      "2:1: cannot store non-zero values in .bss (it has no contents; use .data)",
    );
  });

  it("writes .space and .fill with one fill each, not a byte (or a value) at a time", () => {
    const little = vi.spyOn(Pass2Writer.prototype, "little");
    const n = 1_000_000;
    const bytes = dataOf(`.data\n.space ${n}, 0xa5\n.fill 3, 3, 0x123456\n.zero 5\n`);
    const bss = assemble(`.bss\n.space ${n}\n.fill ${n}, 4\n.skip ${n}\n`, "b.s");
    expect(little).not.toHaveBeenCalled();
    little.mockRestore();
    expect(bss.ok).toBe(true);
    expect(bytes.length).toBe(n + 14);
    expect(bytes.subarray(0, n).every((b) => b === 0xa5)).toBe(true);
    expect([...bytes.subarray(n)]).toEqual([
      0x56, 0x34, 0x12, 0x56, 0x34, 0x12, 0x56, 0x34, 0x12, 0, 0, 0, 0, 0,
    ]);
  });
});
