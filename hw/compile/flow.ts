// The control flow of a chunk's WebAssembly function (wasm.ts), worked out before it is written:
// each block's shape, the loops written as WebAssembly loops, and where the budget is checked.
// Nothing here writes code; wasm.ts asks.

import { type ChunkPlan, Kinds, kindOf, targetWord } from "./plan.js";

const { Plain, Branch, Jal, Special } = Kinds;

/**
 * The most instructions a budget check covers, beyond the block it is in. Where the budget left
 * is less than a check's bound, the interpreter runs the rest of it, at about a sixth of the
 * speed; a quantum (10,000 instructions by default) ends that way every time, so the bound is
 * kept small.
 */
const CHECK_SPAN = 32;

/**
 * Where the chunk function checks the budget, and for how many instructions. A check at a block
 * makes sure that the budget left covers every path from it to the next check, so a call never
 * runs past its budget (where it does not, the run ends before the block and the interpreter runs
 * what is left: the same place as ever). Blocks entered by the dispatch are checked there; a
 * forward branch into a block needs no check of its own while the path from the last check stays
 * within CHECK_SPAN (beyond it, the block is checked on every entry, as are blocks that loop on
 * themselves and the heads of loops). A fall-through passes the next block's check for the
 * dispatch, written just before it (never firing then: the bound covers it).
 */
export interface Checks {
  /** By block: the instructions from its start to the next check, at most (the check's bound). */
  bound: Map<number, number>;
  /** The blocks checked on every entry, not only when the dispatch enters them. */
  always: Set<number>;
}

/**
 * A block's shape: where it ends, its length as counted, the word its branch or jal goes to in the
 * chunk (-1: none), whether it loops on itself, and where it goes on without the dispatch.
 */
export function shape(
  words: Int32Array,
  plan: ChunkPlan,
  start: number,
): { end: number; length: number; target: number; loops: boolean; next: number[] } {
  const end = start + plan.runTo[start]!;
  const last = words[end - 1]!;
  const kind = kindOf(last);
  const length = end - start - (kind === Special ? 1 : 0);
  const target =
    kind === Branch || kind === Jal ? targetWord(last, kind, end - 1, words.length) : -1;
  const loops = kind === Branch && target === start;
  const next: number[] = [];
  if (kind === Plain || kind === Branch) next.push(end);
  if (target > start && !loops) next.push(target);
  return { end, length, target, loops, next };
}

/**
 * The budget checks of a chunk whose compiled blocks start at `blocks` (in order), of which those
 * in `heads` head loops (LoopRegion: checked on every turn).
 */
export function budgetChecks(
  words: Int32Array,
  plan: ChunkPlan,
  blocks: number[],
  heads: Iterable<number> = [],
): Checks {
  const bound = new Map<number, number>();
  const always = new Set<number>(heads);
  for (let j = blocks.length - 1; j >= 0; j--) {
    const start = blocks[j]!;
    const { length, loops, next } = shape(words, plan, start);
    // Blocks left out of the function, or past the chunk, end the run: they add nothing.
    const after = next.filter((w) => bound.has(w) && !always.has(w));
    let most = length + Math.max(0, ...after.map((w) => bound.get(w)!));
    if (most > length + CHECK_SPAN) {
      for (const w of after) always.add(w);
      most = length;
    }
    bound.set(start, most);
    if (loops) always.add(start);
  }
  return { bound, always };
}

/**
 * A loop of several blocks: from the block at `head` to the one a jump back to it ends (`blocks`,
 * the others, in order). It is written as a WebAssembly loop, so that the jump back is a branch
 * to the loop's start rather than a trip through the dispatch. The dispatch enters it at its head,
 * and at those of its other blocks that are entries (dispatchEntries): for those it goes to the
 * loop's start with SKIP naming the block, and a br_table there goes on to it.
 */
export interface LoopRegion {
  head: number;
  blocks: number[];
}

/**
 * The loops of a chunk whose compiled blocks start at `blocks`, for each head the jumps back to it
 * from furthest on; a loop with a block left out of the function (or with a loop inside) is left
 * to the dispatch, as are loops that overlap one already taken (inner ones are taken first).
 */
export function loopRegions(
  words: Int32Array,
  plan: ChunkPlan,
  blocks: number[],
  include: Uint8Array,
): LoopRegion[] {
  const last = new Map<number, number>();
  for (const start of blocks) {
    const { target, loops } = shape(words, plan, start);
    if (target >= 0 && target < start && !loops && include[target]) last.set(target, start);
  }
  const spans = [...last].sort((a, b) => a[1] - a[0] - (b[1] - b[0]));
  const taken: LoopRegion[] = [];
  const used = new Uint8Array(words.length);
  for (const [head, end] of spans) {
    let free = true;
    for (let w = head; w <= end && free; w++) {
      if (used[w] || (plan.labels[w] && !include[w])) free = false;
    }
    if (!free) continue;
    used.fill(1, head, end + 1);
    const inner = blocks.filter((b) => b > head && b <= end);
    taken.push({ head, blocks: inner });
  }
  return taken;
}

/**
 * The blocks the dispatch at the function's start can enter (among `blocks`, with loops
 * `regions`): those the function itself goes to through it (jumps back, except a loop's own; a
 * jump forward into a loop from outside it); the first block of every loop and every block
 * `checked` on each entry (Checks.always), so that a run that starts just after one (the next
 * quantum, after a budget check ended the last) is soon back in compiled code; those likely
 * entered from outside the function (where the block before cannot fall into it: after a jump,
 * a call's return, an instruction left to the interpreter, a block left out); and `wanted` (where
 * the engine has found the function needed entering). The others are reached only by falling or
 * branching forward into them inside the function, which lets V8's baseline compiler keep guest
 * registers in machine registers from block to block: a block the dispatch enters starts with
 * every register in memory. Where a run starts at one of the others, the engine's interpreter
 * runs on to the next entry.
 */
export function dispatchEntries(
  words: Int32Array,
  plan: ChunkPlan,
  blocks: number[],
  include: Uint8Array,
  regions: LoopRegion[],
  checked: Set<number>,
  wanted: Uint8Array,
): Set<number> {
  const entries = new Set<number>();
  const regionOf = new Map<number, LoopRegion>();
  for (const r of regions) {
    entries.add(r.head);
    for (const b of r.blocks) regionOf.set(b, r);
  }
  /** The blocks the one before falls into. */
  const fallenInto = new Set<number>();
  for (const start of blocks) {
    const { end, next, target } = shape(words, plan, start);
    if (next[0] === end) fallenInto.add(end);
    if (target < 0 || !include[target]) continue;
    if (target <= start) entries.add(target);
    else {
      const r = regionOf.get(target);
      if (r !== undefined && regionOf.get(start) !== r && r.head !== start) entries.add(target);
    }
  }
  for (const start of blocks)
    if (wanted[start] || checked.has(start) || !fallenInto.has(start)) entries.add(start);
  return entries;
}
