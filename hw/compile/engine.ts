// The compiling engine: guest code runs as JavaScript functions compiled from it (codegen.ts), one
// per chunk of a physical page, with the interpreter (cpu.ts) doing everything the compiled code
// leaves to it. The contract is exactness: for any program, the same registers, memory, counters,
// TLB contents and LRU stamps, traps and schedule as the interpreter alone.
//
// Why it is exact. A run of the interpreter may be cut anywhere into shorter runs with the same
// result (the kernel already relies on this: quanta, single steps). The dispatcher below cuts the
// run into pieces: compiled calls, each one a run inside one chunk that starts at a block and does
// only what the interpreter's fast path would, and interpreter runs for everything else. A
// compiled call enters and leaves the fetch page the way the interpreter's run() does.
//
// Stale code. Compiled code is found by physical address, so a new mapping (munmap, mprotect,
// execve, a swapped page back in another frame, another address space or ASID) simply finds other
// code or none. What must not happen is running a chunk whose words have changed:
// - the CPU's own stores (compiled or interpreted) to a page holding compiled code go through
//   the slow check in codePages and drop that page's chunks (self-modifying code, a JIT);
// - anything else that writes memory is the kernel, which runs only between runs after a trap:
//   after every trap the epoch moves on, and a chunk from an older epoch is compared word by word
//   with memory before it runs again.

import * as alu from "../alu.js";
import type { Cpu } from "../cpu.js";
import { PAGE_SHIFT } from "../ram.js";
import type { Trap } from "../trap.js";
import {
  CHUNK_BYTES,
  CHUNK_WORDS,
  type ChunkPlan,
  EXIT_BUDGET,
  EXIT_INTERP,
  generateChunk,
  planChunk,
} from "./codegen.js";

/** After this many chunks the cache is emptied rather than grown (a chunk holds one function). */
const MAX_CHUNKS = 8192;
/** Entering a chunk between its blocks this often makes the word a block start (a recompile). */
const HOT_ENTRY = 8;

type ChunkFunction = (w: number, base: number, K: number, left: number) => number;

interface Chunk {
  fn: ChunkFunction;
  plan: ChunkPlan;
  /** The words compiled, to compare with memory after the kernel has run. */
  words: Int32Array;
  /** The epoch it was last known to match memory. */
  epoch: number;
  /** Extra block starts, and how often other mid-block words were entered. */
  entries: Set<number>;
  misses: Map<number, number>;
}

export class CodeCache {
  /** Per physical page: 1 if any chunk was compiled from it (stores there take the slow check);
   * the CPU's array, which its interpreter checks too. */
  readonly codePages: Uint8Array;
  /** The function's results: instructions, loads, stores, next pc. */
  readonly out = new Float64Array(4);
  /** Moves on after every trap (the kernel may have written memory). */
  epoch = 0;
  /** Chunks compiled, and compiles that found changed words (for the benchmark). */
  compiled = 0;
  private readonly chunks = new Map<number, Chunk>();
  private readonly cpu: Cpu;
  private readonly make: (source: string) => ChunkFunction;

  constructor(cpu: Cpu) {
    this.cpu = cpu;
    const ram = cpu.ram;
    this.codePages = cpu.codePages;
    const { u8, i8, u16, i16, i32 } = ram;
    const fast = cpu.mmu.fast;
    const env = {
      x: cpu.x,
      u8,
      i8,
      u16,
      i16,
      i32,
      fR: fast.load,
      fW: fast.store,
      stamps: fast.lruStamps,
      cm: this.codePages,
      out: this.out,
      opReg: alu.opReg,
    };
    const names = Object.keys(env);
    const values = Object.values(env);
    this.make = (source) => new Function(...names, source)(...values) as ChunkFunction;
  }

  /** Forgets the chunks of physical page `ppn` (a store is about to change it). */
  dropPage(ppn: number): void {
    this.codePages[ppn] = 0;
    const first = (ppn << PAGE_SHIFT) / CHUNK_BYTES;
    for (let c = first; c < first + (1 << PAGE_SHIFT) / CHUNK_BYTES; c++) this.chunks.delete(c);
  }

  /** Forgets every chunk. */
  clear(): void {
    this.chunks.clear();
    this.codePages.fill(0);
  }

  /** The chunk holding physical address `pa`, compiled now if it is new or its words changed. */
  chunkAt(pa: number): Chunk {
    const key = (pa / CHUNK_BYTES) | 0;
    const chunk = this.chunks.get(key);
    if (chunk !== undefined) {
      if (chunk.epoch === this.epoch) return chunk;
      if (sameWords(chunk.words, this.cpu.ram.i32, (key * CHUNK_BYTES) >>> 2)) {
        chunk.epoch = this.epoch;
        return chunk;
      }
    }
    return this.compile(key, new Set());
  }

  /**
   * Chunk `chunk` (at `pa`) was entered at word `w`, which starts no block: counts it, and after
   * HOT_ENTRY such entries recompiles with a block starting there. Returns the chunk to use.
   */
  enteredMidBlock(chunk: Chunk, pa: number, w: number): Chunk {
    const seen = (chunk.misses.get(w) ?? 0) + 1;
    chunk.misses.set(w, seen);
    if (seen < HOT_ENTRY) return chunk;
    chunk.entries.add(w);
    return this.compile((pa / CHUNK_BYTES) | 0, chunk.entries);
  }

  private compile(key: number, entries: Set<number>): Chunk {
    if (this.chunks.size >= MAX_CHUNKS) this.clear();
    const first = (key * CHUNK_BYTES) >>> 2;
    const words = this.cpu.ram.i32.slice(first, first + CHUNK_WORDS);
    const plan = planChunk(words, entries);
    const fn = this.make(generateChunk(words, plan));
    const chunk: Chunk = { fn, plan, words, epoch: this.epoch, entries, misses: new Map() };
    this.chunks.set(key, chunk);
    this.codePages[(key * CHUNK_BYTES) >>> PAGE_SHIFT] = 1;
    this.compiled++;
    return chunk;
  }
}

function sameWords(words: Int32Array, memory: Int32Array, first: number): boolean {
  for (let i = 0; i < words.length; i++) if (words[i] !== memory[first + i]) return false;
  return true;
}

/**
 * Runs `cpu` like Cpu.interpret(budget) (the same result in every respect), compiled code where
 * it can and the interpreter for the rest.
 */
export function runCompiled(cpu: Cpu, cache: CodeCache, budget: number): Trap | null {
  const fast = cpu.mmu.fast;
  const fetch = fast.fetch;
  const out = cache.out;
  let done = 0;
  while (done < budget) {
    const pc = cpu.pc;
    const word = (pc & 3) === 0 ? fetch[pc >>> 12]! : 0;
    let steps = 1;
    if (word !== 0) {
      const pa = (word & -4096) ^ pc;
      let chunk = cache.chunkAt(pa);
      const w = (pa >>> 2) & (CHUNK_WORDS - 1);
      const left = budget - done;
      if (chunk.plan.labels[w] === 0) chunk = cache.enteredMidBlock(chunk, pa, w);
      if (chunk.plan.labels[w] === 0) {
        steps = Math.min(left, chunk.plan.runTo[w]!);
      } else {
        // Enter the fetch page as the interpreter's run() does, and leave it the same way.
        const k0 = cpu.ticks;
        fast.stampFetch(k0 - 1);
        fast.enterFetchPage(word, k0);
        const exit = chunk.fn(w, (pc - (w << 2)) | 0, k0, left);
        const n = out[0]!;
        if (n > 0) {
          cpu.instret += n;
          cpu.ticks += n;
          cpu.loads += out[1]!;
          cpu.stores += out[2]!;
          fast.stampFetch(k0 + n - 1);
          done += n;
        }
        cpu.pc = out[3]!;
        if (exit === EXIT_BUDGET) steps = left - n;
        else if (exit !== EXIT_INTERP) continue;
      }
    }
    // The interpreter runs `steps` instructions: a slow fetch, an instruction the compiled code
    // leaves to it, the end of a block, or what the budget leaves of one.
    steps = Math.min(steps, budget - done);
    if (steps <= 0) continue;
    const before = cpu.instret;
    const trap = cpu.interpret(steps);
    if (trap !== null) return trap;
    done += cpu.instret - before;
  }
  return null;
}
