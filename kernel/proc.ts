// Processes: the process table entry and address-space-id allocation.
import type { Signal } from "./abi.js";
import { AddressSpace } from "./aspace.js";

export const ProcState = { Runnable: "runnable", Blocked: "blocked", Zombie: "zombie" } as const;
export type ProcState = (typeof ProcState)[keyof typeof ProcState];

export type ProcessExit =
  | { kind: "exited"; code: number }
  | { kind: "killed"; signal: Signal; reason: string };

/** A contiguous block of physical memory (base-limit partition or one segment). */
export interface Block {
  base: number;
  size: number;
}

export interface Proc {
  pid: number;
  /** 0 once the parent has gone (the kernel reaps such a process itself). */
  ppid: number;
  name: string;
  state: ProcState;
  /** Saved registers and pc while not on the CPU. */
  readonly regs: Int32Array;
  pc: number;
  asid: number;
  /** Root page-table frame (paged mode). */
  root: number;
  space: AddressSpace;
  brkStart: number;
  brk: number;
  /** Lowest address the stack may grow down to. */
  stackLow: number;
  /** Contiguous modes: the partition (base-limit) or the segments' blocks. */
  blocks: Block[];
  exit?: ProcessExit;
  /** Pages mapped now, and the most ever. */
  rss: number;
  rssPeak: number;
  instructions: number;
}

export function newProc(pid: number, ppid: number, name: string): Proc {
  return {
    pid,
    ppid,
    name,
    state: ProcState.Runnable,
    regs: new Int32Array(32),
    pc: 0,
    asid: 0,
    root: 0,
    space: new AddressSpace(),
    brkStart: 0,
    brk: 0,
    stackLow: 0,
    blocks: [],
    rss: 0,
    rssPeak: 0,
    instructions: 0,
  };
}

/** The shell-style exit status of an ended process: the code, or 128 + signal. */
export function exitStatus(e: ProcessExit): number {
  return e.kind === "exited" ? e.code : 128 + e.signal;
}

/** Address-space ids 1..511 (Sv32 has 9 ASID bits; 0 is left unused). */
export class AsidPool {
  private readonly used = new Uint8Array(512);

  /** The lowest free ASID, or undefined if all are taken. */
  alloc(): number | undefined {
    for (let a = 1; a < 512; a++) {
      if (this.used[a] === 0) {
        this.used[a] = 1;
        return a;
      }
    }
    return undefined;
  }

  release(asid: number): void {
    this.used[asid] = 0;
  }
}
