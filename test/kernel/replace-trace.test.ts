// kernel/replace/trace.ts: the four trace formats, their detection from the first data line,
// comments and blank lines, page-size division, and errors naming the line.
import { describe, expect, it } from "vitest";
import { parseTrace, TraceFormat, TraceSyntaxError } from "../../kernel/replace/trace.js";

const parse = (text: string, pageSize = 4096, format?: TraceFormat) =>
  parseTrace(text, { pageSize, format });

/** The TraceSyntaxError `text` raises, as "line: message". */
function failure(text: string, pageSize = 4096): string {
  try {
    parse(text, pageSize);
  } catch (e) {
    if (e instanceof TraceSyntaxError) return `${e.line}: ${e.message}`;
    throw e;
  }
  throw new Error("expected a TraceSyntaxError");
}

describe("trace formats", () => {
  it("1: one page number per line (OSTEP's -f file), decimal or 0x hex, comments and blanks skipped", () => {
    const t = parse("# a comment\n3\n\n  0x10  # sixteen\r\n7\n");
    expect(t).toMatchObject({ format: TraceFormat.Pages, pages: [3, 16, 7], writes: undefined });
    expect(t.writeCount).toBe(0);
  });

  it("2: OSTEP's comma-separated list, over one or more lines; numbers are pages, not addresses", () => {
    expect(parse("1,2,3,4,1,2,5\n")).toMatchObject({
      format: TraceFormat.List,
      pages: [1, 2, 3, 4, 1, 2, 5],
    });
    expect(parse("8, 7 ,4\n2,5\n", 1).pages).toEqual([8, 7, 4, 2, 5]);
  });

  it("3: R/W lines with addresses divided by the page size; writes marked", () => {
    const t = parse("R 0x1234\nw 0x2fff\nW 8192\nr 0x0\n");
    expect(t).toMatchObject({ format: TraceFormat.Accesses, pages: [1, 2, 2, 0], writeCount: 2 });
    expect([...t.writes!]).toEqual([0, 1, 1, 0]);
    expect(parse("R 0x1234\n", 256).pages).toEqual([0x12]);
  });

  it("4: valgrind lackey output: I and L read, S and M write, == lines skipped", () => {
    const text = [
      "==1234== Lackey, an example Valgrind tool",
      "I  04016c3c,3",
      " S 1ffefffa08,8",
      " L 04225e98,8",
      " M 0421d6e0,4",
      "==1234== ",
    ].join("\n");
    const t = parse(text);
    expect(t.format).toBe(TraceFormat.Lackey);
    expect(t.pages).toEqual([0x04016, 0x1ffefff, 0x04225, 0x0421d]);
    expect([...t.writes!]).toEqual([0, 1, 0, 1]);
  });

  it("5: a format can be forced", () => {
    expect(parse("12\n", 4096, TraceFormat.List).format).toBe(TraceFormat.List);
    expect(() => parse("12\n", 4096, TraceFormat.Accesses)).toThrow(TraceSyntaxError);
  });

  it("6: an empty trace has no references", () => {
    expect(parse("# nothing\n\n").pages).toEqual([]);
  });
});

describe("trace errors name the line", () => {
  it("7: a word where a page number belongs", () => {
    expect(failure("1\n2\nthree\n")).toBe("3: 'three' is not a page number (decimal or 0x hex)");
  });

  it("8: negative pages and empty list items", () => {
    expect(failure("4\n-1\n")).toBe("2: '-1' is not a page number (decimal or 0x hex)");
    expect(failure("1,2,,3\n")).toBe("1: an empty item is not a page number (decimal or 0x hex)");
  });

  it("9: a line in another format than the first", () => {
    expect(failure("R 0x10\n\n17\n")).toBe(
      "3: '17' does not fit the trace's format (R/W and an address per line, from its first line)",
    );
    expect(failure("R 0x10\nX 0x20\n")).toMatch(/^2: 'X 0x20' does not fit/);
    expect(failure("R zz\n")).toBe("1: 'zz' is not an address (decimal or 0x hex)");
  });

  it("10: numbers beyond 2**53", () => {
    expect(failure("99999999999999999999\n")).toBe("1: 99999999999999999999 is too large");
  });

  it("11: a page size that is not a power of two is refused", () => {
    expect(() => parse("R 0x10\n", 3000)).toThrow(RangeError);
  });
});
