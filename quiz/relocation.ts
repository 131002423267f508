// `vmlab quiz relocation`: base-and-bounds translation, as OSTEP's vm-mechanism/relocation.py.
// Output is byte-for-byte that of the simulator (python3) for the same flags.

import { hwBaseLimit } from "./hw.js";
import {
  convertSize,
  gradeTranslation,
  OstepExit,
  type QuizKind,
  type QuizOutcome,
  QuizRefusal,
  runQuiz,
  safeNumber,
  scaledDraw,
  type Translation,
} from "./kind.js";
import { flagOpt, intOpt, type OptionSpec, type ParsedOptions, strOpt } from "./optparse.js";
import { pyD, pyX } from "./python.js";
import { PyRandom } from "./random.js";

/** relocation.py's flags, defaults and help, in its order. */
export const relocationOptions: readonly OptionSpec[] = [
  { short: "-s", long: "--seed", dest: "seed", kind: "int", default: 0n, help: "the random seed" },
  {
    short: "-a",
    long: "--asize",
    dest: "asize",
    kind: "string",
    default: "1k",
    help: "address space size (e.g., 16, 64k, 32m, 1g)",
  },
  {
    short: "-p",
    long: "--physmem",
    dest: "psize",
    kind: "string",
    default: "16k",
    help: "physical memory size (e.g., 16, 64k, 32m, 1g)",
  },
  {
    short: "-n",
    long: "--addresses",
    dest: "num",
    kind: "int",
    default: 5n,
    help: "number of virtual addresses to generate",
  },
  {
    short: "-b",
    long: "--b",
    dest: "base",
    kind: "string",
    default: "-1",
    help: "value of base register",
  },
  {
    short: "-l",
    long: "--l",
    dest: "limit",
    kind: "string",
    default: "-1",
    help: "value of limit register",
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

/** The relocation register pair. */
export interface BaseLimit {
  readonly base: number;
  readonly limit: number;
}

/** Base-and-bounds translation by the MMU's base-limit mode: a fault if va >= limit, else base + va. */
export function translateBaseLimit(va: number, regs: BaseLimit): Translation {
  const t = hwBaseLimit(va, regs.base, regs.limit, regs.base + regs.limit);
  return t.ok ? t : { ok: false, fault: "segmentation violation" };
}

/** Runs relocation.py with parsed flags. */
export function runRelocation(opts: ParsedOptions, wantProblems = true): QuizOutcome {
  return runQuiz(wantProblems, ({ out, setup, addProblem }) => {
    const seed = intOpt(opts, "seed");
    const solve = flagOpt(opts, "solve");
    out.print("");
    out.print("ARG seed", seed);
    out.print("ARG address space size", strOpt(opts, "asize"));
    out.print("ARG phys mem size", strOpt(opts, "psize"));
    out.print("");

    const rng = new PyRandom(seed);
    const asize = convertSize(strOpt(opts, "asize"), "address space size (-a)");
    const psize = convertSize(strOpt(opts, "psize"), "physical memory size (-p)");
    const fail = (msg: string): never => {
      out.print(msg);
      throw new OstepExit(msg);
    };
    if (psize <= 1) fail("Error: must specify a non-zero physical memory size.");
    if (asize === 0) fail("Error: must specify a non-zero address-space size.");
    if (psize <= asize) {
      fail(
        "Error: physical memory size must be GREATER than address space size (for this simulation)",
      );
    }
    if (asize < 0) throw new QuizRefusal("address space size (-a) must be positive");

    let limit = convertSize(strOpt(opts, "limit"), "limit register (-l)");
    let base = convertSize(strOpt(opts, "base"), "base register (-b)");
    if (limit < -1) throw new QuizRefusal(`limit register (-l) ${limit} is negative`);
    if (base < -1) throw new QuizRefusal(`base register (-b) ${base} is negative`);
    if (limit === -1) limit = Math.trunc(asize / 4.0 + (asize / 4.0) * rng.random());
    if (base === -1) {
      if (limit >= psize) {
        throw new QuizRefusal(
          `cannot place a segment of limit ${limit} in ${psize} bytes of physical memory ` +
            "(relocation.py would loop forever)",
        );
      }
      do base = scaledDraw(psize, rng.random());
      while (base + limit >= psize);
    }
    const regs: BaseLimit = { base, limit };
    Object.assign(setup, { asize, psize, base, limit });

    out.print("Base-and-Bounds register information:");
    out.print("");
    out.print(`  Base   : 0x${pyX(base, 8, true)} (decimal ${pyD(base)})`);
    out.print(`  Limit  : ${pyD(limit)}`);
    out.print("");
    if (base + limit > psize) {
      out.print(
        "Error: address space does not fit into physical memory with those base/bounds values.",
      );
      out.print("Base + Limit:", base + limit, "  Psize:", psize);
      throw new OstepExit("does not fit");
    }

    out.print("Virtual Address Trace");
    const num = safeNumber(intOpt(opts, "num"), "number of addresses (-n)");
    for (let i = 0; i < num; i++) {
      const va = scaledDraw(asize, rng.random());
      const head = `  VA ${pyD(i, 2)}: 0x${pyX(va, 8, true)} (decimal: ${pyD(va, 4)}) -->`;
      const t = translateBaseLimit(va, regs);
      if (!solve) out.print(`${head} PA or segmentation violation?`);
      else if (!t.ok) out.print(`${head} SEGMENTATION VIOLATION`);
      else out.print(`${head} VALID: 0x${pyX(t.pa, 8, true)} (decimal: ${pyD(t.pa, 4)})`);
      const explain = t.ok
        ? `${va} < limit ${limit}, so PA = base ${base} + ${va} = ${t.pa}`
        : `${va} >= limit ${limit}: segmentation violation`;
      addProblem(() => ({
        question: `VA 0x${pyX(va, 8, true)} (decimal ${va})`,
        answer: t.ok ? `0x${pyX(t.pa, 8, true)}` : "violation",
        explain,
        data: { va, valid: t.ok, pa: t.ok ? t.pa : null },
        grade: (line) => gradeTranslation(t, explain, line),
      }));
    }
    out.print("");
    if (!solve) {
      out.print(
        "For each virtual address, either write down the physical address it translates to",
      );
      out.print(
        "OR write down that it is an out-of-bounds address (a segmentation violation). For",
      );
      out.print("this problem, you should assume a simple virtual address space of a given size.");
      out.print("");
    }
  });
}

/** The `relocation` quiz kind. */
export const relocationKind: QuizKind = {
  name: "relocation",
  simulator: "vm-mechanism/relocation.py",
  summary: "base-and-bounds (relocation) translation",
  options: relocationOptions,
  run: (opts, _host, wantProblems) => runRelocation(opts, wantProblems),
};
