// Protection and isolation. Which PTE permission an access needs and whether a leaf PTE grants it
// to user mode (the same rule the hardware walker applies, hw/sv32.ts), mprotect on the page table,
// and moving bytes between the kernel and a process's memory: every pointer a syscall receives goes
// through here. Pages are translated one at a time by the memory model, which faults lazy pages
// in as the hardware would; a bad pointer is a failed result (-EFAULT), never a host exception.

import { PAGE_SIZE } from "../hw/ram.js";
import { PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from "../hw/sv32.js";
import { Access } from "../hw/trap.js";
import { type MemoryModel, Prot } from "./memory.js";
import { flushPage, type VmContext } from "./paging/context.js";
import { forEachPte, PTE_COW, storePte } from "./paging/pagetable.js";
import type { Proc } from "./proc.js";

const ADDRESS_END = 0x1_0000_0000;

/** Copies `len` bytes from user address `va`; null if any byte may not be read by `p`. */
export function copyIn(mem: MemoryModel, p: Proc, va: number, len: number): Uint8Array | null {
  if (va + len > ADDRESS_END) return null;
  const out = new Uint8Array(len);
  const u8 = ramOf(mem);
  for (let done = 0; done < len; ) {
    const pa = mem.userPa(p, va + done, Access.Load);
    if (pa < 0) return null;
    const n = Math.min(len - done, PAGE_SIZE - ((va + done) % PAGE_SIZE));
    out.set(u8.subarray(pa, pa + n), done);
    done += n;
  }
  return out;
}

/** Copies `bytes` to user address `va`; false if any byte may not be written (a prefix may be). */
export function copyOut(mem: MemoryModel, p: Proc, va: number, bytes: Uint8Array): boolean {
  if (va + bytes.length > ADDRESS_END) return false;
  const u8 = ramOf(mem);
  for (let done = 0; done < bytes.length; ) {
    const pa = mem.userPa(p, va + done, Access.Store);
    if (pa < 0) return false;
    const n = Math.min(bytes.length - done, PAGE_SIZE - ((va + done) % PAGE_SIZE));
    u8.set(bytes.subarray(done, done + n), pa);
    done += n;
  }
  return true;
}

/** Writes 32-bit little-endian words at `va`; false if not writable. */
export function copyOutWords(
  mem: MemoryModel,
  p: Proc,
  va: number,
  words: readonly number[],
): boolean {
  const bytes = new Uint8Array(words.length * 4);
  const dv = new DataView(bytes.buffer);
  words.forEach((w, i) => {
    dv.setUint32(i * 4, w >>> 0, true);
  });
  return copyOut(mem, p, va, bytes);
}

/** Reads a 32-bit word at `va`; null if not readable. */
export function copyInWord(mem: MemoryModel, p: Proc, va: number): number | null {
  const b = copyIn(mem, p, va, 4);
  return b ? new DataView(b.buffer).getUint32(0, true) : null;
}

/** A NUL-terminated string of at most `max` bytes at `va`: the text, "fault", or "too long". */
export function copyInStr(
  mem: MemoryModel,
  p: Proc,
  va: number,
  max: number,
): string | "fault" | "too long" {
  const u8 = ramOf(mem);
  const bytes: number[] = [];
  for (let at = va; bytes.length < max; ) {
    if (at >= ADDRESS_END) return "fault";
    const pa = mem.userPa(p, at, Access.Load);
    if (pa < 0) return "fault";
    const n = Math.min(PAGE_SIZE - (at % PAGE_SIZE), max - bytes.length);
    for (let i = 0; i < n; i++) {
      const b = u8[pa + i]!;
      if (b === 0) return new TextDecoder().decode(new Uint8Array(bytes));
      bytes.push(b);
    }
    at += n;
  }
  return "too long";
}

/** The RAM bytes behind a memory model (all models share the machine's RAM). */
function ramOf(mem: MemoryModel): Uint8Array {
  return mem.ram.u8;
}

/** The PTE permission bit an access needs. */
export function permFor(access: Access): number {
  return access === Access.Fetch ? PTE_X : access === Access.Load ? PTE_R : PTE_W;
}

/** Rewrites the permissions of present pages in [start, end) to `perm` (never W on COW pages). */
export function protectRange(
  ctx: VmContext,
  p: Proc,
  start: number,
  end: number,
  perm: number,
): void {
  const ram = ctx.machine.ram;
  forEachPte(ctx.pt, ram, ctx.frames, p.root, start, end, (va, addr, pte) => {
    if ((pte & PTE_V) === 0) return;
    const w = pte & PTE_COW ? 0 : perm & PTE_W;
    const flags = (pte & ~(PTE_R | PTE_W | PTE_X)) | (perm & (PTE_R | PTE_X)) | w;
    storePte(ram, addr, flags >>> 0);
    flushPage(ctx, p, va);
  });
}

/** Whether leaf `pte` lets user mode make `access`: valid, U set, and the permission bit. */
export function leafPermits(pte: number, access: Access): boolean {
  return (pte & (PTE_V | PTE_U)) === (PTE_V | PTE_U) && (pte & permFor(access)) !== 0;
}

/** PROT_* bits (mmap, mprotect) to PTE permission bits; W implies R, as on RISC-V. */
export function protToPerm(prot: number): number {
  return (
    (prot & Prot.READ ? PTE_R : 0) |
    (prot & Prot.WRITE ? PTE_R | PTE_W : 0) |
    (prot & Prot.EXEC ? PTE_X : 0)
  );
}

/** An ELF PT_LOAD segment's R/W/X flags to PTE permission bits; W implies R. */
export function segmentPerm(s: {
  readonly readable: boolean;
  readonly writable: boolean;
  readonly executable: boolean;
}): number {
  return (s.readable ? PTE_R : 0) | (s.writable ? PTE_R | PTE_W : 0) | (s.executable ? PTE_X : 0);
}
