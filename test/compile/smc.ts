// A seeded generator of self-modifying guest programs (issue 16), with a model that predicts
// their output exactly, for checking the compiling engine: code it compiled must never run
// after its words have changed, whoever changed them.
//
// A program maps PAGES pages read-write-execute at BUF (mmap, MAP_FIXED) and keeps functions in
// slots there (a few per page, at seeded offsets). Its text stores each function's words into a
// slot, calls it and prints the result in hex; then, at random:
//   - calls a function again (a loop: compiled and hot by now);
//   - patches one word of a loop function from the main text (its step, count or mask);
//   - calls a "self" function, which stores a new instruction over the word right after the
//     store (same block) and runs it, or a "hot" function whose loop patches its own body in
//     the middle of its run;
//   - forks: the child patches its copy-on-write copy of a function and runs it (or jumps into a
//     page of zeros: SIGILL); the parent waits, prints the status, and runs the original;
//   - munmaps a page and maps it again (fresh zeros), then writes new functions there;
//   - mprotects the buffer read+execute, runs a function, has a child store to it (SIGSEGV),
//     and makes it writable again;
//   - touches EVICT_PAGES pages of .bss (under a small --ram with --swap, code pages go out to
//     swap and come back, maybe in other frames);
// and it may end by execve'ing another program (the kernel replaces the code at the same
// addresses). The model assumes what vmlab's interpreter gives: a fetch sees every earlier store.
// With `fenceI` every patch is followed by fence.i before the code runs, which is what the ISA
// requires, so real hardware and qemu-riscv32 must print the same; without it, some are not.

import { branch, iop, jalr, store } from "../hw/encode.js";
import { mulberry32 } from "../peers/fuzzgen.js";

export const BUF = 0x4000_0000;
export const PAGES = 3;
const PAGE = 4096;
const SLOTS_PER_PAGE = 3;
/** Bytes between slot starts: a function has at most 9 words. */
const SLOT_STRIDE = 64;
/** A word that is never in a slot, so stays zero (an illegal instruction). */
const ZERO_WORD_AT = BUF + PAGE - 4;
export const EVICT_PAGES = 48;
const FENCE_I = 0x0000_100f;
const NOP = iop("addi", 0, 0, 0);
/** What a child's status prints as: its exit code, or KILLED + the signal. */
const KILLED = 0x100;
const [SIGILL, SIGSEGV] = [4, 11];

const [ZERO, RA, T1, A0, A1, A2, A3, A4] = [0, 1, 6, 10, 11, 12, 13, 14];

type Fn =
  | { kind: "loop"; n: number; step: number; mask: number }
  | { kind: "self"; value: number; fence: boolean }
  | { kind: "hot"; step: number; fence: boolean };

interface Slot {
  addr: number;
  /** What the slot holds now; undefined before it is written or after its page is remapped. */
  fn?: Fn | undefined;
}

export interface SmcOptions {
  seed: number;
  /** Every patch is followed by fence.i before it runs (so qemu-riscv32 is an oracle). */
  fenceI: boolean;
  /** Touch EVICT_PAGES pages of .bss now and then (for runs with a small --ram and --swap). */
  evict?: boolean;
  /** End by execve'ing this program (a host path vmlab can load) instead of exiting. */
  exec?: string;
  /** Random operations after the first two functions are written (default 12-24). */
  ops?: number;
}

export interface SmcProgram {
  source: string;
  /** What the program prints (before any program it execs prints its own). */
  expectedStdout: string;
}

/** The words of a function, which the model's results assume. */
function encode(fn: Fn): number[] {
  const fence = (on: boolean) => (on ? FENCE_I : NOP);
  switch (fn.kind) {
    case "loop": // a0 = 0; n times: a0 = (a0 + step) ^ mask
      return [
        iop("addi", A0, ZERO, 0),
        iop("addi", T1, ZERO, fn.n),
        iop("addi", A0, A0, fn.step),
        iop("xori", A0, A0, fn.mask),
        iop("addi", T1, T1, -1),
        branch("bne", T1, ZERO, -12),
        jalr(ZERO, RA, 0),
      ];
    case "self": // stores a1 over word 2 (a2 = own address), then runs it
      return [
        store("sw", A1, A2, 8),
        fence(fn.fence),
        iop("addi", A0, ZERO, fn.value),
        jalr(0, RA, 0),
      ];
    case "hot": // a4 times a0 += step, where the loop stores a1 over its own step when a3 are left
      return [
        iop("addi", A0, ZERO, 0),
        iop("addi", T1, A4, 0),
        iop("addi", A0, A0, fn.step),
        iop("addi", T1, T1, -1),
        branch("bne", T1, A3, 12),
        store("sw", A1, A2, 8),
        fence(fn.fence),
        branch("bne", T1, ZERO, -20),
        jalr(ZERO, RA, 0),
      ];
  }
}

function loopResult(fn: { n: number; step: number; mask: number }): number {
  let a = 0;
  for (let i = 0; i < fn.n; i++) a = ((a + fn.step) | 0) ^ fn.mask;
  return a >>> 0;
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

class Generator {
  readonly rng: () => number;
  readonly text: string[] = [];
  readonly out: string[] = [];
  slots: Slot[] = [];
  readonly opts: SmcOptions;
  private labels = 0;
  private folded: number | undefined;

  constructor(opts: SmcOptions) {
    this.opts = opts;
    this.rng = mulberry32(opts.seed);
    for (let p = 0; p < PAGES; p++) {
      const taken = new Set<number>();
      while (taken.size < SLOTS_PER_PAGE) taken.add(this.int(0, PAGE / SLOT_STRIDE - 2));
      for (const i of taken) this.slots.push({ addr: BUF + p * PAGE + i * SLOT_STRIDE });
    }
  }

  int(lo: number, hi: number): number {
    return lo + (this.rng() % (hi - lo + 1));
  }
  chance(p: number): boolean {
    return this.rng() / 2 ** 32 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.rng() % items.length]!;
  }
  label(stem: string): string {
    return `${stem}_${this.labels++}`;
  }
  emit(...lines: string[]): void {
    this.text.push(...lines.map((l) => (l.endsWith(":") ? l : `        ${l}`)));
  }
  syscall(n: number, ...args: number[]): void {
    for (const [i, a] of args.entries()) this.emit(`li      a${i}, ${a | 0}`);
    this.emit(`li      a7, ${n}`, "ecall");
  }
  /** Goes to `fail` unless a0 is `value` (fail may be too far for a branch). */
  expectA0(value: number): void {
    const ok = this.label("ok");
    this.emit(`li      t0, ${value | 0}`, `beq     a0, t0, ${ok}`, "j       fail", `${ok}:`);
  }
  /** fence.i after a patch: always with fenceI, else now and then. */
  fence(): boolean {
    return this.opts.fenceI || this.chance(0.3);
  }

  storeWord(addr: number, word: number): void {
    this.emit(`li      t0, ${word | 0}`, `li      t1, ${addr | 0}`, "sw      t0, 0(t1)");
  }
  write(slot: Slot, fn: Fn): void {
    for (const [i, w] of encode(fn).entries()) this.storeWord(slot.addr + 4 * i, w);
    if (this.fence()) this.emit(`.word   ${FENCE_I}`);
    slot.fn = fn;
  }
  randomFn(): Fn {
    const kind = this.pick(["loop", "loop", "self", "hot"] as const);
    if (kind === "loop") return { kind, n: this.int(1, 300), step: this.imm(), mask: this.imm() };
    if (kind === "self") return { kind, value: this.imm(), fence: this.fence() };
    return { kind, step: this.imm(), fence: this.fence() };
  }
  imm(): number {
    return this.int(0, 4095) - 2048;
  }
  jumpTo(addr: number): void {
    this.emit(`li      t2, ${addr | 0}`, "jalr    ra, 0(t2)");
  }
  /** Prints a0, which the model says is `value` (inside batch(), folds it into s2). */
  print(value: number): void {
    if (this.folded !== undefined) {
      this.emit("slli    t0, s2, 5", "add     s2, s2, t0", "add     s2, s2, a0");
      this.folded = (Math.imul(this.folded, 33) + value) | 0;
      return;
    }
    this.emit("call    print_hex");
    this.out.push(hex8(value));
  }
  /**
   * Runs `body` with its results folded into s2 (s2 * 33 + a0), then prints s2: so its patches
   * and calls follow each other with no trap between them.
   */
  batch(body: () => void): void {
    this.emit("li      s2, 0");
    this.folded = 0;
    body();
    const value = this.folded;
    this.folded = undefined;
    this.emit("mv      a0, s2");
    this.print(value);
  }

  /** Calls the slot's function with fresh arguments and prints what it returns. */
  call(slot: Slot): void {
    const fn = slot.fn!;
    if (fn.kind === "loop") {
      this.jumpTo(slot.addr);
      this.print(loopResult(fn));
    } else if (fn.kind === "self") {
      fn.value = this.imm();
      this.emit(`li      a1, ${iop("addi", A0, ZERO, fn.value) | 0}`, `li      a2, ${slot.addr}`);
      this.jumpTo(slot.addr);
      this.print(fn.value);
    } else {
      const n = this.int(1, 80);
      const left = this.int(0, n - 1);
      const next = this.imm();
      let a = 0;
      for (let t = n; t > 0; ) {
        a = (a + fn.step) | 0;
        if (--t === left) fn.step = next;
      }
      this.emit(`li      a1, ${iop("addi", A0, A0, next) | 0}`, `li      a2, ${slot.addr}`);
      this.emit(`li      a3, ${left}`, `li      a4, ${n}`);
      this.jumpTo(slot.addr);
      this.print(a);
    }
  }
  /** Patches one word of a loop function from outside it. */
  patch(slot: Slot & { fn: Fn & { kind: "loop" } }): void {
    const fn = slot.fn;
    const which = this.pick(["n", "step", "mask"] as const);
    fn[which] = which === "n" ? this.int(1, 300) : this.imm();
    const words = encode(fn);
    const at = { n: 1, step: 2, mask: 3 }[which];
    this.storeWord(slot.addr + 4 * at, words[at]!);
    if (this.fence()) this.emit(`.word   ${FENCE_I}`);
  }

  written(): Slot[] {
    return this.slots.filter((s) => s.fn !== undefined);
  }
  loops(): (Slot & { fn: Fn & { kind: "loop" } })[] {
    return this.slots.filter((s) => s.fn?.kind === "loop") as (Slot & {
      fn: Fn & { kind: "loop" };
    })[];
  }
}

/** The generated program for `opts`, and its expected output. */
export function generateSmc(opts: SmcOptions): SmcProgram {
  const g = new Generator(opts);
  g.syscall(222, BUF, PAGES * PAGE, 7, 0x32, -1, 0); // mmap RWX, MAP_PRIVATE|ANONYMOUS|FIXED
  g.expectA0(BUF);
  g.write(g.slots[0]!, { kind: "loop", n: 200, step: 3, mask: 0 });
  g.call(g.slots[0]!);
  g.write(g.slots.at(-1)!, g.randomFn());
  const ops = opts.ops ?? g.int(12, 24);
  for (let i = 0; i < ops; i++) randomOp(g);
  if (opts.exec) execve(g, opts.exec);
  g.syscall(94, 0);
  return { source: render(g), expectedStdout: g.out.map((l) => `${l}\n`).join("") };
}

function randomOp(g: Generator): void {
  const r = g.rng() % 100;
  const loops = g.loops();
  if (g.opts.evict && g.chance(0.3)) evict(g);
  else if (r < 20) for (const s of g.written().slice(0, g.int(1, 3))) g.call(s);
  else if (r < 35) g.batch(() => batchBody(g));
  else if (r < 45) g.write(g.pick(g.slots), g.randomFn());
  else if (r < 60 && loops.length > 0) {
    const s = g.pick(loops);
    g.patch(s);
    if (g.chance(0.7)) g.call(s);
  } else if (r < 72 && loops.length > 0) fork(g, g.pick(loops));
  else if (r < 80) remap(g, g.int(0, PAGES - 1));
  else if (r < 88 && loops.length > 0) readOnly(g, g.pick(loops));
  else g.call(g.pick(g.written()));
}

/** A few calls, patches and rewrites in a row (inside batch()). */
function batchBody(g: Generator): void {
  for (let i = g.int(3, 8); i > 0; i--) {
    const loops = g.loops();
    const r = g.rng() % 3;
    if (r === 0 && loops.length > 0) {
      const s = g.pick(loops);
      g.patch(s);
      g.call(s);
    } else if (r === 1) {
      const s = g.pick(g.slots);
      g.write(s, g.randomFn());
      g.call(s);
    } else g.call(g.pick(g.written()));
  }
}

/**
 * Waits for the child whose pid is in s1 (waitid: rv32 Linux has no wait4) and prints its exit
 * code, or 0x100 + the signal that killed it.
 */
function waitChild(g: Generator, status: number): void {
  const exited = g.label("exited");
  g.emit("addi    sp, sp, -128", "li      a0, 1", "mv      a1, s1", "mv      a2, sp"); // P_PID
  g.emit("li      a3, 4", "li      a4, 0", "li      a7, 95", "ecall"); // WEXITED
  g.emit("lw      t0, 8(sp)", "lw      a0, 20(sp)", "addi    sp, sp, 128"); // si_code, si_status
  g.emit("li      t1, 1", `beq     t0, t1, ${exited}`, "addi    a0, a0, 256", `${exited}:`);
  g.print(status);
}

/** Starts a child running `child` (then exit 0); the parent waits and prints its status. */
function inChild(g: Generator, child: () => void, status: number): void {
  const parent = g.label("parent");
  g.syscall(220, 17, 0); // clone(SIGCHLD): fork
  g.emit(`bnez    a0, ${parent}`);
  const saved = g.slots.map((s) => ({ ...s, fn: s.fn && { ...s.fn } }));
  child();
  g.syscall(94, 0);
  g.slots = saved;
  g.emit(`${parent}:`, "mv      s1, a0");
  waitChild(g, status);
}

/** A child patches its copy of a loop function and runs it, or runs zeros; then the parent. */
function fork(g: Generator, slot: ReturnType<Generator["loops"]>[number]): void {
  const index = g.slots.indexOf(slot);
  if (g.chance(0.25)) {
    inChild(g, () => g.jumpTo(ZERO_WORD_AT), KILLED + SIGILL);
  } else {
    inChild(
      g,
      () => {
        const mine = g.slots[index] as typeof slot;
        g.patch(mine);
        g.call(mine);
      },
      0,
    );
  }
  g.call(g.slots[index]!); // the parent's own (unpatched) copy
}

/** munmap of one page and a fresh mapping there; its functions are written anew. */
function remap(g: Generator, page: number): void {
  const at = BUF + page * PAGE;
  g.syscall(215, at, PAGE);
  g.syscall(222, at, PAGE, 7, 0x32, -1, 0);
  g.expectA0(at);
  for (const s of g.slots.filter((s) => s.addr >= at && s.addr < at + PAGE)) {
    s.fn = undefined;
    if (g.chance(0.7)) g.write(s, g.randomFn());
  }
  if (g.written().length === 0) g.write(g.slots[0]!, g.randomFn());
}

/** The buffer read+execute: a loop function runs, a child's store is SIGSEGV; then RWX again. */
function readOnly(g: Generator, slot: Slot): void {
  g.syscall(226, BUF, PAGES * PAGE, 5);
  g.call(slot);
  inChild(g, () => g.storeWord(slot.addr, NOP), KILLED + SIGSEGV);
  g.syscall(226, BUF, PAGES * PAGE, 7);
}

/** Stores to a seeded run of the .bss pages (pushing other pages out under a small --ram). */
function evict(g: Generator): void {
  const loop = g.label("evict");
  const first = g.int(0, EVICT_PAGES - 4);
  const count = g.int(4, EVICT_PAGES - first);
  g.emit(`la      t0, evict_area + ${first * PAGE}`, `li      t1, ${count}`);
  g.emit(`li      t2, ${PAGE}`, `${loop}:`, "sw      t1, 0(t0)", "add     t0, t0, t2");
  g.emit("addi    t1, t1, -1", `bnez    t1, ${loop}`);
}

function execve(g: Generator, path: string): void {
  g.emit("la      a0, exec_path", "la      a1, exec_argv", "la      a2, exec_argv + 4");
  g.emit("li      a7, 221", "ecall", "j       fail");
  g.text.push("        .data", `exec_path: .asciz ${JSON.stringify(path)}`, "        .balign 4");
  g.text.push("exec_argv: .word exec_path, 0", "        .text");
}

const PRINT_HEX = `
fail:
        li      a0, 99
        li      a7, 94
        ecall
# print_hex(a0): eight hex digits and a newline on stdout.
print_hex:
        addi    sp, sp, -16
        li      t0, 10
        sb      t0, 8(sp)
        addi    t3, sp, 8
        li      t0, 8
print_hex_loop:
        andi    t5, a0, 15
        li      t6, 10
        blt     t5, t6, print_hex_digit
        addi    t5, t5, 39
print_hex_digit:
        addi    t5, t5, 48
        addi    t3, t3, -1
        sb      t5, 0(t3)
        srli    a0, a0, 4
        addi    t0, t0, -1
        bnez    t0, print_hex_loop
        li      a0, 1
        mv      a1, sp
        li      a2, 9
        li      a7, 64
        ecall
        addi    sp, sp, 16
        ret
`;

function render(g: Generator): string {
  return [
    `# Generated by test/compile/smc.ts (${JSON.stringify(g.opts)}): self-modifying code.`,
    "        .text",
    "        .globl  _start",
    "_start:",
    ...g.text,
    PRINT_HEX,
    "        .bss",
    "        .balign 4096",
    `evict_area: .space ${EVICT_PAGES * PAGE}`,
    "",
  ].join("\n");
}
