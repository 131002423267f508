// What the compiling engine (engine.ts) compiles guest code to, and how a chunk's function is made
// in each: WebAssembly (wasm.ts), where the machine's arena is a WebAssembly.Memory and the host
// compiles modules; JavaScript (codegen.ts) where it cannot; neither where the host lets us make
// no code at all (a page's Content-Security-Policy), and then the CPU interprets.
import * as alu from "../alu.js";
import { wasmApi } from "../arena.js";
import type { Cpu } from "../cpu.js";
import type { Access } from "../trap.js";
import { generateChunk } from "./codegen.js";
import { CHUNK_WORDS, type ChunkPlan, planChunk } from "./plan.js";
import { wasmChunk } from "./wasm.js";

export type Backend = "wasm" | "js";

/**
 * A chunk's compiled function: runs from word `w` (a block's start) with `base` the virtual
 * address of word 0, `K` the tick of the first instruction and `left` the budget; returns an exit
 * code and leaves its counts in the arena's OUT words (codegen.ts says what each means).
 */
export type ChunkFunction = (w: number, base: number, K: number, left: number) => number;

/** Makes the function of a chunk's `words`, planned as `plan`, of the blocks in `include`. */
export type MakeFunction = (
  words: Int32Array,
  plan: ChunkPlan,
  include: Uint8Array,
) => ChunkFunction;

/** A load or store's slow path (engine.ts): the physical address, or negative on a fault. */
export type SlowPath = (va: number, access: Access, time: number, size: number) => number;

/**
 * What `cpu` can compile guest code to: `wanted` if the host allows it, else the other kind
 * (WebAssembly first when nothing is wanted); null if the host allows neither (a page's
 * Content-Security-Policy may forbid both), and then the CPU interprets, with the same results.
 */
export function backendFor(cpu: Cpu, wanted?: Backend): Backend | null {
  if (wanted === "js" && canCompileJs()) return "js";
  if (canCompileWasm(cpu)) return "wasm";
  return canCompileJs() ? "js" : null;
}

let compiles: boolean | undefined;

/** Whether this host lets us make functions from source (a page's CSP may forbid eval). */
function canCompileJs(): boolean {
  if (compiles === undefined) {
    try {
      compiles = new Function("return 1")() === 1;
    } catch {
      compiles = false;
    }
  }
  return compiles;
}

/**
 * Whether `cpu` can run guest code compiled to WebAssembly: its arena is a WebAssembly.Memory and
 * the host compiles modules (a Content-Security-Policy may forbid it).
 */
function canCompileWasm(cpu: Cpu): boolean {
  if (cpu.ram.arena.memory === null || wasmApi === undefined) return false;
  if (wasmCompiles === undefined) {
    try {
      const words = new Int32Array(CHUNK_WORDS.wasm);
      new wasmApi.Module(wasmChunk(words, planChunk(words), new Uint8Array(words.length), 0));
      wasmCompiles = true;
    } catch {
      wasmCompiles = false;
    }
  }
  return wasmCompiles;
}

let wasmCompiles: boolean | undefined;

/**
 * The maker of `backend`'s chunk functions for `cpu`: they call `tr` on a fast-table miss, read
 * and clear `ev` after it (1: end the run after this access), and leave their results in `out`.
 * A WebAssembly function reaches all of these, and the rest of the machine's hot arrays, in the
 * arena itself; a JavaScript one through the typed arrays passed to it.
 */
export function functionMaker(
  cpu: Cpu,
  backend: Backend,
  tr: SlowPath,
  ev: Int32Array,
  out: Int32Array,
): MakeFunction {
  const { u8, i8, u16, i16, i32, arena } = cpu.ram;
  if (backend === "wasm") {
    const imports = { e: { m: arena.memory, tr } };
    return (words, plan, include) => {
      const module = new wasmApi!.Module(wasmChunk(words, plan, include, arena.ram));
      return new wasmApi!.Instance(module, imports).exports.f as ChunkFunction;
    };
  }
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
    cw: cpu.codeWords,
    out,
    opReg: alu.opReg,
    tr,
    ev,
  };
  const names = Object.keys(env);
  const values = Object.values(env);
  return (words, plan, include) => {
    const source = generateChunk(words, plan, include);
    return new Function(...names, source)(...values) as ChunkFunction;
  };
}
