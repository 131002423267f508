// The RV32A instructions (lr.w, sc.w and the AMOs): rare enough to live outside the CPU's hot loop.
import { amo } from "./alu.js";
import type { Cpu } from "./cpu.js";
import { AMO_FUNCT3_WORD, AmoFunct5 } from "./isa.js";
import { Access, Cause, FaultReason, illegalTrap, type Trap } from "./trap.js";

/**
 * The reservation register's "none" value. A reservation is the physical address of the word an
 * lr.w loaded (the reservation granule is that aligned word); physical addresses are never
 * negative, so no store can match it. While one is held, the reserved page has no fast store
 * entry, so the fast store path needs no check; the slow path compares (a writable frame is
 * mapped at one virtual page per address space, so no store can reach it another way).
 */
export const NO_RESERVATION = -1;

/** Bit f of this mask is set when funct5 = f is an RV32A instruction. */
const AMO_FUNCT5_VALID = Object.values(AmoFunct5).reduce((m: number, f) => m | (1 << f), 0);

/**
 * Executes lr.w, sc.w or an amo*.w (`inst` at `pc`, its data access at LRU time `t`): rd,
 * rs2, (rs1), no offset. lr.w translates as a load; sc.w and the AMOs as a store (an AMO is a
 * store for permission, A/D and copy-on-write). Returns the trap, or null if it completed (the
 * caller moves pc on). A trapping instruction writes nothing.
 */
export function atomic(cpu: Cpu, inst: number, pc: number, k: number): Trap | null {
  const x = cpu.x;
  const f5 = inst >>> 27;
  const rd = (inst >> 7) & 31;
  const rs2 = (inst >> 20) & 31;
  const isLr = f5 === AmoFunct5.Lr;
  const valid = ((inst >> 12) & 7) === AMO_FUNCT3_WORD && ((AMO_FUNCT5_VALID >>> f5) & 1) !== 0;
  if (!valid || (isLr && rs2 !== 0)) return illegalTrap(inst, pc);
  const va = x[(inst >> 15) & 31]!;
  if (va & 3) {
    // The spec lets a misaligned AMO raise an access fault instead of the misaligned cause.
    const cause = isLr ? Cause.LoadAccessFault : Cause.StoreAccessFault;
    return { cause, tval: va >>> 0, epc: pc >>> 0, reason: FaultReason.Misaligned };
  }
  if (f5 === AmoFunct5.Sc && cpu.reservation === NO_RESERVATION) {
    if (rd !== 0) x[rd] = 1; // no reservation: fail without touching memory, as qemu does
    return null;
  }
  const fast = cpu.mmu.fast;
  const e = (isLr ? fast.load : fast.store)[va >>> 12]!;
  let pa: number;
  if (e !== 0) {
    pa = (e & -4096) ^ va;
    fast.stampData(e, k);
  } else {
    pa = cpu.translateData(va, isLr ? Access.Load : Access.Store, k, 4);
    if (pa < 0) return cpu.translationFault(va, pc);
  }
  if (!isLr && (cpu.codeWords[pa >>> 7]! >>> (pa >>> 2)) & 1) cpu.compiledCode?.storeToCode(pa);
  const i32 = cpu.ram.i32;
  const old = i32[pa >>> 2]!;
  const src = x[rs2]!;
  let v = old;
  if (isLr) {
    cpu.loads++;
    cpu.reservation = pa;
    fast.store[va >>> 12] = 0; // stores to this page now take the checking slow path
  } else if (f5 === AmoFunct5.Sc) {
    cpu.stores++;
    v = cpu.reservation === pa ? 0 : 1;
    if (v === 0) i32[pa >>> 2] = src;
    cpu.reservation = NO_RESERVATION;
  } else {
    cpu.stores++;
    i32[pa >>> 2] = amo(f5, old, src);
    if (pa === cpu.reservation) cpu.reservation = NO_RESERVATION;
  }
  if (rd !== 0) x[rd] = v;
  return null;
}
