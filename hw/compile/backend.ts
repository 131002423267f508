// What the compiling engine (engine.ts) compiles guest code to, and how a chunk's function is made
// in each: WebAssembly (wasm.ts), where the machine's arena is a WebAssembly.Memory and the host
// compiles modules; JavaScript (codegen.ts) where it cannot; neither where the host lets us make
// no code at all (a page's Content-Security-Policy), and then the CPU interprets.
import * as alu from "../alu.js";
import { wasmApi } from "../arena.js";
import type { Cpu } from "../cpu.js";
import type { Access } from "../trap.js";
import { generateChunk } from "./codegen.js";
import { type Addressing, CHUNK_WORDS, type ChunkPlan, planChunk } from "./plan.js";
import { wasmChunk } from "./wasm.js";

export type Backend = "wasm" | "js";

/**
 * A chunk's compiled function: runs from word `w` (a block's start) with `base` the virtual
 * address of word 0, `K` the tick of the first instruction and `left` the budget, having counted
 * `n` instructions, `loads` and `stores` already (0 when the engine calls it; WebAssembly functions
 * going on into another page's pass theirs on); returns an exit code and leaves its counts in the
 * arena's OUT words (codegen.ts says what each means).
 */
export type ChunkFunction = (
  w: number,
  base: number,
  K: number,
  left: number,
  n: number,
  loads: number,
  stores: number,
) => number;

/**
 * Makes the function of a chunk's `words`, planned as `plan`, of the blocks in `include`; when the
 * functions chain (Maker.chains), it goes in the table of functions at `slot` (1 up to the table's
 * size - 1), replacing what was there. Its loads and stores find physical addresses as
 * `addressing` says (a WebAssembly function's; a JavaScript one's read the tables in every mode).
 * It can be entered at the blocks in `wanted`, and others it picks (a JavaScript function at
 * every block); `enter` says which.
 */
export type MakeFunction = (
  words: Int32Array,
  plan: ChunkPlan,
  include: Uint8Array,
  slot: number,
  addressing: Addressing,
  wanted: Uint8Array,
) => { fn: ChunkFunction; enter: Uint8Array };

/** A backend's function maker, and whether its functions go on into each other's pages. */
export interface Maker {
  make: MakeFunction;
  chains: boolean;
}

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
  wasmCompiles ??= compilesModule(false);
  return wasmCompiles;
}

/** Whether the host has WebAssembly's tail calls, which chaining needs (wasm.ts WasmTarget). */
function canChain(): boolean {
  tailCalls ??= compilesModule(true);
  return tailCalls;
}

let wasmCompiles: boolean | undefined;
let tailCalls: boolean | undefined;

function compilesModule(chain: boolean): boolean {
  try {
    const words = new Int32Array(CHUNK_WORDS.wasm);
    const target = { ram: 0, ramSize: 0, pageFunctions: 0, chain };
    new wasmApi!.Module(
      wasmChunk(words, planChunk(words), new Uint8Array(words.length), target).bytes,
    );
    return true;
  } catch {
    return false;
  }
}

/**
 * The maker of `backend`'s chunk functions for `cpu`: they call `tr` on a fast-table miss, read
 * and clear `ev` after it (1: end the run after this access), and leave their results in `out`.
 * A WebAssembly function reaches all of these, and the rest of the machine's hot arrays, in the
 * arena itself; a JavaScript one through the typed arrays passed to it. WebAssembly functions
 * chain where the host has tail calls, through a table of `slots` functions.
 */
export function functionMaker(
  cpu: Cpu,
  backend: Backend,
  tr: SlowPath,
  ev: Int32Array,
  out: Int32Array,
  slots: number,
): Maker {
  const { u8, i8, u16, i16, i32, arena } = cpu.ram;
  if (backend === "wasm") {
    const chain = canChain();
    const target = {
      ram: arena.ram,
      ramSize: cpu.ram.size,
      pageFunctions: arena.pageFunctions,
      chain,
    };
    const table = chain ? new wasmApi!.Table({ element: "anyfunc", initial: slots }) : null;
    const imports = { e: { m: arena.memory, tr, t: table ?? undefined } };
    const make: MakeFunction = (words, plan, include, slot, addressing, wanted) => {
      const made = wasmChunk(words, plan, include, target, addressing, wanted);
      const module = new wasmApi!.Module(made.bytes);
      const fn = new wasmApi!.Instance(module, imports).exports.f as ChunkFunction;
      table?.set(slot, fn);
      return { fn, enter: made.enter };
    };
    return { make, chains: chain };
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
  const make: MakeFunction = (words, plan, include) => {
    const source = generateChunk(words, plan, include);
    const fn = new Function(...names, source)(...values) as ChunkFunction;
    return { fn, enter: include.slice() };
  };
  return { make, chains: false };
}
