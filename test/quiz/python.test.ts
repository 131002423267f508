// quiz/python.ts: Python's int() parsing and % formatting, against values printed by python3.
import { describe, expect, it } from "vitest";
import { parseOptparseInt, parsePyInt, pyD, pyFixed, pyListStr, pyX } from "../../quiz/python.js";

describe("pyFixed rounds like Python's %.2f (exact value, ties to even)", () => {
  // python3 -c "print(['%.2f' % x for x in (12.125, 0.125, 0.375, 2.675, 9.96, 100.0, 0.0, 1/3, 99.995)])"
  const cases: [number, string][] = [
    [12.125, "12.12"],
    [0.125, "0.12"],
    [0.375, "0.38"],
    [2.675, "2.67"],
    [9.96, "9.96"],
    [100.0, "100.00"],
    [0.0, "0.00"],
    [1 / 3, "0.33"],
    [99.995, "100.00"],
  ];
  for (const [x, s] of cases) it(`${x} -> ${s}`, () => expect(pyFixed(x, 2)).toBe(s));
  it("the hit rate 100*97/800 prints as Python does", () =>
    expect(pyFixed((100.0 * 97) / 800, 2)).toBe("12.12"));
});

describe("pyD and pyX format like %d / %x with widths", () => {
  it("pads with spaces or zeros", () => {
    expect(pyD(7, 4)).toBe("   7");
    expect(pyD(-7, 4)).toBe("  -7");
    expect(pyX(0x1ae, 8, true)).toBe("000001ae");
    expect(pyX(5, 2, true)).toBe("05");
    expect(pyX(0x7f)).toBe("7f");
  });
  it("prints negatives as Python does ('%08x' % -10 == '-000000a')", () => {
    expect(pyX(-10, 8, true)).toBe("-000000a");
    expect(pyD(-5, 4, true)).toBe("-005");
  });
  it("str() of a list of ints", () => expect(pyListStr([8, 7, 4])).toBe("[8, 7, 4]"));
});

describe("parsePyInt is Python's int(text, base)", () => {
  it("accepts what Python accepts", () => {
    expect(parsePyInt(" 42 ")).toBe(42n);
    expect(parsePyInt("-0")).toBe(0n);
    expect(parsePyInt("+7")).toBe(7n);
    expect(parsePyInt("1_000")).toBe(1000n);
    expect(parsePyInt("010")).toBe(10n);
    expect(parsePyInt("0x_1f", 16)).toBe(31n);
    expect(parsePyInt("12345678901234567890123")).toBe(12345678901234567890123n);
  });
  it("rejects what Python rejects", () => {
    for (const bad of ["", " ", "1.5", "1__0", "_1", "1_", "0x10", "- 5", "1k"]) {
      expect(parsePyInt(bad), bad).toBeUndefined();
    }
  });
});

describe("parseOptparseInt is optparse's type='int' conversion", () => {
  it("0x is hex, 0b binary, a leading 0 octal", () => {
    expect(parseOptparseInt("0x10")).toBe(16n);
    expect(parseOptparseInt("0X1f")).toBe(31n);
    expect(parseOptparseInt("0b101")).toBe(5n);
    expect(parseOptparseInt("0b")).toBe(0n);
    expect(parseOptparseInt("010")).toBe(8n);
    expect(parseOptparseInt("0")).toBe(0n);
    expect(parseOptparseInt("-3")).toBe(-3n);
  });
  it("rejects 08 (not octal) and -0x10 (decimal after the sign)", () => {
    expect(parseOptparseInt("08")).toBeUndefined();
    expect(parseOptparseInt("-0x10")).toBeUndefined();
  });
});
