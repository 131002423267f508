// The MMU: turns each virtual address the CPU uses into a physical one, or a fault. This is its
// front: the registers a kernel loads and the two ways to translate. The schemes live in mmu/:
//
//   mmu/relocation.ts   bare, base-limit and segmented (no page tables)
//   mmu/paged.ts        the TLB in front of the page-table walker (mmu/walk.ts, pure)
//   mmu/fast.ts         the fast tables the CPU reads first, and the LRU clock of its accesses
//   mmu/events.ts       what a translation reports (MmuEvent) and what it may change
//   mmu/counters.ts     what the guest path counts; mmu/config.ts, the configuration
//
// Two structures answer a lookup. The architectural TLB (tlb.ts) is the model students study: its
// size, associativity, replacement and counters are exact. The fast tables in front of it are an
// emulator's cache of what the TLB already allows. With tracing on they stay empty, so every access
// takes the slow path and explains itself; page-table formats whose pages are not 4 KiB never use
// them. translate() is the guest path (it counts, fills, stamps and sets A/D); translateQuietly()
// answers the same question for tools and the kernel, changing nothing.

import { Layout, STAMP_SLOTS } from "./arena.js";
import {
  type AdMode,
  type MmuConfig,
  MmuMode,
  type RefillMode,
  type Segment,
} from "./mmu/config.js";
import { MmuCounters } from "./mmu/counters.js";
import { type MmuMemAccess, type QuietResult, type Tracer, Translation } from "./mmu/events.js";
import { FastTables } from "./mmu/fast.js";
import { Paging } from "./mmu/paged.js";
import { Relocation } from "./mmu/relocation.js";
import type { Prng } from "./prng.js";
import { checkFormat, type PageTableFormat, SV32 } from "./ptformat.js";
import type { Ram } from "./ram.js";
import { makeSatp, SATP_ASID_MASK } from "./sv32.js";
import { Tlb } from "./tlb.js";
import { Access, type Cause, type FaultReason } from "./trap.js";

export * from "./mmu/config.js";
export * from "./mmu/counters.js";
export * from "./mmu/events.js";
export { NO_TLB_SLOT } from "./mmu/fast.js";

export class Mmu {
  readonly ram: Ram;
  readonly tlb: Tlb;
  mode: MmuMode = MmuMode.Bare;
  /** The fast tables the CPU reads before calling translate(). */
  readonly fast: FastTables;
  /** What the guest path has counted (translateQuietly counts nothing). */
  readonly counters = new MmuCounters();
  private readonly relocation: Relocation;
  private readonly paging: Paging;
  /** The guest path's effects and its last outcome. */
  private readonly guest: Translation;
  /** Time of the latest guest translation (the LRU stamp for a software refill). */
  private now = 0;

  /** `config` must pass checkMmuConfig. */
  constructor(ram: Ram, config: MmuConfig, rng: Prng) {
    this.ram = ram;
    const arena = ram.arena;
    this.tlb = new Tlb(config.tlb, rng, arena.float64(Layout.STAMPS, STAMP_SLOTS));
    this.fast = new FastTables(arena, this.tlb.stamps, config.tlb.entries);
    this.tlb.onInvalidate = (i) => this.fast.dropEntry(i);
    this.guest = new Translation(this.counters, this.fast);
    this.relocation = new Relocation(ram, config.segmentBits);
    this.paging = new Paging(ram, this.tlb, config.refill, config.ad);
    this.setFormat(config.format ?? SV32);
  }

  get refill(): RefillMode {
    return this.paging.refill;
  }

  get ad(): AdMode {
    return this.paging.ad;
  }

  /** The page-table format of paged mode (set with setFormat). */
  get format(): PageTableFormat {
    return this.paging.format;
  }

  /** satp: MODE | ASID | PPN of the root table (in the format's pages). */
  get satp(): number {
    return this.paging.satp;
  }

  /** The current address-space id (satp.ASID). */
  get asid(): number {
    return this.paging.asid;
  }

  get base(): number {
    return this.relocation.base;
  }

  get limit(): number {
    return this.relocation.limit;
  }

  get segments(): readonly Readonly<Segment>[] {
    return this.relocation.segments;
  }

  get segmentBits(): number {
    return this.relocation.segmentBits;
  }

  /** Segmented mode: the VA width whose top segmentBits bits pick the segment (default 32). */
  get addressBits(): number {
    return this.relocation.addressBits;
  }

  get tracing(): boolean {
    return this.guest.trace !== null;
  }

  /** The fault of the last failed guest translation; tval is the address translated. */
  get faultCause(): Cause {
    return this.guest.cause;
  }

  get faultReason(): FaultReason {
    return this.guest.reason;
  }

  /** Whether the last guest translation was cached: the CPU may keep it for fetches. */
  get cacheable(): boolean {
    return this.guest.cacheable;
  }

  /** Selects the translation scheme; clears cached translations (TLB entries stay, ASID-tagged). */
  setMode(mode: MmuMode): void {
    this.mode = mode;
    this.fast.clear();
  }

  /**
   * Selects the page-table format of paged mode; flushes the whole TLB (its entries are in the
   * old format's pages). Throws RangeError for a format that fails checkFormat.
   */
  setFormat(format: PageTableFormat): void {
    const problem = checkFormat(format);
    if (problem) throw new RangeError(problem);
    this.paging.setFormat(format);
    this.fast.clear();
  }

  /** Loads the base and limit registers (base-limit mode). */
  setBaseLimit(base: number, limit: number): void {
    this.relocation.base = base >>> 0;
    this.relocation.limit = limit >>> 0;
    this.fast.clear();
  }

  /** Loads segment register `i` (segmented mode); throws RangeError if there is no such one. */
  setSegment(i: number, seg: Segment): void {
    const s = this.relocation.segments[i];
    if (!s) throw new RangeError(`setSegment: no segment register ${i}`);
    s.base = seg.base >>> 0;
    s.limit = seg.limit >>> 0;
    s.growsDown = seg.growsDown;
    s.perms = seg.perms;
    this.fast.clear();
  }

  /**
   * Segmented mode: the virtual address width (segmentBits+1 to 32, default 32). The segment is
   * chosen by its top segmentBits bits; addresses at or above 2^bits fault (limit). OSTEP's
   * 1 KiB address space with two segments is bits = 10 with segmentBits = 1.
   */
  setAddressBits(bits: number): void {
    if (!Number.isInteger(bits) || bits <= this.segmentBits || bits > 32) {
      throw new RangeError(`setAddressBits: ${bits} is not from ${this.segmentBits + 1} to 32`);
    }
    this.relocation.addressBits = bits;
    this.fast.clear();
  }

  /**
   * Writes satp (paged mode): MODE, ASID and the root table's page number (in the format's pages).
   * With Sv32, MODE = 0 (Bare) turns translation off, as in the spec; textbook formats ignore
   * MODE. TLB entries of other ASIDs stay.
   */
  setSatp(satp: number): void {
    this.paging.setSatp(satp);
    this.fast.clear();
  }

  /** setSatp for any format: the root table at page `rootPpn`, address space `asid`, MODE on. */
  setPageTable(rootPpn: number, asid = 0): void {
    this.setSatp(makeSatp(rootPpn, asid));
  }

  /**
   * sfence.vma: with neither argument every entry; with `asid` that space's non-global entries;
   * with `va` the entries for that page (all ASIDs, global too); with both, that page in that
   * space except global entries. The ASID is taken modulo 2^9, as the hardware ignores more bits.
   */
  sfenceVma(va?: number, asid?: number): void {
    const vpn = va === undefined ? undefined : this.paging.vpnOf(va);
    this.tlb.flush(vpn, asid === undefined ? undefined : asid & SATP_ASID_MASK);
  }

  /** Turns explained translations on (with a receiver) or off (null). */
  setTracer(tracer: Tracer | null): void {
    this.guest.trace = tracer;
    this.fast.clear();
  }

  /**
   * Records the MMU's own memory accesses (PTE reads, A/D writes) of the guest path into `log`
   * until called with null. Unlike tracing, this leaves the fast path on: a TLB hit logs nothing.
   */
  setMemLog(log: MmuMemAccess[] | null): void {
    this.guest.memLog = log;
  }

  /** Forgets every fast-path word (the TLB itself is untouched). */
  clearFast(): void {
    this.fast.clear();
  }

  /**
   * The guest path, taken when the fast path misses: translates `va` for an access of `size`
   * bytes (aligned) at LRU time `t` (fast.ts), filling the TLB, setting A/D and counting.
   * Returns the physical address, or NO_PA with faultCause/faultReason set (tval is `va`).
   * Never throws on any address.
   */
  translate(va: number, access: Access, t: number, size = 4): number {
    this.now = t;
    this.fast.catchUpFetch(access, t);
    const pa = this.translateAs(this.guest, va >>> 0, access, t, size);
    if (pa < 0 && access !== Access.Fetch) this.counters.failedDataTranslations++;
    return pa;
  }

  /**
   * The side-effect-free path for tools and the kernel: what translate() would answer now,
   * changing nothing (no counters, LRU, fills or A/D writes). Differences: a TLB miss in
   * software-refill mode walks the tables instead of reporting TlbMiss, and where hardware would
   * set A/D the answer is simply the address.
   */
  translateQuietly(va: number, access: Access, explain?: Tracer): QuietResult {
    const look = new Translation(null, null);
    look.trace = explain ?? null;
    const pa = this.translateAs(look, va >>> 0, access, 0, 1);
    if (pa >= 0) return { ok: true, pa };
    return { ok: false, cause: look.cause, reason: look.reason };
  }

  /** The byte at virtual address `va` as a load would see it, or undefined if it would fault. */
  peek8(va: number): number | undefined {
    const r = this.translateQuietly(va, Access.Load);
    return r.ok ? this.ram.u8[r.pa] : undefined;
  }

  /** The little-endian word at `va` (any alignment, byte by byte), or undefined on a fault. */
  peek32(va: number): number | undefined {
    let word = 0;
    for (let i = 3; i >= 0; i--) {
      const b = this.peek8((va + i) >>> 0);
      if (b === undefined) return undefined;
      word = word * 256 + b;
    }
    return word;
  }

  /**
   * Software TLB refill (the kernel's TLB-miss handler, like MIPS tlbwr): writes the leaf `pte`
   * found at physical address `pteAddr` at `level` (Sv32: 1 = megapage) as the translation of `va`
   * in the current address space, G taken from the PTE. If the TLB already holds that page the
   * entry is rewritten in place; otherwise the replacement policy picks the way, at the time of the
   * latest miss. Permissions and A/D are checked when the entry is used. Returns the entry index.
   * Throws RangeError for a level the format cannot have a leaf at.
   */
  tlbWrite(va: number, pte: number, pteAddr: number, level: number): number {
    return this.paging.tlbWrite(va, pte, pteAddr, level, this.now, this.guest);
  }

  /** Translates by the current scheme, reporting start and done to the tracer. */
  private translateAs(
    run: Translation,
    va: number,
    access: Access,
    t: number,
    size: number,
  ): number {
    run.cacheable = false;
    run.trace?.({ kind: "start", access, va, mode: this.mode });
    const pa = this.byScheme(run, va, access, t, size);
    if (pa >= 0) run.trace?.({ kind: "done", pa });
    return pa;
  }

  private byScheme(run: Translation, va: number, access: Access, t: number, size: number): number {
    const r = this.relocation;
    switch (this.mode) {
      case MmuMode.Bare:
        return r.translateBare(va, access, size, run);
      case MmuMode.BaseLimit:
        return r.translateBaseLimit(va, access, size, run);
      case MmuMode.Segmented:
        return r.translateSegmented(va, access, size, run);
      default:
        if (this.paging.satpBare) return r.translateBare(va, access, size, run);
        return this.paging.translate(va, access, t, size, run);
    }
  }
}
