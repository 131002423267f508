// One buffer behind the machine's hot arrays: the guest registers, the MMU's fast tables and the
// TLB's LRU stamps, the CPU's bit per compiled word, and RAM. Where the host has WebAssembly the
// buffer is a WebAssembly.Memory's, so that guest code compiled to WebAssembly
// (compile/wasm.ts) reaches all of them at fixed offsets, with no copying; everything else sees
// only its own typed-array view and does not care where it lives.
//
//   offset                 what                               bytes
//   0                      x0..x31                            128
//   OUT                    the compiled code's results        5 × 4
//   EVENT                  the slow path's "end the run" flag 4
//   FETCH_SLOT             the fast tables' fetchSlot         4
//   STAMPS                 the TLB's LRU stamps, by slot      (TLB_MAX_ENTRIES + 2) × 8
//   FETCH, LOAD, STORE     the fast tables                    3 × 4 MiB
//   CODE_WORDS             a bit per RAM word                 RAM / 32
//   pageFunctions          compiled code's function by page   RAM / 1024
//   ram                    RAM                                its size
import { TLB_MAX_ENTRIES } from "./tlb.js";

const PAGE = 4096;
/** A WebAssembly page. */
const WASM_PAGE = 65536;
/** Entries in each fast table (one per 4 KiB page of the 32-bit address space). */
export const FAST_PAGES = 1 << 20;

export const Layout = {
  X: 0,
  OUT: 128,
  EVENT: 160,
  FETCH_SLOT: 164,
  STAMPS: PAGE,
  FETCH: WASM_PAGE,
  LOAD: WASM_PAGE + FAST_PAGES * 4,
  STORE: WASM_PAGE + 2 * FAST_PAGES * 4,
  CODE_WORDS: WASM_PAGE + 3 * FAST_PAGES * 4,
} as const;

/** The few parts of the WebAssembly API we use (typed here: the core's lib has no DOM types). */
export interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Table: new (descriptor: {
    element: "anyfunc";
    initial: number;
  }) => {
    set(index: number, value: unknown): void;
  };
}

/** The host's WebAssembly, if it has one. */
export const wasmApi = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

export class Arena {
  /**
   * Private, so that a checkpoint (session/checkpoint.ts), which saves what objects reach, sees
   * only the views: it copies RAM and leaves out the caches, never the whole buffer.
   */
  readonly #buffer: ArrayBuffer;
  /** The WebAssembly.Memory over `buffer`, or null where the host has none (a plain buffer). */
  readonly memory: object | null;
  /**
   * Where RAM starts; the size of the bit per word table; and where the table of compiled
   * functions by physical page starts (hw/compile/engine.ts), with its length.
   */
  readonly ram: number;
  readonly codeWordsBytes: number;
  readonly pageFunctions: number;
  readonly pages: number;

  /** `webAssembly`: false for a plain buffer even where the host has WebAssembly (tests). */
  constructor(ramSize: number, webAssembly = true) {
    this.codeWordsBytes = Math.ceil(ramSize / 128) * 4;
    this.pageFunctions = Layout.CODE_WORDS + this.codeWordsBytes;
    this.pages = Math.ceil(ramSize / PAGE);
    this.ram = roundUp(this.pageFunctions + 4 * this.pages, PAGE);
    const total = roundUp(this.ram + ramSize, WASM_PAGE);
    let memory: { buffer: ArrayBuffer } | null = null;
    if (wasmApi !== undefined && webAssembly) {
      try {
        const pages = total / WASM_PAGE;
        memory = new wasmApi.Memory({ initial: pages, maximum: pages });
      } catch {
        memory = null; // too big for this host's WebAssembly: a plain buffer does
      }
    }
    this.memory = memory;
    this.#buffer = memory?.buffer ?? new ArrayBuffer(total);
  }

  get buffer(): ArrayBuffer {
    return this.#buffer;
  }

  int32(offset: number, length: number): Int32Array {
    return new Int32Array(this.#buffer, offset, length);
  }

  float64(offset: number, length: number): Float64Array {
    return new Float64Array(this.#buffer, offset, length);
  }
}

/** The stamps' length: by slot, a TLB entry's index + 1, and one slot nobody reads. */
export const STAMP_SLOTS = TLB_MAX_ENTRIES + 2;

function roundUp(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
