// The memory-management scheme a kernel runs (one per machine, chosen with --mm): each builds
// address spaces its own way and answers the same questions. Syscalls and the trap loop talk only
// to this interface, so base-limit, segmentation and paging run the same programs.
import type { ElfImage } from "../hw/elf.js";
import type { MmuMode } from "../hw/mmu.js";
import type { Ram } from "../hw/ram.js";
import type { Access } from "../hw/trap.js";
import type { FaultResult } from "./paging/context.js";
import type { Proc } from "./proc.js";

export interface ExecArgs {
  image: ElfImage;
  argv: readonly string[];
  envp: readonly string[];
  /** 16 bytes for AT_RANDOM. */
  random: Uint8Array;
}

/** mmap's prot and flags bits (Linux). */
export const Prot = { READ: 1, WRITE: 2, EXEC: 4 } as const;
export const MapFlag = { SHARED: 0x01, PRIVATE: 0x02, FIXED: 0x10, ANONYMOUS: 0x20 } as const;

export interface MemoryModel {
  readonly mode: MmuMode;
  /** The machine's physical memory. */
  readonly ram: Ram;
  /** Builds `p`'s address space for a program and sets its sp and pc; an error message on failure. */
  exec(p: Proc, args: ExecArgs): string | undefined;
  /** Loads `p`'s translation into the MMU (on every switch to it). */
  activate(p: Proc): void;
  /** Gives `child` a copy of `parent`'s memory; false if out of memory (child left to release). */
  fork(parent: Proc, child: Proc): boolean;
  /** Frees all of `p`'s memory. */
  release(p: Proc): void;
  /** Resolves a page fault (base-limit, segmented: a limit fault) or decides it is illegal. */
  fault(p: Proc, va: number, access: Access): FaultResult;
  /** Physical address for the kernel touching user `va`, faulting it in; -1 if not allowed. */
  userPa(p: Proc, va: number, access: Access): number;
  /** Linux brk: the new break, or the unchanged one on failure. */
  brk(p: Proc, addr: number): number;
  /** Linux mmap (anonymous only): the address, or -errno. */
  mmap(p: Proc, addr: number, len: number, prot: number, flags: number): number;
  munmap(p: Proc, addr: number, len: number): number;
  mprotect(p: Proc, addr: number, len: number, prot: number): number;
  /** base-limit and segmented: the relocation registers `p` runs with (for the stepper's pt). */
  relocationOf?(p: Proc): RelocationRegister[];
  /** Scheme-specific figures for --stats (e.g. fragmentation). */
  report?(): Record<string, number>;
  /**
   * Checked at every trap and quantum end: why `p` must be killed for a stack overflow no hardware
   * caught (base-limit: a write into the guard below its stack), or undefined.
   */
  stackOverflow?(p: Proc): string | undefined;
  /** The scheme's own invariants for --check (e.g. blocks against the allocator); the first problem. */
  check?(): string | undefined;
}

/** A relocation register as a process runs with it: what it holds, and the block behind it. */
export interface RelocationRegister {
  /** "partition", or the segment's contents ("code+data+heap", "stack"). */
  name: string;
  base: number;
  /** The limit register: bytes the process may use now (a grows-down segment's below its base). */
  limit: number;
  growsDown: boolean;
  /** Bytes of the block the kernel reserved behind it (the limit can grow up to this). */
  reserved: number;
}
