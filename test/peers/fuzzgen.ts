// Random straight-line RV32IM programs for the differential fuzz test (fuzz.test.ts).
//
// A batch program runs several cases one after another. Each case:
//   1. points gp (x3) at its own 192-byte block in .data: 64 bytes of random data, then a
//      32-word register save area;
//   2. loads x1..x31 (all but gp) with random or interesting values (li);
//   3. runs random instructions: every ALU op, register and immediate forms, the M extension,
//      lui, auipc, and loads and stores of every width at aligned offsets into its data;
//   4. stores x1..x31 into the save area (gp's slot gets 0) and calls `dump`, which writes one
//      line: "case <n> <x1> ... <x31> sum <checksum of the 64 data bytes>", all in hex.
// gp is never written or read by the random instructions, so results never depend on where the
// assembler placed the data. auipc does depend on its own address: with `absoluteAuipc` its
// result is kept as is (fine when both runs use the same ELF); otherwise the case subtracts the
// instruction's address (from a label) right away, so any text layout gives the same output.

/** mulberry32: a small seeded PRNG; returns uint32 values. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

type Rng = () => number;

/** ABI register names, indexed by register number. */
export const REG_NAMES: readonly string[] =
  "zero ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 t3 t4 t5 t6".split(
    " ",
  );
const GP = 3;
const DATA_BYTES = 64;
const SAVE_OFFSET = DATA_BYTES; // register i is saved at SAVE_OFFSET + 4 * i
const BLOCK_BYTES = DATA_BYTES + 32 * 4;

const R_OPS: readonly string[] =
  "add sub sll slt sltu xor srl sra or and mul mulh mulhsu mulhu div divu rem remu".split(" ");
const I_OPS = ["addi", "slti", "sltiu", "xori", "ori", "andi"] as const;
const SHIFT_OPS = ["slli", "srli", "srai"] as const;
const LOADS = [
  ["lb", 1],
  ["lbu", 1],
  ["lh", 2],
  ["lhu", 2],
  ["lw", 4],
] as const;
const STORES = [
  ["sb", 1],
  ["sh", 2],
  ["sw", 4],
] as const;

/** Values at the edges of signed and unsigned arithmetic. */
const INTERESTING: readonly number[] = [
  0, 1, 2, 0xffffffff, 0xfffffffe, 0x80000000, 0x7fffffff, 0x80000001, 31, 32, 33, 0xffff, 0x8000,
  0x10000, 0x55555555, 0xaaaaaaaa,
];
const INTERESTING_IMM: readonly number[] = [0, 1, -1, 2047, -2048, 31, 32, -32];

export interface FuzzCase {
  index: number;
  /** Initial values of x0..x31 (x0 and gp unused). */
  init: readonly number[];
  data: Uint8Array;
  /** The random instructions, one per line, in GNU as syntax (auipc marked for rendering). */
  body: readonly Instruction[];
}

export type Instruction = { text: string } | { auipc: { rd: number; imm: number } };

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng() % items.length]!;
}

function randomValue(rng: Rng): number {
  const r = rng() % 8;
  if (r < 3) return pick(rng, INTERESTING);
  if (r < 5) return rng() % 64;
  return rng();
}

function randomImm12(rng: Rng): number {
  return rng() % 3 === 0 ? pick(rng, INTERESTING_IMM) : (rng() % 4096) - 2048;
}

/** A destination: any register but gp; x0 sometimes, to check that writes to it are dropped. */
function destination(rng: Rng): number {
  if (rng() % 24 === 0) return 0;
  let r = 1 + (rng() % 31);
  while (r === GP) r = 1 + (rng() % 31);
  return r;
}

/** A source: any register but gp (its value is an address, which differs between builds). */
function source(rng: Rng): number {
  let r = rng() % 32;
  while (r === GP) r = rng() % 32;
  return r;
}

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}

function randomInstruction(rng: Rng): Instruction {
  const n = REG_NAMES;
  const rd = n[destination(rng)]!;
  const kind = rng() % 20;
  if (kind < 7) {
    const op = pick(rng, R_OPS);
    return { text: `${op} ${rd}, ${n[source(rng)]}, ${n[source(rng)]}` };
  }
  if (kind < 10)
    return { text: `${pick(rng, I_OPS)} ${rd}, ${n[source(rng)]}, ${randomImm12(rng)}` };
  if (kind < 12) return { text: `${pick(rng, SHIFT_OPS)} ${rd}, ${n[source(rng)]}, ${rng() % 32}` };
  if (kind < 13) return { text: `lui ${rd}, ${hex(rng() % 0x100000)}` };
  if (kind < 14) return { auipc: { rd: destination(rng), imm: rng() % 0x100000 } };
  if (kind < 15) return { text: `li ${rd}, ${hex(pick(rng, INTERESTING))}` };
  if (kind < 17) {
    const [op, width] = pick(rng, LOADS);
    return { text: `${op} ${rd}, ${alignedOffset(rng, width)}(gp)` };
  }
  const [op, width] = pick(rng, STORES);
  return { text: `${op} ${n[source(rng)]}, ${alignedOffset(rng, width)}(gp)` };
}

function alignedOffset(rng: Rng, width: number): number {
  return (rng() % (DATA_BYTES / width)) * width;
}

/** Makes case number `index` from the generator's current state. */
export function makeCase(rng: Rng, index: number, length: number): FuzzCase {
  const init = Array.from({ length: 32 }, (_, i) => (i === 0 || i === GP ? 0 : randomValue(rng)));
  const data = new Uint8Array(DATA_BYTES);
  for (let i = 0; i < DATA_BYTES; i++) data[i] = rng() & 0xff;
  const body = Array.from({ length }, () => randomInstruction(rng));
  return { index, init, data, body };
}

/** `count` cases from `seed`, `length` random instructions each; the same seed, the same cases. */
export function makeCases(seed: number, count: number, length = 24): FuzzCase[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => makeCase(rng, i, length));
}

function renderInstruction(c: FuzzCase, k: number, absoluteAuipc: boolean): string[] {
  const ins = c.body[k]!;
  if ("text" in ins) return [ins.text];
  const rd = REG_NAMES[ins.auipc.rd]!;
  const text = `auipc ${rd}, ${hex(ins.auipc.imm)}`;
  if (absoluteAuipc) return [text];
  const label = `auipc_${c.index}_${k}`;
  return [`${label}:`, text, `la gp, ${label}`, `sub ${rd}, ${rd}, gp`, `la gp, data_${c.index}`];
}

/** The lines of one case, indented; `case_<n>:` falls through to the next case. */
function renderCase(c: FuzzCase, absoluteAuipc: boolean): string[] {
  const lines = [`case_${c.index}:`, `la gp, data_${c.index}`];
  for (let r = 1; r < 32; r++) {
    if (r !== GP) lines.push(`li ${REG_NAMES[r]}, ${hex(c.init[r]!)}`);
  }
  for (let k = 0; k < c.body.length; k++) lines.push(...renderInstruction(c, k, absoluteAuipc));
  for (let r = 1; r < 32; r++) {
    const name = r === GP ? "zero" : REG_NAMES[r];
    lines.push(`sw ${name}, ${SAVE_OFFSET + 4 * r}(gp)`);
  }
  lines.push(`li a0, ${c.index}`, "call dump");
  return lines;
}

const LINE_CASE_AT = 5; // "case " then 8 hex digits
const LINE_REGS_AT = 14; // then " xxxxxxxx" for x1..x31
const LINE_SUM_AT = LINE_REGS_AT + 31 * 9 + 4; // " sum " then 8 hex digits
const LINE_BYTES = LINE_SUM_AT + 8 + 1;

/** dump(a0 = case number), with gp at the case's block. Uses any register but gp; no stack. */
const DUMP_ROUTINE = `
# dump(a0 = case number): fills in the line template and writes it to stdout.
dump:
        mv      s11, ra
        la      s0, line
        addi    a1, s0, ${LINE_CASE_AT}
        call    hex8
        addi    s1, s0, ${LINE_REGS_AT}
        li      s2, 1
dump_reg:
        slli    t0, s2, 2
        add     t0, gp, t0
        lw      a0, ${SAVE_OFFSET}(t0)
        mv      a1, s1
        call    hex8
        addi    s1, s1, 9
        addi    s2, s2, 1
        li      t0, 32
        blt     s2, t0, dump_reg
        # FNV-1a over the 16 data words
        li      a0, 0x811c9dc5
        li      t1, 16777619
        mv      t2, gp
        addi    t3, gp, ${DATA_BYTES}
dump_sum:
        lw      t4, 0(t2)
        xor     a0, a0, t4
        mul     a0, a0, t1
        addi    t2, t2, 4
        bltu    t2, t3, dump_sum
        addi    a1, s0, ${LINE_SUM_AT}
        call    hex8
        li      a0, 1
        mv      a1, s0
        li      a2, ${LINE_BYTES}
        li      a7, 64
        ecall
        mv      ra, s11
        ret

# hex8(a0 = value, a1 = destination): writes 8 lowercase hex digits.
hex8:
        addi    t0, a1, 7
hex8_loop:
        andi    t1, a0, 15
        li      t2, 10
        blt     t1, t2, hex8_digit
        addi    t1, t1, 39
hex8_digit:
        addi    t1, t1, 48
        sb      t1, 0(t0)
        srli    a0, a0, 4
        addi    t0, t0, -1
        bgeu    t0, a1, hex8_loop
        ret
`;

/** A whole program (GNU as syntax) running `cases` in order, then exiting with status 0. */
export function renderProgram(cases: readonly FuzzCase[], absoluteAuipc: boolean): string {
  const out = [
    "# Generated by test/peers/fuzzgen.ts: random RV32IM cases, each ending in a register dump.",
    "        .text",
    "        .globl  _start",
    "_start:",
  ];
  const indent = (l: string) => (l.endsWith(":") ? l : `        ${l}`);
  for (const c of cases) out.push(...renderCase(c, absoluteAuipc).map(indent));
  out.push("        li      a0, 0", "        li      a7, 93", "        ecall", DUMP_ROUTINE);
  out.push("        .data", "        .balign 4");
  out.push(`line:   .ascii  "case ${"_".repeat(8)}"`);
  for (let r = 1; r < 32; r++) out.push(`        .ascii  " ${"_".repeat(8)}"`);
  out.push(`        .ascii  " sum ${"_".repeat(8)}\\n"`);
  for (const c of cases) {
    out.push("        .balign 4", `data_${c.index}:`);
    for (let i = 0; i < DATA_BYTES; i += 16) {
      out.push(`        .byte   ${Array.from(c.data.subarray(i, i + 16), hex).join(", ")}`);
    }
    out.push(`        .space  ${BLOCK_BYTES - DATA_BYTES}`);
  }
  return `${out.join("\n")}\n`;
}

/** One case's dump line split into fields: case number, x1..x31 and sum. */
export function parseDumpLine(line: string): string[] {
  return line
    .split(" ")
    .slice(1)
    .filter((f) => f !== "sum");
}

/** The field names matching parseDumpLine's fields. */
export const DUMP_FIELDS: readonly string[] = [
  "case",
  ...REG_NAMES.slice(1).map((name, i) => `x${i + 1} (${name})`),
  "data checksum",
];

/**
 * Compares qemu's output for a batch with vmlab's. Returns null when they agree, else a report
 * naming the first case that differs, the fields that differ, and the case's instructions.
 */
export function firstDifference(
  batch: readonly FuzzCase[],
  want: { stdout: string; status: number },
  got: { stdout: string; status: number; stderr: string },
  seed: number,
): string | null {
  const wantLines = want.stdout.split("\n");
  const gotLines = got.stdout.split("\n");
  for (let i = 0; i < wantLines.length; i++) {
    const c = batch[i];
    const w = wantLines[i]!;
    const g = gotLines[i];
    if (w === g || c === undefined || g === undefined || g === "") continue;
    const a = parseDumpLine(w);
    const b = parseDumpLine(g);
    const fields = DUMP_FIELDS.flatMap((name, k) =>
      a[k] === b[k] ? [] : [`  ${name}: qemu ${a[k]}, vmlab ${b[k]}`],
    );
    return [
      `case ${c.index} (seed ${seed}) differs:`,
      ...fields,
      "initial registers:",
      `  ${c.init.map((v, r) => `x${r}=${(v >>> 0).toString(16)}`).join(" ")}`,
      "instructions:",
      ...c.body.map((ins) =>
        "text" in ins
          ? `  ${ins.text}`
          : `  auipc ${REG_NAMES[ins.auipc.rd]}, ${hex(ins.auipc.imm)}`,
      ),
    ].join("\n");
  }
  if (want.stdout === got.stdout && want.status === got.status) return null;
  const lines = Math.max(0, gotLines.length - 1);
  return `vmlab stopped after ${lines} of ${batch.length} cases with status ${got.status} (qemu: ${want.status})\n${got.stderr}`;
}
