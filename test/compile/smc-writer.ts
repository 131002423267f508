// The writer of the self-modifying programs smc.ts generates: the functions they keep in their
// read-write-execute buffer (words and the model of what they return), and a Generator that
// emits assembly and the output the model predicts as it goes.
import { branch, iop, jalr, store } from "../hw/encode.js";
import { mulberry32 } from "../peers/fuzzgen.js";

export const BUF = 0x4000_0000;
export const PAGES = 3;
export const PAGE = 4096;
const SLOTS_PER_PAGE = 3;
/** Bytes between slot starts: a function has at most 9 words. */
const SLOT_STRIDE = 64;
export const EVICT_PAGES = 48;
export const FENCE_I = 0x0000_100f;
export const NOP = iop("addi", 0, 0, 0);

const [ZERO, RA, T1, A0, A1, A2, A3, A4] = [0, 1, 6, 10, 11, 12, 13, 14];

export type Fn =
  | { kind: "loop"; n: number; step: number; mask: number }
  | { kind: "self"; value: number; fence: boolean }
  | { kind: "hot"; step: number; fence: boolean };

export interface Slot {
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

/** Folds a0 into s2 (s2 = s2 * 33 + a0), and the model's version. */
const FOLD = ["slli    t0, s2, 5", "add     s2, s2, t0", "add     s2, s2, a0"];
const fold = (acc: number, value: number) => (Math.imul(acc, 33) + value) | 0;

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, "0");

export class Generator {
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
      this.emit(...FOLD);
      this.folded = fold(this.folded, value);
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
    const { result } = this.arguments(slot);
    this.jumpTo(slot.addr);
    this.print(result());
  }
  /**
   * Calls the slot's function in a guest loop, with the same arguments, about `instructions`
   * instructions' worth of calls, folding the results (inside batch()): enough for the compiling
   * engine, which compiles only code that has run a while, to compile it.
   */
  callOften(slot: Slot, instructions: number): void {
    if (this.folded === undefined) throw new Error("callOften() is for inside batch()");
    const { result, cost } = this.arguments(slot);
    const times = Math.ceil(instructions / cost);
    const loop = this.label("often");
    this.emit(`li      s3, ${times}`, `${loop}:`);
    this.jumpTo(slot.addr);
    this.emit(...FOLD, "addi    s3, s3, -1", `bnez    s3, ${loop}`);
    for (let i = 0; i < times; i++) this.folded = fold(this.folded, result());
  }
  /**
   * Sets the arguments of a call of the slot's function; returns what each call returns, and
   * about how many instructions a call (with its jump and fold) takes.
   */
  arguments(slot: Slot): { result: () => number; cost: number } {
    const fn = slot.fn!;
    if (fn.kind === "loop") return { result: () => loopResult(fn), cost: 4 * fn.n + 10 };
    if (fn.kind === "self") {
      fn.value = this.imm();
      this.emit(`li      a1, ${iop("addi", A0, ZERO, fn.value) | 0}`, `li      a2, ${slot.addr}`);
      return { result: () => fn.value, cost: 12 };
    }
    const n = this.int(1, 80);
    const left = this.int(0, n - 1);
    const next = this.imm();
    this.emit(`li      a1, ${iop("addi", A0, A0, next) | 0}`, `li      a2, ${slot.addr}`);
    this.emit(`li      a3, ${left}`, `li      a4, ${n}`);
    const result = () => {
      let a = 0;
      for (let t = n; t > 0; ) {
        a = (a + fn.step) | 0;
        if (--t === left) fn.step = next;
      }
      return a;
    };
    return { result, cost: 4 * n + 12 };
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

export function render(g: Generator): string {
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
