// Swap: when no frame is free, a user page chosen by the replacement policy leaves RAM. A dirty
// page is written to a slot on the swap disk and its PTE remembers the slot; a clean one is just
// dropped, since a fault can rebuild it from the program image or zeros. The next touch of a
// swapped page is a major fault that reads it back (handled in paging/fault.ts).
//
// Private user frames are evicted, including those shared copy-on-write after fork: every
// mapping (the same address in each sharer) then points at the one swap slot, whose reference
// count is the number of sharers. MAP_SHARED frames, page tables and kernel frames stay in RAM,
// and so do frames the kernel is working on: pinned ones (FrameTable.pin) and the pages of the
// instruction whose faults are being served (paging/progress.ts). The policy never sees those as
// evictable.
//
// A swapped PTE keeps the slot in its PPN field (the diagram and swapSlot/swapPte are in
// paging/pagetable.ts).
import type { Machine } from "../../hw/machine.js";
import { PAGE_SIZE } from "../../hw/ram.js";
import { PTE_A, PTE_D, PTE_V, ptePpn } from "../../hw/sv32.js";
import { type FrameTable, FrameUse } from "../frames.js";
import {
  loadPte,
  NO_PTE,
  type PageTableOps,
  storePte,
  swapPte,
  swapSlot,
} from "../paging/pagetable.js";
import type { ProgressGuard } from "../paging/progress.js";
import type { Proc } from "../proc.js";
import type { ReplacementPolicy, ResidencyView } from "../replace/policy.js";
import type { KernelEvent } from "../trace.js";

/** The kernel's replacement policy: any policy of kernel/replace, over physical frames. */
export type SwapPolicy = ReplacementPolicy;

export interface SwapCounters {
  majorFaults: number;
  swapIns: number;
  swapOuts: number;
  dirtyWritebacks: number;
  evictions: number;
  swapFull: number;
}

/** Allocation of 4 KiB slots on the swap disk, with reference counts (fork shares slots). */
export class SwapSpace {
  readonly slots: number;
  private readonly refs: Int32Array;
  private next = 0;
  used = 0;

  constructor(slots: number) {
    this.slots = slots;
    this.refs = new Int32Array(slots);
  }

  /** A free slot, or -1 when swap is full. */
  alloc(): number {
    for (let i = 0; i < this.slots; i++) {
      const s = (this.next + i) % this.slots;
      if (this.refs[s] === 0) {
        this.refs[s] = 1;
        this.next = (s + 1) % this.slots;
        this.used++;
        return s;
      }
    }
    return -1;
  }

  /** References to `slot` (mappings that point at it). */
  refsOf(slot: number): number {
    return this.refs[slot] ?? 0;
  }

  ref(slot: number): void {
    this.refs[slot]!++;
  }

  /** Drops one reference; the slot is free again with the last. */
  unref(slot: number): void {
    if (this.refs[slot]! <= 0) throw new Error(`swap.unref: slot ${slot} is not in use`);
    if (--this.refs[slot]! === 0) this.used--;
  }
}

/** What the swapper needs from the kernel (the Kernel is one). */
export interface SwapContext {
  readonly machine: Machine;
  readonly frames: FrameTable;
  /** The plugged page-table operations: a frame's mappings are found with pt.walk. */
  readonly pt: PageTableOps;
  readonly procs: ReadonlyMap<number, Proc>;
  /** Address spaces being replaced by execve, whose pages are still mapped (and evictable). */
  readonly detached: ReadonlySet<Proc>;
  readonly counters: SwapCounters;
  /** The pages of the instruction being served, which must stay resident. */
  readonly progress: ProgressGuard;
  emit(e: KernelEvent): void;
}

/** Why the last eviction freed nothing: no page may be evicted, or the victim is dirty and swap is full. */
export const EvictFailure = {
  NothingEvictable: "nothing evictable",
  SwapFull: "swap full",
} as const;
export type EvictFailure = (typeof EvictFailure)[keyof typeof EvictFailure];

/** The PTE of a frame's one mapping, and its process. */
interface Mapping {
  p: Proc;
  pteAddr: number;
  pte: number;
}

export class Swapper {
  readonly space: SwapSpace;
  readonly policy: SwapPolicy;
  private readonly ctx: SwapContext;
  /** Last access time per frame, kept by the kernel from TLB stamps (see lastUse). */
  readonly view: ResidencyView;

  constructor(ctx: SwapContext, policy: SwapPolicy) {
    this.ctx = ctx;
    this.policy = policy;
    this.space = new SwapSpace(ctx.machine.disk.blocks);
    this.view = {
      evictable: (ppn) => this.evictable(ppn),
      referenced: (ppn) => (this.bitsOf(ppn) & PTE_A) !== 0,
      clearReferenced: (ppn) => this.clearAccessed(ppn),
      dirty: (ppn) => (this.bitsOf(ppn) & PTE_D) !== 0,
      lastUse: (ppn) => this.lastUse(ppn),
      random: (n) => ctx.machine.rng.below(n),
    };
    this.recorded = new Float64Array(ctx.frames.count);
    ctx.frames.reclaim = () => this.evict();
    ctx.frames.onUserFree = (ppn) => this.forget(ppn);
    // Keep each TLB entry's last-use stamp when it leaves the TLB, so lastUse stays exact.
    const tlb = ctx.machine.mmu.tlb;
    const previous = tlb.onInvalidate;
    tlb.onInvalidate = (i) => {
      const ppn = tlb.ppn[i]!;
      if (ctx.frames.use[ppn] === FrameUse.User)
        this.recorded[ppn] = Math.max(this.recorded[ppn]!, tlb.stamps[i + 1]!);
      previous(i);
    };
  }

  /** Stamps saved from TLB entries that have left the TLB, by frame. */
  private readonly recorded: Float64Array;

  /**
   * The time of the last access to frame `ppn`: every access goes through a TLB entry, whose LRU
   * stamp is that time; when the entry leaves the TLB its stamp is kept here.
   */
  lastUse(ppn: number): number {
    const tlb = this.ctx.machine.mmu.tlb;
    let t = this.recorded[ppn]!;
    for (let i = 0; i < tlb.entries; i++) {
      if (tlb.valid[i] === 1 && tlb.ppn[i] === ppn && tlb.stamps[i + 1]! > t)
        t = tlb.stamps[i + 1]!;
    }
    return t;
  }

  /** Working-set sizes sampled at each tick: pages used within the last window. */
  private wsSamples = 0;
  private wsTotal = 0;
  wsMax = 0;

  /** Called every scheduling quantum: the policy's tick, and a working-set sample. */
  tick(now: number, window: number): void {
    this.policy.tick?.(this.view);
    const { frames } = this.ctx;
    const tlb = this.ctx.machine.mmu.tlb;
    const live = new Map<number, number>();
    for (let i = 0; i < tlb.entries; i++)
      if (tlb.valid[i] === 1) live.set(tlb.ppn[i]!, tlb.stamps[i + 1]!);
    let ws = 0;
    for (let ppn = frames.reserved; ppn < frames.count; ppn++) {
      if (frames.use[ppn] !== FrameUse.User) continue;
      if (Math.max(this.recorded[ppn]!, live.get(ppn) ?? 0) >= now - window) ws++;
    }
    this.wsSamples++;
    this.wsTotal += ws;
    if (ws > this.wsMax) this.wsMax = ws;
  }

  /** The mean sampled working-set size in pages. */
  get wsMean(): number {
    return this.wsSamples === 0 ? 0 : this.wsTotal / this.wsSamples;
  }

  private forget(ppn: number): void {
    this.recorded[ppn] = 0;
    this.policy.removed(ppn);
  }

  /** Tells the policy a user frame was just mapped at `va`. */
  loaded(ppn: number, va: number): void {
    this.ctx.frames.va[ppn] = va;
    this.policy.loaded(ppn, this.view);
  }

  /**
   * Every mapping of a user frame: one, or several for a page shared copy-on-write after fork
   * (always at the same address in each process). Undefined if it is not a user page or some
   * mapping cannot be found.
   */
  private mappingsOf(ppn: number): Mapping[] | undefined {
    const { frames, procs, detached } = this.ctx;
    if (frames.use[ppn] !== FrameUse.User) return undefined;
    const found: Mapping[] = [];
    for (const p of procs.values()) this.addMapping(p, ppn, found);
    for (const p of detached) this.addMapping(p, ppn, found);
    return found.length > 0 && found.length === frames.refs[ppn] ? found : undefined;
  }

  /** Adds `p`'s mapping of `ppn` (at the frame's address) to `found`, if it has one. */
  private addMapping(p: Proc, ppn: number, found: Mapping[]): void {
    const { frames, machine, pt } = this.ctx;
    if (p.root === 0) return;
    const pteAddr = pt.walk(machine.ram, frames, p.root, frames.va[ppn]!, false, p.pid);
    if (pteAddr === NO_PTE) return;
    const pte = loadPte(machine.ram, pteAddr);
    if ((pte & PTE_V) !== 0 && ptePpn(pte) === ppn) found.push({ p, pteAddr, pte });
  }

  /**
   * True if `ppn` may leave RAM: a user page whose every mapping is found, not pinned, and not a
   * page of the instruction being served.
   */
  private evictable(ppn: number): boolean {
    return this.evictableMappings(ppn) !== undefined;
  }

  /** The mappings of `ppn` if it may leave RAM (see evictable), else undefined. */
  private evictableMappings(ppn: number): Mapping[] | undefined {
    const { frames, machine, progress, pt } = this.ctx;
    if (frames.pins[ppn] !== 0 || progress.protects(pt, machine.ram, frames, ppn)) return undefined;
    return this.mappingsOf(ppn);
  }

  /** Why the last evict() returned false (null before any failure). */
  lastFailure: EvictFailure | null = null;

  /** The A and D bits of a frame, ORed over its mappings. */
  private bitsOf(ppn: number): number {
    return (this.mappingsOf(ppn) ?? []).reduce((bits, m) => bits | m.pte, 0);
  }

  private clearAccessed(ppn: number): void {
    for (const m of this.mappingsOf(ppn) ?? []) {
      storePte(this.ctx.machine.ram, m.pteAddr, m.pte & ~PTE_A);
      this.ctx.machine.mmu.sfenceVma(this.ctx.frames.va[ppn], m.p.asid);
    }
  }

  /**
   * Frees one frame: the policy's victim is written to swap if dirty (or dropped if clean) and
   * unmapped. False if there is no evictable page, or it is dirty and swap is full.
   */
  evict(): boolean {
    const { frames, machine, counters } = this.ctx;
    const ppn = this.policy.victim(this.view);
    if (ppn === undefined) {
      this.lastFailure = EvictFailure.NothingEvictable;
      return false;
    }
    const maps = this.evictableMappings(ppn);
    if (!maps)
      throw new Error(
        `evict: policy ${this.policy.name} chose frame ${ppn}, which is not evictable`,
      );
    const va = frames.va[ppn]!;
    let replacement = 0;
    if (maps.some((m) => m.pte & PTE_D)) {
      const slot = this.space.alloc();
      if (slot < 0) {
        this.lastFailure = EvictFailure.SwapFull;
        counters.swapFull++;
        this.policy.loaded(ppn, this.view);
        return false;
      }
      for (let i = 1; i < maps.length; i++) this.space.ref(slot);
      machine.disk.write(slot, machine.ram, ppn * PAGE_SIZE);
      replacement = swapPte(slot);
      counters.swapOuts++;
      counters.dirtyWritebacks++;
    }
    for (const m of maps) {
      const slot = replacement === 0 ? null : swapSlot(replacement);
      this.ctx.emit({
        kind: "swap",
        op: slot === null ? "drop" : "out",
        pid: m.p.pid,
        va,
        ppn,
        slot,
      });
      storePte(machine.ram, m.pteAddr, replacement);
      machine.mmu.sfenceVma(va, m.p.asid);
      m.p.rss--;
    }
    counters.evictions++;
    frames.onUserFree = null;
    frames.refs[ppn] = 1;
    frames.unref(ppn);
    this.recorded[ppn] = 0;
    frames.onUserFree = (f) => this.forget(f);
    return true;
  }

  /** Brings a swapped page back into a new frame; returns the frame or -1 if none can be had. */
  swapIn(slot: number, p: Proc, va: number): number {
    const { frames, machine, counters } = this.ctx;
    const ppn = frames.alloc(FrameUse.User, p.pid);
    if (ppn < 0) return -1;
    machine.disk.read(slot, machine.ram, ppn * PAGE_SIZE);
    this.space.unref(slot);
    this.ctx.emit({ kind: "swap", op: "in", pid: p.pid, va, ppn, slot });
    counters.majorFaults++;
    counters.swapIns++;
    return ppn;
  }
}
