// `vmlab quiz sv32`: translating virtual addresses through a real two-level Sv32 page table given
// as a memory dump. Not an OSTEP simulator: vmlab's own kind, in OSTEP's style.
//
// The tables are generated from the seed into the RAM of a real machine, and every answer is the
// MMU's own side-effect-free translation (Mmu.translateQuietly) of that RAM in U-mode, with the
// walk it explains; A/D bits are set by the hardware unless -D selects the trap mode, where a
// clear A (or D, on a store) is a page fault.
//
// The machine's 16 MiB of RAM (frames 0x000-0xfff), so that every PPN in a PTE is inside it:
//
//   frames 0x001-0x3ff   the root table and the level-0 tables
//   frames 0x400-0x7ff   4 KiB pages
//   PPN 0x800, 0xc00     4 MiB megapages (a misaligned PPN above 0x800 now and then)
//
// Sv32 itself (VA, PTE and satp layouts) is explained once, in hw/sv32.ts.

import { hex, hex32 } from "../hw/hex.js";
import { AdMode, Mmu, MmuMode, RefillMode } from "../hw/mmu.js";
import { Prng } from "../hw/prng.js";
import { PAGE_SIZE, Ram } from "../hw/ram.js";
import {
  makePte,
  makeSatp,
  PTE_A,
  PTE_D,
  PTE_FLAGS_MASK,
  PTE_G,
  PTE_POINTER_RESERVED,
  PTE_R,
  PTE_SIZE,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  pteFlagString,
  ptePpn,
  SATP_ASID_MASK,
  satpAsid,
  satpPpn,
  VPN_BITS,
} from "../hw/sv32.js";
import { TlbPolicy } from "../hw/tlb.js";
import { Access, accessName, type Cause, causeName, type FaultReason } from "../hw/trap.js";
import {
  parseAnswerNumber,
  type QuizKind,
  type QuizOutcome,
  QuizRefusal,
  runQuiz,
} from "./kind.js";
import { flagOpt, intOpt, type OptionSpec, type ParsedOptions, strOpt } from "./optparse.js";
import { parsePyInt } from "./python.js";
import { PyRandom } from "./random.js";

export const SV32_QUIZ_RAM = 16 * 1024 * 1024;
const TABLE_FRAMES = { lo: 0x001, hi: 0x400 };
const PAGE_FRAMES = { lo: 0x400, hi: 0x800 };
const MEGAPAGE_PPNS = [0x800, 0xc00] as const;
const ENTRIES = 1 << VPN_BITS; // PTEs per table
const VPN1_SHIFT = 22;
const MEGAPAGE_OFFSET_BITS = 22;
/** Most level-0 tables (-t) and questions (-n) a quiz may ask for. */
export const SV32_QUIZ_MAX_TABLES = 16;
export const SV32_QUIZ_MAX_ADDRESSES = 1000;

/** The sv32 quiz's flags, defaults and help. */
export const sv32Options: readonly OptionSpec[] = [
  { short: "-s", long: "--seed", dest: "seed", kind: "int", default: 0n, help: "the random seed" },
  {
    short: "-n",
    long: "--numaddrs",
    dest: "num",
    kind: "int",
    default: 8n,
    help: "number of virtual addresses to generate",
  },
  {
    short: "-t",
    long: "--tables",
    dest: "tables",
    kind: "int",
    default: 3n,
    help: "number of level-0 page tables",
  },
  {
    short: "-A",
    long: "--addresses",
    dest: "addresses",
    kind: "string",
    default: "-1",
    help: "comma-separated VA[:fetch|load|store] to translate (load if no access is given)",
  },
  {
    short: "-D",
    long: "--adtrap",
    dest: "adtrap",
    kind: "flag",
    default: false,
    help: "A/D bits in trap mode: a clear A (or D, for a store) is a page fault",
  },
  {
    short: "-v",
    long: "--verbose",
    dest: "verbose",
    kind: "flag",
    default: false,
    help: "decode each PTE of the dump (index, PPN, flags)",
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

/** One word of the memory dump. */
export interface Sv32Pte {
  readonly addr: number;
  readonly value: number;
}

/** A generated address space: its satp, its non-zero PTEs, and VA prefixes worth asking about. */
export interface Sv32Space {
  readonly satp: number;
  /** Sorted by address. */
  readonly ptes: readonly Sv32Pte[];
  /** VA prefixes each reaching the non-zero PTE at `pteAddr`: in the root (vpn0 undefined) or in a level-0 table. */
  readonly targets: readonly Sv32Target[];
  /** The valid pointers of the root: VPN[1] and the frame of the level-0 table. */
  readonly pointers: readonly { readonly vpn1: number; readonly table: number }[];
}

/** The VA bits that lead to one PTE of the dump. */
export interface Sv32Target {
  readonly vpn1: number;
  readonly vpn0?: number;
  readonly pteAddr: number;
}

/** One PTE the walker read. */
export interface Sv32WalkStep {
  readonly level: number;
  readonly index: number;
  readonly pteAddr: number;
  readonly pte: number;
  /** The PTE's flags as the MMU names them, V R W X U G A D from bit 0 ("-" for a clear bit). */
  readonly flags: string;
  readonly ppn: number;
}

/** The hardware's answer: a physical address, or the fault's cause and reason. */
export type Sv32Result =
  | { readonly ok: true; readonly pa: number }
  | { readonly ok: false; readonly cause: Cause; readonly reason: FaultReason };

/** A translation with the walk that produced it. */
export interface Sv32Translation {
  readonly va: number;
  readonly access: Access;
  readonly steps: readonly Sv32WalkStep[];
  readonly result: Sv32Result;
}

/** Draws the address space's random parts, in one fixed order, from one PyRandom. */
class SpaceBuilder {
  private readonly rng: PyRandom;
  private readonly words = new Map<number, number>();
  private readonly frames = new Set<number>();
  readonly targets: Sv32Target[] = [];
  readonly pointers: { vpn1: number; table: number }[] = [];

  constructor(rng: PyRandom) {
    this.rng = rng;
  }

  /** A frame in [lo, hi) not drawn before. */
  frame(range: { lo: number; hi: number }): number {
    let f: number;
    do f = this.rng.randrange(range.lo, range.hi);
    while (this.frames.has(f));
    this.frames.add(f);
    return f;
  }

  /** A table index not in `used`, which it joins. */
  index(used: Set<number>): number {
    let i: number;
    do i = this.rng.randbelow(ENTRIES);
    while (used.has(i));
    used.add(i);
    return i;
  }

  /** Writes `pte` at `index` of the table in frame `table`; `aim` makes it a question target. */
  put(table: number, index: number, pte: number, aim?: { vpn1: number; vpn0?: number }): void {
    const pteAddr = table * PAGE_SIZE + index * PTE_SIZE;
    this.words.set(pteAddr, pte);
    if (aim) this.targets.push({ ...aim, pteAddr });
  }

  /** Flags of a leaf: a permission mix (now and then the reserved W without R), U, A, D, G. */
  leafFlags(): number {
    const rng = this.rng;
    const perms =
      rng.random() < 0.07
        ? rng.choice([PTE_W, PTE_W | PTE_X])
        : rng.choice([
            PTE_R,
            PTE_R | PTE_W,
            PTE_R | PTE_W,
            PTE_R | PTE_X,
            PTE_X,
            PTE_R | PTE_W | PTE_X,
          ]);
    let flags = PTE_V | perms;
    if (rng.random() < 0.85) flags |= PTE_U;
    if (rng.random() < 0.75) flags |= PTE_A;
    if (flags & PTE_A && flags & PTE_W && rng.random() < 0.6) flags |= PTE_D;
    if (rng.random() < 0.1) flags |= PTE_G;
    return flags;
  }

  /** A non-zero PTE with V clear: a stale mapping the hardware must ignore. */
  invalidPte(): number {
    const ppn = this.rng.randrange(PAGE_FRAMES.lo, PAGE_FRAMES.hi);
    return makePte(ppn, this.rng.randbelow(1 << 8) & ~PTE_V);
  }

  /** A level-0 table: 3 to 5 leaves, one invalid entry, now and then a pointer (no leaf). */
  levelZero(table: number, vpn1: number): void {
    const used = new Set<number>();
    const leaves = 3 + this.rng.randbelow(3);
    for (let k = 0; k < leaves; k++) {
      const vpn0 = this.index(used);
      this.put(table, vpn0, makePte(this.frame(PAGE_FRAMES), this.leafFlags()), { vpn1, vpn0 });
    }
    const stale = this.index(used);
    this.put(table, stale, this.invalidPte(), { vpn1, vpn0: stale });
    if (this.rng.random() < 0.2) {
      const vpn0 = this.index(used);
      const below = this.rng.randrange(TABLE_FRAMES.lo, TABLE_FRAMES.hi);
      this.put(table, vpn0, makePte(below, PTE_V), { vpn1, vpn0 });
    }
  }

  /** The PTEs written so far, by address. */
  ptes(): Sv32Pte[] {
    return [...this.words]
      .map(([addr, value]) => ({ addr, value }))
      .sort((a, b) => a.addr - b.addr);
  }
}

/**
 * A seeded address space: a root table with `tables` pointers to level-0 tables (now and then one
 * with the reserved U bit set), one or two megapage leaves (now and then misaligned) and one or
 * two stale invalid entries. `tables` is from 1 to SV32_QUIZ_MAX_TABLES.
 */
export function generateSpace(rng: PyRandom, tables: number): Sv32Space {
  const b = new SpaceBuilder(rng);
  const root = b.frame(TABLE_FRAMES);
  const asid = rng.randbelow(SATP_ASID_MASK + 1);
  const top = new Set<number>();
  for (let t = 0; t < tables; t++) {
    const vpn1 = b.index(top);
    const table = b.frame(TABLE_FRAMES);
    const reserved = rng.random() < 0.1;
    b.put(
      root,
      vpn1,
      makePte(table, PTE_V | (reserved ? PTE_U : 0)),
      reserved ? { vpn1 } : undefined,
    );
    if (!reserved) b.pointers.push({ vpn1, table });
    b.levelZero(table, vpn1);
  }
  const megapages = 1 + rng.randbelow(2);
  for (let m = 0; m < megapages; m++) {
    const vpn1 = b.index(top);
    const aligned = MEGAPAGE_PPNS[m % MEGAPAGE_PPNS.length]!;
    const ppn = rng.random() < 0.4 ? aligned + 1 + rng.randbelow(ENTRIES - 1) : aligned;
    b.put(root, vpn1, makePte(ppn, b.leafFlags()), { vpn1 });
  }
  const stale = 1 + rng.randbelow(2);
  for (let k = 0; k < stale; k++) {
    const vpn1 = b.index(top);
    b.put(root, vpn1, b.invalidPte(), { vpn1 });
  }
  return { satp: makeSatp(root, asid), ptes: b.ptes(), targets: b.targets, pointers: b.pointers };
}

/** A question: a virtual address and the kind of access made to it. */
export interface Sv32Question {
  readonly va: number;
  readonly access: Access;
}

const ACCESSES = [Access.Fetch, Access.Load, Access.Store];

/**
 * `count` questions: mostly VAs reaching a non-zero PTE (each such PTE once before any repeats,
 * a leaf's access two times in three one its permissions allow), sometimes one through a valid
 * pointer to an empty level-0 entry, now and then any address.
 */
export function drawQuestions(rng: PyRandom, space: Sv32Space, count: number): Sv32Question[] {
  const words = new Map(space.ptes.map((p) => [p.addr, p.value]));
  const pool: Sv32Target[] = [];
  const questions: Sv32Question[] = [];
  for (let q = 0; q < count; q++) {
    const r = rng.random();
    if (r < 0.75) {
      if (pool.length === 0) pool.push(...space.targets);
      const t = pool.splice(rng.randbelow(pool.length), 1)[0]!;
      const low =
        t.vpn0 === undefined
          ? rng.randbelow(1 << MEGAPAGE_OFFSET_BITS)
          : (t.vpn0 << 12) | rng.randbelow(PAGE_SIZE);
      const va = ((t.vpn1 << VPN1_SHIFT) | low) >>> 0;
      questions.push({ va, access: accessFor(rng, words.get(t.pteAddr) ?? 0) });
    } else if (r < 0.9 && space.pointers.length > 0) {
      const p = rng.choice(space.pointers);
      let vpn0: number;
      do vpn0 = rng.randbelow(ENTRIES);
      while (words.has(p.table * PAGE_SIZE + vpn0 * PTE_SIZE));
      const va = ((p.vpn1 << VPN1_SHIFT) | (vpn0 << 12) | rng.randbelow(PAGE_SIZE)) >>> 0;
      questions.push({ va, access: rng.choice(ACCESSES) });
    } else questions.push({ va: rng.getrandbits32(32), access: rng.choice(ACCESSES) });
  }
  return questions;
}

/** For a PTE with R/W/X bits, two times in three an access they allow; else any access. */
function accessFor(rng: PyRandom, pte: number): Access {
  const allowed = ACCESSES.filter((a) => {
    const bit = a === Access.Fetch ? PTE_X : a === Access.Load ? PTE_R : PTE_W;
    return (pte & bit) !== 0;
  });
  const r = rng.random();
  return allowed.length > 0 && r < 2 / 3 ? rng.choice(allowed) : rng.choice(ACCESSES);
}

/**
 * A machine holding `space`'s PTEs in its RAM, its MMU in paged mode with `space.satp`, A/D in
 * trap mode if `adTrap`. Its TLB is empty, so every translation walks.
 */
export function sv32Machine(space: Pick<Sv32Space, "satp" | "ptes">, adTrap: boolean): Mmu {
  const ram = new Ram(SV32_QUIZ_RAM);
  for (const p of space.ptes) ram.write32(p.addr, p.value);
  const config = {
    tlb: { entries: 1, ways: 1, policy: TlbPolicy.Lru },
    refill: RefillMode.Hardware,
    ad: adTrap ? AdMode.Trap : AdMode.Hardware,
    segmentBits: 2,
  };
  const mmu = new Mmu(ram, config, new Prng(1));
  mmu.setMode(MmuMode.Paged);
  mmu.setSatp(space.satp);
  return mmu;
}

/** What `mmu` answers for a U-mode `access` to `va`, and each PTE its walker read. Changes nothing. */
export function translateSv32(mmu: Mmu, va: number, access: Access): Sv32Translation {
  const steps: Sv32WalkStep[] = [];
  const r = mmu.translateQuietly(va, access, (e) => {
    if (e.kind !== "walk") return;
    const { level, index, pteAddr, pte, flags, pfn } = e;
    steps.push({ level, index, pteAddr, pte, flags, ppn: pfn });
  });
  const result: Sv32Result = r.ok
    ? { ok: true, pa: r.pa }
    : { ok: false, cause: r.cause, reason: r.reason };
  return { va: va >>> 0, access, steps, result };
}

/** What a PTE is, in words, for the walk shown with -c (the fault itself is the MMU's). */
function pteRole(step: Sv32WalkStep): string {
  const pte = step.pte;
  if ((pte & PTE_V) === 0) return "invalid (V=0)";
  if ((pte & (PTE_R | PTE_W)) === PTE_W) return "reserved (W without R)";
  if ((pte & (PTE_R | PTE_W | PTE_X)) !== 0) return step.level === 1 ? "megapage leaf" : "leaf";
  if (step.level === 0) return "pointer at level 0 (no leaf)";
  if ((pte & PTE_POINTER_RESERVED) !== 0) return "pointer with reserved D/A/U set";
  return `pointer to the table at ${hex32(step.ppn * PAGE_SIZE)}`;
}

function stepText(s: Sv32WalkStep): string {
  return `level ${s.level}: PTE at ${hex32(s.pteAddr)} = ${hex32(s.pte)}  ${s.flags}  ${pteRole(s)}`;
}

function resultText(t: Sv32Translation): string {
  const r = t.result;
  if (!r.ok) return `${causeName(r.cause)} (cause ${r.cause}): ${r.reason}`;
  const leaf = t.steps[t.steps.length - 1];
  if (leaf?.level === 1) {
    const low = t.va % 2 ** MEGAPAGE_OFFSET_BITS;
    return `PA ${hex32(r.pa)} (megapage at ${hex32(r.pa - low)} + VA bits 21-0 ${hex(low)})`;
  }
  const offset = t.va % PAGE_SIZE;
  return `PA ${hex32(r.pa)} (PPN ${hex(ptePpn(leaf?.pte ?? 0))} * 4096 + offset ${hex(offset)})`;
}

/** The answer line a student would write: the PA in hex, or "fault" and the cause. */
function answerText(r: Sv32Result): string {
  return r.ok ? hex32(r.pa) : `fault ${r.cause}`;
}

/** How -A may name an access: the word, its initial, or the permission it needs (x, r, w). */
const ACCESS_WORDS: ReadonlyMap<string, Access> = new Map([
  ["fetch", Access.Fetch],
  ["f", Access.Fetch],
  ["x", Access.Fetch],
  ["load", Access.Load],
  ["l", Access.Load],
  ["r", Access.Load],
  ["store", Access.Store],
  ["s", Access.Store],
  ["w", Access.Store],
]);

/** The -A list: VA[:access] words, the VA decimal or 0x hex below 2^32, load by default. */
function parseAddressList(text: string): { va: number; access: Access }[] {
  const words = text.split(",");
  if (words.length > SV32_QUIZ_MAX_ADDRESSES) {
    throw new QuizRefusal(`-A: more than ${SV32_QUIZ_MAX_ADDRESSES} addresses`);
  }
  return words.map((w) => {
    const [vaText = "", accessText = "load", ...rest] = w.trim().toLowerCase().split(":");
    const n = vaText.startsWith("0x") ? parsePyInt(vaText, 16) : parsePyInt(vaText, 10);
    if (n === undefined || n < 0n || n > 0xffff_ffffn || rest.length > 0) {
      throw new QuizRefusal(`-A: '${w}' is not VA[:fetch|load|store] with a 32-bit VA`);
    }
    const access = ACCESS_WORDS.get(accessText);
    if (access === undefined) {
      throw new QuizRefusal(`-A: '${w}': the access must be fetch, load or store`);
    }
    return { va: Number(n), access };
  });
}

/** An integer flag within [lo, hi], or a refusal naming the flag. */
function boundedOpt(opts: ParsedOptions, dest: string, flag: string, lo: number, hi: number) {
  const v = intOpt(opts, dest);
  if (v < BigInt(lo) || v > BigInt(hi)) {
    throw new QuizRefusal(`${flag}: ${v} is not from ${lo} to ${hi}`);
  }
  return Number(v);
}

/** One line of the dump: "  0x00123008: 0x00048c01", decoded with -v. */
function dumpLine(p: Sv32Pte, verbose: boolean): string {
  const line = `  ${hex32(p.addr)}: ${hex32(p.value)}`;
  if (!verbose) return line;
  const index = String((p.addr % PAGE_SIZE) / PTE_SIZE).padStart(4);
  const ppn = `0x${ptePpn(p.value).toString(16).padStart(6, "0")}`;
  return `${line}   index ${index}  PPN ${ppn}  ${pteFlagString(p.value & PTE_FLAGS_MASK)}`;
}

/** Runs the sv32 quiz with parsed flags. */
export function runSv32Quiz(opts: ParsedOptions, wantProblems = true): QuizOutcome {
  return runQuiz(wantProblems, ({ out, setup, addProblem }) => {
    const seed = intOpt(opts, "seed");
    const solve = flagOpt(opts, "solve");
    const verbose = flagOpt(opts, "verbose");
    const adTrap = flagOpt(opts, "adtrap");
    const num = boundedOpt(opts, "num", "-n", 1, SV32_QUIZ_MAX_ADDRESSES);
    const tables = boundedOpt(opts, "tables", "-t", 1, SV32_QUIZ_MAX_TABLES);
    const list = strOpt(opts, "addresses");
    const given = list === "-1" ? undefined : parseAddressList(list);
    const rng = new PyRandom(seed);
    const space = generateSpace(rng, tables);
    const questions = given ?? drawQuestions(rng, space, num);
    const mmu = sv32Machine(space, adTrap);

    out.print("ARG seed", seed);
    out.print("ARG numaddrs", num);
    out.print("ARG tables", tables);
    out.print("ARG addresses", list);
    out.print("ARG adtrap", adTrap);
    out.print("ARG verbose", verbose);
    out.print("");
    out.print("Sv32: VA = VPN[1] (bits 31-22) | VPN[0] (21-12) | offset (11-0);");
    out.print("      PTE = PPN (bits 31-10) | RSW (9-8) | D A G U X W R V (7-0).");
    out.print("A valid PTE with R, W or X set is a leaf (at level 1, a 4 MiB megapage);");
    out.print("R=0 with W=1 is reserved. The accesses are made in U-mode.");
    out.print(
      adTrap
        ? "A/D trap mode: a clear A, or a clear D on a store, is a page fault."
        : "A and D are set by the hardware: a clear A or D is not a fault.",
    );
    out.print("");
    const root = satpPpn(space.satp);
    out.print(
      `satp ${hex32(space.satp)}: MODE Sv32, ASID ${satpAsid(space.satp)}, root table at PPN ${hex(root)} (PA ${hex32(root * PAGE_SIZE)})`,
    );
    out.print(`RAM: ${SV32_QUIZ_RAM / 1024 / 1024} MiB. Its non-zero PTEs (address: value);`);
    out.print("all other words of RAM are 0:");
    let page = -1;
    for (const p of space.ptes) {
      const here = Math.floor(p.addr / PAGE_SIZE);
      if (here !== page) out.print("");
      page = here;
      out.print(dumpLine(p, verbose));
    }
    out.print("");
    Object.assign(setup, {
      satp: space.satp,
      asid: satpAsid(space.satp),
      rootPpn: root,
      ramBytes: SV32_QUIZ_RAM,
      ad: adTrap ? AdMode.Trap : AdMode.Hardware,
      ptes: space.ptes.map((p) => ({ addr: p.addr, value: p.value })),
    });

    if (!solve) {
      out.print("For each access, write the physical address it reaches, or 'fault' and the");
      out.print("cause (12 fetch, 13 load, 15 store page fault) and why.");
      out.print("");
    }
    for (const q of questions) {
      const t = translateSv32(mmu, q.va, q.access);
      const head = `VA ${hex32(q.va)} ${accessName[q.access]}`;
      if (!solve) out.print(`${head.padEnd(20)} -> PA or fault?`);
      else {
        out.print(`${head}:`);
        for (const s of t.steps) out.print(`    ${stepText(s)}`);
        out.print(`    -> ${resultText(t)}`);
      }
      addProblem(() => translationProblem(t));
    }
    out.print("");
  });
}

function translationProblem(t: Sv32Translation) {
  const explain = `${t.steps.map(stepText).join("; ")}; so ${resultText(t)}`;
  const r = t.result;
  return {
    question: `VA ${hex32(t.va)} ${accessName[t.access]}`,
    answer: answerText(r),
    explain,
    data: {
      va: t.va,
      access: accessName[t.access],
      steps: t.steps.map((s) => ({ ...s })),
      pa: r.ok ? r.pa : null,
      cause: r.ok ? null : r.cause,
      reason: r.ok ? null : r.reason,
    },
    grade: (line: string) => gradeSv32(r, explain, line),
  };
}

/** Words a student may start a fault answer with ("fault 13", "page fault 13", "pf 13"). */
const FAULT_WORDS = new Set(["fault", "page", "pagefault", "page-fault", "pf"]);

/**
 * Grades a translation answer: a physical address (decimal or 0x hex), or a fault word with an
 * optional cause number that must then be right. Returns undefined if right, else why not.
 */
export function gradeSv32(expected: Sv32Result, explain: string, line: string): string | undefined {
  const words = line
    .toLowerCase()
    .replace(/[(),:;]/g, " ")
    .trim()
    .split(/\s+/)
    .filter((w) => w !== "");
  const first = words[0];
  if (first === undefined) return "no answer";
  if (FAULT_WORDS.has(first)) {
    if (expected.ok) return `it translates: ${explain}`;
    const cause = words
      .slice(1)
      .map(parseAnswerNumber)
      .find((n) => n !== undefined);
    if (cause !== undefined && cause !== expected.cause) return `wrong cause: ${explain}`;
    return undefined;
  }
  const pa = parseAnswerNumber(first);
  if (pa === undefined) return `cannot read '${line.trim()}' as an address or a fault`;
  if (!expected.ok) return `it faults: ${explain}`;
  return pa === expected.pa ? undefined : `wrong address: ${explain}`;
}

/** The `sv32` quiz kind. */
export const sv32Kind: QuizKind = {
  name: "sv32",
  simulator: "vmlab's own: answers from hw/mmu.ts's Sv32 walker",
  summary: "translation through a real two-level RISC-V Sv32 page table in a memory dump",
  options: sv32Options,
  run: (opts, _host, wantProblems) => runSv32Quiz(opts, wantProblems),
};
