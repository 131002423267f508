// The generator of the pressure stress test: a seed gives one guest program (RISC-V assembly in
// the GNU as subset vmlab accepts) and the exact output and exit status a correct kernel gives it.
//
// The program owns regions of pages — .data, .bss arrays, the heap (brk), anonymous mmap areas
// (private and MAP_SHARED), pages below the stack — and a random sequence of operations on them:
// fill a run of pages with a pattern (a key per run), verify every readable page (checksum and
// count of wrong words, printed), grow and shrink the break, mmap, munmap, MAP_FIXED over a mapped
// range (fresh zeros), mprotect (read-only, none, back to read-write), and fork. A fork starts up
// to a few children while the parent keeps writing its private pages:
//   - a worker writes its copy-on-write pages, its own share of the MAP_SHARED pages, may brk,
//     mmap, munmap and mprotect its own space, verifies everything it can read and reports its
//     checksum through a shared report page (children never print, so output order is fixed);
//     it may fork a grandchild that writes and verifies its own copy (pages COW-shared three
//     ways), whose failure the worker counts as a wrong word;
//   - a trespasser stores to a read-only page or loads from an unmapped one: it must be killed
//     by SIGSEGV;
//   - an exec child execve's test/stress/exec-target.s, which prints its own checksum.
// The parent waits for each child, prints its status and report, then verifies its own pages:
// its values must be unchanged by the children (isolation), its shared pages must show what the
// children wrote, and pages mapped fresh must read zero.
//
// The model below predicts every printed line, so a run is checked against what a correct kernel
// prints (not merely against another run). Programs are sized so that RAM plus swap always
// suffices: `needFrames` says how many user frames the program's page tables, shared pages and
// instruction working set can pin at once, and the harness only runs it with at least that many.
import { checkRun, helpersAsm, hex8, PAGE_SIZE, patternWord, type WordLayout } from "./pattern.js";

/** The program a child execve's (relative to the repository root, vmlab's working directory). */
export const EXEC_TARGET = "test/stress/exec-target.s";
/** exec-target.s's word layout (must match its copy of the helpers). */
export const EXEC_LAYOUT: WordLayout = { wpp: 2, stride: 2048, off: 8 };

/** Frames a process's page tables can take: the root and the tables for text/data/heap, mmap, stack. */
const TABLES_PER_PROCESS = 4;
/** Frames an instruction may need at once (code, data) plus the kernel's working frames. */
const WORKING_FRAMES = 6;
/** A process in execve holds its old and new page tables for a moment. */
const EXEC_FRAMES = TABLES_PER_PROCESS + 1;

/** How big a program may get: the test slice uses "small", long runs use "normal". */
export type Scale = "small" | "normal";

export interface GeneratedProgram {
  seed: number;
  /** A file name for it (what vmlab prints in messages). */
  name: string;
  source: string;
  expectedStdout: string;
  expectedStatus: number;
  /** User frames it may pin at once (page tables, MAP_SHARED pages, working set). */
  needFrames: number;
  /** Private pages it may own across all its processes at once (for sizing swap). */
  footprintPages: number;
  usesExec: boolean;
  /**
   * A crowd: more processes than RAM can hold the page tables of. The kernel may then end
   * processes with an OOM kill (status 9, "out of memory" on stderr) — it must not hang.
   */
  crowd: boolean;
}

/** A seeded PRNG (mulberry32): the same seed gives the same program on every host. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

interface Page {
  mapped: boolean;
  /** Unmapped by munmap, and no mmap since that could have reused the address. */
  hole: boolean;
  readable: boolean;
  writable: boolean;
  shared: boolean;
  /** The key of the last fill (0: never written, reads zero). */
  key: number;
}

type RegionKind = "data" | "bss" | "heap" | "mmap" | "stack";

interface Region {
  name: string;
  kind: RegionKind;
  pages: Page[];
  /** For mmap regions: the word in the vars page holding its address. */
  varOffset: number;
}

/** The vars page: addresses the program learns at run time, child pids, the exec argv. */
const V = {
  heap: 0,
  stack: 4,
  report: 8,
  pids: 16, // 8 words
  argv: 48, // 3 words, argv's NULL, envp's NULL
  status: 80, // 8 words
  maps: 128, // one word per mmap region
} as const;
const MAX_MAPS = 40;
/** Bytes of the shared report page each child gets: checksum and wrong-word count. */
const REPORT_SLOT = 8;

function freshPage(shared: boolean): Page {
  return { mapped: true, hole: false, readable: true, writable: true, shared, key: 0 };
}

function clonePages(regions: Map<string, Region>): Map<string, Region> {
  const out = new Map<string, Region>();
  for (const [n, r] of regions) out.set(n, { ...r, pages: r.pages.map((p) => ({ ...p })) });
  return out;
}

/** Limits by tier: the smallest tier fits in 128 KiB of RAM (16 user frames). */
interface Tier {
  maxChildren: number;
  maxShared: number;
  exec: boolean;
}
const TIERS: Tier[] = [
  { maxChildren: 1, maxShared: 2, exec: false },
  { maxChildren: 2, maxShared: 4, exec: true },
  { maxChildren: 4, maxShared: 8, exec: true },
];

/** Builds one program: the model of its regions, the assembly text and the expected output. */
class Builder {
  readonly rng: Rng;
  readonly layout: WordLayout;
  readonly scale: Scale;
  readonly tier: Tier;
  readonly text: string[] = [];
  readonly rodata: string[] = [];
  readonly dataSection: string[] = [];
  readonly bssSection: string[] = [];
  out = "";
  regions = new Map<string, Region>();
  private labels = 0;
  private mapCount = 0;
  private keyCount = 0;
  private verifyCount = 0;
  private tags = new Map<string, string>();
  /** True inside a child's code: nothing is printed, results go to the report page. */
  inChild = false;
  maxLive = 1;
  /** Grandchildren forked in the current fork (each is one more live process). */
  grandchildren = 0;
  sharedPages = 1;
  usesExec = false;
  maxFootprint = 0;
  readonly stackPages: number;

  constructor(seed: number, scale: Scale, exec: boolean) {
    this.rng = new Rng(seed * 2654435761 + 12345);
    this.scale = scale;
    const tier = TIERS[this.rng.int(0, scale === "small" ? 1 : 2)]!;
    this.tier = { ...tier, exec: tier.exec && exec };
    const wpp = this.rng.pick([1, 2, 4, 8]);
    const stride = PAGE_SIZE / wpp;
    this.layout = { wpp, stride, off: 4 * this.rng.int(0, stride / 4 - 1) };
    this.stackPages = this.rng.int(0, scale === "small" ? 3 : 6);
  }

  label(stem: string): string {
    return `${stem}_${++this.labels}`;
  }

  /** A fresh nonzero key for a fill. */
  key(): number {
    return ((Math.imul(++this.keyCount, 0x2545f491) + this.rng.int(1, 0xffff)) >>> 0) | 1;
  }

  /** The label of a .rodata string (shared by equal strings). */
  str(s: string): string {
    let l = this.tags.get(s);
    if (!l) {
      l = this.label("s");
      this.tags.set(s, l);
      this.rodata.push(`${l}: .asciz "${s}"`);
    }
    return l;
  }

  emit(...lines: string[]): void {
    for (const l of lines) this.text.push(l.endsWith(":") ? l : `        ${l}`);
  }

  /** A comment line in the program saying what the next operation does. */
  note(what: string): void {
    this.text.push(`        # --- ${what}${this.inChild ? " (child)" : ""}`);
  }

  /** Code that leaves the region's base address in a0. */
  base(r: Region): void {
    if (r.kind === "data" || r.kind === "bss") this.emit(`la      a0, ${r.name}`);
    else if (r.kind === "heap") this.emit("la      t0, vars", `lw      a0, ${V.heap}(t0)`);
    else if (r.kind === "stack") this.emit("la      t0, vars", `lw      a0, ${V.stack}(t0)`);
    else this.emit("la      t0, vars", `lw      a0, ${r.varOffset}(t0)`);
  }

  privatePages(): number {
    let n = 0;
    for (const r of this.regions.values()) for (const p of r.pages) if (p.mapped && !p.shared) n++;
    return n;
  }

  // --- the static regions ---------------------------------------------------------------

  addStatic(): void {
    const big = this.scale === "small" ? 10 : 28;
    const nBss = this.rng.int(1, 2);
    for (let i = 0; i < nBss; i++) {
      const n = this.rng.int(2, big);
      const r: Region = { name: `bss${i}`, kind: "bss", pages: [], varOffset: -1 };
      for (let p = 0; p < n; p++) r.pages.push(freshPage(false));
      this.bssSection.push("        .balign 4096", `bss${i}: .space ${n * PAGE_SIZE}`);
      this.regions.set(r.name, r);
    }
    if (this.rng.chance(0.7)) this.addData(this.rng.int(1, 3));
    const stack: Region = { name: "stack", kind: "stack", pages: [], varOffset: -1 };
    for (let p = 0; p < this.stackPages; p++) stack.pages.push(freshPage(false));
    if (this.stackPages > 0) this.regions.set("stack", stack);
    this.regions.set("heap", { name: "heap", kind: "heap", pages: [], varOffset: -1 });
  }

  /** .data pages initialised by the assembler with the pattern of one key. */
  addData(n: number): void {
    const key = this.key();
    const { wpp, stride, off } = this.layout;
    const r: Region = { name: "data0", kind: "data", pages: [], varOffset: -1 };
    this.dataSection.push("        .balign 4096", "data0:");
    for (let p = 0; p < n; p++) {
      r.pages.push({ ...freshPage(false), key });
      let at = 0;
      for (let w = 0; w < wpp; w++) {
        const want = off + w * stride;
        if (want > at) this.dataSection.push(`        .space ${want - at}`);
        this.dataSection.push(`        .word 0x${hex8(patternWord(key, p, w))}`);
        at = want + 4;
      }
      if (at < PAGE_SIZE) this.dataSection.push(`        .space ${PAGE_SIZE - at}`);
    }
    this.regions.set(r.name, r);
  }

  prologue(): void {
    this.emit(
      "_start:",
      "li      s9, 0",
      "li      s10, 0",
      "li      s11, 0",
      "li      a0, 0",
      "li      a7, 214",
      "ecall",
      "li      t0, 4095",
      "add     a0, a0, t0",
      "li      t0, -4096",
      "and     a0, a0, t0",
      "la      t1, vars",
      `sw      a0, ${V.heap}(t1)`,
      "li      t0, -4096",
      "and     t0, sp, t0",
      `li      t2, ${(this.stackPages + 2) * PAGE_SIZE}`,
      "sub     t0, t0, t2",
      `sw      t0, ${V.stack}(t1)`,
    );
    // The report page: MAP_SHARED, so children's results reach the parent.
    this.mmapCall(1, true, 0, "report");
    this.emit("la      t0, vars", `sw      a0, ${V.report}(t0)`);
  }

  /** mmap(0 or fixed address in a0 when fixed, pages, RW, private/shared [| FIXED]) -> a0. */
  mmapCall(pages: number, shared: boolean, fixed: number, tag: string): void {
    const flags = 0x20 | (shared ? 0x01 : 0x02) | (fixed ? 0x10 : 0);
    if (!fixed) this.emit("li      a0, 0");
    const ok = this.label("mmap_ok");
    this.emit(
      `li      a1, ${pages * PAGE_SIZE}`,
      "li      a2, 3",
      `li      a3, 0x${flags.toString(16)}`,
      "li      a4, -1",
      "li      a5, 0",
      "li      a7, 222",
      "ecall",
      "li      t0, -4096",
      `bleu    a0, t0, ${ok}`,
      "mv      a1, a0",
      `la      a0, ${this.str(`${tag} mmap`)}`,
      "call    fail",
      `${ok}:`,
    );
  }

  /** Code that makes a syscall's result in a0 zero or reports and exits. */
  expectZero(tag: string): void {
    const ok = this.label("ok");
    this.emit(
      `beqz    a0, ${ok}`,
      "mv      a1, a0",
      `la      a0, ${this.str(tag)}`,
      "call    fail",
      `${ok}:`,
    );
  }

  // --- operations ---------------------------------------------------------------------

  /** Runs of consecutive pages of `r` that satisfy `ok`, as [from, to). */
  runs(r: Region, ok: (p: Page) => boolean): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < r.pages.length; ) {
      if (!ok(r.pages[i]!)) {
        i++;
        continue;
      }
      let j = i;
      while (j < r.pages.length && ok(r.pages[j]!)) j++;
      out.push([i, j]);
      i = j;
    }
    return out;
  }

  /** Fills a random writable run of a random region (private pages only when `privateOnly`). */
  opFill(privateOnly: boolean): void {
    const cands: [Region, number, number][] = [];
    for (const r of this.regions.values()) {
      const ok = (p: Page) => p.mapped && p.writable && !(privateOnly && p.shared);
      for (const [a, b] of this.runs(r, ok)) cands.push([r, a, b]);
    }
    if (cands.length === 0) return;
    const [r, a, b] = this.rng.pick(cands);
    const from = this.rng.int(a, b - 1);
    const to = this.rng.chance(0.5) ? b : this.rng.int(from + 1, b);
    this.fill(r, from, to);
  }

  fill(r: Region, from: number, to: number): void {
    const key = this.key();
    this.note(`fill ${r.name} pages [${from}, ${to}) with key 0x${hex8(key)}`);
    this.base(r);
    this.emit(
      `li      a1, ${from}`,
      `li      a2, ${to}`,
      `li      a3, 0x${hex8(key)}`,
      "call    fill",
    );
    for (let p = from; p < to; p++) r.pages[p]!.key = key;
  }

  /**
   * Reads back every readable page (skipping shared pages `skipShared` says another process may
   * be writing) into s10/s11, and returns the model's checksum of what it reads.
   */
  checkAll(sum: number, skipShared: (r: Region, p: number) => boolean): number {
    for (const r of this.regions.values()) {
      for (let i = 0; i < r.pages.length; ) {
        const pg = r.pages[i]!;
        if (!pg.mapped || !pg.readable || (pg.shared && skipShared(r, i))) {
          i++;
          continue;
        }
        let j = i + 1;
        while (j < r.pages.length) {
          const q = r.pages[j]!;
          if (!q.mapped || !q.readable || q.key !== pg.key || (q.shared && skipShared(r, j))) break;
          j++;
        }
        this.base(r);
        this.emit(
          `li      a1, ${i}`,
          `li      a2, ${j}`,
          `li      a3, 0x${hex8(pg.key)}`,
          "call    check",
        );
        sum = checkRun(sum, pg.key, i, j, this.layout);
        i = j;
      }
    }
    return sum;
  }

  /** The root verifies everything and prints "v<n> <wrong> <checksum>". */
  opVerify(): void {
    const tag = `v${++this.verifyCount}`;
    this.note(`verify everything (${tag})`);
    this.emit("li      s10, 0", "li      s11, 0");
    const sum = this.checkAll(0, () => false);
    this.emit(`la      a0, ${this.str(tag)}`, "call    print_sums");
    this.out += `${tag} 0 ${hex8(sum)}\n`;
  }

  heap(): Region {
    return this.regions.get("heap")!;
  }

  /** brk to the heap's base plus `pages` pages; the kernel must answer exactly that. */
  setBreak(pages: number): void {
    this.note(`brk to heap + ${pages} pages (from ${this.heap().pages.length})`);
    const ok = this.label("brk_ok");
    this.emit(
      "la      t0, vars",
      `lw      a0, ${V.heap}(t0)`,
      `li      t1, ${pages * PAGE_SIZE}`,
      "add     a0, a0, t1",
      "mv      s8, a0",
      "li      a7, 214",
      "ecall",
      `beq     a0, s8, ${ok}`,
      "li      a1, 0",
      `la      a0, ${this.str(`brk ${pages}`)}`,
      "call    fail",
      `${ok}:`,
    );
    const h = this.heap().pages;
    while (h.length > pages) h.pop();
    while (h.length < pages) h.push(freshPage(false));
  }

  opBrk(): void {
    const h = this.heap().pages.length;
    const grow = h === 0 || this.rng.chance(0.65);
    const max = this.scale === "small" ? 8 : 24;
    // Linux gives pages a later brk adds read-write, whatever the old top page's protection.
    if (grow && h > 0 && this.rng.chance(0.25)) this.protect(this.heap(), h - 1, h, 1);
    if (grow) this.setBreak(h + this.rng.int(1, max));
    else this.setBreak(this.rng.int(0, h - 1));
    if (grow && this.rng.chance(0.7)) this.fill(this.heap(), h, this.heap().pages.length);
  }

  opMmap(shared: boolean): void {
    if (this.mapCount >= MAX_MAPS) return;
    const max = this.scale === "small" ? 10 : 40;
    const pages = shared
      ? this.rng.int(1, this.tier.maxShared - this.sharedPages)
      : this.rng.int(1, max);
    if (pages <= 0) return;
    const idx = this.mapCount++;
    for (const q of this.regions.values()) for (const pg of q.pages) pg.hole = false;
    const r: Region = { name: `m${idx}`, kind: "mmap", pages: [], varOffset: V.maps + 4 * idx };
    this.note(`mmap ${r.name}: ${pages} pages, ${shared ? "MAP_SHARED" : "MAP_PRIVATE"}`);
    this.mmapCall(pages, shared, 0, r.name);
    this.emit("la      t0, vars", `sw      a0, ${r.varOffset}(t0)`);
    for (let p = 0; p < pages; p++) r.pages.push(freshPage(shared));
    if (shared) this.sharedPages += pages;
    this.regions.set(r.name, r);
    if (this.rng.chance(0.6)) this.fill(r, 0, pages);
  }

  /** A random mapped run of an mmap region (or the heap, for mprotect). */
  pickMapped(kinds: RegionKind[]): [Region, number, number] | undefined {
    const cands: [Region, number, number][] = [];
    for (const r of this.regions.values())
      if (kinds.includes(r.kind))
        for (const [a, b] of this.runs(r, (p) => p.mapped)) cands.push([r, a, b]);
    if (cands.length === 0) return undefined;
    const [r, a, b] = this.rng.pick(cands);
    const from = this.rng.int(a, b - 1);
    return [r, from, this.rng.int(from + 1, b)];
  }

  /** Code that leaves base + from * PAGE_SIZE in a0. */
  pageAddress(r: Region, from: number): void {
    this.base(r);
    this.emit(`li      t1, ${from * PAGE_SIZE}`, "add     a0, a0, t1");
  }

  opMunmap(): void {
    const pick = this.pickMapped(["mmap"]);
    if (!pick) return;
    const [r, from, to] = pick;
    this.note(`munmap ${r.name} pages [${from}, ${to})`);
    this.pageAddress(r, from);
    this.emit(`li      a1, ${(to - from) * PAGE_SIZE}`, "li      a7, 215", "ecall");
    this.expectZero(`${r.name} munmap`);
    for (let p = from; p < to; p++) {
      const pg = r.pages[p]!;
      if (pg.shared) this.sharedPages--;
      pg.mapped = false;
      pg.hole = true;
    }
  }

  /** MAP_FIXED private pages over a mapped run: they must read zero afterwards. */
  opRemap(): void {
    const pick = this.pickMapped(["mmap"]);
    if (!pick) return;
    const [r, from, to] = pick;
    this.note(`mmap MAP_FIXED private over ${r.name} pages [${from}, ${to})`);
    this.pageAddress(r, from);
    this.emit("mv      s8, a0");
    this.mmapCall(to - from, false, 1, `${r.name} fixed`);
    const ok = this.label("fixed_ok");
    this.emit(
      `beq     a0, s8, ${ok}`,
      "li      a1, 0",
      `la      a0, ${this.str(`${r.name} fixed at`)}`,
      "call    fail",
      `${ok}:`,
    );
    for (let p = from; p < to; p++) {
      if (r.pages[p]!.shared) this.sharedPages--;
      r.pages[p] = freshPage(false);
    }
  }

  opMprotect(): void {
    const pick = this.pickMapped(["mmap", "heap"]);
    if (!pick) return;
    const [r, from, to] = pick;
    this.protect(r, from, to, this.rng.pick([1, 1, 0, 3]));
  }

  /** mprotect pages [from, to) of `r` to `prot` (PROT_NONE 0, READ 1, READ|WRITE 3). */
  protect(r: Region, from: number, to: number, prot: number): void {
    this.note(
      `mprotect ${r.name} pages [${from}, ${to}) to ${["PROT_NONE", "PROT_READ", "", "PROT_READ|PROT_WRITE"][prot]}`,
    );
    this.pageAddress(r, from);
    this.emit(
      `li      a1, ${(to - from) * PAGE_SIZE}`,
      `li      a2, ${prot}`,
      "li      a7, 226",
      "ecall",
    );
    this.expectZero(`${r.name} mprotect ${prot}`);
    for (let p = from; p < to; p++) {
      const pg = r.pages[p]!;
      pg.readable = prot !== 0;
      pg.writable = prot === 3;
    }
  }

  /** One random operation of the root (no children running). */
  rootOp(): void {
    const x = this.rng.next();
    if (x < 0.3) this.opFill(false);
    else if (x < 0.4) this.opVerify();
    else if (x < 0.5) this.opBrk();
    else if (x < 0.6) this.opMmap(this.sharedPages < this.tier.maxShared && this.rng.chance(0.3));
    else if (x < 0.66) this.opMunmap();
    else if (x < 0.71) this.opRemap();
    else if (x < 0.8) this.opMprotect();
    else this.opFork();
  }

  // --- fork ---------------------------------------------------------------------------

  opFork(): void {
    const n = this.rng.int(1, this.tier.maxChildren);
    const kinds: ("work" | "exec" | "segv")[] = [];
    let exec = false;
    for (let i = 0; i < n; i++) {
      const k = this.rng.pick(["work", "work", "work", "exec", "segv"] as const);
      if (k === "exec" && (exec || !this.tier.exec)) kinds.push("work");
      else kinds.push(k);
      if (k === "exec" && this.tier.exec) exec = true;
    }
    if (exec) this.usesExec = true;
    this.note(`fork ${n} children: ${kinds.join(", ")}`);
    this.grandchildren = 0;
    const liveBefore = this.maxLive;
    const sharedBefore = this.sharedPages;
    const parentModel = this.regions;
    const reports: string[] = [];
    const writes: Map<string, Map<number, Page>>[] = [];
    kinds.forEach((kind, i) => {
      const child = this.label("child");
      const cont = this.label("parent");
      this.emit("li      a0, 17", "li      a1, 0", "li      a7, 220", "ecall");
      const ok = this.label("fork_ok");
      this.emit(
        `bgez    a0, ${ok}`,
        "mv      a1, a0",
        `la      a0, ${this.str(`fork ${i}`)}`,
        "call    fail",
        `${ok}:`,
      );
      this.emit(
        `beqz    a0, ${child}`,
        "la      t0, vars",
        `sw      a0, ${V.pids + 4 * i}(t0)`,
        `j       ${cont}`,
        `${child}:`,
      );
      this.emit("li      s9, 1", "li      s10, 0", "li      s11, 0");
      const saved = this.regions;
      this.regions = clonePages(parentModel);
      this.inChild = true;
      if (kind === "work") reports.push(this.workChild(i, n, writes));
      else if (kind === "segv") reports.push(this.segvChild(i));
      else reports.push(this.execChild(i));
      this.inChild = false;
      this.regions = saved;
      this.emit(`${cont}:`);
    });
    this.sharedPages = sharedBefore;
    this.maxLive = Math.max(liveBefore, 1 + n + this.grandchildren);
    // The parent writes its private pages while the children run.
    const during = this.rng.int(0, 3);
    this.note("the parent, while its children run");
    for (let i = 0; i < during; i++) this.opFill(true);
    for (let i = 0; i < n; i++) this.waitChild(i);
    for (let i = 0; i < n; i++) this.printChild(i, kinds[i] === "work", reports[i]!);
    // What the workers wrote into shared pages is now the parent's view too.
    for (const w of writes)
      for (const [name, pages] of w) {
        const r = this.regions.get(name);
        for (const [p, pg] of pages) {
          const mine = r?.pages[p];
          if (mine && pg.shared && mine.shared) mine.key = pg.key;
        }
      }
    if (this.rng.chance(0.8)) this.opVerify();
  }

  /** wait4 for child i; its status goes to the vars page. */
  waitChild(i: number): void {
    this.note(`wait for child ${i}`);
    const ok = this.label("wait_ok");
    this.emit(
      "la      t0, vars",
      `lw      a0, ${V.pids + 4 * i}(t0)`,
      `addi    a1, t0, ${V.status + 4 * i}`,
      "li      a2, 0",
      "li      a3, 0",
      "li      a7, 260",
      "ecall",
      "la      t0, vars",
      `lw      t1, ${V.pids + 4 * i}(t0)`,
      `beq     a0, t1, ${ok}`,
      "mv      a1, a0",
      `la      a0, ${this.str(`wait ${i}`)}`,
      "call    fail",
      `${ok}:`,
    );
  }

  /** Prints child i's line: "<tag> <status>", and for a worker "<wrong> <checksum>" too. */
  printChild(i: number, worker: boolean, expected: string): void {
    const tag = expected.split(" ")[0]!;
    this.emit(
      "la      t0, vars",
      `lw      a1, ${V.status + 4 * i}(t0)`,
      `lw      t1, ${V.report}(t0)`,
      `lw      a4, ${REPORT_SLOT * i}(t1)`,
      `lw      a3, ${REPORT_SLOT * i + 4}(t1)`,
      `li      a2, ${worker ? 2 : 0}`,
      `la      a0, ${this.str(tag)}`,
      "call    line",
    );
    this.out += `${expected}\n`;
  }

  /** A worker child: writes, maps and verifies its own view; returns the parent's line. */
  workChild(i: number, n: number, writes: Map<string, Map<number, Page>>[]): string {
    const mine = (_r: Region, p: number) => p % n === i;
    this.note(`child ${i} works on its own copy`);
    const ops = this.rng.int(1, 4);
    for (let k = 0; k < ops; k++) {
      const x = this.rng.next();
      if (x < 0.55) this.opFill(true);
      else if (x < 0.75) this.opBrk();
      else if (x < 0.85) this.opMmap(false);
      else if (x < 0.92) this.opMunmap();
      else this.opMprotect();
    }
    if (this.rng.chance(0.3)) this.grandchild();
    // Its own share of each shared region gets a fresh key.
    for (const r of this.regions.values())
      for (const [a, b] of this.runs(r, (p) => p.mapped && p.writable && p.shared))
        for (let p = a; p < b; p++) if (p % n === i) this.fill(r, p, p + 1);
    const sum = this.checkAll(0, (r, p) => !mine(r, p));
    this.emit(
      "la      t0, vars",
      `lw      t0, ${V.report}(t0)`,
      `sw      s10, ${REPORT_SLOT * i}(t0)`,
      `sw      s11, ${REPORT_SLOT * i + 4}(t0)`,
      "snez    a0, s11",
      "call    exit",
    );
    // Only its own share of the shared pages is its to change.
    const seen = new Map<string, Map<number, Page>>();
    for (const [name, r] of this.regions) {
      const own = new Map<number, Page>();
      r.pages.forEach((pg, p) => {
        if (mine(r, p)) own.set(p, pg);
      });
      seen.set(name, own);
    }
    writes.push(seen);
    this.maxFootprint = Math.max(this.maxFootprint, this.privatePages());
    return `c${i} 0 0 ${hex8(sum)}`;
  }

  /**
   * A worker forks a grandchild, which writes some of its private pages (copy-on-write shared
   * three ways), verifies its own view (shared pages left out: others write them) and exits 1 if
   * a word was wrong; the worker waits and counts a failing or killed grandchild as a wrong word.
   */
  grandchild(): void {
    this.note("fork a grandchild");
    this.grandchildren++;
    const gc = this.label("grandchild");
    const back = this.label("grandchild_done");
    const ok = this.label("grandchild_ok");
    this.emit("li      a0, 17", "li      a1, 0", "li      a7, 220", "ecall");
    this.emit(`bgez    a0, ${ok}`, "mv      a1, a0", `la      a0, ${this.str("fork grandchild")}`);
    this.emit("call    fail", `${ok}:`, `beqz    a0, ${gc}`, "mv      s8, a0");
    // The worker: wait for it; any status but 0 counts as a wrong word.
    this.emit(
      "mv      a0, s8",
      "la      a1, vars",
      `addi    a1, a1, ${V.status + 28}`,
      "li      a2, 0",
    );
    this.emit(
      "li      a3, 0",
      "li      a7, 260",
      "ecall",
      "la      t0, vars",
      `lw      t0, ${V.status + 28}(t0)`,
    );
    this.emit(
      "snez    t0, t0",
      "add     s11, s11, t0",
      `j       ${back}`,
      `${gc}:`,
      "li      s10, 0",
      "li      s11, 0",
    );
    const saved = this.regions;
    this.regions = clonePages(saved);
    for (let k = this.rng.int(1, 3); k > 0; k--) this.opFill(true);
    this.checkAll(0, () => true);
    this.regions = saved;
    this.emit("snez    a0, s11", "call    exit", `${back}:`);
  }

  /** A child that stores to a read-only page or loads from an unmapped one: SIGSEGV (11). */
  segvChild(i: number): string {
    this.note(`child ${i} trespasses: it must be killed by SIGSEGV`);
    const cands: [Region, number, boolean][] = [];
    for (const r of this.regions.values())
      r.pages.forEach((pg, p) => {
        if (pg.hole || (pg.mapped && !pg.readable)) cands.push([r, p, false]);
        else if (pg.mapped && !pg.writable) cands.push([r, p, true]);
      });
    if (cands.length === 0) {
      // Nothing protected yet: make a page read-only in the child itself, then store to it.
      const r = this.regions.get("heap")!.pages.length > 0 ? this.heap() : undefined;
      if (!r) {
        this.emit("li      a0, 0", "lw      a0, 0(a0)");
      } else {
        this.pageAddress(r, 0);
        this.emit("li      a1, 4096", "li      a2, 1", "li      a7, 226", "ecall");
        this.pageAddress(r, 0);
        this.emit("sw      zero, 0(a0)");
      }
    } else {
      const [r, p, store] = this.rng.pick(cands);
      this.pageAddress(r, p);
      this.emit(
        `li      t1, ${this.layout.off}`,
        "add     a0, a0, t1",
        store ? "sw      zero, 0(a0)" : "lw      a0, 0(a0)",
      );
    }
    this.emit("li      a0, 5", "call    exit");
    return `k${i} 11`;
  }

  /** A child that execve's exec-target.s with a page count and key. */
  execChild(i: number): string {
    const pages = this.rng.int(1, this.scale === "small" ? 6 : 20);
    const key = this.rng.int(1, 0x7fffffff);
    this.note(`child ${i} execs ${EXEC_TARGET} ${pages} ${key}`);
    this.emit(
      "la      t0, vars",
      `addi    a1, t0, ${V.argv}`,
      `la      t1, ${this.str(EXEC_TARGET)}`,
      "sw      t1, 0(a1)",
      `la      t1, ${this.str(String(pages))}`,
      "sw      t1, 4(a1)",
      `la      t1, ${this.str(String(key))}`,
      "sw      t1, 8(a1)",
      "sw      zero, 12(a1)",
      `la      a0, ${this.str(EXEC_TARGET)}`,
      "addi    a2, a1, 12",
      "li      a7, 221",
      "ecall",
      "li      a0, 4",
      "call    exit",
    );
    this.out += execTargetOutput(pages, key);
    this.maxFootprint = Math.max(this.maxFootprint, pages + Math.ceil(pages / 2) + 6);
    return `x${i} 0`;
  }

  source(seed: number): string {
    return [
      `# Pressure stress program for seed ${seed} (test/stress/gen.ts). Run it with, e.g.:`,
      "#     vmlab run --ram 128k --swap 2m --check <this file>",
      "# and compare with --ram 16m: the output must be the same.",
      helpersAsm(this.layout),
      "        .section .rodata",
      ...this.rodata,
      "        .data",
      ...this.dataSection,
      "        .bss",
      "        .balign 4096",
      `vars:   .space ${PAGE_SIZE}`,
      ...this.bssSection,
      "        .text",
      "        .globl  _start",
      ...this.text,
    ].join("\n");
  }
}

/** What exec-target.s prints for `pages` and `key`. */
export function execTargetOutput(pages: number, key: number): string {
  let sum = checkRun(0, key, 0, pages, EXEC_LAYOUT);
  sum = checkRun(sum, key + 1, 0, Math.ceil(pages / 2), EXEC_LAYOUT);
  return `exec 0 ${hex8(sum)}\n`;
}

/** The program for `seed`, with its expected output; `exec: false` leaves out exec children. */
export function generate(seed: number, scale: Scale = "normal", exec = true): GeneratedProgram {
  const b = new Builder(seed, scale, exec);
  b.addStatic();
  b.prologue();
  const ops = b.rng.int(scale === "small" ? 4 : 8, scale === "small" ? 10 : 24);
  for (let i = 0; i < ops; i++) {
    b.rootOp();
    b.maxFootprint = Math.max(b.maxFootprint, b.privatePages());
  }
  b.opVerify();
  b.emit("li      a0, 0", "call    exit");
  const needFrames =
    TABLES_PER_PROCESS * b.maxLive +
    b.tier.maxShared +
    WORKING_FRAMES +
    (b.usesExec ? EXEC_FRAMES : 0);
  return {
    seed,
    name: `stress-${seed}.s`,
    source: b.source(seed),
    expectedStdout: b.out,
    expectedStatus: 0,
    needFrames,
    footprintPages: (b.maxFootprint + 8) * b.maxLive,
    usesExec: b.usesExec,
    crowd: false,
  };
}

/**
 * A crowd program (the livelock of issue 11): the parent fills some pages, forks `children`
 * children that each loop loading a .data word and storing to the stack and to their copy of
 * one page, then waits for each in turn ("c<i> <status>") and verifies its own pages. With
 * plenty of RAM every status is 0; at 128-256 KiB the page tables alone may not fit, so the
 * kernel must OOM-kill some process (status 9) and let the rest finish, or refuse a fork
 * ("c<i> fork 12", ENOMEM) — never spin.
 */
export function generateCrowd(seed: number): GeneratedProgram {
  const b = new Builder(seed, "small", false);
  const children = b.rng.int(4, 16);
  const loops = b.rng.int(50, 300);
  b.addStatic();
  b.prologue();
  const bss = b.regions.get("bss0")!;
  b.fill(bss, 0, bss.pages.length);
  b.note(`fork ${children} children that loop ${loops} times`);
  b.dataSection.push("crowd_word: .word 7");
  for (let i = 0; i < children; i++) {
    const child = b.label("crowd_child");
    const next = b.label("crowd_next");
    b.emit("li      a0, 17", "li      a1, 0", "li      a7, 220", "ecall");
    b.emit(`beqz    a0, ${child}`, "la      t0, vars", `sw      a0, ${16 + 4 * (i % 8)}(t0)`);
    // A refused fork (ENOMEM, EAGAIN) is kept as the negative result and reported at the wait.
    b.emit(`j       ${next}`);
    const loop = b.label("crowd_loop");
    const page = i % bss.pages.length;
    b.emit(
      `${child}:`,
      "li      s9, 1",
      `li      s0, ${loops}`,
      "la      s1, crowd_word",
      "la      s2, bss0",
    );
    b.emit(
      `li      t0, ${page * PAGE_SIZE + b.layout.off}`,
      "add     s2, s2, t0",
      "addi    sp, sp, -16",
    );
    b.emit(`${loop}:`, "lw      t0, 0(s1)", "sw      t0, 0(sp)", "sw      s0, 0(s2)");
    b.emit(
      "addi    s0, s0, -1",
      `bnez    s0, ${loop}`,
      "li      a0, 0",
      "call    exit",
      `${next}:`,
    );
    // Wait for the children in batches of eight (the pid slots of the vars page).
    if (i % 8 === 7 || i === children - 1) {
      for (let j = i - (i % 8); j <= i; j++) crowdWait(b, j);
    }
  }
  b.opVerify();
  b.emit("li      a0, 0", "call    exit");
  return {
    seed,
    name: `crowd-${seed}.s`,
    source: b.source(seed),
    expectedStdout: b.out,
    expectedStatus: 0,
    needFrames: 0,
    footprintPages: 4 * (bss.pages.length + 8) + children * 8,
    usesExec: false,
    crowd: true,
  };
}

/** The crowd's wait for child j: "c<j> <status>", or "c<j> fork <errno>" if it was refused. */
function crowdWait(b: Builder, j: number): void {
  const ok = b.label("wait_ok");
  const forked = b.label("forked");
  const done = b.label("waited");
  const slot = 16 + 4 * (j % 8);
  b.emit("la      t0, vars", `lw      a0, ${slot}(t0)`, `bgtz    a0, ${forked}`, "neg     a1, a0");
  b.emit("li      a2, 0", `la      a0, ${b.str(`c${j} fork`)}`, "call    line", `j       ${done}`);
  b.emit(`${forked}:`, "addi    a1, t0, 80", "li      a2, 0", "li      a3, 0", "li      a7, 260");
  b.emit("ecall", "la      t0, vars", `lw      t1, ${slot}(t0)`, `beq     a0, t1, ${ok}`);
  b.emit("mv      a1, a0", `la      a0, ${b.str(`wait ${j}`)}`, "call    fail");
  b.emit(`${ok}:`, "la      t0, vars", "lw      a1, 80(t0)", "li      a2, 0");
  b.emit(`la      a0, ${b.str(`c${j}`)}`, "call    line", `${done}:`);
  b.out += `c${j} 0\n`;
}
