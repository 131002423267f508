// Physical memory: a little-endian byte array with aligned typed-array views over one buffer.
// The CPU indexes the views directly on its hot path; everything else uses the checked accessors.
// The buffer is the machine's arena (arena.ts), which holds the CPU's and MMU's hot arrays too.
import { Arena } from "./arena.js";

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

/** Why a RAM size is not acceptable, or undefined if it is (a multiple of 4 KiB, 4 KiB..2 GiB). */
export function checkRamSize(size: number): string | undefined {
  if (!Number.isInteger(size) || size <= 0)
    return "RAM size must be a positive whole number of bytes";
  if (size % PAGE_SIZE !== 0) return "RAM size must be a multiple of 4 KiB";
  if (size > 0x8000_0000) return "RAM size must be at most 2 GiB";
  return undefined;
}

export class Ram {
  readonly size: number;
  readonly u8: Uint8Array;
  readonly i8: Int8Array;
  readonly u16: Uint16Array;
  readonly i16: Int16Array;
  readonly i32: Int32Array;
  /** The buffer RAM shares with the registers, the fast tables and the LRU stamps. */
  readonly arena: Arena;
  /** Counts of physical reads and writes made through the checked accessors (walks, kernel). */
  reads = 0;
  writes = 0;

  /**
   * `size` must pass checkRamSize; the memory starts zeroed. `webAssembly`: false to keep it out
   * of a WebAssembly.Memory even where the host has one (see arena.ts; tests).
   */
  constructor(size: number, webAssembly = true) {
    const problem = checkRamSize(size);
    if (problem) throw new RangeError(problem);
    if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) {
      throw new Error("vmlab needs a little-endian host");
    }
    this.arena = new Arena(size, webAssembly);
    const { buffer, ram } = this.arena;
    this.size = size;
    this.u8 = new Uint8Array(buffer, ram, size);
    this.i8 = new Int8Array(buffer, ram, size);
    this.u16 = new Uint16Array(buffer, ram, size / 2);
    this.i16 = new Int16Array(buffer, ram, size / 2);
    this.i32 = new Int32Array(buffer, ram, size / 4);
  }

  /** True if [pa, pa+len) lies inside RAM. */
  contains(pa: number, len = 1): boolean {
    return pa >= 0 && len >= 0 && pa + len <= this.size;
  }

  /** Reads an aligned 32-bit word; pa must be in RAM and 4-aligned (callers check). */
  read32(pa: number): number {
    this.reads++;
    return this.i32[pa >>> 2]!;
  }

  /** Writes an aligned 32-bit word; pa must be in RAM and 4-aligned (callers check). */
  write32(pa: number, value: number): void {
    this.writes++;
    this.i32[pa >>> 2] = value;
  }

  /** Side-effect-free read of a byte (no counters), for tools; undefined outside RAM. */
  peek8(pa: number): number | undefined {
    return this.contains(pa) ? this.u8[pa] : undefined;
  }

  /** Side-effect-free read of a little-endian 32-bit word at any alignment; undefined outside RAM. */
  peek32(pa: number): number | undefined {
    if (!this.contains(pa, 4)) return undefined;
    const b = this.u8;
    return (b[pa]! | (b[pa + 1]! << 8) | (b[pa + 2]! << 16) | (b[pa + 3]! << 24)) >>> 0;
  }

  /** Copies bytes into RAM; the range must be inside RAM (callers check). */
  writeBytes(pa: number, bytes: Uint8Array): void {
    this.u8.set(bytes, pa);
  }

  /** A copy of [pa, pa+len); the range must be inside RAM (callers check). */
  readBytes(pa: number, len: number): Uint8Array {
    return this.u8.slice(pa, pa + len);
  }

  /** Zero-fills [pa, pa+len); the range must be inside RAM. */
  zero(pa: number, len: number): void {
    this.u8.fill(0, pa, pa + len);
  }
}
