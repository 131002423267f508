// A block device of 4 KiB blocks (the swap disk). Transfers go between a block and a physical
// frame in RAM, as DMA would; each one counts, and costs `latency` cycles in the timing model.
import { PAGE_SIZE, type Ram } from "./ram.js";

export const BLOCK_SIZE = PAGE_SIZE;

export class Disk {
  readonly blocks: number;
  private readonly data: Uint8Array;
  reads = 0;
  writes = 0;

  /** A zeroed disk of `size` bytes (a multiple of 4 KiB; 0 makes a disk with no blocks). */
  constructor(size: number) {
    if (!Number.isInteger(size) || size < 0 || size % BLOCK_SIZE !== 0) {
      throw new RangeError("disk size must be a multiple of 4 KiB");
    }
    this.blocks = size / BLOCK_SIZE;
    this.data = new Uint8Array(size);
  }

  /** Copies block `block` into RAM at `pa` (page-aligned, inside RAM: callers check). */
  read(block: number, ram: Ram, pa: number): void {
    this.check(block);
    ram.u8.set(this.data.subarray(block * BLOCK_SIZE, (block + 1) * BLOCK_SIZE), pa);
    this.reads++;
  }

  /** Copies the frame at `pa` into block `block`. */
  write(block: number, ram: Ram, pa: number): void {
    this.check(block);
    this.data.set(ram.u8.subarray(pa, pa + BLOCK_SIZE), block * BLOCK_SIZE);
    this.writes++;
  }

  private check(block: number): void {
    if (!Number.isInteger(block) || block < 0 || block >= this.blocks) {
      throw new RangeError(`disk: block ${block} out of range (0..${this.blocks - 1})`);
    }
  }
}
