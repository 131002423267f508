// The RV32IMA CPU, user mode only: the kernel is host code and meets the CPU only through traps.
//
// run() is the hot loop: one decode switch on the major opcode, registers and memory in typed
// arrays, no allocation per instruction. Every fetch, load and store is translated by the MMU's
// fast tables (a hit is one read and one compare); a miss calls Mmu.translate. A trapping
// instruction writes no register or memory; run() returns the trap and leaves pc at it.

import * as alu from "./alu.js";
import { Layout } from "./arena.js";
import { atomic, NO_RESERVATION } from "./atomic.js";
import { type Backend, backendFor } from "./compile/backend.js";
import { CodeCache, HOT_CHUNK, runCompiled } from "./compile/engine.js";
import * as isa from "./isa.js";
import * as clock from "./mmu/fast.js";
import type { Mmu } from "./mmu.js";
import type { Ram } from "./ram.js";
import { Access, Cause, illegalTrap, misalignedTrap, systemTrap, type Trap } from "./trap.js";

// The encodings, bound once here: the decode switch reads module constants, never an import
// binding (vitest turns each use of an imported name into a getter call: several times slower).
// The same for the ALU and the LRU clock's helpers.
const { Funct7, Opcode } = isa;
const { dataTime, fetchTime, NO_TLB_SLOT } = clock;
const { branchOffset, branchTaken, jumpOffset, opImm, opReg } = alu;

export { NO_RESERVATION } from "./atomic.js";

/** How the CPU runs guest code: the interpreter below, or compiled (compile/engine.ts). */
export type Engine = "interpret" | "compile";
export const ENGINES: readonly Engine[] = ["interpret", "compile"];

export class Cpu {
  /** x0..x31; x0 is never written. */
  readonly x: Int32Array;
  pc = 0;
  /** Instructions completed (ecall and ebreak count when they trap to the kernel). */
  instret = 0;
  /** Instruction attempts, completed or trapped: the clock behind TLB LRU stamps. */
  ticks = 0;
  loads = 0;
  stores = 0;
  /**
   * The lr.w reservation: the physical address of the reserved word, or NO_RESERVATION. Any store
   * of this hart to that word clears it; the kernel clears it on every trap and context switch.
   */
  reservation = NO_RESERVATION;
  readonly mmu: Mmu;
  readonly ram: Ram;
  /** run()'s engine. Both give the same results; compile is faster on long runs. */
  engine: Engine = "interpret";
  /** Compiling engine: instructions a chunk of code runs interpreted before it is compiled. */
  compileAfter = HOT_CHUNK;
  /**
   * Compiling engine: what it compiles to, if the host allows it; undefined for WebAssembly where
   * it can (tests choose JavaScript to check that too).
   */
  compileTo: Backend | undefined = undefined;
  /**
   * One bit per physical word, set while compiled code was made from it: a store there drops that
   * code (self-modifying code; compile/engine.ts). Bit (pa >>> 2) & 31 of codeWords[pa >>> 7].
   */
  readonly codeWords: Int32Array;
  private code: CodeCache | null = null;

  constructor(mmu: Mmu) {
    this.mmu = mmu;
    this.ram = mmu.ram;
    const arena = this.ram.arena;
    this.x = arena.int32(Layout.X, 32);
    this.codeWords = arena.int32(Layout.CODE_WORDS, arena.codeWordsBytes / 4);
  }

  /**
   * Forgets compiled code whose words may have changed behind the CPU's back: the next use
   * compares it with memory first. Run does this after every trap (the kernel runs then); call it
   * after writing guest memory at any other time.
   */
  memoryChanged(): void {
    this.code?.memoryChanged();
  }

  /** The compiled code (a cache: null until the compiling engine first runs, or after forgetting). */
  get compiledCode(): CodeCache | null {
    return this.code;
  }

  /** Drops all compiled code (after memory was put back from a checkpoint, say). */
  forgetCompiledCode(): void {
    this.code = null;
    this.codeWords.fill(0);
  }

  /** Drops the lr.w reservation, so that the next sc.w fails (traps and context switches). */
  clearReservation(): void {
    this.reservation = NO_RESERVATION;
  }

  /** True while an lr.w reservation is held (no trap, switch or sc.w since). */
  hasReservation(): boolean {
    return this.reservation !== NO_RESERVATION;
  }

  /** Runs one instruction; returns its trap, or null if it completed. */
  step(): Trap | null {
    return this.run(1);
  }

  /**
   * Runs until an instruction traps (returned, with pc left at it) or `budget` instructions have
   * completed (returns null), with the engine chosen (single steps and traced runs interpret).
   */
  run(budget: number): Trap | null {
    const code =
      this.engine === "interpret" || budget < 2 || this.mmu.tracing ? null : this.compiled();
    const trap = code === null ? this.interpret(budget) : runCompiled(this, code, budget);
    if (trap !== null) this.memoryChanged(); // the kernel runs next
    return trap;
  }

  /** The compiled code, made on first use; null where the host lets us make no code at all. */
  private compiled(): CodeCache | null {
    if (this.code === null) {
      const backend = backendFor(this, this.compileTo);
      if (backend !== null) this.code = new CodeCache(this, backend);
    }
    return this.code;
  }

  /** run() by the interpreter alone: one instruction at a time. */
  interpret(budget: number): Trap | null {
    const x = this.x;
    const mmu = this.mmu;
    const fast = mmu.fast;
    const fastX = fast.fetch;
    const fastR = fast.load;
    const fastW = fast.store;
    const { u8, i8, u16, i16, i32 } = this.ram;
    const codeWords = this.codeWords;
    const k0 = this.ticks;
    let pc = this.pc | 0;
    let fetchPage = -1;
    let fetchXor = 0;
    let loads = 0;
    let stores = 0;
    let n = 0;
    let trap: Trap | null = null;
    /** The loop ended because the fetch itself failed (so no fetch stamp is due). */
    let fetchFailed = false;
    outer: for (; n < budget; n++) {
      // Fetch: the current page's translation is kept in fetchXor until pc leaves the page.
      if (pc >>> 12 !== fetchPage) {
        if (pc & 3) {
          trap = misalignedTrap(Cause.InstructionMisaligned, pc, pc);
          fetchFailed = true;
          break;
        }
        fast.stampFetch(k0 + n - 1);
        const e = fastX[pc >>> 12]!;
        if (e !== 0) {
          fast.enterFetchPage(e, k0 + n);
          fetchXor = e & -4096;
          fetchPage = pc >>> 12;
        } else {
          const pa = mmu.translate(pc, Access.Fetch, fetchTime(k0 + n));
          if (pa < 0) {
            trap = this.translationFault(pc, pc);
            fetchFailed = true;
            break;
          }
          fetchXor = (pa ^ pc) & -4096;
          fetchPage = mmu.cacheable ? pc >>> 12 : -1;
        }
      }
      const inst = i32[(pc ^ fetchXor) >>> 2]!;
      const rd = (inst >> 7) & 31;
      // funct3 cases below are the literal values of hw/isa.ts's BranchFunct3, LoadFunct3,
      // StoreFunct3, OpFunct3 and MulDivFunct3 (kept literal in the hot loop and its helpers).
      const f3 = (inst >> 12) & 7;
      const rs1 = (inst >> 15) & 31;
      const rs2 = (inst >> 20) & 31;
      // Each case ends its instruction with `continue` or traps with `break outer`; a `break`
      // out of the switch means the encoding is illegal.
      switch (inst & 0x7f) {
        case Opcode.OpImm:
          if (
            (f3 === 1 && inst >>> 25 !== Funct7.Base) ||
            (f3 === 5 && (inst >>> 25) & ~Funct7.Alt)
          )
            break;
          if (rd !== 0) x[rd] = opImm(f3, inst >> 20, x[rs1]!);
          pc = (pc + 4) | 0;
          continue;
        case Opcode.Op: {
          const v = opReg(inst >>> 25, f3, x[rs1]!, x[rs2]!);
          if (v === undefined) break;
          if (rd !== 0) x[rd] = v;
          pc = (pc + 4) | 0;
          continue;
        }
        case Opcode.Load: {
          if (f3 === 3 || f3 > 5) break;
          const va = (x[rs1]! + (inst >> 20)) | 0;
          const size = 1 << (f3 & 3);
          if (va & (size - 1)) {
            trap = misalignedTrap(Cause.LoadMisaligned, va, pc);
            break outer;
          }
          const e = fastR[va >>> 12]!;
          let pa: number;
          if (e !== 0) {
            pa = (e & -4096) ^ va;
            fast.stampData(e, k0 + n);
          } else {
            pa = this.translateData(va, Access.Load, k0 + n, size);
            if (fast.fetchSlot === NO_TLB_SLOT) fetchPage = -1;
            if (pa < 0) {
              trap = this.translationFault(va, pc);
              break outer;
            }
          }
          loads++;
          let v: number;
          if (f3 === 2) v = i32[pa >>> 2]!;
          else if (f3 === 0) v = i8[pa]!;
          else if (f3 === 4) v = u8[pa]!;
          else if (f3 === 1) v = i16[pa >>> 1]!;
          else v = u16[pa >>> 1]!;
          if (rd !== 0) x[rd] = v;
          pc = (pc + 4) | 0;
          continue;
        }
        case Opcode.Store: {
          if (f3 > 2) break;
          const va = (x[rs1]! + (((inst >> 20) & -32) | rd)) | 0;
          const size = 1 << f3;
          if (va & (size - 1)) {
            trap = misalignedTrap(Cause.StoreMisaligned, va, pc);
            break outer;
          }
          const e = fastW[va >>> 12]!;
          let pa: number;
          if (e !== 0) {
            pa = (e & -4096) ^ va;
            fast.stampData(e, k0 + n);
          } else {
            pa = this.translateData(va, Access.Store, k0 + n, size);
            if (fast.fetchSlot === NO_TLB_SLOT) fetchPage = -1;
            if (pa < 0) {
              trap = this.translationFault(va, pc);
              break outer;
            }
            // The reserved word's page has no fast store entry (lr.w removes it), so every store
            // that could hit the reservation comes this way: the fast path checks nothing.
            if (this.reservation !== NO_RESERVATION) this.storeNearReservation(va, pa);
          }
          if ((codeWords[pa >>> 7]! >>> (pa >>> 2)) & 1) this.code?.storeToCode(pa);
          stores++;
          const v = x[rs2]!;
          if (f3 === 2) i32[pa >>> 2] = v;
          else if (f3 === 0) u8[pa] = v;
          else u16[pa >>> 1] = v;
          pc = (pc + 4) | 0;
          continue;
        }
        case Opcode.Amo:
          // lr.w, sc.w and amo*.w, rare enough to live outside the loop.
          trap = atomic(this, inst, pc, k0 + n);
          if (fast.fetchSlot === NO_TLB_SLOT) fetchPage = -1;
          if (trap !== null) break outer;
          pc = (pc + 4) | 0;
          continue;
        case Opcode.Branch: {
          if (f3 === 2 || f3 === 3) break;
          const target = branchTaken(f3, x[rs1]!, x[rs2]!) ? (pc + branchOffset(inst)) | 0 : pc + 4;
          if (target & 3) {
            trap = misalignedTrap(Cause.InstructionMisaligned, target, pc);
            break outer;
          }
          pc = target | 0;
          continue;
        }
        case Opcode.Jal:
        case Opcode.Jalr: {
          if ((inst & 0x7f) === Opcode.Jalr && f3 !== 0) break;
          const target =
            (inst & 0x7f) === Opcode.Jal
              ? (pc + jumpOffset(inst)) | 0
              : ((x[rs1]! + (inst >> 20)) & ~1) | 0;
          if (target & 3) {
            trap = misalignedTrap(Cause.InstructionMisaligned, target, pc);
            break outer;
          }
          if (rd !== 0) x[rd] = (pc + 4) | 0;
          pc = target;
          continue;
        }
        case Opcode.Lui:
          if (rd !== 0) x[rd] = inst & -4096;
          pc = (pc + 4) | 0;
          continue;
        case Opcode.Auipc:
          if (rd !== 0) x[rd] = (pc + (inst & -4096)) | 0;
          pc = (pc + 4) | 0;
          continue;
        case Opcode.MiscMem:
          // fence and fence.i: memory is coherent and in order here, so they do nothing.
          if (f3 > 1) break;
          pc = (pc + 4) | 0;
          continue;
        case Opcode.System:
          trap = systemTrap(inst, pc);
          break outer;
      }
      trap = illegalTrap(inst, pc);
      break;
    }
    this.pc = pc;
    this.loads += loads;
    this.stores += stores;
    this.retire(k0, n, trap, fetchFailed);
    return trap;
  }

  /**
   * Accounts for a run that attempted `n` instructions from tick `k0` and ended with `trap`:
   * ecall and ebreak complete by trapping, other traps leave their instruction undone (but it
   * used a tick). The fetch page's LRU stamp is left at its last fetch, so the kernel reads exact
   * times.
   */
  private retire(k0: number, n: number, trap: Trap | null, fetchFailed: boolean): void {
    const completes =
      trap !== null && (trap.cause === Cause.EcallFromU || trap.cause === Cause.Breakpoint);
    this.instret += completes ? n + 1 : n;
    this.ticks = k0 + (trap !== null ? n + 1 : n);
    const fast = this.mmu.fast;
    if (trap !== null && !fetchFailed) fast.stampFetch(k0 + n);
    else if (trap === null && n > 0) fast.stampFetch(k0 + n - 1);
  }

  /**
   * The slow path of every load, store and atomic (its fast word was empty): the MMU's guest
   * translation of `va` at tick `k`'s data time. Returns the physical address, or NO_PA with the
   * fault in the MMU (translationFault builds the trap). It may evict the fetch page's entry
   * (fast.fetchSlot is then NO_TLB_SLOT, and the caller must translate the next fetch again).
   */
  translateData(va: number, access: Access, k: number, size: number): number {
    return this.mmu.translate(va, access, dataTime(k), size);
  }

  /** The trap of an access at `va` by the instruction at `pc` whose translation failed. */
  translationFault(va: number, pc: number): Trap {
    const { faultCause, faultReason } = this.mmu;
    return { cause: faultCause, tval: va >>> 0, epc: pc >>> 0, reason: faultReason };
  }

  /**
   * A store at `va` (physical `pa`) took the slow path while a reservation is held: a store to
   * the reserved word ends it; one elsewhere on its page drops the fast store entry the slow
   * path just made, so later stores to the page keep coming here (see NO_RESERVATION).
   */
  storeNearReservation(va: number, pa: number): void {
    if (((pa ^ this.reservation) & -4096) !== 0) return;
    if ((pa & -4) === this.reservation) this.reservation = NO_RESERVATION;
    else this.mmu.fast.store[va >>> 12] = 0;
  }
}
