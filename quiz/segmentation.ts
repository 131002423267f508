// `vmlab quiz segmentation`: two segments chosen by the top address bit, segment 0 growing up
// and segment 1 growing down, as OSTEP's vm-segmentation/segmentation.py (byte-identical output).

import {
  addressWords,
  convertSize,
  gradeTranslation,
  OstepExit,
  type QuizKind,
  type QuizOutcome,
  QuizRefusal,
  runQuiz,
  scaledDraw,
  type Translation,
  traceAddress,
} from "./kind.js";
import { flagOpt, intOpt, type OptionSpec, type ParsedOptions, strOpt } from "./optparse.js";
import { pyD, pyX } from "./python.js";
import { PyRandom } from "./random.js";

/** segmentation.py's flags, defaults and help, in its order. */
export const segmentationOptions: readonly OptionSpec[] = [
  { short: "-s", long: "--seed", dest: "seed", kind: "int", default: 0n, help: "the random seed" },
  {
    short: "-A",
    long: "--addresses",
    dest: "addresses",
    kind: "string",
    default: "-1",
    help: "a set of comma-separated pages to access; -1 means randomly generate",
  },
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
    long: "--numaddrs",
    dest: "num",
    kind: "int",
    default: 5n,
    help: "number of virtual addresses to generate",
  },
  {
    short: "-b",
    long: "--b0",
    dest: "base0",
    kind: "string",
    default: "-1",
    help: "value of segment 0 base register",
  },
  {
    short: "-l",
    long: "--l0",
    dest: "len0",
    kind: "string",
    default: "-1",
    help: "value of segment 0 limit register",
  },
  {
    short: "-B",
    long: "--b1",
    dest: "base1",
    kind: "string",
    default: "-1",
    help: "value of segment 1 base register",
  },
  {
    short: "-L",
    long: "--l1",
    dest: "len1",
    kind: "string",
    default: "-1",
    help: "value of segment 1 limit register",
  },
  { short: "-c", dest: "solve", kind: "flag", default: false, help: "compute answers for me" },
];

/**
 * The two segment registers. Segment 1 grows down: `top1` is its base register as printed (one
 * past its highest byte), and it covers [top1 - limit1, top1).
 */
export interface TwoSegments {
  readonly asize: number;
  readonly base0: number;
  readonly limit0: number;
  readonly top1: number;
  readonly limit1: number;
}

/** Which segment a virtual address selects: its top bit (va >= asize / 2 means segment 1). */
export function segmentOf(va: number, asize: number): 0 | 1 {
  return va >= asize / 2 ? 1 : 0;
}

/**
 * Segmented translation. Segment 0: fault if va >= limit0, else base0 + va. Segment 1: the
 * negative offset va - asize is added to top1; fault if that falls below top1 - limit1.
 */
export function translateTwoSegments(va: number, regs: TwoSegments): Translation {
  if (segmentOf(va, regs.asize) === 1) {
    const pa = regs.top1 + (va - regs.asize);
    if (pa < regs.top1 - regs.limit1) return { ok: false, fault: "segmentation violation (SEG1)" };
    return { ok: true, pa };
  }
  if (va >= regs.limit0) return { ok: false, fault: "segmentation violation (SEG0)" };
  return { ok: true, pa: regs.base0 + va };
}

/** Runs segmentation.py with parsed flags. */
export function runSegmentation(opts: ParsedOptions, wantProblems = true): QuizOutcome {
  return runQuiz(wantProblems, ({ out, setup, addProblem }) => {
    const seed = intOpt(opts, "seed");
    const solve = flagOpt(opts, "solve");
    out.print("ARG seed", seed);
    out.print("ARG address space size", strOpt(opts, "asize"));
    out.print("ARG phys mem size", strOpt(opts, "psize"));
    out.print("");
    const rng = new PyRandom(seed);
    const asize = convertSize(strOpt(opts, "asize"), "address space size (-a)");
    const psize = convertSize(strOpt(opts, "psize"), "physical memory size (-p)");
    const abortIf = (cond: boolean, message: string): void => {
      if (!cond) return;
      out.print("Error:", message);
      throw new OstepExit(message);
    };
    abortIf(psize <= 4, "must specify a bigger physical memory size");
    abortIf(asize === 0, "must specify a non-zero address-space size");
    abortIf(psize <= asize, "physical memory size > address space size (for this simulation)");
    if (asize < 0) throw new QuizRefusal("address space size (-a) must be positive");

    let len0 = convertSize(strOpt(opts, "len0"), "segment 0 limit (-l)");
    let len1 = convertSize(strOpt(opts, "len1"), "segment 1 limit (-L)");
    let base0 = convertSize(strOpt(opts, "base0"), "segment 0 base (-b)");
    const given1 = convertSize(strOpt(opts, "base1"), "segment 1 base (-B)");
    if (len0 < -1 || len1 < -1) throw new QuizRefusal("segment limits (-l, -L) must be >= 0");
    if (base0 < -1 || given1 < -1) throw new QuizRefusal("segment bases (-b, -B) must be >= 0");
    if (len0 === -1) len0 = Math.trunc(asize / 4.0 + (asize / 4.0) * rng.random());
    if (len1 === -1) len1 = Math.trunc(asize / 4.0 + (asize / 4.0) * rng.random());
    if (base0 === -1 || given1 === -1) {
      abortIf(
        psize <= 2 * asize,
        "physical memory must be 2x GREATER than address space size (if randomly generating base registers)",
      );
    }
    if (base0 === -1) base0 = placeSegment0(rng, psize, len0);
    // Internally base1 is the low end of segment 1; the user gives (and OSTEP prints) the top.
    const base1 = given1 === -1 ? placeSegment1(rng, psize, len1, base0, len0) : given1 - len1;
    abortIf(psize < base0 + len0 - 1, "seg0 is not in physical memory");
    abortIf(psize < base1, "seg1 is not in physical memory");
    abortIf(len0 > asize / 2.0, "length0 register is too large for this address space");
    abortIf(len1 > asize / 2.0, "length1 register is too large for this address space");
    checkPlacement(psize, base0, len0, base1, len1);
    const regs: TwoSegments = { asize, base0, limit0: len0, top1: base1 + len1, limit1: len1 };
    Object.assign(setup, { psize, ...regs });

    out.print("Segment register information:");
    out.print("");
    out.print(
      `  Segment 0 base  (grows positive) : 0x${pyX(base0, 8, true)} (decimal ${pyD(base0)})`,
    );
    out.print(`  Segment 0 limit                  : ${pyD(len0)}`);
    out.print("");
    out.print(
      `  Segment 1 base  (grows negative) : 0x${pyX(regs.top1, 8, true)} (decimal ${pyD(regs.top1)})`,
    );
    out.print(`  Segment 1 limit                  : ${pyD(len1)}`);
    out.print("");
    abortIf(len0 + base0 > base1 && base1 > base0, "segments overlap in physical memory");
    checkOverlap(base0, len0, base1, len1);

    const words = addressWords(opts, asize, rng);

    out.print("Virtual Address Trace");
    words.forEach((word, i) => {
      const va = traceAddress(word);
      if (va < 0 || va >= asize) {
        out.print(
          `Error: virtual address ${pyD(va)} cannot be generated in an address space of size ${pyD(asize)}`,
        );
        throw new OstepExit("bad address");
      }
      const head = `  VA ${pyD(i, 2)}: 0x${pyX(va, 8, true)} (decimal: ${pyD(va, 4)}) -->`;
      const seg = segmentOf(va, asize);
      const t = translateTwoSegments(va, regs);
      if (!solve) out.print(`${head} PA or segmentation violation?`);
      else if (!t.ok) out.print(`${head} SEGMENTATION VIOLATION (SEG${seg})`);
      else
        out.print(`${head} VALID in SEG${seg}: 0x${pyX(t.pa, 8, true)} (decimal: ${pyD(t.pa, 4)})`);
      const explain = explainSegment(va, regs, t);
      addProblem(() => ({
        question: `VA 0x${pyX(va, 8, true)} (decimal ${va})`,
        answer: t.ok ? `0x${pyX(t.pa, 8, true)}` : "violation",
        explain,
        data: { va, segment: seg, valid: t.ok, pa: t.ok ? t.pa : null },
        grade: (line) => gradeTranslation(t, explain, line),
      }));
    });
    out.print("");
    if (!solve) printQuestionText(out);
  });
}

/** Draws base0 until segment 0 fits below psize (segmentation.py's first placement loop). */
function placeSegment0(rng: PyRandom, psize: number, len0: number): number {
  if (len0 >= psize) {
    throw new QuizRefusal(
      `segment 0 (limit ${len0}) cannot fit in ${psize} bytes (segmentation.py would loop forever)`,
    );
  }
  let base0: number;
  do base0 = scaledDraw(psize, rng.random());
  while (base0 + len0 >= psize);
  return base0;
}

/** Draws the low end of segment 1 until it fits and lies wholly above or below segment 0. */
function placeSegment1(
  rng: PyRandom,
  psize: number,
  len1: number,
  base0: number,
  len0: number,
): number {
  const above = base0 + len0 + 2 + len1 <= psize;
  const below = len1 + 1 <= base0 && len1 + 1 <= psize;
  if (!above && !below) {
    throw new QuizRefusal(
      `no room for segment 1 (limit ${len1}) beside segment 0 in ${psize} bytes (segmentation.py would loop forever)`,
    );
  }
  for (;;) {
    const base1 = scaledDraw(psize, rng.random());
    if (base1 + len1 < psize && (base1 > base0 + len0 || base1 + len1 < base0)) return base1;
  }
}

/** Refuses placements where segmentation.py would print addresses outside physical memory. */
function checkPlacement(
  psize: number,
  base0: number,
  len0: number,
  base1: number,
  len1: number,
): void {
  if (base1 < 0) {
    throw new QuizRefusal(
      `segment 1 base ${base1 + len1} minus its limit ${len1} is below 0 (segmentation.py would print negative physical addresses)`,
    );
  }
  if (base0 + len0 > psize) {
    throw new QuizRefusal(
      `segment 0 [${base0}, ${base0 + len0}) ends beyond physical memory (${psize} bytes)`,
    );
  }
  if (base1 + len1 > psize) {
    throw new QuizRefusal(
      `segment 1 [${base1}, ${base1 + len1}) ends beyond physical memory (${psize} bytes)`,
    );
  }
}

/** Refuses overlapping segments that segmentation.py's one-sided overlap test lets through. */
function checkOverlap(base0: number, len0: number, base1: number, len1: number): void {
  if (len0 > 0 && len1 > 0 && base0 < base1 + len1 && base1 < base0 + len0) {
    throw new QuizRefusal(
      `segments overlap in physical memory: [${base0}, ${base0 + len0}) and [${base1}, ${base1 + len1})`,
    );
  }
}

function explainSegment(va: number, regs: TwoSegments, t: Translation): string {
  if (segmentOf(va, regs.asize) === 0) {
    return t.ok
      ? `segment 0 (top bit 0): ${va} < limit ${regs.limit0}, so PA = base ${regs.base0} + ${va} = ${t.pa}`
      : `segment 0 (top bit 0): ${va} >= limit ${regs.limit0}: segmentation violation`;
  }
  const offset = va - regs.asize;
  return t.ok
    ? `segment 1 (top bit 1): offset ${va} - ${regs.asize} = ${offset}, |${offset}| <= limit ${regs.limit1}, so PA = base ${regs.top1} + (${offset}) = ${t.pa}`
    : `segment 1 (top bit 1): offset ${va} - ${regs.asize} = ${offset}, |${offset}| > limit ${regs.limit1}: segmentation violation`;
}

function printQuestionText(out: { print: (...a: string[]) => void }): void {
  out.print("For each virtual address, either write down the physical address it translates to");
  out.print("OR write down that it is an out-of-bounds address (a segmentation violation). For");
  out.print("this problem, you should assume a simple address space with two segments: the top");
  out.print("bit of the virtual address can thus be used to check whether the virtual address");
  out.print("is in segment 0 (topbit=0) or segment 1 (topbit=1). Note that the base/limit pairs");
  out.print("given to you grow in different directions, depending on the segment, i.e., segment 0");
  out.print("grows in the positive direction, whereas segment 1 in the negative. ");
  out.print("");
}

/** The `segmentation` quiz kind. */
export const segmentationKind: QuizKind = {
  name: "segmentation",
  simulator: "vm-segmentation/segmentation.py",
  summary: "two-segment (base/limit per segment) translation",
  options: segmentationOptions,
  run: (opts, _host, wantProblems) => runSegmentation(opts, wantProblems),
};
