// `vmlab quiz tlb`: hits and misses of a TLB (entries, ways, LRU / FIFO / random replacement) on
// a sequence of virtual pages. Not an OSTEP simulator: vmlab's own kind, in OSTEP's style.
//
// The answers are the hardware's: every access is a load through a real MMU in paged mode, over a
// small Sv32 page table built in RAM that maps each page used, so hits, misses, sets, victims and
// contents are exactly what hw/tlb.ts does for a guest (LRU stamped with the access number; the
// random policy draws from the machine's PRNG, seeded with -s as `vmlab run --seed` seeds it).
//
//   set of a page = VPN mod sets          sets = entries / ways
//   access i      = a load of VA VPN * 4096 at time i (the LRU clock)

import { AdMode, Mmu, type MmuEvent, MmuMode, RefillMode } from "../hw/mmu.js";
import { Prng } from "../hw/prng.js";
import { PAGE_SIZE, Ram } from "../hw/ram.js";
import {
  makePte,
  makeSatp,
  PTE_A,
  PTE_D,
  PTE_R,
  PTE_SIZE,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  VPN_BITS,
  vpnIndex,
} from "../hw/sv32.js";
import { checkTlbConfig, type TlbConfig, TlbPolicy } from "../hw/tlb.js";
import { Access } from "../hw/trap.js";
import { firstWord, type QuizKind, type QuizOutcome, QuizRefusal, runQuiz } from "./kind.js";
import { flagOpt, intOpt, type OptionSpec, type ParsedOptions, strOpt } from "./optparse.js";
import { parsePyInt, pyD, pyFixed } from "./python.js";
import { PyRandom } from "./random.js";

/** Sv32 has 2^20 virtual pages. */
export const TLB_QUIZ_MAX_PAGES = 1 << 20;
/** The most accesses one quiz makes (each distinct page costs a 4 KiB frame of emulated RAM). */
export const TLB_QUIZ_MAX_ACCESSES = 10_000;
/** How far back a "recently used" page is drawn from when generating accesses. */
const LOCALITY_WINDOW = 4;

/** The tlb quiz's flags, defaults and help. */
export const tlbOptions: readonly OptionSpec[] = [
  { short: "-s", long: "--seed", dest: "seed", kind: "int", default: 0n, help: "the random seed" },
  {
    short: "-n",
    long: "--numaccesses",
    dest: "num",
    kind: "int",
    default: 10n,
    help: "number of page accesses to generate",
  },
  {
    short: "-e",
    long: "--entries",
    dest: "entries",
    kind: "int",
    default: 4n,
    help: "TLB entries",
  },
  {
    short: "-w",
    long: "--ways",
    dest: "ways",
    kind: "int",
    default: -1n,
    help: "ways per set (1: direct-mapped; -1: fully associative)",
  },
  {
    short: "-p",
    long: "--policy",
    dest: "policy",
    kind: "string",
    default: "lru",
    help: "replacement policy: lru, fifo or random",
  },
  {
    short: "-P",
    long: "--pages",
    dest: "pages",
    kind: "int",
    default: 8n,
    help: "generated accesses use virtual pages 0 to PAGES-1",
  },
  {
    short: "-A",
    long: "--accesses",
    dest: "accesses",
    kind: "string",
    default: "-1",
    help: "comma-separated virtual page numbers to access (instead of -n/-P)",
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

/** What one access did to the TLB. */
export interface TlbStep {
  readonly vpn: number;
  readonly set: number;
  readonly hit: boolean;
  /** The way that hit, or the way filled on a miss. */
  readonly way: number;
  /** The page whose entry the fill replaced, if the set was full. */
  readonly victim: number | undefined;
  /** The TLB after the access: for each set, each way's page, or null for an invalid way. */
  readonly contents: readonly (readonly (number | null)[])[];
}

/** A TLB for the quiz: `config` must pass checkTlbConfig; `seed` seeds the random policy's PRNG. */
export interface TlbQuizConfig {
  readonly tlb: TlbConfig;
  readonly seed: number;
}

/** Frame layout of the quiz machine's RAM: the root table, then level-0 tables, then data. */
const ROOT_FRAME = 0;
const DATA_FLAGS = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;

/**
 * Builds a machine whose Sv32 table maps each page of `vpns` (each below 2^20) to a frame of its
 * own, every permission and A/D already set, so a load never faults; returns its MMU in paged mode.
 */
function mapPages(vpns: readonly number[], config: TlbQuizConfig): Mmu {
  const distinct = [...new Set(vpns)];
  const tables = new Map<number, number>(); // VPN[1] -> frame of its level-0 table
  for (const vpn of distinct) {
    const top = vpn >>> VPN_BITS;
    if (!tables.has(top)) tables.set(top, ROOT_FRAME + 1 + tables.size);
  }
  const firstData = ROOT_FRAME + 1 + tables.size;
  const ram = new Ram((firstData + distinct.length) * PAGE_SIZE);
  for (const [top, frame] of tables) {
    ram.write32(ROOT_FRAME * PAGE_SIZE + top * PTE_SIZE, makePte(frame, PTE_V));
  }
  distinct.forEach((vpn, k) => {
    const table = tables.get(vpn >>> VPN_BITS)!;
    const va = vpn * PAGE_SIZE;
    ram.write32(table * PAGE_SIZE + vpnIndex(va, 0) * PTE_SIZE, makePte(firstData + k, DATA_FLAGS));
  });
  const mmu = new Mmu(
    ram,
    { tlb: config.tlb, refill: RefillMode.Hardware, ad: AdMode.Hardware, segmentBits: 2 },
    new Prng(config.seed),
  );
  mmu.setMode(MmuMode.Paged);
  mmu.setSatp(makeSatp(ROOT_FRAME, 0));
  return mmu;
}

/**
 * Runs loads of the pages `vpns` (each from 0 to 2^20-1), in order, through a real MMU with an
 * initially empty TLB configured by `config`, and reports what each did. Throws Error only if
 * the hardware faults on a page this function mapped (a broken invariant).
 */
export function simulateTlb(vpns: readonly number[], config: TlbQuizConfig): TlbStep[] {
  const mmu = mapPages(vpns, config);
  const tlb = mmu.tlb;
  let hitWay = -1;
  let filled = -1;
  mmu.setTracer((e: MmuEvent) => {
    if (e.kind === "tlb") hitWay = e.way;
    else if (e.kind === "fill") filled = e.index;
  });
  const wayPage = (i: number): number | null => (tlb.valid[i] === 1 ? tlb.vpn[i]! : null);
  return vpns.map((vpn, t) => {
    hitWay = -1;
    filled = -1;
    const set = tlb.setOf(vpn);
    const before = Array.from({ length: tlb.ways }, (_, w) => wayPage(set * tlb.ways + w));
    const pa = mmu.translate(vpn * PAGE_SIZE, Access.Load, t + 1);
    if (pa < 0) throw new Error(`simulateTlb: the MMU faulted on mapped page ${vpn}`);
    const hit = hitWay >= 0;
    const way = hit ? hitWay : filled - set * tlb.ways;
    const contents = Array.from({ length: tlb.sets }, (_, s) =>
      Array.from({ length: tlb.ways }, (_, w) => wayPage(s * tlb.ways + w)),
    );
    return { vpn, set, hit, way, victim: hit ? undefined : (before[way] ?? undefined), contents };
  });
}

/**
 * `count` pages below `pages`, drawn from `rng` with some locality: with probability 0.35 one of
 * the last four accesses again, 0.15 the page after the last one (wrapping), else any page.
 */
export function generateAccesses(rng: PyRandom, count: number, pages: number): number[] {
  const vpns: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = rng.random();
    const last = vpns[i - 1];
    if (last !== undefined && r < 0.35) {
      vpns.push(vpns[i - 1 - rng.randbelow(Math.min(LOCALITY_WINDOW, i))]!);
    } else if (last !== undefined && r < 0.5) vpns.push((last + 1) % pages);
    else vpns.push(rng.randbelow(pages));
  }
  return vpns;
}

/** An integer flag within [lo, hi], or a refusal naming the flag. */
function boundedOpt(opts: ParsedOptions, dest: string, flag: string, lo: number, hi: number) {
  const v = intOpt(opts, dest);
  if (v < BigInt(lo) || v > BigInt(hi)) {
    throw new QuizRefusal(`${flag}: ${v} is not from ${lo} to ${hi}`);
  }
  return Number(v);
}

/** The -A list: virtual page numbers, decimal or 0x hex, each below 2^20. */
function parseAccessList(text: string): number[] {
  const words = text.split(",");
  if (words.length > TLB_QUIZ_MAX_ACCESSES) {
    throw new QuizRefusal(`-A: more than ${TLB_QUIZ_MAX_ACCESSES} accesses`);
  }
  return words.map((w) => {
    const t = w.trim().toLowerCase();
    const n = t.startsWith("0x") ? parsePyInt(t, 16) : parsePyInt(t, 10);
    if (n === undefined || n < 0n || n >= BigInt(TLB_QUIZ_MAX_PAGES)) {
      throw new QuizRefusal(
        `-A: '${w}' is not a virtual page number (0 to ${TLB_QUIZ_MAX_PAGES - 1})`,
      );
    }
    return Number(n);
  });
}

/** The TLB configuration the flags ask for, or a refusal saying what is wrong. */
function tlbConfigOf(opts: ParsedOptions): TlbConfig {
  const entries = intOpt(opts, "entries");
  const ways = intOpt(opts, "ways");
  const policy = strOpt(opts, "policy").toLowerCase();
  const config = {
    entries: Number(entries),
    ways: ways === -1n ? Number(entries) : Number(ways),
    policy: policy as TlbPolicy,
  };
  const problem = checkTlbConfig(config);
  if (problem) throw new QuizRefusal(problem);
  return config;
}

/** The TLB after an access, one bracket per set: "[3 - | 5 1]". */
function contentsText(contents: TlbStep["contents"], width: number): string {
  const sets = contents.map((ways) => ways.map((p) => (p === null ? "-" : pyD(p)).padStart(width)));
  return `[${sets.map((s) => s.join(" ")).join(" | ")}]`;
}

/** Runs the tlb quiz with parsed flags. */
export function runTlbQuiz(opts: ParsedOptions, wantProblems = true): QuizOutcome {
  return runQuiz(wantProblems, ({ out, setup, addProblem }) => {
    const seed = intOpt(opts, "seed");
    const solve = flagOpt(opts, "solve");
    const config = tlbConfigOf(opts);
    const list = strOpt(opts, "accesses");
    const num = boundedOpt(opts, "num", "-n", 1, TLB_QUIZ_MAX_ACCESSES);
    const pages = boundedOpt(opts, "pages", "-P", 1, TLB_QUIZ_MAX_PAGES);
    const rng = new PyRandom(seed);
    const vpns = list === "-1" ? generateAccesses(rng, num, pages) : parseAccessList(list);
    const prngSeed = Number(BigInt.asUintN(32, seed));
    const steps = simulateTlb(vpns, { tlb: config, seed: prngSeed });

    out.print("ARG seed", seed);
    out.print("ARG numaccesses", num);
    out.print("ARG entries", config.entries);
    out.print("ARG ways", config.ways);
    out.print("ARG policy", config.policy);
    out.print("ARG pages", pages);
    out.print("ARG accesses", list);
    out.print("");
    const sets = config.entries / config.ways;
    out.print(
      `TLB: ${config.entries} entries in ${sets} set${sets === 1 ? "" : "s"} of ${config.ways} way${config.ways === 1 ? "" : "s"}` +
        ` (set = VPN mod ${sets}), ${config.policy.toUpperCase()} replacement, initially empty.`,
    );
    out.print("Each access is a load from a virtual page (4 KiB pages, all mapped).");
    if (config.policy === TlbPolicy.Random) {
      out.print(
        "RANDOM: the victim way comes from the machine's PRNG (seeded with -s), not by rule.",
      );
    }
    out.print("");
    Object.assign(setup, {
      entries: config.entries,
      ways: config.ways,
      sets,
      policy: config.policy,
      pages,
      prngSeed,
      accesses: vpns,
    });

    const nw = String(vpns.length).length;
    const vw = Math.max(1, ...vpns.map((v) => String(v).length));
    if (!solve) {
      out.print("For each access, say whether it hits or misses in the TLB,");
      out.print("and on a miss which page's entry (if any) it evicts.");
      out.print("");
    }
    let hits = 0;
    steps.forEach((s, i) => {
      if (s.hit) hits++;
      const head = `Access ${pyD(i + 1, nw)}: VPN ${pyD(s.vpn, vw)}`;
      if (!solve) out.print(`${head}  Hit/Miss?  Evicted?`);
      else {
        const evicted = s.victim === undefined ? "-" : pyD(s.victim);
        const outcome = s.hit
          ? `HIT  ${" ".repeat(vw + 7)}`
          : `MISS  evict ${evicted.padStart(vw)}`;
        out.print(`${head}  set ${s.set}  ${outcome}  TLB ${contentsText(s.contents, vw)}`);
      }
      addProblem(() => accessProblem(i + 1, s));
    });
    if (solve) {
      out.print("");
      const misses = steps.length - hits;
      out.print(
        `FINALSTATS hits ${hits}   misses ${misses}   hitrate ${pyFixed((100.0 * hits) / steps.length, 2)}`,
      );
    }
    out.print("");
  });
}

function accessProblem(n: number, s: TlbStep) {
  const answer = s.hit ? "hit" : s.victim === undefined ? "miss" : `miss ${s.victim}`;
  const where = `VPN ${s.vpn} maps to set ${s.set}`;
  const explain = s.hit
    ? `${where}, whose way ${s.way} holds it: hit`
    : `${where}, which does not hold it: miss; filled into way ${s.way}` +
      (s.victim === undefined ? " (it was free)" : `, evicting VPN ${s.victim}`) +
      `; TLB becomes ${contentsText(s.contents, 1)}`;
  return {
    question: `Access ${n}: VPN ${s.vpn}`,
    answer,
    explain,
    data: {
      access: n,
      vpn: s.vpn,
      va: s.vpn * PAGE_SIZE,
      set: s.set,
      hit: s.hit,
      way: s.way,
      victim: s.victim ?? null,
      tlb: s.contents.map((ways) => [...ways]),
    },
    grade: (line: string) => gradeTlbAccess(s, explain, line),
  };
}

/**
 * Grades "hit" or "miss" (or h / m), a miss optionally followed by the evicted page ("-" or
 * "none" for none). Returns undefined if right, else what is wrong.
 */
export function gradeTlbAccess(s: TlbStep, explain: string, line: string): string | undefined {
  const word = firstWord(line);
  const said =
    word === "hit" || word === "h" ? true : word === "miss" || word === "m" ? false : undefined;
  if (said === undefined) return `cannot read '${line.trim()}' as hit or miss`;
  if (said !== s.hit) return `it is a ${s.hit ? "hit" : "miss"}: ${explain}`;
  const second = line.trim().split(/\s+/)[1]?.toLowerCase();
  if (second === undefined || s.hit) return undefined;
  const none = second === "-" || second === "none";
  const t = second.startsWith("0x") ? parsePyInt(second, 16) : parsePyInt(second, 10);
  if (!none && t === undefined) return `cannot read '${second}' as an evicted page`;
  const victim = none ? undefined : t;
  const expected = s.victim === undefined ? undefined : BigInt(s.victim);
  return victim === expected ? undefined : `wrong victim: ${explain}`;
}

/** The `tlb` quiz kind. */
export const tlbKind: QuizKind = {
  name: "tlb",
  simulator: "vmlab's own: answers from hw/tlb.ts through the MMU",
  summary: "TLB hits, misses and victims (entries, ways, LRU / FIFO / random)",
  options: tlbOptions,
  run: (opts, _host, wantProblems) => runTlbQuiz(opts, wantProblems),
};
