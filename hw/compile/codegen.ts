// The compiling engine's code generator: one chunk of guest code (CHUNK_WORDS.js aligned words of one
// physical page) becomes the source of one JavaScript function, whose basic blocks are the cases of
// a switch on the word index inside a loop, so jumps within the chunk never leave the function.
//
// The function does what the interpreter does for ALU work, branches and jumps, and loads and
// stores: through the fast tables (stamping the TLB entry's LRU time exactly as the interpreter
// would), or on a miss through the MMU's own translate (a fault ends the run with that trap).
// Anything else (a misaligned access, a store into a word compiled code was made from, ecall,
// ebreak, atomics, an illegal or unusual encoding, a jump to a misaligned target) ends the run
// *before* that instruction, and the dispatcher (engine.ts) has the interpreter execute it.
//
// Counting: every block adds its length to n (instructions completed, which are also ticks) and
// its loads and stores once; a mid-block exit adds just the part before it. A block runs only if
// the budget left covers all of it; otherwise the function stops at the block's start and the
// interpreter runs the rest of the budget, so preemption lands on exactly the same instruction.
//
// The generated function is (w, base, K, left) => exit code, with `w` the word index to start at
// (a block's start), `base` the virtual address of word 0, `K` the tick of the first instruction
// and `left` the budget; it writes n, loads, stores and the next pc into `out`. Guest registers are
// JavaScript locals inside it, loaded on entry and written back on exit.

import { branchOffset, jumpOffset } from "../alu.js";
import * as isa from "../isa.js";
import { Access } from "../trap.js";
import { type ChunkPlan, Kinds, kindOf, targetWord } from "./plan.js";

const { Funct7, Opcode } = isa;
const { Plain, Branch, Jal, Jalr, Special } = Kinds;

/** Exit codes: pc is somewhere else (a jump left the chunk, or to a word that starts no block). */
export const EXIT_JUMP = 0;
/** The interpreter must execute the instruction at pc. */
export const EXIT_INTERP = 1;
/** The block at pc is longer than the budget left: the interpreter runs what is left of it. */
export const EXIT_BUDGET = 2;
/** The load or store at pc faulted (out[4] holds its address): the run ends with that trap. */
export const EXIT_FAULT = 3;

/** A register as a JavaScript expression (x0 reads as 0). */
const reg = (r: number): string => (r === 0 ? "0" : `r${r}`);

/** The block being generated: its counts so far, for the exits it writes. */
interface Emit {
  lines: string[];
  /** Registers read or written, and those written. */
  used: Set<number>;
  written: Set<number>;
  /** Instructions, loads and stores of the block before the current instruction. */
  i: number;
  loads: number;
  stores: number;
  /** The exit table: EXIT_FIELDS numbers an exit (word, instructions, loads, stores, code). */
  exits: number[];
  /** Whether the block has set t, the LRU time of its first data access (2 × tick + 1). */
  timed: boolean;
}

/**
 * An exit: a constant index into the function's exit table (what to add to the counts, where pc
 * is, which exit code), so that the exit's own code does no arithmetic. V8 would have no type
 * feedback for arithmetic on a path that has never run, and would deoptimise the whole function
 * the first time it did (a budget exit, for one, is taken once per quantum at a new place).
 */
function exitTo(
  e: Emit,
  w: number,
  code: number,
  i: number,
  loads: number,
  stores: number,
): string {
  e.exits.push(w, i, loads, stores, code);
  return `{ xid = ${e.exits.length / EXIT_FIELDS - 1}; break run; }`;
}

/** Ends the run before the current instruction (at word `w`) with exit `code`. */
function exitBefore(e: Emit, w: number, code: number): string {
  return exitTo(e, w, code, e.i, e.loads, e.stores);
}

/** Adds the whole block's counts (before its last instruction's jump). */
function countBlock(e: Emit, length: number): string {
  return [
    `n += ${length};`,
    e.loads ? ` ld += ${e.loads};` : "",
    e.stores ? ` st += ${e.stores};` : "",
  ].join("");
}

/** Writes register `rd` (x0: nothing) with `value`. */
function assign(e: Emit, rd: number, value: string): void {
  if (rd === 0) return;
  e.used.add(rd);
  e.written.add(rd);
  e.lines.push(`r${rd} = ${value};`);
}

function read(e: Emit, r: number): string {
  if (r !== 0) e.used.add(r);
  return reg(r);
}

/** The value of OP-IMM `f3` on `a` with immediate `imm` (shift encodings already checked). */
function opImmExpr(f3: number, a: string, imm: number): string {
  switch (f3) {
    case 0:
      return `(${a} + ${imm}) | 0`;
    case 1:
      return `${a} << ${imm & 31}`;
    case 2:
      return `${a} < ${imm} ? 1 : 0`;
    case 3:
      return `${a} >>> 0 < ${imm >>> 0} ? 1 : 0`;
    case 4:
      return `${a} ^ ${imm}`;
    case 5:
      return imm & 0x400 ? `${a} >> ${imm & 31}` : `(${a} >>> ${imm & 31}) | 0`;
    case 6:
      return `${a} | ${imm}`;
    default:
      return `${a} & ${imm}`;
  }
}

/** The value of OP `f7`/`f3` on `a` and `b` (encoding already checked). */
function opExpr(f7: number, f3: number, a: string, b: string): string {
  if (f7 === Funct7.MulDiv) {
    if (f3 === 0) return `Math.imul(${a}, ${b})`;
    return `opReg(${f7}, ${f3}, ${a}, ${b})`;
  }
  if (f7 === Funct7.Alt) return f3 === 0 ? `(${a} - ${b}) | 0` : `${a} >> (${b} & 31)`;
  switch (f3) {
    case 0:
      return `(${a} + ${b}) | 0`;
    case 1:
      return `${a} << (${b} & 31)`;
    case 2:
      return `${a} < ${b} ? 1 : 0`;
    case 3:
      return `${a} >>> 0 < ${b} >>> 0 ? 1 : 0`;
    case 4:
      return `${a} ^ ${b}`;
    case 5:
      return `(${a} >>> (${b} & 31)) | 0`;
    case 6:
      return `${a} | ${b}`;
    default:
      return `${a} & ${b}`;
  }
}

/** Numbers per exit in the exit table. */
const EXIT_FIELDS = 5;

const BRANCH_CONDITIONS: Record<number, (a: string, b: string) => string> = {
  0: (a, b) => `${a} === ${b}`,
  1: (a, b) => `${a} !== ${b}`,
  4: (a, b) => `${a} < ${b}`,
  5: (a, b) => `${a} >= ${b}`,
  6: (a, b) => `${a} >>> 0 < ${b} >>> 0`,
  7: (a, b) => `${a} >>> 0 >= ${b} >>> 0`,
};

/** Typed-array view and index shift of each load funct3 (lb lh lw lbu lhu). */
const LOAD_VIEWS: Record<number, [string, number]> = {
  0: ["i8", 0],
  1: ["i16", 1],
  2: ["i32", 2],
  4: ["u8", 0],
  5: ["u16", 1],
};
const STORE_VIEWS: Record<number, [string, number]> = {
  0: ["u8", 0],
  1: ["u16", 1],
  2: ["i32", 2],
};

/**
 * Goes to word `t` of this chunk, or (t = -1) leaves it for the dispatcher with pc at word
 * `wordOffset` from the chunk's start.
 */
function goTo(e: Emit, t: number, wordOffset: number): string {
  if (t >= 0) return `{ w = ${t}; continue run; }`;
  return exitTo(e, wordOffset, EXIT_JUMP, 0, 0, 0);
}

/**
 * A load or store at word `w`: through the fast table, or the MMU's translate on a miss. A
 * misaligned access, or a fast store into a compiled word, exits before it for the interpreter.
 */
function memory(e: Emit, inst: number, w: number, store: boolean): void {
  const f3 = (inst >> 12) & 7;
  const rs1 = (inst >> 15) & 31;
  const rd = (inst >> 7) & 31;
  const imm = store ? ((inst >> 20) & -32) | ((inst >> 7) & 31) : inst >> 20;
  const [view, shift] = (store ? STORE_VIEWS : LOAD_VIEWS)[f3]!;
  const before = exitBefore(e, w, EXIT_INTERP);
  const fault = exitBefore(e, w, EXIT_FAULT);
  const L = e.lines;
  if (!e.timed) L.push("t = 2 * (K + n) + 1;");
  e.timed = true;
  L.push(`va = (${read(e, rs1)} + ${imm}) | 0;`);
  if (shift > 0) L.push(`if ((va & ${(1 << shift) - 1}) !== 0) ${before}`);
  L.push(`e = ${store ? "fW" : "fR"}[va >>> 12];`);
  L.push("if (e !== 0) {", "pa = (e & -4096) ^ va;");
  // A store into a word compiled code was made from: the interpreter does it (and drops the code).
  if (store) L.push(`if ((cw[pa >>> 7] >>> (pa >>> 2)) & 1) ${before}`);
  L.push(`stamps[e & 4095] = t + ${2 * e.i};`);
  // The slow path: the MMU's own translation (a TLB miss, a walk, maybe a fault), as the
  // interpreter's. If it evicted the fetch page's entry, or the store hit compiled code, the run
  // ends after this instruction.
  L.push(
    `} else {`,
    `pa = tr(va, ${store ? Access.Store : Access.Load}, t + ${2 * e.i}, ${1 << shift});`,
  );
  L.push(`if (pa < 0) ${fault}`);
  const access = store
    ? `${view}[pa >>> ${shift}] = ${read(e, (inst >> 20) & 31)};`
    : rd !== 0
      ? `r${rd} = ${view}[pa >>> ${shift}];`
      : "";
  if (rd !== 0 && !store) {
    e.used.add(rd);
    e.written.add(rd);
  }
  const after = exitTo(
    e,
    w + 1,
    EXIT_JUMP,
    e.i + 1,
    e.loads + (store ? 0 : 1),
    e.stores + (store ? 1 : 0),
  );
  L.push(`if (ev[0] !== 0) { ev[0] = 0; ${access} ${after} }`, "}", access);
  if (store) e.stores++;
  else e.loads++;
}

/** One straight-line instruction at word `w`. */
function plain(e: Emit, inst: number, w: number): void {
  const rd = (inst >> 7) & 31;
  const f3 = (inst >> 12) & 7;
  const rs1 = (inst >> 15) & 31;
  const rs2 = (inst >> 20) & 31;
  switch (inst & 0x7f) {
    case Opcode.OpImm:
      if (rd !== 0) assign(e, rd, opImmExpr(f3, read(e, rs1), inst >> 20));
      return;
    case Opcode.Op:
      if (rd !== 0) assign(e, rd, opExpr(inst >>> 25, f3, read(e, rs1), read(e, rs2)));
      return;
    case Opcode.Load:
      memory(e, inst, w, false);
      return;
    case Opcode.Store:
      memory(e, inst, w, true);
      return;
    case Opcode.Lui:
      assign(e, rd, String(inst & -4096));
      return;
    case Opcode.Auipc:
      assign(e, rd, `(base + ${w * 4 + (inst & -4096)}) | 0`);
      return;
    default:
      return; // fence, fence.i: memory is coherent and in order here
  }
}

/** Whether `inst`, the last word (`w`) of the block at `start`, is a branch back to `start`. */
function isSelfLoop(inst: number, w: number, start: number, size: number): boolean {
  return kindOf(inst) === Branch && targetWord(inst, Branch, w, size) === start;
}

/** The source of one block, starting at word `start`: its case, its budget check, its code. */
function block(words: Int32Array, plan: ChunkPlan, start: number, e: Emit): void {
  const L = e.lines;
  const end = start + plan.runTo[start]!;
  // The instructions the block completes in compiled code (a trailing special is not one).
  const last = words[end - 1]!;
  const length = end - start - (kindOf(last) === Special ? 1 : 0);
  e.i = 0;
  e.loads = 0;
  e.stores = 0;
  e.timed = false;
  L.push(`case ${start}:`);
  // A block that branches back to its own start runs as a JavaScript loop (no switch per turn).
  const loops = isSelfLoop(last, end - 1, start, words.length);
  if (loops) L.push("for (;;) {");
  if (length > 0) L.push(`if (n + ${length} > left) ${exitBefore(e, start, EXIT_BUDGET)}`);
  for (let w = start; w < end; w++, e.i++) {
    const inst = words[w]!;
    const kind = kindOf(inst);
    if (kind === Plain) {
      plain(e, inst, w);
      continue;
    }
    if (kind === Special) {
      L.push(exitBefore(e, w, EXIT_INTERP));
      return;
    }
    const rd = (inst >> 7) & 31;
    if (kind === Jalr) {
      // The target first: rd may be rs1.
      L.push(`va = (${read(e, (inst >> 15) & 31)} + ${inst >> 20}) & -2;`);
      L.push(`if ((va & 3) !== 0) ${exitBefore(e, w, EXIT_INTERP)}`);
      assign(e, rd, `(base + ${w * 4 + 4}) | 0`);
      L.push(countBlock(e, length));
      L.push(
        `if ((va - base) >>> 0 < ${4 * words.length}) { w = (va - base) >> 2; continue run; }`,
      );
      L.push(`pc = va; code = ${EXIT_JUMP}; break run;`);
      return;
    }
    const t = targetWord(inst, kind, w, words.length);
    const off = kind === Branch ? branchOffset(inst) : jumpOffset(inst);
    const away = w + (off >> 2);
    if (kind === Jal) {
      assign(e, rd, `(base + ${w * 4 + 4}) | 0`);
      L.push(countBlock(e, length), goTo(e, t, away));
      return;
    }
    const cond = BRANCH_CONDITIONS[(inst >> 12) & 7]!(
      read(e, (inst >> 15) & 31),
      read(e, (inst >> 20) & 31),
    );
    if (loops) L.push(countBlock(e, length), `if (!(${cond})) break; }`);
    else L.push(countBlock(e, length), `if (${cond}) ${goTo(e, t, away)}`);
    return; // not taken: fall into the next case, the word after
  }
  L.push(countBlock(e, length));
}

/**
 * The JavaScript source of the function for a chunk of `words` with blocks `plan` (see the top of
 * this file), to be wrapped by engine.ts in a function of the machine's arrays.
 */
export function generateChunk(words: Int32Array, plan: ChunkPlan, include: Uint8Array): string {
  const e: Emit = {
    lines: [],
    used: new Set(),
    written: new Set(),
    i: 0,
    loads: 0,
    stores: 0,
    timed: false,
    exits: [],
  };
  const size = words.length;
  for (let w = 0; w < size; w++) {
    if (!plan.labels[w] || !include[w]) continue;
    block(words, plan, w, e);
    // A block that can fall through to one left out ends the run there.
    const next = w + plan.runTo[w]!;
    if (next < size && !include[next]) e.lines.push(goTo(e, -1, next));
  }
  const regs = [...e.used].sort((a, b) => a - b);
  const load = regs.map((r) => `let r${r} = x[${r}] | 0;`).join(" ");
  const save = [...e.written]
    .sort((a, b) => a - b)
    .map((r) => `x[${r}] = r${r};`)
    .join(" ");
  // Falling off the last block: the next chunk (an exit, so before the table is written).
  const fallOff = goTo(e, -1, size);
  return [
    `const X = new Int32Array([${e.exits.join(",")}]);`,
    "return function chunk(w, base, K, left) {",
    load,
    "let n = 0, ld = 0, st = 0, pc = 0, code = 0, t = 0, va = 0, e = 0, pa = 0, xid = -1;",
    "run: for (;;) {",
    "switch (w) {",
    ...e.lines,
    fallOff,
    "default: xid = -2; break run;",
    "}",
    "}",
    save,
    // Every exit but a jalr's comes here, so this code always has its type feedback.
    `if (xid >= 0) { xid *= ${EXIT_FIELDS}; n += X[xid + 1]; ld += X[xid + 2]; st += X[xid + 3];`,
    "  pc = (base + 4 * X[xid]) | 0; code = X[xid + 4]; }",
    `else if (xid === -2) { pc = (base + 4 * w) | 0; code = ${EXIT_JUMP}; }`,
    "out[0] = n; out[1] = ld; out[2] = st; out[3] = pc; out[4] = va;",
    "return code;",
    "};",
  ].join("\n");
}
