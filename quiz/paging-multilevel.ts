// `vmlab quiz paging-multilevel`: OSTEP's small two-level page table
// (vm-smalltables/paging-multilevel-translate.py), byte-identical output.
//
// The machine: 4 KiB of physical memory in 128 pages of 32 bytes; a 32 KiB (15-bit) virtual
// address space; one-byte page-directory and page-table entries.
//
//   virtual address   14      10 9       5 4      0
//                    | PD index | PT index | offset |
//
//   PDE / PTE          7   6            0
//                    | V |     PFN      |      0x7f = not valid (V clear, PFN all ones)

import { hwMultilevel } from "./hw.js";
import {
  firstWord,
  type Json,
  parseAnswerNumber,
  type QuizKind,
  type QuizOutcome,
  QuizRefusal,
  runQuiz,
  safeNumber,
  scaledDraw,
  type Translation,
} from "./kind.js";
import { flagOpt, intOpt, type OptionSpec, type ParsedOptions } from "./optparse.js";
import { pyD, pyX } from "./python.js";
import { PyRandom } from "./random.js";

export const SMALL_PAGE_SIZE = 32;
export const SMALL_PAGE_BITS = 5;
export const SMALL_PHYS_PAGES = 128;
export const SMALL_VA_PAGES = 1024;
export const SMALL_PDE_MASK = 0x7c00; // VA bits 14..10: page-directory index
export const SMALL_PDE_SHIFT = 10;
export const SMALL_PTE_MASK = 0x03e0; // VA bits 9..5: page-table index
export const SMALL_PTE_SHIFT = 5;
export const SMALL_OFFSET_MASK = 0x1f; // VA bits 4..0: byte within the page
export const SMALL_ENTRY_VALID = 0x80; // entry bit 7: valid
export const SMALL_ENTRY_PFN = 0x7f; // entry bits 6..0: frame number
export const SMALL_ENTRY_INVALID = 0x7f; // how the simulator fills unused entries

/** paging-multilevel-translate.py's flags, defaults and help, in its order. */
export const pagingMultilevelOptions: readonly OptionSpec[] = [
  { short: "-s", long: "--seed", dest: "seed", kind: "int", default: 0n, help: "the random seed" },
  {
    short: "-a",
    long: "--allocated",
    dest: "allocated",
    kind: "int",
    default: 64n,
    help: "number of virtual pages allocated",
  },
  {
    short: "-n",
    long: "--addresses",
    dest: "num",
    kind: "int",
    default: 10n,
    help: "number of virtual addresses to generate",
  },
  {
    short: "-c",
    long: "--solve",
    dest: "solve",
    kind: "flag",
    default: false,
    help: "compute answers for me",
  },
];

/** One level of a walk: the index taken from the VA, the entry's address and its contents. */
export interface WalkLevel {
  readonly index: number;
  readonly addr: number;
  readonly entry: number;
  readonly valid: boolean;
  readonly pfn: number;
}

/** Every step of a two-level walk, and where it ended. */
export interface SmallWalk {
  readonly pde: WalkLevel;
  readonly pte?: WalkLevel;
  readonly result: Translation;
}

/** Reads the entry that `index` selects in the table held in physical page `tablePage`. */
export function readSmallEntry(memory: Uint8Array, tablePage: number, index: number): WalkLevel {
  const addr = (tablePage << SMALL_PAGE_BITS) | index;
  const entry = memory[addr]!;
  return {
    index,
    addr,
    entry,
    valid: (entry & SMALL_ENTRY_VALID) !== 0,
    pfn: entry & SMALL_ENTRY_PFN,
  };
}

/** The two-level walk from the page directory in page `pdbr`; faults name the invalid level. */
export function walkSmallTables(memory: Uint8Array, pdbr: number, va: number): SmallWalk {
  const walk = hwMultilevel(va, memory, pdbr);
  const [pdeRead, pteRead] = walk.levels;
  if (!pdeRead) throw new Error("walkSmallTables: the MMU read no page-directory entry");
  const pde = readSmallEntry(memory, pdbr, pdeRead.index);
  if (!pteRead) return { pde, result: { ok: false, fault: "page directory entry not valid" } };
  const pte = readSmallEntry(memory, pde.pfn, pteRead.index);
  if (!walk.result.ok)
    return { pde, pte, result: { ok: false, fault: "page table entry not valid" } };
  return { pde, pte, result: { ok: true, pa: walk.result.pa } };
}

/** The simulator's OS: physical memory, which pages are in use, and the allocation it does. */
class SmallOs {
  readonly memory = new Uint8Array(SMALL_PAGE_SIZE * SMALL_PHYS_PAGES);
  private readonly usedPages = new Uint8Array(SMALL_PHYS_PAGES);
  private usedCount = 0;
  private readonly rng: PyRandom;
  pdbr = 0;

  constructor(rng: PyRandom) {
    this.rng = rng;
  }

  /** A random free physical page (findFree); refuses when all 128 are in use. */
  findFree(): number {
    if (this.usedCount >= SMALL_PHYS_PAGES) {
      throw new QuizRefusal(
        `out of physical memory: all ${SMALL_PHYS_PAGES} pages are in use ` +
          "(allocate fewer virtual pages with -a; paging-multilevel-translate.py would fail an assertion)",
      );
    }
    let look = scaledDraw(SMALL_PHYS_PAGES, this.rng.random());
    while (this.usedPages[look] === 1) look = scaledDraw(SMALL_PHYS_PAGES, this.rng.random());
    this.usedCount++;
    this.usedPages[look] = 1;
    return look;
  }

  /** Fills a page-directory or page-table page with invalid entries. */
  initTablePage(page: number): void {
    this.memory.fill(SMALL_ENTRY_INVALID, page << SMALL_PAGE_BITS, (page + 1) << SMALL_PAGE_BITS);
  }

  /** Maps virtual page `vpn` to physical page `pfn`, allocating a page-table page if needed. */
  mapPage(vpn: number, pfn: number): void {
    const va = vpn << SMALL_PAGE_BITS;
    const pde = readSmallEntry(this.memory, this.pdbr, (va & SMALL_PDE_MASK) >> SMALL_PDE_SHIFT);
    let tablePage = pde.pfn;
    if (!pde.valid) {
      tablePage = this.findFree();
      this.memory[pde.addr] = SMALL_ENTRY_VALID | tablePage;
      this.initTablePage(tablePage);
    }
    const pte = readSmallEntry(this.memory, tablePage, (va & SMALL_PTE_MASK) >> SMALL_PTE_SHIFT);
    if (pte.valid) throw new Error(`mapPage: vpn ${vpn} already mapped`);
    this.memory[pte.addr] = SMALL_ENTRY_VALID | pfn;
  }

  /** Fills a data page with random bytes 0..30. */
  fillPage(page: number): void {
    for (let j = 0; j < SMALL_PAGE_SIZE; j++) {
      this.memory[page * SMALL_PAGE_SIZE + j] = scaledDraw(31, this.rng.random());
    }
  }

  /** procAlloc: a page directory, then `count` distinct random virtual pages, each with a frame. */
  allocProcess(count: number): number[] {
    this.pdbr = this.findFree();
    this.initTablePage(this.pdbr);
    const taken = new Uint8Array(SMALL_VA_PAGES);
    const vpns: number[] = [];
    for (let i = 0; i < count; i++) {
      let vpn = scaledDraw(SMALL_VA_PAGES, this.rng.random());
      while (taken[vpn] === 1) vpn = scaledDraw(SMALL_VA_PAGES, this.rng.random());
      taken[vpn] = 1;
      vpns.push(vpn);
      const pfn = this.findFree();
      this.mapPage(vpn, pfn);
      this.fillPage(pfn);
    }
    return vpns;
  }
}

/** Runs paging-multilevel-translate.py with parsed flags. */
export function runPagingMultilevel(opts: ParsedOptions, wantProblems = true): QuizOutcome {
  return runQuiz(wantProblems, ({ out, setup, addProblem }) => {
    const seed = intOpt(opts, "seed");
    const allocated = intOpt(opts, "allocated");
    const num = intOpt(opts, "num");
    const solve = flagOpt(opts, "solve");
    out.print("ARG seed", seed);
    out.print("ARG allocated", allocated);
    out.print("ARG num", num);
    out.print("");
    const rng = new PyRandom(seed);
    const os = new SmallOs(rng);
    const used = os.allocProcess(safeNumber(allocated, "-a"));
    const pages: string[] = [];
    for (let page = 0; page < SMALL_PHYS_PAGES; page++) {
      const bytes = os.memory.subarray(page * SMALL_PAGE_SIZE, (page + 1) * SMALL_PAGE_SIZE);
      pages.push(Array.from(bytes, (b) => pyX(b, 2, true)).join(""));
      out.print(`page ${pyD(page, 3)}:${pages[page]}`);
    }
    out.print(
      "\nPDBR:",
      os.pdbr,
      " (decimal) [This means the page directory is held in this page]\n",
    );
    Object.assign(setup, { pdbr: os.pdbr, pages, allocatedVpns: used });

    const count = safeNumber(num, "-n");
    for (let i = 0; i < count; i++) {
      let va: number;
      if (rng.random() * 100 > 50.0 || i >= used.length) va = scaledDraw(32, rng.random() * 1024);
      else va = (used[i]! << SMALL_PAGE_BITS) | scaledDraw(32, rng.random());
      const walk = walkSmallTables(os.memory, os.pdbr, va);
      if (solve) printWalk(out, va, walk, os.memory);
      else {
        out.print(
          `Virtual Address ${pyX(va, 4, true)}: Translates To What Physical Address (And Fetches what Value)? Or Fault?`,
        );
      }
      addProblem(() => smallProblem(va, walk, os.memory));
    }
    out.print("");
  });
}

function printWalk(
  out: { print: (...a: string[]) => void },
  va: number,
  walk: SmallWalk,
  memory: Uint8Array,
): void {
  const level = (name: string, l: WalkLevel): string =>
    `${name} index:0x${pyX(l.index)} [decimal ${l.index}] ${name} contents:0x${pyX(l.entry)} ` +
    `(valid ${l.valid ? 1 : 0}, pfn 0x${pyX(l.pfn, 2, true)} [decimal ${l.pfn}])`;
  out.print(`Virtual Address 0x${pyX(va, 4, true)}:`);
  out.print(`  --> ${level("pde", walk.pde)}`);
  if (walk.pte) out.print(`    --> ${level("pte", walk.pte)}`);
  const r = walk.result;
  if (r.ok) {
    out.print(
      `      --> Translates to Physical Address 0x${pyX(r.pa, 3, true)} --> Value: 0x${pyX(memory[r.pa]!, 2, true)}`,
    );
  } else out.print(`      --> Fault (${r.fault})`);
}

function smallProblem(va: number, walk: SmallWalk, memory: Uint8Array) {
  const r = walk.result;
  const value = r.ok ? memory[r.pa]! : null;
  const steps = [`PDE index ${walk.pde.index} holds 0x${pyX(walk.pde.entry)}`];
  if (walk.pte)
    steps.push(
      `PTE index ${walk.pte.index} in page ${walk.pde.pfn} holds 0x${pyX(walk.pte.entry)}`,
    );
  const explain = r.ok
    ? `${steps.join("; ")}; PA = (PFN ${walk.pte!.pfn} << 5) | offset ${va & SMALL_OFFSET_MASK} = 0x${pyX(r.pa, 3, true)}, holding 0x${pyX(value!, 2, true)}`
    : `${steps.join("; ")}: ${r.fault}`;
  const level = (l: WalkLevel | undefined): Json =>
    l ? { index: l.index, addr: l.addr, entry: l.entry, valid: l.valid, pfn: l.pfn } : null;
  return {
    question: `Virtual Address 0x${pyX(va, 4, true)}`,
    answer: r.ok ? `0x${pyX(r.pa, 3, true)} 0x${pyX(value!, 2, true)}` : "fault",
    explain,
    data: {
      va,
      pde: level(walk.pde),
      pte: level(walk.pte),
      fault: r.ok ? null : r.fault,
      pa: r.ok ? r.pa : null,
      value,
    },
    grade: (line: string) => gradeSmall(r, value, explain, line),
  };
}

/** Grades "fault", or "PA [VALUE]" (numbers in decimal or 0x hex). */
function gradeSmall(
  r: Translation,
  value: number | null,
  explain: string,
  line: string,
): string | undefined {
  const word = firstWord(line);
  if (word === "") return "no answer";
  if (word.startsWith("fault") || word === "invalid")
    return r.ok ? `it translates: ${explain}` : undefined;
  const pa = parseAnswerNumber(word);
  if (pa === undefined) return `cannot read '${line.trim()}' as an address or a fault`;
  if (!r.ok) return `it faults: ${explain}`;
  if (pa !== r.pa) return `wrong address: ${explain}`;
  const second = line.trim().split(/\s+/)[1];
  if (second !== undefined && parseAnswerNumber(second) !== value) return `wrong value: ${explain}`;
  return undefined;
}

/** The `paging-multilevel` quiz kind. */
export const pagingMultilevelKind: QuizKind = {
  name: "paging-multilevel",
  simulator: "vm-smalltables/paging-multilevel-translate.py",
  summary: "translation through OSTEP's small two-level page table",
  options: pagingMultilevelOptions,
  run: (opts, _host, wantProblems) => runPagingMultilevel(opts, wantProblems),
};
