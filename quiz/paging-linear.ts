// `vmlab quiz paging-linear`: a linear page table, as OSTEP's vm-paging/paging-linear-translate.py
// (byte-identical output). A page-table entry is VALID(bit 31) | PFN; 0 means not valid.

import { hwLinear } from "./hw.js";
import {
  addressWords,
  convertSize,
  gradeTranslation,
  OstepExit,
  type QuizKind,
  type QuizOutcome,
  QuizRefusal,
  type QuizRun,
  runQuiz,
  scaledDraw,
  type Translation,
  traceAddress,
} from "./kind.js";
import { flagOpt, intOpt, type OptionSpec, type ParsedOptions, strOpt } from "./optparse.js";
import { pyD, pyX } from "./python.js";
import { PyRandom } from "./random.js";

/** paging-linear-translate.py's flags, defaults and help, in its order. */
export const pagingLinearOptions: readonly OptionSpec[] = [
  {
    short: "-A",
    long: "--addresses",
    dest: "addresses",
    kind: "string",
    default: "-1",
    help: "a set of comma-separated pages to access; -1 means randomly generate",
  },
  { short: "-s", long: "--seed", dest: "seed", kind: "int", default: 0n, help: "the random seed" },
  {
    short: "-a",
    long: "--asize",
    dest: "asize",
    kind: "string",
    default: "16k",
    help: "address space size (e.g., 16, 64k, 32m, 1g)",
  },
  {
    short: "-p",
    long: "--physmem",
    dest: "psize",
    kind: "string",
    default: "64k",
    help: "physical memory size (e.g., 16, 64k, 32m, 1g)",
  },
  {
    short: "-P",
    long: "--pagesize",
    dest: "pagesize",
    kind: "string",
    default: "4k",
    help: "page size (e.g., 4k, 8k, whatever)",
  },
  {
    short: "-n",
    long: "--numaddrs",
    dest: "num",
    kind: "int",
    default: 5n,
    help: "number of virtual addresses to generate",
  },
  {
    short: "-u",
    long: "--used",
    dest: "used",
    kind: "int",
    default: 50n,
    help: "percent of virtual address space that is used",
  },
  { short: "-v", dest: "verbose", kind: "flag", default: false, help: "verbose mode" },
  { short: "-c", dest: "solve", kind: "flag", default: false, help: "compute answers for me" },
];

/** The valid bit of a linear page-table entry; the rest of the entry is the PFN. */
export const LINEAR_PTE_VALID = 0x80000000;

/** A linear page table: entry i maps VPN i; undefined marks an invalid entry. */
export interface LinearPageTable {
  readonly pageBits: number;
  readonly pfns: readonly (number | undefined)[];
}

/** The 32-bit entry as printed: VALID | PFN, or 0 for an invalid page. */
export function linearPte(pfn: number | undefined): number {
  return pfn === undefined ? 0 : LINEAR_PTE_VALID + pfn;
}

/** Linear-table translation: VPN = va >> pageBits indexes the table; invalid entries fault. */
export function translateLinear(va: number, table: LinearPageTable): Translation {
  const pageSize = 2 ** table.pageBits;
  const vpn = Math.floor(va / pageSize);
  const t = hwLinear(va, table.pfns.map(linearPte), table.pfns.length * pageSize, pageSize);
  return t.ok ? t : { ok: false, fault: `VPN ${vpn} not valid` };
}

/** Runs paging-linear-translate.py with parsed flags. */
export function runPagingLinear(opts: ParsedOptions, wantProblems = true): QuizOutcome {
  return runQuiz(wantProblems, (run) => {
    const { out, setup } = run;
    const seed = intOpt(opts, "seed");
    const verbose = flagOpt(opts, "verbose");
    out.print("ARG seed", seed);
    out.print("ARG address space size", strOpt(opts, "asize"));
    out.print("ARG phys mem size", strOpt(opts, "psize"));
    out.print("ARG page size", strOpt(opts, "pagesize"));
    out.print("ARG verbose", verbose);
    out.print("ARG addresses", strOpt(opts, "addresses"));
    out.print("");
    const rng = new PyRandom(seed);
    const asize = convertSize(strOpt(opts, "asize"), "address space size (-a)");
    const psize = convertSize(strOpt(opts, "psize"), "physical memory size (-p)");
    const pagesize = convertSize(strOpt(opts, "pagesize"), "page size (-P)");
    const fail = (msg: string): never => {
      out.print(msg);
      throw new OstepExit(msg);
    };
    if (psize <= 1) fail("Error: must specify a non-zero physical memory size.");
    if (asize < 1) fail("Error: must specify a non-zero address-space size.");
    if (psize <= asize) {
      fail(
        "Error: physical memory size must be GREATER than address space size (for this simulation)",
      );
    }
    if (psize >= 2 ** 30 || asize >= 2 ** 30) {
      fail("Error: must use smaller sizes (less than 1 GB) for this simulation.");
    }
    if (pagesize <= 0) throw new QuizRefusal("page size (-P) must be positive");
    const arg = (msg: string): never => fail(`Error in argument: ${msg}`);
    if (!Number.isInteger(asize / pagesize))
      arg("address space must be a multiple of the pagesize");
    if (!Number.isInteger(psize / pagesize))
      arg("physical memory must be a multiple of the pagesize");
    const frames = psize / pagesize;
    const vpages = asize / pagesize;
    const vabits = Math.trunc(Math.log(asize) / Math.log(2.0));
    if (2 ** vabits !== asize) arg("address space must be a power of 2");
    const pageBits = Math.trunc(Math.log(pagesize) / Math.log(2.0));
    if (2 ** pageBits !== pagesize) arg("page size must be a power of 2");

    out.print("");
    out.print("The format of the page table is simple:");
    out.print("The high-order (left-most) bit is the VALID bit.");
    out.print("  If the bit is 1, the rest of the entry is the PFN.");
    out.print("  If the bit is 0, the page is not valid.");
    out.print("Use verbose mode (-v) if you want to print the VPN # by");
    out.print("each entry of the page table.");
    out.print("");
    out.print("Page Table (from entry 0 down to the max size)");
    const used = Number(intOpt(opts, "used"));
    const table: LinearPageTable = { pageBits, pfns: buildLinearTable(rng, vpages, frames, used) };
    table.pfns.forEach((pfn, vpn) => {
      out.write(verbose ? `  [${pyD(vpn, 8)}]  ` : "  ");
      out.print(`0x${pyX(linearPte(pfn), 8, true)}`);
    });
    out.print("");
    Object.assign(setup, { asize, psize, pagesize, pageTable: table.pfns.map(linearPte) });
    traceAddresses(run, opts, rng, asize, table);
  });
}

/**
 * Fills the page table as the simulator does: for each VPN a coin (valid with `used` percent),
 * and for a valid page a random frame, re-tossing coin and frame when the frame is taken.
 */
export function buildLinearTable(
  rng: PyRandom,
  vpages: number,
  frames: number,
  used: number,
): (number | undefined)[] {
  const taken = new Uint8Array(frames);
  const pfns: (number | undefined)[] = [];
  for (let v = 0; v < vpages; v++) {
    for (;;) {
      if (rng.random() * 100.0 > 100.0 - used) {
        const u = scaledDraw(frames, rng.random());
        if (taken[u] === 0) {
          taken[u] = 1;
          pfns.push(u);
          break;
        }
      } else {
        pfns.push(undefined);
        break;
      }
    }
  }
  return pfns;
}

function traceAddresses(
  { out, addProblem }: QuizRun,
  opts: ParsedOptions,
  rng: PyRandom,
  asize: number,
  table: LinearPageTable,
): void {
  const solve = flagOpt(opts, "solve");
  const words = addressWords(opts, asize, rng);
  out.print("Virtual Address Trace");
  for (const word of words) {
    const va = traceAddress(word);
    if (va < 0 || va >= asize) {
      throw new QuizRefusal(
        `-A: virtual address ${va} is outside the address space of size ${asize} ` +
          "(paging-linear-translate.py would crash or mask it)",
      );
    }
    const vpn = Math.floor(va / 2 ** table.pageBits);
    const head = `  VA 0x${pyX(va, 8, true)} (decimal: ${pyD(va, 8)}) -->`;
    const t = translateLinear(va, table);
    if (!solve) out.print(`${head} PA or invalid address?`);
    else if (!t.ok) out.print(`${head}  Invalid (VPN ${vpn} not valid)`);
    else out.print(`${head} ${pyX(t.pa, 8, true)} (decimal ${pyD(t.pa, 8)}) [VPN ${vpn}]`);
    const offset = va % 2 ** table.pageBits;
    const explain = t.ok
      ? `VPN ${vpn} maps to PFN ${table.pfns[vpn]}, offset ${offset}: PA = ${table.pfns[vpn]} * ${2 ** table.pageBits} + ${offset} = ${t.pa}`
      : `VPN ${vpn} is not valid`;
    addProblem(() => ({
      question: `VA 0x${pyX(va, 8, true)} (decimal ${va})`,
      answer: t.ok ? `0x${pyX(t.pa, 8, true)}` : "invalid",
      explain,
      data: { va, vpn, offset, valid: t.ok, pa: t.ok ? t.pa : null },
      grade: (line) => gradeTranslation(t, explain, line),
    }));
  }
  out.print("");
  if (!solve) {
    out.print("For each virtual address, write down the physical address it translates to");
    out.print("OR write down that it is an out-of-bounds address (e.g., segfault).");
    out.print("");
  }
}

/** The `paging-linear` quiz kind. */
export const pagingLinearKind: QuizKind = {
  name: "paging-linear",
  simulator: "vm-paging/paging-linear-translate.py",
  summary: "translation through a linear page table",
  options: pagingLinearOptions,
  run: (opts, _host, wantProblems) => runPagingLinear(opts, wantProblems),
};
