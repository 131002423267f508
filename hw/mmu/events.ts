// What a translation reports and what it may change. Every translation function takes a
// Translation: the guest path's (it counts, fills the TLB, moves LRU stamps, writes A/D bits and
// caches its answer in the fast tables) or a quiet one (it changes nothing and only answers, and
// explains itself if asked). The effects travel with the argument, so no mode flag is saved and
// restored around a look.
import type { Access, Cause } from "../trap.js";
import { Cause as C, FaultReason } from "../trap.js";
import type { MmuMode } from "./config.js";
import type { MmuCounters } from "./counters.js";
import type { FastTables } from "./fast.js";

/** One step of a translation, for traces, the stepper and tests. */
export type MmuEvent =
  | { kind: "start"; access: Access; va: number; mode: MmuMode }
  | { kind: "tlb"; vpn: number; asid: number; set: number; way: number; hit: boolean }
  | {
      kind: "walk";
      level: number;
      index: number;
      pteAddr: number;
      pte: number;
      /** The PTE's own flag bits as letters (V R W X U G A D, those the format has). */
      flags: string;
      pfn: number;
    }
  /** Step 5/6 on a leaf (walked or cached): `flags` as Sv32 letters; reason None means allowed. */
  | { kind: "check"; access: Access; flags: string; reason: FaultReason }
  /** A TLB hit lacking A or D goes to the PTE in memory; `cached` is what the entry holds. */
  | { kind: "recheck"; pteAddr: number; pte: number; cached: number }
  | { kind: "ad"; pteAddr: number; old: number; pte: number }
  | {
      kind: "fill";
      index: number;
      set: number;
      way: number;
      vpn: number;
      ppn: number;
      asid: number;
      global: boolean;
      megapage: boolean;
    }
  | { kind: "relocate"; base: number; limit: number; offset: number; segment?: number }
  | { kind: "done"; pa: number }
  | { kind: "fault"; cause: Cause; reason: FaultReason };

/** Hears each step of a translation. */
export type Tracer = (e: MmuEvent) => void;

/** An implicit memory access made by the MMU itself (a PTE read or an A/D write). */
export interface MmuMemAccess {
  op: "read" | "write";
  pa: number;
  size: number;
  value: number;
}

export type QuietResult =
  | { ok: true; pa: number }
  | { ok: false; cause: Cause; reason: FaultReason };

/** What a translation returns for a fault (a physical address is never negative). */
export const NO_PA = -1;

/** One kind of translation and its effects (see the header), with its outcome. */
export class Translation {
  /** Hears every step; while set, the guest path caches nothing in the fast tables. */
  trace: Tracer | null = null;
  /** Receives the guest path's PTE reads and A/D writes (the fast path stays on). */
  memLog: MmuMemAccess[] | null = null;
  /** The fault of the last failed translation (tval is the address translated). */
  cause: Cause = C.LoadPageFault;
  reason: FaultReason = FaultReason.None;
  /** Whether the last answer was cached in the fast tables (the CPU may keep it for fetches). */
  cacheable = false;
  /** The guest path's counters and fast tables; a quiet translation has neither. */
  readonly counters: MmuCounters | null;
  readonly fast: FastTables | null;

  constructor(counters: MmuCounters | null, fast: FastTables | null) {
    this.counters = counters;
    this.fast = fast;
  }

  /** True on the guest path: TLB fills, LRU stamps and A/D writes happen. */
  get live(): boolean {
    return this.counters !== null;
  }

  /** Records a fault; returns NO_PA for the caller to return. */
  fail(cause: Cause, reason: FaultReason): number {
    this.cause = cause;
    this.reason = reason;
    this.counters?.fault(cause);
    this.trace?.({ kind: "fault", cause, reason });
    return NO_PA;
  }

  /** Caches 4 KiB page `vpn` -> `ppn` for `access` (guest path, not traced), backed by `slot`. */
  install(vpn: number, ppn: number, access: Access, slot: number): void {
    if (this.fast === null || this.trace !== null) return;
    this.fast.install(vpn, ppn, access, slot);
    this.cacheable = true;
  }

  /** Logs a PTE read or write of `size` bytes at `pa` (guest path with a memory log only). */
  logPte(op: "read" | "write", pa: number, size: number, value: number): void {
    this.memLog?.push({ op, pa, size, value });
  }
}
