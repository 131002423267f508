// The compiling engine: guest code runs as functions compiled from it, one per chunk of a physical
// page (WebAssembly, wasm.ts, a whole page per function; or JavaScript, codegen.ts, 64 words, where
// the host has no WebAssembly), with the interpreter (cpu.ts) doing everything the compiled code
// leaves to it. The contract is exactness: for any program, the same registers, memory, counters,
// TLB contents and LRU stamps, traps and schedule as the interpreter alone.
//
// Why it is exact. A run of the interpreter may be cut anywhere into shorter runs with the same
// result (the kernel already relies on this: quanta, single steps). The dispatcher below cuts the
// run into pieces: compiled calls, each one a run that starts at a block and does only what the
// interpreter's fast path would (inside one chunk, or, in WebAssembly, going on from page to page
// through the functions of the pages it jumps to), and interpreter runs for everything else. A
// compiled call enters and leaves each fetch page the way the interpreter's run() does.
//
// Stale code. Compiled code is found by physical address, so a new mapping (munmap, mprotect,
// execve, a swapped page back in another frame, another address space or ASID) simply finds other
// code or none. What must not happen is running a chunk whose words have changed:
// - the CPU's own stores (compiled or interpreted) to a page holding compiled code go through
//   the slow check in codeWords (a bit per compiled word) and drop that chunk (self-modifying code,
//   a JIT);
// - anything else that writes memory is the kernel, which runs only between runs after a trap:
//   after every trap the epoch moves on, and a chunk from an older epoch is compared word by word
//   with memory before it runs again.

import { Layout } from "../arena.js";
import { NO_RESERVATION } from "../atomic.js";
import type { Cpu } from "../cpu.js";
import { NO_TLB_SLOT } from "../mmu/fast.js";
import { MmuMode } from "../mmu.js";
import { Access, type Trap } from "../trap.js";
import { type Backend, type ChunkFunction, functionMaker, type MakeFunction } from "./backend.js";
import { EXIT_BUDGET, EXIT_FAULT, EXIT_INTERP, EXIT_JUMP } from "./codegen.js";
import { Addressing, CHUNK_WORDS, type ChunkPlan, planChunk } from "./plan.js";

/**
 * Guest code the cache holds chunks of (2 MiB: 512 pages compiled to WebAssembly, 8,192 chunks
 * compiled to JavaScript); past it, the cache is emptied rather than grown (each chunk holds a
 * function, and a guest may run code from as many pages as it likes).
 */
const MAX_CODE_BYTES = 2 << 20;
/**
 * Instructions the interpreter runs from a chunk before its blocks are considered for compiling
 * (the default of Cpu.compileAfter: short programs and code run once are not worth compiling).
 */
export const HOT_CHUNK = 1 << 17;
/** The interpreter's piece of a run from a chunk still cold. */
const COLD_PIECE = 4096;
/** A block joins its chunk's function when the interpreter has run it this many times. */
const WARM_RUNS = 2;
/** Interpreted runs of warm blocks a chunk's function leaves out before it is compiled again. */
const RECOMPILE_DEBT = 256;
/** Calls of a chunk's function between two looks at how much each call runs (see judge). */
const JUDGE_CALLS = 4096;
/** Instructions a call must run on average to be worth it (the interpreter's break-even). */
const MIN_RUN = 6;
/** Instructions a chunk whose calls run too little is interpreted before it is tried again. */
const DEMOTED_FOR = 1 << 22;
/** The size of CodeCache's table of recent chunks, less one. */
const RECENT_MASK = 255;
/** Entering a chunk between its blocks this often makes the word a block start. */
const HOT_ENTRY = 8;
/** The most instructions one call of a chunk's function may run (its counts are int32). */
const MAX_CALL = 0x7fffffff;

/**
 * One chunk of a physical page: its words, its blocks, and the function compiled from those blocks
 * that have run often enough (code that has never run stays out: it would only make the function
 * bigger and slower to compile, and a JavaScript one would be deoptimised when it first ran).
 */
export interface Chunk {
  /** The function of the blocks in `include`; null until one has warmed up. */
  fn: ChunkFunction | null;
  plan: ChunkPlan;
  /** The blocks to compile next time, and those the function has now. */
  include: Uint8Array;
  inFn: Uint8Array;
  /** How often the interpreter has run each block (up to WARM_RUNS). */
  runs: Uint8Array;
  /** Interpreted runs of warm blocks since the function was last compiled. */
  debt: number;
  /** Instructions (roughly) the interpreter has run from here: compiling starts at compileAfter. */
  heat: number;
  /** Calls of the function, and the instructions they ran, since it was last judged. */
  calls: number;
  ran: number;
  /** Its physical address, and its words, to compare with memory after the kernel has run. */
  base: number;
  words: Int32Array;
  /** The epoch it was last known to match memory. */
  epoch: number;
  /** Extra block starts, and how often other mid-block words were entered. */
  entries: Set<number>;
  misses: Map<number, number>;
  /**
   * The blocks its function can be entered at (WebAssembly: not all, see flow.ts
   * dispatchEntries), those it must be (compiled code kept going to them), and how often compiled
   * code has gone to others.
   */
  enter: Uint8Array;
  wanted: Uint8Array;
  jumpsIn: Map<number, number>;
  /** Its function's place in the table of functions (0: none yet; see CodeCache.chains). */
  slot: number;
  /** How its function finds physical addresses (right for the MMU's mode: see addressingNow). */
  addressing: Addressing;
}

export class CodeCache {
  /** The CPU's bit per physical word compiled (Cpu.codeWords), which its interpreter checks too. */
  readonly codeWords: Int32Array;
  /**
   * The function's results: instructions, loads, stores, next pc, the address of a fault (all
   * int32, and read back as such, so the counters they feed stay small integers for V8).
   */
  readonly out: Int32Array;
  /** What this cache compiles to, and the size of its chunks in words and bytes. */
  readonly backend: Backend;
  readonly chunkWords: number;
  readonly chunkBytes: number;
  /** Moves on after every trap (the kernel may have written memory): see memoryChanged. */
  private era = 0;
  /**
   * Instructions compiled code has run so far, and the dispatcher's calls of compiled functions
   * (tests check that it ran at all, and that functions chain).
   */
  instructions = 0;
  calls = 0;
  private readonly chunks = new Map<number, Chunk>();
  /** The chunks used last, by the low bits of their number (saves a Map lookup per call). */
  private readonly recent: (Chunk | undefined)[] = new Array(RECENT_MASK + 1).fill(undefined);
  private readonly cpu: Cpu;
  private readonly make: MakeFunction;
  /**
   * Whether compiled functions go on into the functions of other pages themselves (WebAssembly
   * with tail calls; wasm.ts chain()). They find them in pageFunctions, by physical page: the
   * function's slot in the table of functions, or 0. A page is in it only while its chunk is known
   * to match memory and is not demoted: the dispatcher puts it there when it calls the function
   * (runCompiled), and `chained` lists those there, to take them out when that may no longer hold.
   */
  readonly chains: boolean;
  readonly pageFunctions: Int32Array;
  private readonly chained = new Set<number>();
  /** How the functions chained so far find physical addresses (by the MMU's mode then). */
  private chainedAddressing: Addressing = Addressing.Tlb;
  /**
   * The table of functions' size; its slots never used, from nextSlot up; and used ones given back.
   * (A chunk holds its slot while it is in the cache, and the cache holds at most slots - 1
   * chunks; should one find none free, its function is simply never chained: slot 0.)
   */
  private readonly slots: number;
  private nextSlot = 1;
  private readonly freeSlots: number[] = [];

  /** `backend`: what to compile to, one the host allows (backendFor). */
  constructor(cpu: Cpu, backend: Backend) {
    this.cpu = cpu;
    this.backend = backend;
    this.chunkWords = CHUNK_WORDS[backend];
    this.chunkBytes = 4 * this.chunkWords;
    this.codeWords = cpu.codeWords;
    const arena = cpu.ram.arena;
    const mmu = cpu.mmu;
    const fast = mmu.fast;
    const codeWords = this.codeWords;
    this.out = arena.int32(Layout.OUT, 5);
    /** Set by tr when the run must end after the access (see codegen.ts memory()). */
    const ev = arena.int32(Layout.EVENT, 1);
    /** A load or store's slow path, as the interpreter's (Cpu.interpret). */
    const tr = (va: number, access: Access, time: number, size: number): number => {
      const fetchSlot = fast.fetchSlot;
      const pa = mmu.translate(va, access, time, size);
      if (pa < 0) return pa; // the run ends with the fault
      // The translation dropped the fetch page's TLB entry: the next fetch must find it again.
      // (Where the MMU has no TLB in use, there is no such entry: the run goes on.)
      if (fetchSlot !== NO_TLB_SLOT && fast.fetchSlot === NO_TLB_SLOT) ev[0] = 1;
      if (access !== Access.Store) return pa;
      if (cpu.reservation !== NO_RESERVATION) cpu.storeNearReservation(va, pa);
      if ((codeWords[pa >>> 7]! >>> (pa >>> 2)) & 1) {
        this.storeToCode(pa);
        ev[0] = 1;
      }
      return pa;
    };
    this.slots = MAX_CODE_BYTES / this.chunkBytes + 1;
    const maker = functionMaker(cpu, backend, tr, ev, this.out, this.slots);
    this.make = maker.make;
    this.chains = maker.chains;
    this.pageFunctions = arena.int32(arena.pageFunctions, arena.pages);
    this.pageFunctions.fill(0); // another cache's, perhaps
  }

  /** The epoch now: a chunk last seen to match memory in an older one is compared again. */
  get epoch(): number {
    return this.era;
  }

  /** The chunks held now. */
  get size(): number {
    return this.chunks.size;
  }

  /**
   * Compiled code may no longer match memory (the kernel ran, or memory was put back): each chunk
   * is compared with memory before it runs again.
   */
  memoryChanged(): void {
    this.era++;
    this.unchainAll();
  }

  /** Puts `chunk`'s function where other functions going to its page find it. */
  chain(chunk: Chunk): void {
    if (chunk.slot === 0) return;
    const page = chunk.base >>> 12;
    this.chained.add(page);
    this.pageFunctions[page] = chunk.slot;
  }

  /** `chunk` goes back to the interpreter for a while: functions must not go on into it. */
  demoted(chunk: Chunk): void {
    this.unchain(chunk);
  }

  /** Takes `chunk`'s function out of pageFunctions: the dispatcher must look at it first. */
  private unchain(chunk: Chunk): void {
    if (this.chains) this.pageFunctions[chunk.base >>> 12] = 0;
  }

  private unchainAll(): void {
    for (const page of this.chained) this.pageFunctions[page] = 0;
    this.chained.clear();
  }

  /** A store to physical address `pa` is about to change a compiled word: forgets its chunk. */
  storeToCode(pa: number): void {
    const bytes = this.chunkBytes;
    const key = (pa / bytes) | 0;
    const chunk = this.chunks.get(key);
    if (chunk !== undefined) {
      this.unchain(chunk);
      if (chunk.slot !== 0) this.freeSlots.push(chunk.slot);
    }
    this.chunks.delete(key);
    this.recent[key & RECENT_MASK] = undefined;
    this.codeWords.fill(0, (key * bytes) >>> 7, ((key + 1) * bytes) >>> 7);
  }

  /** Forgets every chunk. */
  clear(): void {
    this.unchainAll();
    this.nextSlot = 1;
    this.freeSlots.length = 0;
    this.chunks.clear();
    this.recent.fill(undefined);
    this.codeWords.fill(0);
  }

  /** The chunk holding physical address `pa`, made anew if it is new or its words changed. */
  chunkAt(pa: number): Chunk {
    const bytes = this.chunkBytes;
    const key = (pa / bytes) | 0;
    const near = this.recent[key & RECENT_MASK];
    if (near !== undefined && near.base === pa - (pa % bytes) && near.epoch === this.epoch)
      return near;
    const chunk = this.chunks.get(key);
    if (chunk !== undefined) {
      if (
        chunk.epoch === this.epoch ||
        sameWords(chunk.words, this.cpu.ram.i32, (key * bytes) >>> 2)
      ) {
        chunk.epoch = this.epoch;
        this.recent[key & RECENT_MASK] = chunk;
        return chunk;
      }
    }
    // The words changed behind its back (it is not chained, as the epoch moved on): a fresh chunk
    // takes its place, and its slot.
    let slot = chunk?.slot ?? 0;
    if (this.chunks.size * bytes >= MAX_CODE_BYTES) {
      this.clear();
      slot = 0;
    }
    const size = this.chunkWords;
    const first = (key * bytes) >>> 2;
    const words = this.cpu.ram.i32.slice(first, first + size);
    const fresh: Chunk = {
      fn: null,
      plan: planChunk(words),
      include: new Uint8Array(size),
      inFn: new Uint8Array(size),
      runs: new Uint8Array(size),
      debt: 0,
      heat: 0,
      calls: 0,
      ran: 0,
      base: key * bytes,
      words,
      epoch: this.epoch,
      entries: new Set(),
      misses: new Map(),
      enter: new Uint8Array(size),
      wanted: new Uint8Array(size),
      jumpsIn: new Map(),
      slot,
      addressing: Addressing.Tlb,
    };
    this.chunks.set(key, fresh);
    this.recent[key & RECENT_MASK] = fresh;
    return fresh;
  }

  /**
   * The interpreter is about to run the block at word `w` of `chunk`, which the function leaves
   * out: after WARM_RUNS runs it joins the function.
   */
  ranBlock(chunk: Chunk, w: number): void {
    if (chunk.runs[w]! < WARM_RUNS) {
      chunk.runs[w]!++;
      return;
    }
    // Warm: the function will include it. Recompiling costs V8 about as much as the interpreter
    // takes for a few hundred blocks, so recompile once the warm blocks left out have cost that.
    chunk.include[w] = 1;
    if (++chunk.debt >= RECOMPILE_DEBT) this.compile(chunk);
  }

  /**
   * Word `w` of `chunk`, which starts no block, is being entered: after HOT_ENTRY such entries a
   * block starts there (the blocks are planned again).
   */
  enteredMidBlock(chunk: Chunk, w: number): void {
    const seen = (chunk.misses.get(w) ?? 0) + 1;
    chunk.misses.set(w, seen);
    if (seen < HOT_ENTRY) return;
    chunk.entries.add(w);
    chunk.plan = planChunk(chunk.words, chunk.entries);
    chunk.include[w] = 1;
    chunk.wanted[w] = 1;
    this.compile(chunk);
  }

  /**
   * Compiled code has gone to the block at word `w` of `chunk`, whose function cannot be entered
   * there: after HOT_ENTRY such jumps it can (the function is made again).
   */
  jumpedInBetween(chunk: Chunk, w: number): void {
    const seen = (chunk.jumpsIn.get(w) ?? 0) + 1;
    chunk.jumpsIn.set(w, seen);
    if (seen < HOT_ENTRY) return;
    chunk.wanted[w] = 1;
    this.compile(chunk);
  }

  /**
   * How compiled loads and stores must find physical addresses in the MMU's mode now: paged, with
   * the TLB's LRU stamps; bare, as the addresses themselves; otherwise through the fast tables.
   */
  addressingNow(): Addressing {
    const mode = this.cpu.mmu.mode;
    if (mode === MmuMode.Paged) return Addressing.Tlb;
    return mode === MmuMode.Bare ? Addressing.Identity : Addressing.Tables;
  }

  /**
   * Before a run: if the MMU's mode changed since functions were chained (a kernel switching
   * spaces may change it without a trap), none may go on into another compiled for the old mode,
   * so the dispatcher must look at each first. Returns addressingNow().
   */
  followMode(): Addressing {
    const addressing = this.addressingNow();
    if (addressing !== this.chainedAddressing) {
      this.chainedAddressing = addressing;
      this.unchainAll();
    }
    return addressing;
  }

  /** Compiles `chunk`'s function again (the MMU's mode changed: see addressingNow). */
  recompile(chunk: Chunk): void {
    this.compile(chunk);
  }

  private compile(chunk: Chunk): void {
    chunk.debt = 0;
    // Only compiled words are watched, so a word the interpreter ran may have been rewritten
    // since the chunk was read: then start over from memory as it is now.
    if (!sameWords(chunk.words, this.cpu.ram.i32, chunk.base >>> 2)) {
      this.restart(chunk);
      return;
    }
    chunk.inFn.set(chunk.include);
    markCompiled(this.codeWords, chunk);
    if (chunk.slot === 0)
      chunk.slot = this.freeSlots.pop() ?? (this.nextSlot < this.slots ? this.nextSlot++ : 0);
    chunk.addressing = this.addressingNow();
    const made = this.make(
      chunk.words,
      chunk.plan,
      chunk.inFn,
      chunk.slot,
      chunk.addressing,
      chunk.wanted,
    );
    chunk.fn = made.fn;
    chunk.enter = made.enter;
  }

  /** Forgets what `chunk` learnt and reads its words again (they changed behind its back). */
  private restart(chunk: Chunk): void {
    const first = chunk.base >>> 2;
    chunk.words.set(this.cpu.ram.i32.subarray(first, first + this.chunkWords));
    chunk.entries.clear();
    chunk.misses.clear();
    chunk.wanted.fill(0);
    chunk.jumpsIn.clear();
    chunk.plan = planChunk(chunk.words);
    chunk.include.fill(0);
    chunk.runs.fill(0);
    chunk.epoch = this.epoch;
    if (chunk.fn !== null) {
      // Its function's words are unchanged (they are watched), but it was planned from the old
      // words: drop it and its marks.
      chunk.fn = null;
      this.unchain(chunk);
      chunk.inFn.fill(0);
      chunk.enter.fill(0);
      this.codeWords.fill(0, chunk.base >>> 7, (chunk.base + this.chunkBytes) >>> 7);
    }
  }
}

/** Sets the bits of every word in a block of `chunk`'s function. */
function markCompiled(codeWords: Int32Array, chunk: Chunk): void {
  const first = chunk.base >>> 2;
  const { labels, runTo } = chunk.plan;
  for (let w = 0; w < chunk.words.length; w++) {
    if (!labels[w] || !chunk.inFn[w]) continue;
    for (let i = w; i < w + runTo[w]!; i++)
      codeWords[(first + i) >>> 5]! |= 1 << ((first + i) & 31);
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
  let resuming = true;
  /** Whether compiled code went to pc (the last piece was a call that ended with a jump). */
  let jumped = false;
  const addressing = cache.followMode();
  while (done < budget) {
    const pc = cpu.pc;
    const word = (pc & 3) === 0 ? fetch[pc >>> 12]! : 0;
    let steps = 1;
    if (word !== 0) {
      const pa = (word & -4096) ^ pc;
      const chunk = cache.chunkAt(pa);
      const w = (pa >>> 2) & (cache.chunkWords - 1);
      // A call returns its counts as int32 (out), so it is given at most 2^31 - 1 of the budget.
      const left = Math.min(budget - done, MAX_CALL);
      // A word that starts no block: the target of a jump from another chunk (worth a block of
      // its own if it recurs), the instruction after one the compiled code left to the
      // interpreter (the same), or where a count ran out: the last quantum (first thing in a
      // run) or a cold piece (not worth it: that is somewhere else each time).
      if (chunk.plan.labels[w] === 0 && !resuming) cache.enteredMidBlock(chunk, w);
      resuming = false;
      // Compiled for another MMU mode (the kernel changed it): compile it again for this one.
      if (chunk.fn !== null && chunk.addressing !== addressing) cache.recompile(chunk);
      const fn = chunk.fn;
      if (chunk.heat < cpu.compileAfter) {
        // Cold code runs in the interpreter, in long pieces: compiling it would cost more.
        chunk.heat += COLD_PIECE;
        steps = COLD_PIECE;
        resuming = true; // the piece stops wherever its count runs out
      } else if (chunk.plan.labels[w] === 0 || fn === null || chunk.inFn[w] === 0) {
        if (chunk.plan.labels[w] !== 0) cache.ranBlock(chunk, w);
        steps = Math.min(left, chunk.plan.runTo[w]!);
      } else if (cpu.reservation !== NO_RESERVATION && addressing === Addressing.Identity) {
        // An lr.w's reservation must see every store while it is held, and the stores of a
        // function for the bare MMU do not look for it (wasm.ts identityMemory): the interpreter
        // runs until an sc.w or a trap ends it.
        steps = Math.min(left, chunk.plan.runTo[w]!);
      } else if (chunk.enter[w] === 0) {
        // A block the function cannot be entered at (reached inside it by falling or branching
        // forward): the interpreter runs it, and on to one it can, unless compiled code keeps
        // going there.
        if (jumped) cache.jumpedInBetween(chunk, w);
        steps = Math.min(left, chunk.plan.runTo[w]!);
      } else {
        // Enter the fetch page as the interpreter's run() does, and leave it the same way.
        const k0 = cpu.ticks;
        fast.stampFetch(k0 - 1);
        fast.enterFetchPage(word, k0);
        if (cache.chains && cache.pageFunctions[chunk.base >>> 12] !== chunk.slot)
          cache.chain(chunk);
        const exit = fn(w, (pc - (w << 2)) | 0, k0, left, 0, 0, 0);
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
        chunk.ran += n;
        cache.instructions += n;
        cache.calls++;
        if (++chunk.calls === JUDGE_CALLS) judge(cache, chunk);
        if (exit === EXIT_FAULT) return dataFault(cpu, k0 + n, out[4]!);
        jumped = exit === EXIT_JUMP;
        if (exit === EXIT_BUDGET) steps = left - n;
        else if (exit !== EXIT_INTERP) continue;
      }
    }
    // The interpreter runs `steps` instructions: a slow fetch, an instruction the compiled code
    // leaves to it, the end of a block, or what the budget leaves of one.
    steps = Math.min(steps, budget - done);
    jumped = false;
    if (steps <= 0) continue;
    const before = cpu.instret;
    const trap = cpu.interpret(steps);
    if (trap !== null) return trap;
    done += cpu.instret - before;
  }
  return null;
}

/**
 * After JUDGE_CALLS calls of `chunk`'s function: if they ran too few instructions each to pay
 * for a call (code that jumps in and out of the chunk: calls, returns, loops that straddle two
 * chunks), the chunk goes back to the interpreter for a while, which runs such code faster.
 */
function judge(cache: CodeCache, chunk: Chunk): void {
  if (chunk.ran < JUDGE_CALLS * MIN_RUN) {
    chunk.heat = -DEMOTED_FOR;
    cache.demoted(chunk);
  }
  chunk.calls = 0;
  chunk.ran = 0;
}

/**
 * A compiled load or store at cpu.pc faulted at address `va` on tick `k`: as the interpreter ends
 * its run on such a trap (the instruction used its tick, and it was the last fetch).
 */
function dataFault(cpu: Cpu, k: number, va: number): Trap {
  cpu.ticks = k + 1;
  cpu.mmu.fast.stampFetch(k);
  const { faultCause, faultReason } = cpu.mmu;
  return { cause: faultCause, tval: va >>> 0, epc: cpu.pc >>> 0, reason: faultReason };
}
