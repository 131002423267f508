// `vmlab quiz policy`: page-replacement policies on a reference string, as OSTEP's
// vm-beyondphys-policy/paging-policy.py (byte-identical output).

import {
  firstWord,
  OstepExit,
  type QuizHost,
  type QuizKind,
  type QuizOutcome,
  QuizRefusal,
  runQuiz,
  safeNumber,
  scaledDraw,
} from "./kind.js";
import { flagOpt, intOpt, type OptionSpec, type ParsedOptions, strOpt } from "./optparse.js";
import { parsePyInt, pyD, pyFixed, pyListStr, pyS } from "./python.js";
import { PyRandom } from "./random.js";

/** paging-policy.py's flags, defaults and help, in its order. */
export const policyOptions: readonly OptionSpec[] = [
  {
    short: "-a",
    long: "--addresses",
    dest: "addresses",
    kind: "string",
    default: "-1",
    help: "a set of comma-separated pages to access; -1 means randomly generate",
  },
  {
    short: "-f",
    long: "--addressfile",
    dest: "addressfile",
    kind: "string",
    default: "",
    help: "a file with a bunch of addresses in it",
  },
  {
    short: "-n",
    long: "--numaddrs",
    dest: "numaddrs",
    kind: "string",
    default: "10",
    help: "if -a (--addresses) is -1, this is the number of addrs to generate",
  },
  {
    short: "-p",
    long: "--policy",
    dest: "policy",
    kind: "string",
    default: "FIFO",
    help: "replacement policy: FIFO, LRU, OPT, UNOPT, RAND, CLOCK",
  },
  {
    short: "-b",
    long: "--clockbits",
    dest: "clockbits",
    kind: "int",
    default: 2n,
    help: "for CLOCK policy, how many clock bits to use",
  },
  {
    short: "-C",
    long: "--cachesize",
    dest: "cachesize",
    kind: "string",
    default: "3",
    help: "size of the page cache, in pages",
  },
  {
    short: "-m",
    long: "--maxpage",
    dest: "maxpage",
    kind: "string",
    default: "10",
    help: "if randomly generating page accesses, this is the max page number",
  },
  {
    short: "-s",
    long: "--seed",
    dest: "seed",
    kind: "string",
    default: "0",
    help: "random number seed",
  },
  {
    short: "-N",
    long: "--notrace",
    dest: "notrace",
    kind: "flag",
    default: false,
    help: "do not print out a detailed trace",
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

/** The replacement policies paging-policy.py knows. */
export const Policy = {
  Fifo: "FIFO",
  Lru: "LRU",
  Mru: "MRU",
  Opt: "OPT",
  Unopt: "UNOPT",
  Rand: "RAND",
  Clock: "CLOCK",
} as const;
export type Policy = (typeof Policy)[keyof typeof Policy];

const POLICIES: readonly string[] = Object.values(Policy);

/** How the trace labels the two ends of the memory list, per policy. */
const ENDS: Record<Policy, [string, string]> = {
  FIFO: ["FirstIn", "Lastin "],
  LRU: ["LRU", "MRU"],
  MRU: ["LRU", "MRU"],
  OPT: ["Left ", "Right"],
  UNOPT: ["Left ", "Right"],
  RAND: ["Left ", "Right"],
  CLOCK: ["Left ", "Right"],
};

/** One reference and what the cache did. */
export interface Access {
  readonly page: number;
  readonly hit: boolean;
  /** The page evicted to make room, if any. */
  readonly victim: number | undefined;
  /** The cache contents after the access, in the policy's order (the cache's own list: copy it to keep it). */
  readonly memory: readonly number[];
}

/**
 * A page cache of `size` frames kept as paging-policy.py keeps it: a list in insertion order
 * (LRU and MRU move a hit page to the end), plus the CLOCK reference counts.
 */
export class PageCache {
  readonly memory: number[] = [];
  private readonly ref = new Map<number, number>();
  private readonly size: number;
  private readonly policy: Policy;
  private readonly clockBits: number;
  private readonly rng: PyRandom;
  /** For OPT/UNOPT: the index of each reference's next use of the same page (or the length). */
  private readonly nextUse: readonly number[];
  private readonly lastUse = new Map<number, number>();

  constructor(
    size: number,
    policy: Policy,
    clockBits: number,
    rng: PyRandom,
    refs: readonly number[],
  ) {
    this.size = size;
    this.policy = policy;
    this.clockBits = clockBits;
    this.rng = rng;
    this.nextUse = nextUses(refs);
  }

  /** References `page` (the `index`-th reference): hit or miss, evicting a victim when full. */
  access(page: number, index: number): Access {
    const hit = this.memory.includes(page);
    let victim: number | undefined;
    if (hit && (this.policy === Policy.Lru || this.policy === Policy.Mru)) {
      this.memory.splice(this.memory.indexOf(page), 1);
      this.memory.push(page);
    }
    if (!hit) {
      if (this.memory.length === this.size) victim = this.evict();
      this.memory.push(page);
    }
    const count = this.ref.get(page);
    this.ref.set(page, count === undefined ? 1 : Math.min(count + 1, this.clockBits));
    this.lastUse.set(page, index);
    return { page, hit, victim, memory: this.memory };
  }

  /** Removes and returns the policy's victim. */
  private evict(): number {
    const at = this.victimIndex();
    const [victim] = this.memory.splice(at, 1);
    if (this.policy === Policy.Clock) this.ref.delete(victim!);
    return victim!;
  }

  /** Where in the memory list the victim sits. */
  private victimIndex(): number {
    switch (this.policy) {
      case Policy.Fifo:
      case Policy.Lru:
        return 0;
      case Policy.Mru:
        return this.memory.length - 1;
      case Policy.Rand:
        return scaledDraw(this.memory.length, this.rng.random());
      case Policy.Clock:
        return this.victimClock();
      case Policy.Opt:
        return this.victimOpt();
      case Policy.Unopt:
        return this.victimUnopt();
    }
  }

  /** Random-probe clock: probe random frames, decrementing reference counts, until one is 0. */
  private victimClock(): number {
    for (;;) {
      const at = scaledDraw(this.memory.length, this.rng.random());
      const page = this.memory[at]!;
      const count = this.ref.get(page)!;
      if (count < 1) return at;
      this.ref.set(page, count - 1);
    }
  }

  /** When each cached page is next used after reference `index` (the reference count if never). */
  private nextUseOf(page: number): number {
    return this.nextUse[this.lastUse.get(page)!]!;
  }

  /** Belady's OPT: the page used furthest in the future; ties go to the later list position. */
  private victimOpt(): number {
    let best = -1;
    let at = 0;
    this.memory.forEach((page, i) => {
      const when = this.nextUseOf(page);
      if (when >= best) {
        best = when;
        at = i;
      }
    });
    return at;
  }

  /** The worst choice: the page used soonest; ties go to the earlier list position. */
  private victimUnopt(): number {
    let best = Number.POSITIVE_INFINITY;
    let at = 0;
    this.memory.forEach((page, i) => {
      const when = this.nextUseOf(page);
      if (when < best) {
        best = when;
        at = i;
      }
    });
    return at;
  }
}

/** For each reference, the index of the next reference to the same page, or refs.length. */
function nextUses(refs: readonly number[]): number[] {
  const next = new Array<number>(refs.length);
  const seen = new Map<number, number>();
  for (let i = refs.length - 1; i >= 0; i--) {
    next[i] = seen.get(refs[i]!) ?? refs.length;
    seen.set(refs[i]!, i);
  }
  return next;
}

/** Runs paging-policy.py with parsed flags; `host` reads the -f file. */
export function runPolicy(opts: ParsedOptions, host: QuizHost, wantProblems = true): QuizOutcome {
  return runQuiz(wantProblems, ({ out, setup, addProblem }) => {
    const solve = flagOpt(opts, "solve");
    const notrace = flagOpt(opts, "notrace");
    const clockBits = intOpt(opts, "clockbits");
    const policyName = strOpt(opts, "policy");
    const raw = {
      addresses: strOpt(opts, "addresses"),
      addressfile: strOpt(opts, "addressfile"),
      numaddrs: strOpt(opts, "numaddrs"),
      cachesize: strOpt(opts, "cachesize"),
      maxpage: strOpt(opts, "maxpage"),
      seed: strOpt(opts, "seed"),
    };
    out.print("ARG addresses", raw.addresses);
    out.print("ARG addressfile", raw.addressfile);
    out.print("ARG numaddrs", raw.numaddrs);
    out.print("ARG policy", policyName);
    out.print("ARG clockbits", clockBits);
    out.print("ARG cachesize", raw.cachesize);
    out.print("ARG maxpage", raw.maxpage);
    out.print("ARG seed", raw.seed);
    out.print("ARG notrace", notrace);
    out.print("");
    const numaddrs = pyIntArg(raw.numaddrs, "-n");
    const cachesize = pyIntArg(raw.cachesize, "-C");
    const seed = parsePyInt(raw.seed);
    if (seed === undefined) throw new QuizRefusal(`-s: '${raw.seed}' is not an integer`);
    const maxpage = pyIntArg(raw.maxpage, "-m");
    const rng = new PyRandom(seed);
    if (cachesize < 1)
      throw new QuizRefusal(`cache size (-C) must be at least 1, not ${cachesize}`);
    const refs = referenceString(raw, numaddrs, maxpage, rng, host);

    const known = POLICIES.includes(policyName);
    const policy = (known ? policyName : Policy.Fifo) as Policy;
    const cache = new PageCache(cachesize, policy, Number(clockBits), rng, refs);
    Object.assign(setup, {
      policy: policyName,
      cachesize,
      clockbits: Number(clockBits),
      references: refs,
    });
    const simulate = (each: (a: Access, i: number) => void): void => {
      refs.forEach((page, i) => {
        const a = cache.access(page, i);
        addProblem(() => accessProblem(a));
        each(a, i);
      });
    };

    if (!solve) {
      out.print(
        `Assuming a replacement policy of ${policyName}, and a cache of size ${pyD(cachesize)} pages,`,
      );
      out.print("figure out whether each of the following page references hit or miss");
      out.print("in the page cache.\n");
      for (const page of refs) out.print(`Access: ${pyD(page)}  Hit/Miss?  State of Memory?`);
      out.print("");
      if (known && wantProblems) simulate(() => {});
      return;
    }
    if (!notrace) out.print("Solving...\n");
    if (!known) {
      out.print(`Policy ${policyName} is not yet implemented`);
      throw new OstepExit("unknown policy");
    }
    if (refs.length === 0)
      throw new QuizRefusal(
        "no page references to simulate (paging-policy.py would divide by zero)",
      );
    const [left, right] = ENDS[policy];
    let hits = 0;
    simulate((a, i) => {
      if (a.hit) hits++;
      if (notrace) return;
      out.print(
        `Access: ${pyD(a.page)}  ${a.hit ? "HIT " : "MISS"} ${left} -> ${pyS(pyListStr(a.memory), 12)} <- ` +
          `${right} Replaced:${a.victim === undefined ? "-" : a.victim} [Hits:${hits} Misses:${i + 1 - hits}]`,
      );
    });
    const misses = refs.length - hits;
    out.print("");
    out.print(
      `FINALSTATS hits ${hits}   misses ${misses}   hitrate ${pyFixed((100.0 * hits) / (hits + misses), 2)}`,
    );
    out.print("");
  });
}

/** Python's int(text) of a string option, refused (naming the flag) where Python would raise. */
function pyIntArg(text: string, flag: string): number {
  const n = parsePyInt(text);
  if (n === undefined) throw new QuizRefusal(`${flag}: '${text}' is not an integer`);
  return safeNumber(n, flag);
}

/** The pages referenced: from the -f file, the -a list, or -n random pages below -m. */
function referenceString(
  raw: { addresses: string; addressfile: string },
  numaddrs: number,
  maxpage: number,
  rng: PyRandom,
  host: QuizHost,
): number[] {
  let words: string[];
  let from: string;
  if (raw.addressfile !== "") {
    words = host.readFile(raw.addressfile).split(/\r\n|\r|\n/);
    if (words[words.length - 1] === "") words.pop();
    from = raw.addressfile;
  } else if (raw.addresses === "-1") {
    const refs: number[] = [];
    for (let i = 0; i < numaddrs; i++) refs.push(scaledDraw(maxpage, rng.random()));
    if (refs.some((p) => p < 0))
      throw new QuizRefusal(`-m: negative max page ${maxpage} gives negative pages`);
    return refs;
  } else {
    words = raw.addresses.split(",");
    from = "-a";
  }
  return words.map((w) => {
    const page = pyIntArg(w, from);
    if (page < 0) {
      throw new QuizRefusal(
        `${from}: page ${page} is negative (paging-policy.py would mistake -1 for "none")`,
      );
    }
    return page;
  });
}

function accessProblem(a: Access) {
  const answer = a.hit ? "hit" : a.victim === undefined ? "miss" : `miss ${a.victim}`;
  const explain = a.hit
    ? `page ${a.page} is in memory`
    : `page ${a.page} is not in memory${a.victim === undefined ? "" : `; page ${a.victim} is evicted`}; memory becomes ${pyListStr(a.memory)}`;
  return {
    question: `Access: ${a.page}`,
    answer,
    explain,
    data: { page: a.page, hit: a.hit, victim: a.victim ?? null, memory: [...a.memory] },
    grade: (line: string) => gradeAccess(a, explain, line),
  };
}

/** Grades "hit" or "miss", optionally followed by the evicted page ("-" or "none" for no eviction). */
function gradeAccess(a: Access, explain: string, line: string): string | undefined {
  const word = firstWord(line);
  const said =
    word === "hit" || word === "h" ? true : word === "miss" || word === "m" ? false : undefined;
  if (said === undefined) return `cannot read '${line.trim()}' as hit or miss`;
  if (said !== a.hit) return `it is a ${a.hit ? "hit" : "miss"}: ${explain}`;
  const second = line.trim().split(/\s+/)[1]?.toLowerCase();
  if (second === undefined || a.hit) return undefined;
  const victim = second === "-" || second === "none" ? undefined : parsePyInt(second);
  const expected = a.victim === undefined ? undefined : BigInt(a.victim);
  return victim === expected ? undefined : `wrong victim: ${explain}`;
}

/** The `policy` quiz kind. */
export const policyKind: QuizKind = {
  name: "policy",
  simulator: "vm-beyondphys-policy/paging-policy.py",
  summary: "page replacement (FIFO, LRU, MRU, OPT, UNOPT, RAND, CLOCK)",
  options: policyOptions,
  run: runPolicy,
};
