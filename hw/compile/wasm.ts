// The compiling engine's WebAssembly code generator: the same chunk function as codegen.ts writes
// in JavaScript, as one WebAssembly function instead. Its blocks, counts, exits and exit codes are
// codegen.ts's, instruction for instruction (read that file first); what differs is how it is
// written down, where the budget is checked (flow.ts budgetChecks: not in every block), and that
// a jump to another page may go on into that page's function (chain()).
//
// - Memory. The function reads and writes the machine's arena (hw/arena.ts) at fixed offsets:
//   the guest registers, the fast tables, the LRU stamps, the bit per compiled word and RAM. Its
//   results go to the arena's OUT words; the slow path's "end the run" flag is its EVENT word.
// - The slow path is the MMU's translate, imported as `tr` (the same function codegen.ts calls).
// - Control. WebAssembly has no goto, so the blocks are nested WebAssembly blocks inside one loop:
//   a br_table on the word index jumps to the end of the right block, where its code starts. A
//   branch forward to a compiled block goes straight there (its WebAssembly block is still open);
//   a branch back sets the block's number in a small table, any other jump the word index, and
//   goes back round the loop; but a loop of blocks is a WebAssembly loop of its own (LoopRegion).
//   Exits add their counts inline: WebAssembly does not speculate, so there is no cold path to
//   deoptimise.
// - Leaving the page. A jump out of the chunk tail-calls the function of the page it goes to,
//   found through the engine's table of functions by physical page, where it can; otherwise the
//   run ends there (EXIT_JUMP) and the engine's dispatcher goes on.
//
// Why bother: V8 compiles WebAssembly ahead of time with no speculation, so a whole page of code
// costs a few milliseconds to compile (the vmlab command keeps to V8's baseline compiler, see
// docs/engine.md) and never deoptimises on a path that had not run before.

import { branchOffset, jumpOffset } from "../alu.js";
import { Layout } from "../arena.js";
import * as isa from "../isa.js";
import { Access } from "../trap.js";
import { EXIT_BUDGET, EXIT_FAULT, EXIT_INTERP, EXIT_JUMP } from "./codegen.js";
import {
  budgetChecks,
  type Checks,
  dispatchEntries,
  type LoopRegion,
  loopRegions,
  shape,
} from "./flow.js";
import { Addressing, type ChunkPlan, Kinds, kindOf, targetWord } from "./plan.js";
import { Bytes, Code, F64, I32, moduleOf, Op } from "./wasm-binary.js";

const { Funct7, Opcode } = isa;
const { Plain, Branch, Jal, Jalr, Special } = Kinds;

// The function's locals: its parameters (the counts too, so that a call of the next page's
// function can carry them on), then its own.
const W = 0;
const BASE = 1;
const K = 2;
const LEFT = 3;
/**
 * The instructions counted so far (the parameter n) become at once the budget left after them,
 * R = LEFT - n, counted down: a budget check is then one compare with a constant.
 */
const R = 4;
const LD = 5;
const ST = 6;
const PC = 7;
const CODE = 8;
const VA = 9;
const E = 10;
const PA = 11;
/** Guest register r (1..31) is local REG + r. */
const REG = 11;
const T = 43;
/** K + LEFT: the tick of instruction n is KL - R. */
const KL = 44;
/** Which block of a loop (LoopRegion) the dispatch entered: 0, the head; k, its k-th other. */
const SKIP = 45;
/** A store's word of bits for compiled words (exitIfCode). */
const CW = 46;
const LOCALS: [number, number][] = [
  [T - PC, I32],
  [2, F64],
  [2, I32],
];
/** The chunk function's type (ChunkFunction), and the slow path's. */
const CHUNK_TYPE = { params: [I32, I32, F64, I32, I32, I32, I32], result: I32 };
const SLOW_TYPE = { params: [I32, I32, F64, I32], result: I32 };
const INT_MIN = -0x8000_0000;

/** Load opcodes by funct3 (lb lh lw lbu lhu), and their sizes. */
const LOADS: Record<number, [number, number]> = {
  0: [Op.i32_load8_s, 1],
  1: [Op.i32_load16_s, 2],
  2: [Op.i32_load, 4],
  4: [Op.i32_load8_u, 1],
  5: [Op.i32_load16_u, 2],
};
const STORES: Record<number, [number, number]> = {
  0: [Op.i32_store8, 1],
  1: [Op.i32_store16, 2],
  2: [Op.i32_store, 4],
};
const BRANCH_OPS: Record<number, number> = {
  0: Op.i32_eq,
  1: Op.i32_ne,
  4: Op.i32_lt_s,
  5: Op.i32_ge_s,
  6: Op.i32_lt_u,
  7: Op.i32_ge_u,
};
const OP_IMM: Record<number, number> = {
  0: Op.i32_add,
  1: Op.i32_shl,
  2: Op.i32_lt_s,
  3: Op.i32_lt_u,
  4: Op.i32_xor,
  6: Op.i32_or,
  7: Op.i32_and,
};
const OP: Record<number, number> = { ...OP_IMM, 5: Op.i32_shr_u };

/** The function being written, and the block being written in it. */
class Emit extends Code {
  readonly used = new Set<number>();
  readonly written = new Set<number>();
  /**
   * The levels of the function's outer block (exits), the block whose end leaves the chunk for
   * another (see leave()), and the loop (jumps inside the chunk).
   */
  exitLevel = 0;
  leaveLevel = 0;
  runLevel = 0;
  /**
   * By word, for each compiled block: the level of the WebAssembly block whose end a forward
   * branch goes to (its code starts there), and of the one the dispatch goes to (just before: its
   * budget check when entered that way). And the word the block being written starts at.
   */
  readonly blockLevel = new Map<number, number>();
  readonly entryLevel = new Map<number, number>();
  start = 0;
  /** The budget checks (budgetChecks). */
  checks: Checks = { bound: new Map(), always: new Set() };
  /** The blocks the dispatch can enter (flow.ts dispatchEntries). */
  entries = new Set<number>();
  /** The number of each block a jump back goes to, for the dispatch's small table. */
  readonly backId = new Map<number, number>();
  /** The level of the WebAssembly loop of the loop being written (LoopRegion), by its head. */
  readonly loopLevel = new Map<number, number>();
  /** Instructions, loads and stores of the block before the current instruction. */
  i = 0;
  loads = 0;
  stores = 0;
  /** Whether the block has set t, the LRU time of its first data access (2 × tick + 1). */
  timed = false;
  /** How loads and stores find physical addresses (plan.ts Addressing). */
  addressing: Addressing = Addressing.Tlb;
  readonly chunkWords: number;
  readonly chunkBytes: number;
  /** Where RAM starts in the arena, and its size. */
  readonly ram: number;
  readonly ramSize: number;

  constructor(chunkWords: number, ram: number, ramSize: number) {
    super();
    this.chunkWords = chunkWords;
    this.chunkBytes = chunkWords * 4;
    this.ram = ram;
    this.ramSize = ramSize;
  }

  /**
   * Whether loads and stores stamp their TLB entry's LRU time: not where the MMU has no TLB in use
   * (bare, base-limit and segmented modes: their fast-table words all name NO_TLB_SLOT, whose
   * stamp nobody reads).
   */
  get stamps(): boolean {
    return this.addressing === Addressing.Tlb;
  }

  /** Pushes guest register r (x0 reads as 0). */
  reg(r: number): this {
    if (r === 0) return this.i32(0);
    this.used.add(r);
    return this.get(REG + r);
  }

  /** Writes guest register rd with the value on the stack (x0: drops it). */
  assign(rd: number): this {
    if (rd === 0) return this.op(Op.drop);
    this.used.add(rd);
    this.written.add(rd);
    return this.set(REG + rd);
  }

  /** Adds `by` to counter local `local`. */
  add(local: number, by: number): this {
    if (by !== 0) this.get(local).i32(by).op(Op.i32_add).set(local);
    return this;
  }

  /** Pushes the virtual address `offset` bytes from the chunk's first word. */
  address(offset: number): this {
    return this.get(BASE).plus(offset);
  }

  /** Adds `n` to the i32 on the stack (nothing to write for 0: V8's baseline compiler would). */
  plus(n: number): this {
    return n === 0 ? this : this.i32(n).op(Op.i32_add);
  }
}

/** Pushes the tick of the block's first instruction (as an f64: K + n = KL - R). */
function tick(e: Emit): Emit {
  return e.get(KL).get(R).op(Op.f64_convert_i32_s, Op.f64_sub);
}

/** Pushes n, the instructions counted so far (LEFT - R). */
function counted(e: Code): void {
  e.get(LEFT).get(R).op(Op.i32_sub);
}

/** Ends the run with pc at word `w` of the chunk and exit `code`, having counted what it says. */
function exitTo(e: Emit, w: number, code: number, i: number, loads: number, stores: number): void {
  e.add(R, -i).add(LD, loads).add(ST, stores);
  e.address(4 * w).set(PC);
  e.i32(code).set(CODE).br(e.exitLevel);
}

/**
 * Leaves the chunk for virtual address pc (the local, set): into the function of the page there
 * if it can (see wasmChunk), else the run ends with EXIT_JUMP.
 */
function leave(e: Emit): void {
  e.br(e.leaveLevel);
}

/** Ends the run before the current instruction (at word `w`) with exit `code`. */
function exitBefore(e: Emit, w: number, code: number): void {
  exitTo(e, w, code, e.i, e.loads, e.stores);
}

/** Ends the run as exitBefore does if the i32 on the stack is not zero. */
function exitBeforeIf(e: Emit, w: number, code: number): void {
  e.open(Op.if);
  exitBefore(e, w, code);
  e.end();
}

/** Adds the whole block's counts (before its last instruction's jump). */
function countBlock(e: Emit, length: number): void {
  e.add(R, -length).add(LD, e.loads).add(ST, e.stores);
}

/**
 * Goes to word `t` of this chunk, or (t = -1) leaves it with pc at word `wordOffset`. A compiled
 * block further on is a branch straight to it (its WebAssembly block is still open); any other
 * word goes back to the loop's br_table.
 */
function goTo(e: Emit, t: number, wordOffset: number): void {
  const level = e.blockLevel.get(t);
  const back = e.backId.get(t);
  const loop = e.loopLevel.get(t);
  if (level !== undefined && t > e.start) e.br(level);
  else if (loop !== undefined) e.br(loop);
  else if (back !== undefined)
    e.i32(e.chunkWords + back)
      .set(W)
      .br(e.runLevel);
  else if (t >= 0) e.i32(t).set(W).br(e.runLevel);
  else if (wordOffset >= 0 && wordOffset < e.chunkWords) exitTo(e, wordOffset, EXIT_JUMP, 0, 0, 0);
  else {
    e.address(4 * wordOffset).set(PC);
    leave(e);
  }
}

/** Ends the run before the block at `start` if the budget left is less than `bound`. */
function checkBudget(e: Emit, start: number, bound: number): void {
  if (bound === 0) return;
  e.get(R).i32(bound).op(Op.i32_lt_s);
  e.open(Op.if);
  exitTo(e, start, EXIT_BUDGET, 0, 0, 0);
  e.end();
}

/** Pushes (with the two operands pushed) the value of OP `f7`/`f3`, encoding already checked. */
function opValue(e: Emit, f7: number, f3: number, rs1: number, rs2: number): void {
  if (f7 !== Funct7.MulDiv) {
    e.reg(rs1).reg(rs2);
    if (f7 === Funct7.Alt) e.op(f3 === 0 ? Op.i32_sub : Op.i32_shr_s);
    else e.op(OP[f3]!);
    return;
  }
  if (f3 === 0) {
    e.reg(rs1).reg(rs2).op(Op.i32_mul);
    return;
  }
  if (f3 <= 3) {
    // The high word of the 64-bit product: mulh (signed), mulhsu, mulhu.
    e.reg(rs1).op(f3 === 3 ? Op.i64_extend_i32_u : Op.i64_extend_i32_s);
    e.reg(rs2).op(f3 === 1 ? Op.i64_extend_i32_s : Op.i64_extend_i32_u);
    e.op(Op.i64_mul, 0x42, 32, Op.i64_shr_u, Op.i32_wrap_i64); // 0x42 32: i64.const 32
    return;
  }
  // Division by zero gives all ones (div, divu) or the dividend (rem, remu); div's overflow gives
  // the dividend (WebAssembly would trap); rem's gives 0, as WebAssembly's rem_s does.
  e.reg(rs2).op(Op.i32_eqz);
  e.open(Op.if, I32);
  if (f3 <= 5) e.i32(-1);
  else e.reg(rs1);
  e.op(Op.else);
  if (f3 === 4) {
    e.reg(rs1).i32(INT_MIN).op(Op.i32_eq).reg(rs2).i32(-1).op(Op.i32_eq, Op.i32_and);
    e.open(Op.if, I32);
    e.i32(INT_MIN).op(Op.else).reg(rs1).reg(rs2).op(Op.i32_div_s);
    e.end();
  } else {
    e.reg(rs1).reg(rs2).op([0, 0, 0, 0, 0, Op.i32_div_u, Op.i32_rem_s, Op.i32_rem_u][f3]!);
  }
  e.end();
}

/**
 * A load or store at word `w`: through the fast table, or the MMU's translate on a miss. A
 * misaligned access, or a fast store into a compiled word, exits before it for the interpreter.
 */
function memory(e: Emit, inst: number, w: number, store: boolean): void {
  const rs1 = (inst >> 15) & 31;
  const rd = (inst >> 7) & 31;
  const imm = store ? ((inst >> 20) & -32) | ((inst >> 7) & 31) : inst >> 20;
  const [code, size] = (store ? STORES : LOADS)[(inst >> 12) & 7]!;
  /** The access itself, at the physical address in local `at`. */
  const access = (at: number): void => {
    if (store)
      e.get(at)
        .reg((inst >> 20) & 31)
        .mem(code, size, e.ram);
    else if (rd !== 0) e.get(at).mem(code, size, e.ram).assign(rd);
  };
  if (!e.timed && e.stamps) {
    tick(e).f64(2).op(Op.f64_mul);
    e.f64(1).op(Op.f64_add).set(T);
  }
  e.timed = true;
  e.reg(rs1).plus(imm).set(VA);
  if (size > 1) {
    e.get(VA)
      .i32(size - 1)
      .op(Op.i32_and);
    exitBeforeIf(e, w, EXIT_INTERP);
  }
  if (e.addressing === Addressing.Identity) {
    identityMemory(e, w, store, size, access);
    return;
  }
  e.get(VA).i32(12).op(Op.i32_shr_u).i32(2).op(Op.i32_shl);
  e.mem(Op.i32_load, 4, store ? Layout.STORE : Layout.LOAD).set(E);
  e.get(E);
  e.open(Op.if);
  e.get(E).i32(-4096).op(Op.i32_and).get(VA).op(Op.i32_xor).set(PA);
  if (store) exitIfCode(e, w, PA);
  if (e.stamps) {
    e.get(E).i32(4095).op(Op.i32_and).i32(3).op(Op.i32_shl);
    e.get(T)
      .f64(2 * e.i)
      .op(Op.f64_add)
      .mem(Op.f64_store, 8, Layout.STAMPS);
  }
  e.op(Op.else);
  slowPath(e, w, store, size, access);
  e.end();
  access(PA);
  if (store) e.stores++;
  else e.loads++;
}

/**
 * A store at word `w` to physical address `local` into a word compiled code was made from: the
 * run ends before it, and the interpreter does it (and drops the code). Its word of bits, for 32
 * words of RAM, is nearly always 0: only where it is not is the bit itself looked at.
 */
function exitIfCode(e: Emit, w: number, local: number): void {
  e.get(local).i32(7).op(Op.i32_shr_u).i32(2).op(Op.i32_shl).mem(Op.i32_load, 4, Layout.CODE_WORDS);
  e.tee(CW);
  e.open(Op.if);
  e.get(CW).get(local).i32(2).op(Op.i32_shr_u, Op.i32_shr_u).i32(1).op(Op.i32_and);
  exitBeforeIf(e, w, EXIT_INTERP);
  e.end();
}

/**
 * A load or store's slow path, with its virtual address in VA: the MMU's own translation, as the
 * interpreter's, into PA. On a fault the run ends before the instruction; if the translation
 * evicted the fetch page's entry, or the store hit compiled code, the access is made (`access`)
 * and the run ends after it.
 */
function slowPath(
  e: Emit,
  w: number,
  store: boolean,
  size: number,
  access: (at: number) => void,
): void {
  e.get(VA).i32(store ? Access.Store : Access.Load);
  if (e.stamps)
    e.get(T)
      .f64(2 * e.i)
      .op(Op.f64_add);
  else
    tick(e)
      .f64(2)
      .op(Op.f64_mul)
      .f64(2 * e.i + 1)
      .op(Op.f64_add);
  e.i32(size).call(0);
  e.set(PA);
  e.get(PA).i32(0).op(Op.i32_lt_s);
  exitBeforeIf(e, w, EXIT_FAULT);
  e.i32(0).mem(Op.i32_load, 4, Layout.EVENT);
  e.open(Op.if);
  e.i32(0).i32(0).mem(Op.i32_store, 4, Layout.EVENT);
  access(PA);
  exitTo(e, w + 1, EXIT_JUMP, e.i + 1, e.loads + (store ? 0 : 1), e.stores + (store ? 1 : 0));
  e.end();
}

/**
 * The rest of memory() where the physical address is the virtual one in VA, aligned
 * (Addressing.Identity: the MMU is bare). An access inside RAM goes straight there; the
 * interpreter does one past its end (a bus error), from before the instruction. (Alignment and
 * range are not one compare of the address rotated by log2(size): V8's baseline compiler calls
 * out to C for a rotate.) No fast-table word is read, so a store does not see an lr.w
 * reservation (which drops its page's store word, sending the interpreter's stores there to the
 * slow path): the engine runs no such function while one is held (runCompiled).
 */
function identityMemory(
  e: Emit,
  w: number,
  store: boolean,
  size: number,
  access: (at: number) => void,
): void {
  e.get(VA)
    .i32((e.ramSize - size + 1) | 0)
    .op(Op.i32_ge_u);
  exitBeforeIf(e, w, EXIT_INTERP);
  if (store) exitIfCode(e, w, VA);
  access(VA);
  if (store) e.stores++;
  else e.loads++;
}

/** One straight-line instruction at word `w`. */
function plain(e: Emit, inst: number, w: number): void {
  const rd = (inst >> 7) & 31;
  const f3 = (inst >> 12) & 7;
  const rs1 = (inst >> 15) & 31;
  switch (inst & 0x7f) {
    case Opcode.OpImm: {
      if (rd === 0) return;
      const imm = inst >> 20;
      if (f3 === 0 && rs1 === 0) {
        e.i32(imm).assign(rd); // li
        return;
      }
      e.reg(rs1);
      if (f3 === 1) e.i32(imm & 31).op(Op.i32_shl);
      else if (f3 === 5) e.i32(imm & 31).op(imm & 0x400 ? Op.i32_shr_s : Op.i32_shr_u);
      else if (f3 === 0) e.plus(imm);
      else e.i32(imm).op(OP_IMM[f3]!);
      e.assign(rd);
      return;
    }
    case Opcode.Op:
      if (rd === 0) return;
      opValue(e, inst >>> 25, f3, rs1, (inst >> 20) & 31);
      e.assign(rd);
      return;
    case Opcode.Load:
      memory(e, inst, w, false);
      return;
    case Opcode.Store:
      memory(e, inst, w, true);
      return;
    case Opcode.Lui:
      if (rd !== 0) e.i32(inst & -4096).assign(rd);
      return;
    case Opcode.Auipc:
      if (rd !== 0) e.address((w * 4 + (inst & -4096)) | 0).assign(rd);
      return;
    default:
      return; // fence, fence.i: memory is coherent and in order here
  }
}

/** The code of one block, starting at word `start` (codegen.ts block(), in WebAssembly). */
function block(words: Int32Array, plan: ChunkPlan, start: number, e: Emit): void {
  const { end, length, loops } = shape(words, plan, start);
  e.i = 0;
  e.loads = 0;
  e.stores = 0;
  e.timed = false;
  e.start = start;
  const loop = loops ? e.open(Op.loop) : 0;
  if (e.checks.always.has(start)) checkBudget(e, start, e.checks.bound.get(start)!);
  for (let w = start; w < end; w++, e.i++) {
    const inst = words[w]!;
    const kind = kindOf(inst);
    if (kind === Plain) {
      plain(e, inst, w);
      continue;
    }
    if (kind === Special) {
      exitBefore(e, w, EXIT_INTERP);
      return;
    }
    const rd = (inst >> 7) & 31;
    if (kind === Jalr) {
      // The target first: rd may be rs1.
      e.reg((inst >> 15) & 31)
        .plus(inst >> 20)
        .i32(-2)
        .op(Op.i32_and)
        .set(VA);
      e.get(VA).i32(3).op(Op.i32_and);
      exitBeforeIf(e, w, EXIT_INTERP);
      if (rd !== 0) e.address(w * 4 + 4).assign(rd);
      countBlock(e, length);
      e.get(VA).get(BASE).op(Op.i32_sub).i32(e.chunkBytes).op(Op.i32_lt_u);
      e.open(Op.if);
      e.get(VA).get(BASE).op(Op.i32_sub).i32(2).op(Op.i32_shr_s).set(W).br(e.runLevel);
      e.end();
      e.get(VA).set(PC);
      leave(e);
      return;
    }
    const t = targetWord(inst, kind, w, words.length);
    const off = kind === Branch ? branchOffset(inst) : jumpOffset(inst);
    const away = w + (off >> 2);
    if (kind === Jal) {
      if (rd !== 0) e.address(w * 4 + 4).assign(rd);
      countBlock(e, length);
      goTo(e, t, away);
      return;
    }
    countBlock(e, length);
    e.reg((inst >> 15) & 31)
      .reg((inst >> 20) & 31)
      .op(BRANCH_OPS[(inst >> 12) & 7]!);
    if (loops) {
      e.br(loop, Op.br_if).end();
      return;
    }
    e.open(Op.if);
    goTo(e, t, away);
    e.end();
    return; // not taken: fall into the next block, the word after
  }
  countBlock(e, length);
}

/** Where a chunk function finds the machine in the arena (hw/arena.ts), and what it may do. */
export interface WasmTarget {
  /** Where RAM starts, its size, and where the table of compiled functions by physical page is. */
  ram: number;
  ramSize: number;
  pageFunctions: number;
  /**
   * Whether a jump to another page goes on into that page's function, if it has one (a tail call
   * through the table the engine keeps: no WebAssembly stack grows), rather than back to the
   * engine. Needs WebAssembly's tail calls.
   */
  chain: boolean;
}

/** A chunk's WebAssembly module, and the words its function can be entered at (1: yes). */
export interface WasmChunk {
  bytes: Uint8Array;
  enter: Uint8Array;
}

/**
 * The WebAssembly module for a chunk of `words` with blocks `plan`, of which those in `include`
 * are compiled, for `target`: it imports the arena's memory as e.m, the slow path as e.tr and (to
 * chain) the table of functions as e.t, and exports the chunk function as f. Its loads and stores
 * find physical addresses as `addressing` says (the MMU's mode must be one it is right for). The
 * blocks in `wanted` can be entered, besides those dispatchEntries picks.
 */
export function wasmChunk(
  words: Int32Array,
  plan: ChunkPlan,
  include: Uint8Array,
  target: WasmTarget,
  addressing: Addressing = Addressing.Tlb,
  wanted: Uint8Array = new Uint8Array(words.length),
): WasmChunk {
  const chunkWords = words.length;
  const e = new Emit(chunkWords, target.ram, target.ramSize);
  e.addressing = addressing;
  const blocks: number[] = [];
  for (let w = 0; w < chunkWords; w++) if (plan.labels[w] && include[w]) blocks.push(w);
  const loops = loopRegions(words, plan, blocks, include);
  const regions = new Map(loops.map((r) => [r.head, r]));
  /** The loop each block inside one (not its head) is in. */
  const inLoop = new Map<number, LoopRegion>();
  for (const r of regions.values()) for (const b of r.blocks) inLoop.set(b, r);
  e.checks = budgetChecks(words, plan, blocks, regions.keys());
  const entries = dispatchEntries(words, plan, blocks, include, loops, e.checks.always, wanted);
  e.entries = entries;
  // The blocks jumps back go to (loop heads, mostly) get numbers of their own: V8's baseline
  // compiler turns a br_table into a binary search, and a small table is quicker to search.
  for (const start of blocks) {
    const { target, loops } = shape(words, plan, start);
    if (target >= 0 && target <= start && !loops && include[target] && !e.backId.has(target))
      e.backId.set(target, e.backId.size);
  }
  // The dispatch: W is a word, or (chunkWords + n) the block numbered n above. Each block has a
  // WebAssembly block a branch forward goes to the end of; one the dispatch enters (entries) has
  // a second inside it, whose end the dispatch goes to, where the budget check is.
  e.exitLevel = e.open(Op.block);
  e.leaveLevel = e.open(Op.block);
  e.runLevel = e.open(Op.loop);
  // A loop's blocks are entered from its start, so their dispatch entries are beside its head's
  // (inside the outer block of the head); their outer blocks are opened inside the loop.
  for (let j = blocks.length - 1; j >= 0; j--) {
    const w = blocks[j]!;
    if (inLoop.has(w)) continue;
    e.blockLevel.set(w, e.open(Op.block));
    const inner = regions.get(w)?.blocks ?? [];
    for (let k = inner.length - 1; k >= 0; k--)
      if (entries.has(inner[k]!)) e.entryLevel.set(inner[k]!, e.open(Op.block));
    if (entries.has(w)) e.entryLevel.set(w, e.open(Op.block));
  }
  const other = e.open(Op.block); // the default: a word that starts no compiled block
  if (e.backId.size > 0) {
    const words = e.open(Op.block);
    const back = [...e.backId.keys()].map((t) => e.entryLevel.get(t)!);
    e.get(W).i32(chunkWords).op(Op.i32_sub).brTable(back, words);
    e.end();
  }
  const targets = Array.from(words, (_, w) => e.entryLevel.get(w) ?? other);
  e.get(W).brTable(targets, other);
  e.end();
  e.get(BASE).get(W).i32(2).op(Op.i32_shl, Op.i32_add).set(PC);
  e.i32(EXIT_JUMP).set(CODE).br(e.exitLevel);
  for (const w of blocks) {
    const loop = inLoop.get(w);
    const region = regions.get(w);
    if (loop === undefined) {
      if (entries.has(w)) {
        e.end();
        if (!e.checks.always.has(w)) checkBudget(e, w, e.checks.bound.get(w)!);
      }
      if (region !== undefined) enterLoop(e, region);
      else e.end();
    } else {
      e.end();
    }
    block(words, plan, w, e);
    // A block that can fall through to one left out ends the run there.
    const next = w + plan.runTo[w]!;
    if (next < chunkWords && !include[next]) goTo(e, -1, next);
    if (loop !== undefined && w === loop.blocks[loop.blocks.length - 1]) {
      e.end();
      e.loopLevel.delete(loop.head);
      for (const b of loop.blocks) e.blockLevel.delete(b);
    }
  }
  goTo(e, -1, chunkWords); // falling off the last block: the next chunk
  e.end().end();
  // Leaving the chunk, with pc set.
  e.i32(EXIT_JUMP).set(CODE);
  if (target.chain) chain(e, target.pageFunctions);
  e.end();
  // The body above is the function's middle: load the registers it uses first, then save those
  // it writes and the results.
  const body = new Bytes();
  const head = new Code();
  head.get(LEFT).get(R).op(Op.i32_sub).set(R);
  head.get(K).get(LEFT).op(Op.f64_convert_i32_s, Op.f64_add).set(KL);
  for (const r of [...e.used].sort((a, b) => a - b)) {
    head
      .i32(0)
      .mem(Op.i32_load, 4, Layout.X + 4 * r)
      .set(REG + r);
  }
  body.bytes(head.bytes.view()).bytes(e.bytes.view());
  const tail = new Code();
  saveRegisters(tail, e.written);
  tail.i32(0);
  counted(tail);
  tail.mem(Op.i32_store, 4, Layout.OUT);
  [LD, ST, PC, VA].forEach((local, k) => {
    tail
      .i32(0)
      .get(local)
      .mem(Op.i32_store, 4, Layout.OUT + 4 * (k + 1));
  });
  tail.get(CODE);
  body.bytes(tail.bytes.view());
  const bytes = moduleOf({
    types: [CHUNK_TYPE, SLOW_TYPE],
    imports: [["tr", 1]],
    table: target.chain,
    locals: LOCALS,
    body,
  });
  const enter = new Uint8Array(chunkWords);
  for (const w of entries) enter[w] = 1;
  return { bytes, enter };
}

/**
 * Just after the dispatch's entry to loop `region`'s head: the entries to those of its other
 * blocks that have one (each checks the budget, sets SKIP and goes to the loop's start), the end
 * of the head's outer block (where branches forward to the head arrive), and the loop's start,
 * which goes on to the block SKIP names (resetting it), if any block but the head has an entry.
 */
function enterLoop(e: Emit, region: LoopRegion): void {
  const head = region.head;
  const outer = e.blockLevel.get(head)!;
  let entered = false;
  region.blocks.forEach((b, k) => {
    if (!e.entries.has(b)) return;
    entered = true;
    e.br(outer);
    e.end();
    if (!e.checks.always.has(b)) checkBudget(e, b, e.checks.bound.get(b)!);
    e.i32(k + 1).set(SKIP);
  });
  e.end();
  e.loopLevel.set(head, e.open(Op.loop));
  for (let k = region.blocks.length - 1; k >= 0; k--)
    e.blockLevel.set(region.blocks[k]!, e.open(Op.block));
  if (!entered) return; // entered only at its head: no SKIP to look at on every turn
  e.get(SKIP);
  e.open(Op.if);
  e.get(SKIP).i32(0).set(SKIP).i32(1).op(Op.i32_sub);
  const levels = region.blocks.map((b) => e.blockLevel.get(b)!);
  e.brTable(levels, levels[0]!);
  e.end();
}

/** Writes the guest registers in `written` back to the arena. */
function saveRegisters(code: Code, written: Set<number>): void {
  for (const r of [...written].sort((a, b) => a - b)) {
    code
      .i32(0)
      .get(REG + r)
      .mem(Op.i32_store, 4, Layout.X + 4 * r);
  }
}

/**
 * Goes on at pc in the function of its page, if it has one: as the engine's dispatcher would call
 * it (runCompiled), with the counts so far. Its page must be in the fast fetch table (the fetch's
 * permission checked), and the engine must have put its function in the table of functions by
 * page (it does so when it calls a function, and takes it out whenever it must look at the chunk
 * again first); and some budget must be left. Like the dispatcher, it stamps the LRU time of the
 * last fetch in the page it leaves and of the first in the page it enters. Otherwise it falls
 * through (the run ends with pc there).
 */
function chain(e: Emit, pageFunctions: number): void {
  const level = e.exitLevel;
  // Not with the budget used up: the page entered would be stamped as fetched from, and it is not.
  e.get(R).i32(1).op(Op.i32_lt_s).br(level, Op.br_if);
  e.get(PC).i32(12).op(Op.i32_shr_u).i32(2).op(Op.i32_shl).mem(Op.i32_load, 4, Layout.FETCH);
  e.tee(E);
  e.op(Op.i32_eqz).br(level, Op.br_if);
  e.get(E).i32(-4096).op(Op.i32_and).get(PC).op(Op.i32_xor).set(PA);
  e.get(PA).i32(12).op(Op.i32_shr_u).i32(2).op(Op.i32_shl).mem(Op.i32_load, 4, pageFunctions);
  e.tee(VA);
  e.op(Op.i32_eqz).br(level, Op.br_if);
  // The tick of the next instruction is K + n: the page left was last fetched from one before.
  e.i32(0).mem(Op.i32_load, 4, Layout.FETCH_SLOT).i32(3).op(Op.i32_shl);
  tick(e).f64(2).op(Op.f64_mul).f64(-2).op(Op.f64_add);
  e.mem(Op.f64_store, 8, Layout.STAMPS);
  e.i32(0).get(E).i32(4095).op(Op.i32_and).mem(Op.i32_store, 4, Layout.FETCH_SLOT);
  e.get(E).i32(4095).op(Op.i32_and).i32(3).op(Op.i32_shl);
  tick(e).f64(2).op(Op.f64_mul);
  e.mem(Op.f64_store, 8, Layout.STAMPS);
  saveRegisters(e, e.written);
  e.get(PA).i32(4095).op(Op.i32_and).i32(2).op(Op.i32_shr_u);
  e.get(PC).i32(-4096).op(Op.i32_and);
  e.get(K).get(LEFT);
  counted(e);
  e.get(LD).get(ST);
  e.get(VA).returnCallIndirect(0);
}
