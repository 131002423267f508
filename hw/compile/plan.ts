// Planning a chunk of guest code for the compiler (codegen.ts): which words are instructions it
// compiles, which are left to the interpreter, and where basic blocks start and end.
import { branchOffset, jumpOffset } from "../alu.js";
import * as isa from "../isa.js";

const { Funct7, Opcode } = isa;

/**
 * Words in a chunk (a power of two dividing the 1024 words of a 4 KiB page), by what the chunk
 * is compiled to: WebAssembly takes whole pages, JavaScript 64 words (docs/engine.md says why).
 */
export const CHUNK_WORDS = { wasm: 1024, js: 64 } as const;

/**
 * How a chunk function's loads and stores find their physical addresses, chosen by the MMU's mode
 * when it is made (CodeCache.addressingNow) and part of it, so a change of mode recompiles it:
 * - Tlb (paged): through the fast tables, stamping the TLB entry's LRU time;
 * - Tables (base-limit, segmented): through the fast tables, whose words name no TLB entry, so
 *   nothing to stamp;
 * - Identity (bare): the physical address is the virtual one, checked against RAM's size inline,
 *   with no table to read (a store still reads the store table, where a held lr.w reservation
 *   sends it to the slow path). (The JavaScript backend reads the tables and stamps in every mode:
 *   the same results, more slowly.)
 */
export const Addressing = { Tlb: 0, Tables: 1, Identity: 2 } as const;
export type Addressing = (typeof Addressing)[keyof typeof Addressing];

/** What a word is to the compiler. */
export const Kinds = { Plain: 0, Branch: 1, Jal: 2, Jalr: 3, Special: 4 } as const;
export type Kind = (typeof Kinds)[keyof typeof Kinds];
const { Plain, Branch, Jal, Jalr, Special } = Kinds;

/** A chunk's blocks: where they start, and how far each word is from the end of its block. */
export interface ChunkPlan {
  /** 1 where a block starts (the function can be entered there). */
  labels: Uint8Array;
  /** For each word, the words from it to the end of its block (at least 1). */
  runTo: Uint16Array;
}

/**
 * How the compiler treats `inst`: only encodings the interpreter executes without a trap on every
 * path are compiled; anything doubtful is Special (the interpreter decides).
 */
export function kindOf(inst: number): Kind {
  const f3 = (inst >> 12) & 7;
  const f7 = inst >>> 25;
  switch (inst & 0x7f) {
    case Opcode.OpImm:
      if (f3 === 1 && f7 !== Funct7.Base) return Special;
      if (f3 === 5 && f7 !== Funct7.Base && f7 !== Funct7.Alt) return Special;
      return Plain;
    case Opcode.Op:
      if (f7 === Funct7.Base || f7 === Funct7.MulDiv) return Plain;
      if (f7 === Funct7.Alt && (f3 === 0 || f3 === 5)) return Plain;
      return Special;
    case Opcode.Load:
      return f3 === 3 || f3 > 5 ? Special : Plain;
    case Opcode.Store:
      return f3 > 2 ? Special : Plain;
    case Opcode.Branch:
      return f3 === 2 || f3 === 3 || branchOffset(inst) & 3 ? Special : Branch;
    case Opcode.Jal:
      return jumpOffset(inst) & 3 ? Special : Jal;
    case Opcode.Jalr:
      return f3 === 0 ? Jalr : Special;
    case Opcode.Lui:
    case Opcode.Auipc:
      return Plain;
    case Opcode.MiscMem:
      return f3 > 1 ? Special : Plain;
    default:
      return Special;
  }
}

/** The word a branch or jal at word `w` goes to, if inside a chunk of `size` words; -1 if not. */
export function targetWord(inst: number, kind: Kind, w: number, size: number): number {
  const off = kind === Branch ? branchOffset(inst) : jumpOffset(inst);
  const t = w + (off >> 2);
  return t >= 0 && t < size ? t : -1;
}

/**
 * Finds the blocks of `words`: a block starts at word 0, after every branch, jump or special
 * instruction, at every target of a branch or jal inside the chunk, and at each of `entries`.
 */
export function planChunk(words: Int32Array, entries: Iterable<number> = []): ChunkPlan {
  const size = words.length;
  const labels = new Uint8Array(size);
  labels[0] = 1;
  for (const w of entries) labels[w] = 1;
  for (let w = 0; w < size; w++) {
    const inst = words[w]!;
    const kind = kindOf(inst);
    if (kind === Plain) continue;
    if (w + 1 < size) labels[w + 1] = 1;
    if (kind === Branch || kind === Jal) {
      const t = targetWord(inst, kind, w, size);
      if (t >= 0) labels[t] = 1;
    }
  }
  const runTo = new Uint16Array(size);
  let end = size;
  for (let w = size - 1; w >= 0; w--) {
    runTo[w] = end - w;
    if (labels[w]) end = w;
  }
  return { labels, runTo };
}
