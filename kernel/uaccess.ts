// Moving bytes between the kernel and a user address space, page by page through the MMU's
// side-effect-free translation, so every mode (bare, base-limit, segmented, paged) and every
// permission is honoured. A bad pointer is a failed result (the syscall returns -EFAULT), never a
// host exception.
import type { Mmu } from "../hw/mmu.js";
import { PAGE_SIZE } from "../hw/ram.js";
import { Access } from "../hw/trap.js";

/** Copies `len` bytes from user address `va`; null if any byte is not readable by the user. */
export function copyIn(mmu: Mmu, va: number, len: number): Uint8Array | null {
  const out = new Uint8Array(len);
  let done = 0;
  while (done < len) {
    const at = (va + done) >>> 0;
    if (va + done > 0xffff_ffff) return null;
    const r = mmu.translateQuietly(at, Access.Load);
    if (!r.ok) return null;
    const chunk = Math.min(len - done, PAGE_SIZE - (at % PAGE_SIZE));
    out.set(mmu.ram.u8.subarray(r.pa, r.pa + chunk), done);
    done += chunk;
  }
  return out;
}

/** Copies `bytes` to user address `va`; false (nothing promised about a prefix) if not writable. */
export function copyOut(mmu: Mmu, va: number, bytes: Uint8Array): boolean {
  let done = 0;
  while (done < bytes.length) {
    const at = (va + done) >>> 0;
    if (va + done > 0xffff_ffff) return false;
    const r = mmu.translateQuietly(at, Access.Store);
    if (!r.ok) return false;
    const chunk = Math.min(bytes.length - done, PAGE_SIZE - (at % PAGE_SIZE));
    mmu.ram.u8.set(bytes.subarray(done, done + chunk), r.pa);
    done += chunk;
  }
  return true;
}

/** Reads a NUL-terminated string of at most `max` bytes; null if unreadable or too long. */
export function copyInStr(mmu: Mmu, va: number, max: number): string | null {
  const bytes: number[] = [];
  for (let i = 0; i < max; i++) {
    const r = mmu.translateQuietly((va + i) >>> 0, Access.Load);
    if (!r.ok || va + i > 0xffff_ffff) return null;
    const b = mmu.ram.u8[r.pa]!;
    if (b === 0) return new TextDecoder().decode(new Uint8Array(bytes));
    bytes.push(b);
  }
  return null;
}

/** True if every byte of [va, va+len) may be accessed by the user as `access`. */
export function userRangeOk(mmu: Mmu, va: number, len: number, access: Access): boolean {
  if (len === 0) return true;
  if (va + len > 0x1_0000_0000) return false;
  for (let page = va - (va % PAGE_SIZE); page < va + len; page += PAGE_SIZE) {
    if (!mmu.translateQuietly(Math.max(page, va) >>> 0, access).ok) return false;
  }
  return true;
}
