// `vmlab quiz malloc`: free-space management with a free list, as OSTEP's
// vm-freespace/malloc.py (byte-identical output).

import {
  firstWord,
  type Json,
  parseAnswerNumber,
  type QuizKind,
  type QuizOutcome,
  QuizRefusal,
  type QuizRun,
  runQuiz,
  safeNumber,
  scaledDraw,
} from "./kind.js";
import { flagOpt, intOpt, type OptionSpec, type ParsedOptions, strOpt } from "./optparse.js";
import { parsePyInt } from "./python.js";
import { PyRandom } from "./random.js";

/** malloc.py's flags, defaults and help, in its order. */
export const mallocOptions: readonly OptionSpec[] = [
  { short: "-s", long: "--seed", dest: "seed", kind: "int", default: 0n, help: "the random seed" },
  {
    short: "-S",
    long: "--size",
    dest: "heapSize",
    kind: "int",
    default: 100n,
    help: "size of the heap",
  },
  {
    short: "-b",
    long: "--baseAddr",
    dest: "baseAddr",
    kind: "int",
    default: 1000n,
    help: "base address of heap",
  },
  {
    short: "-H",
    long: "--headerSize",
    dest: "headerSize",
    kind: "int",
    default: 0n,
    help: "size of the header",
  },
  {
    short: "-a",
    long: "--alignment",
    dest: "alignment",
    kind: "int",
    default: -1n,
    help: "align allocated units to size; -1->no align",
  },
  {
    short: "-p",
    long: "--policy",
    dest: "policy",
    kind: "string",
    default: "BEST",
    help: "list search (BEST, WORST, FIRST)",
  },
  {
    short: "-l",
    long: "--listOrder",
    dest: "order",
    kind: "string",
    default: "ADDRSORT",
    help: "list order (ADDRSORT, SIZESORT+, SIZESORT-, INSERT-FRONT, INSERT-BACK)",
  },
  {
    short: "-C",
    long: "--coalesce",
    dest: "coalesce",
    kind: "flag",
    default: false,
    help: "coalesce the free list?",
  },
  {
    short: "-n",
    long: "--numOps",
    dest: "opsNum",
    kind: "int",
    default: 10n,
    help: "number of random ops to generate",
  },
  {
    short: "-r",
    long: "--range",
    dest: "opsRange",
    kind: "int",
    default: 10n,
    help: "max alloc size",
  },
  {
    short: "-P",
    long: "--percentAlloc",
    dest: "opsPAlloc",
    kind: "int",
    default: 50n,
    help: "percent of ops that are allocs",
  },
  {
    short: "-A",
    long: "--allocList",
    dest: "opsList",
    kind: "string",
    default: "",
    help: "instead of random, list of ops (+10,-0,etc)",
  },
  {
    short: "-c",
    long: "--compute",
    dest: "solve",
    kind: "flag",
    default: false,
    help: "compute answers for me",
  },
];

/** Fit policies: which free chunk an allocation takes. */
export const Fit = { Best: "BEST", Worst: "WORST", First: "FIRST" } as const;
export type Fit = (typeof Fit)[keyof typeof Fit];

/** Where a freed chunk goes in the list (and whether the list is kept sorted). */
export const ListOrder = {
  AddrSort: "ADDRSORT",
  SizeSortUp: "SIZESORT+",
  SizeSortDown: "SIZESORT-",
  InsertFront: "INSERT-FRONT",
  InsertBack: "INSERT-BACK",
} as const;
export type ListOrder = (typeof ListOrder)[keyof typeof ListOrder];

/** A free chunk: its start address and size. */
export interface Chunk {
  readonly addr: number;
  readonly size: number;
}

/** An allocation's outcome: the chunk start (undefined if nothing fit) and how many chunks were searched. */
export interface AllocResult {
  readonly addr: number | undefined;
  readonly searched: number;
}

/** The allocator malloc.py simulates: a free list searched by a fit policy, no real memory. */
export class FreeListAllocator {
  list: Chunk[];
  private readonly sizes = new Map<number, number>();
  private readonly heapSize: number;
  readonly fit: Fit;
  readonly order: ListOrder;
  readonly coalesce: boolean;
  readonly headerSize: number;
  /** Allocation unit, or undefined for none (malloc.py's -1). */
  readonly align: number | undefined;

  constructor(cfg: {
    base: number;
    size: number;
    headerSize: number;
    fit: Fit;
    order: ListOrder;
    coalesce: boolean;
    align: number | undefined;
  }) {
    this.list = [{ addr: cfg.base, size: cfg.size }];
    this.heapSize = cfg.size;
    this.fit = cfg.fit;
    this.order = cfg.order;
    this.coalesce = cfg.coalesce;
    this.headerSize = cfg.headerSize;
    this.align = cfg.align;
  }

  /** The bytes an allocation of `size` takes: rounded up to the alignment, plus the header. */
  blockSize(size: number): number {
    const rest = this.align === undefined ? 0 : size % this.align;
    return size + (rest === 0 ? 0 : this.align! - rest) + this.headerSize;
  }

  /** Allocates a block for `size` bytes from the chunk the fit policy picks, splitting it. */
  alloc(size: number): AllocResult {
    const need = this.blockSize(size);
    const at = this.findFit(need);
    if (at.index === undefined) return { addr: undefined, searched: at.searched };
    const chunk = this.list[at.index]!;
    if (chunk.size > need)
      this.list[at.index] = { addr: chunk.addr + need, size: chunk.size - need };
    else this.list.splice(at.index, 1);
    this.sizes.set(chunk.addr, need);
    return { addr: chunk.addr, searched: at.searched };
  }

  /** The index of the chunk the fit policy chooses for `need` bytes, and how many it looked at. */
  findFit(need: number): { index: number | undefined; searched: number } {
    let index: number | undefined;
    let best = this.fit === Fit.Best ? this.heapSize + 1 : -1;
    let searched = 0;
    for (const [i, c] of this.list.entries()) {
      searched++;
      if (c.size < need) continue;
      const better =
        this.fit === Fit.First || (this.fit === Fit.Best ? c.size < best : c.size > best);
      if (!better) continue;
      index = i;
      best = c.size;
      if (this.fit === Fit.First) break;
    }
    return { index, searched };
  }

  /** Frees the block at `addr`: 0, or -1 if no block starts there (as malloc.py returns). */
  free(addr: number): 0 | -1 {
    const size = this.sizes.get(addr);
    if (size === undefined) return -1;
    this.insertFree({ addr, size });
    if (this.coalesce) this.list = coalesceAdjacent(this.list);
    this.sizes.delete(addr);
    return 0;
  }

  /** Puts a freed chunk into the list per the list order (sorts are stable, as Python's). */
  private insertFree(chunk: Chunk): void {
    switch (this.order) {
      case ListOrder.InsertBack:
        this.list.push(chunk);
        return;
      case ListOrder.InsertFront:
        this.list.unshift(chunk);
        return;
      case ListOrder.AddrSort:
        this.list.push(chunk);
        this.list.sort((a, b) => a.addr - b.addr);
        return;
      case ListOrder.SizeSortUp:
        this.list.push(chunk);
        this.list.sort((a, b) => a.size - b.size);
        return;
      case ListOrder.SizeSortDown:
        this.list.push(chunk);
        this.list.sort((a, b) => b.size - a.size);
        return;
    }
  }
}

/** Merges each chunk with the one after it in the list when they touch (one pass, list order). */
export function coalesceAdjacent(list: readonly Chunk[]): Chunk[] {
  const merged: Chunk[] = [];
  let cur = list[0]!;
  for (const c of list.slice(1)) {
    if (c.addr === cur.addr + cur.size) cur = { addr: cur.addr, size: cur.size + c.size };
    else {
      merged.push(cur);
      cur = c;
    }
  }
  merged.push(cur);
  return merged;
}

/** The free list as malloc.py's dump() prints it. */
export function freeListLine(list: readonly Chunk[]): string {
  return `Free List [ Size ${list.length} ]: ${list.map((c) => `[ addr:${c.addr} sz:${c.size} ]`).join("")}`;
}

/** Runs malloc.py with parsed flags. */
export function runMalloc(opts: ParsedOptions, wantProblems = true): QuizOutcome {
  return runQuiz(wantProblems, (run) => {
    const { out, setup } = run;
    const num = (dest: string, flag: string) => safeNumber(intOpt(opts, dest), flag);
    const policy = strOpt(opts, "policy");
    const order = strOpt(opts, "order");
    const alignment = num("alignment", "-a");
    if (!(Object.values(Fit) as string[]).includes(policy)) {
      throw new QuizRefusal(`-p: unknown policy '${policy}' (BEST, WORST or FIRST)`);
    }
    if (!(Object.values(ListOrder) as string[]).includes(order)) {
      throw new QuizRefusal(
        `-l: unknown list order '${order}' (ADDRSORT, SIZESORT+, SIZESORT-, INSERT-FRONT, INSERT-BACK)`,
      );
    }
    if (alignment !== -1 && alignment <= 0)
      throw new QuizRefusal(`-a: alignment must be -1 or positive, not ${alignment}`);
    const base = num("baseAddr", "-b");
    const headerSize = num("headerSize", "-H");
    if (base < 0)
      throw new QuizRefusal(`-b: base address ${base} is negative (malloc.py uses -1 for failure)`);
    if (headerSize < 0) throw new QuizRefusal(`-H: header size ${headerSize} is negative`);
    const m = new FreeListAllocator({
      base,
      size: num("heapSize", "-S"),
      headerSize,
      fit: policy as Fit,
      order: order as ListOrder,
      coalesce: flagOpt(opts, "coalesce"),
      align: alignment === -1 ? undefined : alignment,
    });
    const header: [string, string | bigint | boolean][] = [
      ["seed", intOpt(opts, "seed")],
      ["size", intOpt(opts, "heapSize")],
      ["baseAddr", intOpt(opts, "baseAddr")],
      ["headerSize", intOpt(opts, "headerSize")],
      ["alignment", intOpt(opts, "alignment")],
      ["policy", policy],
      ["listOrder", order],
      ["coalesce", flagOpt(opts, "coalesce")],
      ["numOps", intOpt(opts, "opsNum")],
      ["range", intOpt(opts, "opsRange")],
      ["percentAlloc", intOpt(opts, "opsPAlloc")],
      ["allocList", strOpt(opts, "opsList")],
      ["compute", flagOpt(opts, "solve")],
    ];
    for (const [name, value] of header) out.print(name, value);
    out.print("");
    const percent = num("opsPAlloc", "-P") / 100.0;
    const rng = new PyRandom(intOpt(opts, "seed"));
    if (!(percent > 0)) throw new QuizRefusal("-P: the percentage of allocations must be positive");
    Object.assign(setup, {
      base,
      size: num("heapSize", "-S"),
      headerSize,
      policy,
      order,
      alignment,
    });
    if (strOpt(opts, "opsList") === "") randomOps(run, opts, m, rng, percent);
    else listedOps(run, opts, m);
  });
}

/** -A absent: -n random operations, an allocation with probability -P, else a random free. */
function randomOps(
  run: QuizRun,
  opts: ParsedOptions,
  m: FreeListAllocator,
  rng: PyRandom,
  percent: number,
): void {
  const { out } = run;
  const solve = flagOpt(opts, "solve");
  const opsNum = safeNumber(intOpt(opts, "opsNum"), "-n");
  const range = safeNumber(intOpt(opts, "opsRange"), "-r");
  const ptrs = new Map<number, number>();
  const live: number[] = [];
  let c = 0;
  for (let j = 0; j < opsNum; ) {
    if (rng.random() < percent) {
      const size = scaledDraw(range, rng.random()) + 1;
      const r = allocStep(run, m, c, size, solve, true);
      if (r.addr !== undefined) {
        ptrs.set(c, r.addr);
        live.push(c);
      }
      out.print(
        solve
          ? ` returned ${r.addr === undefined ? -1 : r.addr + m.headerSize} (searched ${r.searched} elements)`
          : " returned ?",
      );
      c++;
      j++;
    } else if (ptrs.size > 0) {
      const d = scaledDraw(live.length, rng.random());
      const index = live[d]!;
      freeStep(run, m, index, ptrs.get(index)!, solve);
      ptrs.delete(index);
      live.splice(d, 1);
      j++;
    } else continue;
    out.print(solve ? freeListLine(m.list) : "List? ");
    out.print("");
  }
}

/** -A given: "+N" allocates N bytes, "-I" frees ptr[I]. */
function listedOps(run: QuizRun, opts: ParsedOptions, m: FreeListAllocator): void {
  const { out } = run;
  const solve = flagOpt(opts, "solve");
  const ptrs = new Map<number, number>();
  let c = 0;
  for (const op of strOpt(opts, "opsList").split(",")) {
    if (op.startsWith("+")) {
      const size = listNumber(op.split("+")[1]!, op);
      if (solve && m.headerSize > 0) {
        throw new QuizRefusal(
          "with -A and a header (-H), malloc.py prints the block start instead of the pointer it returns; vmlab refuses (use --json for the right answers)",
        );
      }
      const r = allocStep(run, m, c, size, solve, false);
      if (r.addr !== undefined) ptrs.set(c, r.addr);
      out.print(
        solve ? ` returned ${r.addr ?? -1} (searched ${r.searched} elements)` : " returned ?",
      );
      c++;
    } else if (op.startsWith("-")) {
      const index = listNumber(op.split("-")[1]!, op);
      if (index >= ptrs.size) {
        out.print("Invalid Free: Skipping");
        continue;
      }
      const addr = ptrs.get(index);
      if (addr === undefined) {
        throw new QuizRefusal(
          `-A ${op}: ptr[${index}] was never allocated (malloc.py would crash)`,
        );
      }
      freeStep(run, m, index, addr, solve);
    } else {
      throw new QuizRefusal(`-A: badly specified operation '${op}': must be +Size or -Index`);
    }
    out.print(solve ? freeListLine(m.list) : "List?");
    out.print("");
  }
}

/** Python's int() of an -A operand, refused if Python would raise. */
function listNumber(text: string, op: string): number {
  const n = parsePyInt(text);
  if (n === undefined)
    throw new QuizRefusal(`-A: badly specified operation '${op}': must be +Size or -Index`);
  return safeNumber(n, "-A");
}

/** One allocation: prints "ptr[c] = Alloc(size)" (the caller prints what it returned) and records the problem. */
function allocStep(
  { out, addProblem }: QuizRun,
  m: FreeListAllocator,
  c: number,
  size: number,
  solve: boolean,
  addsHeader: boolean,
): AllocResult {
  if (size < 1)
    throw new QuizRefusal(
      `Alloc(${size}): sizes must be at least 1 (malloc.py would corrupt its free list)`,
    );
  const r = m.alloc(size);
  if (solve && addsHeader && r.addr === undefined && m.headerSize > 0) {
    throw new QuizRefusal(
      `Alloc(${size}) fails; malloc.py would print ${m.headerSize - 1} (-1 plus the ${m.headerSize}-byte header) as its result instead of -1`,
    );
  }
  out.write(`ptr[${c}] = Alloc(${size})`);
  const returned = r.addr === undefined ? -1 : r.addr + m.headerSize;
  const explain =
    r.addr === undefined
      ? `no free chunk of ${m.blockSize(size)} bytes (${m.fit} fit searched ${r.searched}): returns -1`
      : `${m.fit} fit takes ${m.blockSize(size)} bytes at ${r.addr} after searching ${r.searched} chunk(s)` +
        (m.headerSize > 0
          ? `; the pointer is past the ${m.headerSize}-byte header: ${returned}`
          : "");
  addProblem(() => ({
    question: `ptr[${c}] = Alloc(${size})`,
    answer: String(returned),
    explain,
    data: {
      op: "alloc",
      ptr: c,
      size,
      returned,
      searched: r.searched,
      freeList: chunksJson(m.list),
    },
    grade: (line) => gradeNumber(returned, explain, line, true),
  }));
  return r;
}

/** One free: prints "Free(ptr[i])" and its return code, and records the problem. */
function freeStep(
  { out, addProblem }: QuizRun,
  m: FreeListAllocator,
  index: number,
  addr: number,
  solve: boolean,
): number {
  const rc = m.free(addr);
  out.print(`Free(ptr[${index}])`);
  out.print(solve ? `returned ${rc}` : "returned ?");
  const explain =
    rc === 0
      ? `the block at ${addr} goes back on the free list (${m.order})`
      : `no allocated block starts at ${addr}: returns -1`;
  addProblem(() => ({
    question: `Free(ptr[${index}])`,
    answer: String(rc),
    explain,
    data: { op: "free", ptr: index, returned: rc, freeList: chunksJson(m.list) },
    grade: (line) => gradeNumber(rc, explain, line, false),
  }));
  return rc;
}

function chunksJson(list: readonly Chunk[]): Json {
  return list.map((c) => ({ addr: c.addr, size: c.size }));
}

/** Grades a returned value; for allocations "fail", "null" or "none" also mean -1. */
function gradeNumber(
  expected: number,
  explain: string,
  line: string,
  isAlloc: boolean,
): string | undefined {
  const word = firstWord(line);
  if (word === "") return "no answer";
  const failed = isAlloc && ["fail", "failed", "null", "none"].includes(word);
  const n = failed ? -1 : parseAnswerNumber(word);
  if (n === undefined) return `cannot read '${line.trim()}' as a number`;
  return n === expected ? undefined : `wrong: ${explain}`;
}

/** The `malloc` quiz kind. */
export const mallocKind: QuizKind = {
  name: "malloc",
  simulator: "vm-freespace/malloc.py",
  summary: "free-list allocation (best/worst/first fit, list orders, coalescing)",
  options: mallocOptions,
  run: (opts, _host, wantProblems) => runMalloc(opts, wantProblems),
};
