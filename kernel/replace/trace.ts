// Page-reference traces as text, in four formats, told apart by the first line with data on it
// (blank lines and `#` comments are skipped everywhere; valgrind's `==pid==` lines in lackey output):
//
//   pages     one page number per line                 3          OSTEP paging-policy.py's -f file
//   list      comma-separated page numbers             1,2,3,4    OSTEP's -a list (may span lines)
//   accesses  I, R or W and a byte address per line    W 0x1a2c   page = address / page size
//   lackey    valgrind --tool=lackey --trace-mem=yes   " L 04016c3c,8"  page = address / page size
//
// Numbers are decimal or 0x hex (lackey's addresses: hex without 0x). Page numbers in the first two
// formats are used as they are: OSTEP's lists hold virtual page numbers, not addresses. In lackey
// output, I (fetch) and L (load) read and S (store) and M (modify) write; a reference that spans
// two pages counts for the page of its first byte. In the accesses format (`vmlab run --record`),
// I marks an instruction fetch, as in lackey: a read.

/** A page-reference trace: what replay needs. */
export interface PageTrace {
  /** The page of each reference, in order. */
  readonly pages: ArrayLike<number>;
  /** 1 where the reference writes; undefined for formats without writes (all reads). */
  readonly writes?: ArrayLike<number> | undefined;
}

/** The trace formats, named as `--format` takes them. */
export const TraceFormat = {
  Pages: "pages",
  List: "list",
  Accesses: "accesses",
  Lackey: "lackey",
} as const;
export type TraceFormat = (typeof TraceFormat)[keyof typeof TraceFormat];

/** How each format is described in reports and errors. */
export const TRACE_FORMAT_TEXT: Record<TraceFormat, string> = {
  pages: "one page number per line",
  list: "comma-separated page numbers",
  accesses: "R/W and an address per line",
  lackey: "valgrind lackey output",
};

/** A parsed trace and what it was. */
export interface ParsedTrace extends PageTrace {
  readonly pages: number[];
  readonly writes: Uint8Array | undefined;
  readonly format: TraceFormat;
  /** How many references write. */
  readonly writeCount: number;
}

export interface ParseTraceOptions {
  /** Bytes per page, a power of two, for the address formats. */
  readonly pageSize: number;
  /** The format; detected from the first data line if undefined. */
  readonly format?: TraceFormat | undefined;
}

/** A line of a trace that cannot be read; `line` counts from 1. */
export class TraceSyntaxError extends Error {
  override name = "TraceSyntaxError";
  readonly line: number;
  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

const NUMBER = /^(?:0x[0-9a-f]+|[0-9]+)$/i;
const ACCESS = /^([irw])\s+(\S+)$/i;
const LACKEY = /^([ilsm])\s+([0-9a-f]+),([0-9]+)$/i;

/**
 * Parses a trace. Throws TraceSyntaxError naming the first bad line (a bad number, a line in
 * another format than the first), RangeError if pageSize is not a power of two.
 */
export function parseTrace(text: string, options: ParseTraceOptions): ParsedTrace {
  const { pageSize } = options;
  if (!(Number.isSafeInteger(pageSize) && pageSize >= 1 && Number.isInteger(Math.log2(pageSize)))) {
    throw new RangeError(`parseTrace: page size ${pageSize} is not a power of two`);
  }
  const lines = text.split("\n");
  let format = options.format;
  const pages: number[] = [];
  const writeFlags: number[] = [];
  let writeCount = 0;
  for (let i = 0; i < lines.length; i++) {
    const data = dataOf(lines[i]!);
    if (data === "") continue;
    format ??= detect(data);
    const lineNo = i + 1;
    switch (format) {
      case TraceFormat.Pages:
        pages.push(number(data, lineNo, "a page number"));
        break;
      case TraceFormat.List:
        for (const item of data.split(","))
          pages.push(number(item.trim(), lineNo, "a page number"));
        break;
      case TraceFormat.Accesses: {
        const m = ACCESS.exec(data);
        if (!m) throw wrongFormat(lineNo, data, format);
        const write = m[1]!.toLowerCase() === "w";
        pages.push(Math.floor(number(m[2]!, lineNo, "an address") / pageSize));
        writeFlags.push(write ? 1 : 0);
        if (write) writeCount++;
        break;
      }
      case TraceFormat.Lackey: {
        const m = LACKEY.exec(data);
        if (!m) throw wrongFormat(lineNo, data, format);
        const write = "sm".includes(m[1]!.toLowerCase());
        pages.push(Math.floor(hex(m[2]!, lineNo) / pageSize));
        writeFlags.push(write ? 1 : 0);
        if (write) writeCount++;
        break;
      }
    }
  }
  const hasWrites = format === TraceFormat.Accesses || format === TraceFormat.Lackey;
  return {
    pages,
    writes: hasWrites ? Uint8Array.from(writeFlags) : undefined,
    format: format ?? TraceFormat.Pages,
    writeCount,
  };
}

/** A line without its comment, carriage return and surrounding blanks; "" if nothing is left. */
function dataOf(line: string): string {
  const hash = line.indexOf("#");
  const data = (hash >= 0 ? line.slice(0, hash) : line).trim();
  return data.startsWith("==") ? "" : data;
}

function detect(first: string): TraceFormat {
  if (LACKEY.test(first)) return TraceFormat.Lackey;
  if (/^[irw]\s/i.test(first)) return TraceFormat.Accesses;
  if (first.includes(",")) return TraceFormat.List;
  return TraceFormat.Pages;
}

/** A decimal or 0x-hex number, at most 2**53 - 1. */
function number(text: string, line: number, what: string): number {
  if (!NUMBER.test(text)) {
    const shown = text === "" ? "an empty item" : `'${text}'`;
    throw new TraceSyntaxError(line, `${shown} is not ${what} (decimal or 0x hex)`);
  }
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new TraceSyntaxError(line, `${text} is too large`);
  return n;
}

function hex(text: string, line: number): number {
  const n = Number.parseInt(text, 16);
  if (!Number.isSafeInteger(n)) throw new TraceSyntaxError(line, `address ${text} is too large`);
  return n;
}

function wrongFormat(line: number, data: string, format: TraceFormat): TraceSyntaxError {
  const shown = data.length > 40 ? `${data.slice(0, 40)}...` : data;
  return new TraceSyntaxError(
    line,
    `'${shown}' does not fit the trace's format (${TRACE_FORMAT_TEXT[format]}, from its first line)`,
  );
}
