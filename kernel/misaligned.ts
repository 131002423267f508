// Misaligned loads and stores, emulated as Linux does on RISC-V: the hardware raises "load/store
// address misaligned" (causes 4 and 6); the kernel decodes the instruction, makes the access one
// byte at a time through the MMU's guest path (each byte translated as the guest's own access
// would be: TLB, walk, A/D, copy-on-write), writes the register or the memory, and resumes after
// the instruction. A byte that faults (say, the second page of a word straddling a boundary) is a
// fault like any other: the kernel's trap dispatch handles it, and the emulation starts over. A
// store writes nothing until every one of its bytes has translated, so a fault on the second page
// never leaves half a word written.
//
// `--misaligned signal` turns the emulation off: the process gets SIGBUS, as on hardware without
// a handler (for teaching the trap itself).
import { Opcode } from "../hw/isa.js";
import type { Machine } from "../hw/machine.js";
import { Access, type Trap } from "../hw/trap.js";
import type { KernelEvent } from "./trace.js";

/** What the kernel does with a misaligned load or store. */
export const MisalignedMode = { Emulate: "emulate", Signal: "signal" } as const;
export type MisalignedMode = (typeof MisalignedMode)[keyof typeof MisalignedMode];

/** Rounds of "translate every byte" before the emulation gives up and lets the CPU retry. */
const MAX_ROUNDS = 8;
const INSTRUCTION_BYTES = 4;

/** A decoded misaligned load or store: its width, signedness and register. */
interface MisalignedAccess {
  store: boolean;
  size: number;
  signed: boolean;
  /** rd for a load, rs2 for a store. */
  reg: number;
  name: string;
}

const LOAD_NAMES: Record<number, string> = { 1: "lh", 2: "lw", 5: "lhu" };
const STORE_NAMES: Record<number, string> = { 1: "sh", 2: "sw" };

/** Decodes a load or store word of width 2 or 4 (the only ones that can be misaligned). */
export function decodeMisaligned(inst: number): MisalignedAccess | undefined {
  const opcode = inst & 0x7f;
  const f3 = (inst >>> 12) & 7;
  if (opcode === Opcode.Load && LOAD_NAMES[f3] !== undefined) {
    const size = 1 << (f3 & 3);
    return { store: false, size, signed: f3 < 4, reg: (inst >>> 7) & 31, name: LOAD_NAMES[f3] };
  }
  if (opcode === Opcode.Store && STORE_NAMES[f3] !== undefined) {
    return {
      store: true,
      size: 1 << f3,
      signed: false,
      reg: (inst >>> 20) & 31,
      name: STORE_NAMES[f3],
    };
  }
  return undefined;
}

/** What the emulation needs from the kernel: the machine, a fault handler and a tracer. */
export interface MisalignedContext {
  machine: Machine;
  /** Handles a fault of one byte as any trap (page fault, TLB refill); false if `pid` ended. */
  handleFault(trap: Trap): boolean;
  emit(e: KernelEvent): void;
  /** Counts one emulated instruction. */
  count(): void;
}

/**
 * Emulates the misaligned load or store that raised `trap` for process `pid`, which is on the
 * CPU. Returns true if the instruction completed (pc moved past it), false if it did not (the
 * process ended on a fault, or the bytes kept faulting and the CPU will retry it); throws nothing.
 * Returns undefined if the word at epc is not a load or store this can emulate.
 */
export function emulateMisaligned(
  ctx: MisalignedContext,
  pid: number,
  trap: Trap,
): boolean | undefined {
  const { mmu, cpu, ram } = ctx.machine;
  const fetch = mmu.translateQuietly(trap.epc, Access.Fetch);
  if (!fetch.ok) return undefined;
  const access = decodeMisaligned(ram.i32[fetch.pa >>> 2]!);
  if (!access) return undefined;
  const va = trap.tval >>> 0;
  ctx.emit({
    kind: "fault",
    pid,
    va,
    cause: access.store ? "store address misaligned" : "load address misaligned",
    action: `emulating ${access.name} byte by byte (${access.size} ${access.store ? "stores" : "loads"} through the MMU)`,
  });
  const pas: number[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const fault = translateBytes(ctx.machine, va, access, pas, trap.epc);
    if (fault) {
      if (!ctx.handleFault(fault)) return false;
      continue;
    }
    if (access.store) storeBytes(ctx.machine, access, pas);
    else loadBytes(ctx.machine, access, pas);
    cpu.pc = (trap.epc + INSTRUCTION_BYTES) | 0;
    cpu.instret++;
    ctx.count();
    return true;
  }
  return false;
}

/**
 * Translates each byte of the access by the guest path into `pas` (counted as the CPU's loads or
 * stores); returns the trap of the first byte that faults, or null when all translated.
 */
function translateBytes(
  m: Machine,
  va: number,
  a: MisalignedAccess,
  pas: number[],
  epc: number,
): Trap | null {
  const t = 2 * m.cpu.ticks - 1; // the LRU clock of the trapped instruction's data access
  const kind = a.store ? Access.Store : Access.Load;
  pas.length = 0;
  for (let i = 0; i < a.size; i++) {
    const byteVa = (va + i) >>> 0;
    const pa = m.mmu.translate(byteVa, kind, t, 1);
    if (pa < 0) return { cause: m.mmu.faultCause, tval: byteVa, epc, reason: m.mmu.faultReason };
    pas.push(pa);
    if (a.store) m.cpu.stores++;
    else m.cpu.loads++;
  }
  return null;
}

/** Assembles the little-endian value from the bytes at `pas` into the destination register. */
function loadBytes(m: Machine, a: MisalignedAccess, pas: readonly number[]): void {
  let v = 0;
  for (let i = pas.length - 1; i >= 0; i--) v = (v << 8) | m.ram.u8[pas[i]!]!;
  if (a.size === 2) v = a.signed ? (v << 16) >> 16 : v & 0xffff;
  if (a.reg !== 0) m.cpu.x[a.reg] = v;
}

/** Writes the source register's low bytes to `pas`, little-endian. */
function storeBytes(m: Machine, a: MisalignedAccess, pas: readonly number[]): void {
  const v = m.cpu.x[a.reg]!;
  for (let i = 0; i < pas.length; i++) m.ram.u8[pas[i]!] = v >>> (8 * i);
}
