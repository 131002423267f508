// The MMU: turns each virtual address the CPU uses into a physical one, or a fault.
//
// Two structures answer a lookup. The architectural TLB (tlb.ts) is the model students study: its
// size, associativity, replacement and counters are exact. In front of it sits the fast path, three
// flat tables indexed by 4 KiB page number (one per access kind, v86 style), each word holding
//
//    31                          12 11          0
//   |  (physical page ^ virtual page) |   slot    |      0 = no entry
//
// so that a hit is one array read and one compare, and pa = (word & ~0xfff) ^ va. `slot` is the
// TLB entry's index + 1 (its LRU stamp lives at stamps[slot]). The fast tables only ever hold
// translations that the TLB holds for the current address space with the permission and the A/D
// bits for that kind of access already checked; invalidating a TLB entry clears them. In bare,
// base-limit and segmented modes they cache the relocation instead. With tracing on they stay
// empty, so every access takes the slow path below and explains itself. Page-table formats whose
// pages are not 4 KiB never use them: every access takes the slow path.
//
// LRU stays exact although the CPU stamps its current fetch page only when it enters and leaves
// it: `fetchSlot` names that entry, and every slow-path translation first brings its stamp up to
// the last fetch, so each replacement decision sees the true order of last uses.

import type { Prng } from "./prng.js";
import {
  checkFormat,
  FormatName,
  flagBitsOf,
  leafFault,
  leafFlags,
  leafPpn,
  levelsOf,
  missingAccessedDirty,
  type PageTableFormat,
  permissionFor,
  pfnOf,
  readPte,
  SV32,
  superBits,
  superpageMisaligned,
  WalkResult,
  walkTable,
  withAccessedDirty,
  writePte,
} from "./ptformat.js";
import { PAGE_SHIFT, PAGE_SIZE, type Ram } from "./ram.js";
import {
  makeSatp,
  PTE_A,
  PTE_G,
  pteFlagString,
  SATP_ASID_MASK,
  satpAsid,
  satpIsSv32,
  satpPpn,
} from "./sv32.js";
import { checkTlbConfig, TLB_MAX_ENTRIES, Tlb, type TlbConfig, type TlbLeaf } from "./tlb.js";
import {
  Access as Acc,
  type Access,
  accessFault,
  Cause as C,
  type Cause,
  FaultReason,
  isAccessFault,
  isPageFault,
  pageFault,
} from "./trap.js";

export const MmuMode = {
  Bare: "bare",
  BaseLimit: "base-limit",
  Segmented: "segmented",
  Paged: "paged",
} as const;
export type MmuMode = (typeof MmuMode)[keyof typeof MmuMode];

/** Who sets the PTE's A and D bits: the walker (default), or the kernel after a fault. */
export const AdMode = { Hardware: "hardware", Trap: "trap" } as const;
export type AdMode = (typeof AdMode)[keyof typeof AdMode];

/** Who fills the TLB on a miss: the hardware walker (default), or the kernel after a TlbMiss trap. */
export const RefillMode = { Hardware: "hardware", Software: "software" } as const;
export type RefillMode = (typeof RefillMode)[keyof typeof RefillMode];

/**
 * A segment register. A grows-up segment maps offsets [0, limit) to [base, base+limit); a
 * grows-down one (OSTEP's stack) maps the top `limit` bytes of its range, offset o to
 * base - (segment size - o), i.e. [base-limit, base).
 */
export interface Segment {
  base: number;
  /** Size in bytes; 0 makes the segment invalid. */
  limit: number;
  growsDown: boolean;
  /** PTE_R | PTE_W | PTE_X bits. */
  perms: number;
}

export interface MmuConfig {
  tlb: TlbConfig;
  refill: RefillMode;
  ad: AdMode;
  /** How many top VA bits select a segment (2 gives 4 segments). */
  segmentBits: number;
  /** The page-table format of paged mode (default Sv32). */
  format?: PageTableFormat;
}

/** Fewest ways a software-refilled TLB may have (see checkMmuConfig). */
export const MIN_SOFTWARE_REFILL_WAYS = 2;

/** The largest segmentBits: 256 segment registers. */
export const MAX_SEGMENT_BITS = 8;

/** Why an MMU configuration is not acceptable, or undefined. */
export function checkMmuConfig(c: MmuConfig): string | undefined {
  const tlb = checkTlbConfig(c.tlb);
  if (tlb) return tlb;
  if (!Object.values(RefillMode).includes(c.refill)) return `unknown TLB refill '${c.refill}'`;
  if (c.refill === RefillMode.Software && c.tlb.ways < MIN_SOFTWARE_REFILL_WAYS) {
    // A restarted instruction needs its fetch page and its data page in the TLB at once; with
    // one way per set, refilling either can evict the other, and the guest never progresses.
    return `a software-refilled TLB needs at least ${MIN_SOFTWARE_REFILL_WAYS} ways`;
  }
  if (!Object.values(AdMode).includes(c.ad)) return `unknown A/D mode '${c.ad}'`;
  if (!Number.isInteger(c.segmentBits) || c.segmentBits < 1 || c.segmentBits > MAX_SEGMENT_BITS) {
    return `segment bits must be a whole number from 1 to ${MAX_SEGMENT_BITS}`;
  }
  return c.format ? checkFormat(c.format) : undefined;
}

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

/** What translate() returns for a fault (a physical address is never negative). */
export const NO_PA = -1;

/** Cycle costs the timing model charges for memory accesses (machine.ts's CycleCosts fits). */
export interface MemoryCosts {
  /** One TLB lookup, hit or miss. */
  tlbHit: number;
  /** One access to RAM (the data itself, or an A/D write). */
  memory: number;
  /** One page-table read of a walk. */
  walkLevel: number;
}

/** Counts the timing model charges for; accesses and lookups come from the CPU's counters. */
export interface AccessCounts {
  accesses: number;
  /** TLB lookups: the accesses made in paged mode. */
  tlbLookups: number;
  walkReads: number;
  adUpdates: number;
}

/**
 * Cycles spent on memory accesses: each access pays one memory access, each TLB lookup `tlbHit`,
 * each page-table read `walkLevel`, each A/D write one memory access. The effective access time
 * is this over `accesses`.
 */
export function accessCycles(c: AccessCounts, costs: MemoryCosts): number {
  return (
    (c.accesses + c.adUpdates) * costs.memory +
    c.tlbLookups * costs.tlbHit +
    c.walkReads * costs.walkLevel
  );
}

const FAST_PAGES = 1 << 20;
const FAST_RESET_AT = 1 << 16;
/** Slot used by fast words in modes without a TLB (its stamp is never read). */
export const NO_TLB_SLOT = TLB_MAX_ENTRIES + 1;
const FAST_SLOT_MASK = 0xfff;
const CAUSE_SLOTS = 32;

export class Mmu {
  readonly ram: Ram;
  readonly tlb: Tlb;
  mode: MmuMode = MmuMode.Bare;
  refill: RefillMode;
  ad: AdMode;
  readonly segmentBits: number;
  /** Segmented mode: the VA width whose top segmentBits bits pick the segment (default 32). */
  addressBits = 32;
  base = 0;
  limit = 0;
  readonly segments: Segment[];
  /** satp: MODE | ASID | PPN of the root table (in the format's pages). */
  satp = 0;
  /** Fast tables for fetch, load and store (see the header). */
  readonly fastX = new Int32Array(FAST_PAGES);
  readonly fastR = new Int32Array(FAST_PAGES);
  readonly fastW = new Int32Array(FAST_PAGES);
  /** TLB slot of the page the CPU is fetching from (0 = none), for exact LRU; the CPU syncs it. */
  fetchSlot = 0;
  /** Set by translate(): whether the CPU may cache this page's translation for fetches. */
  cacheable = false;
  /** The fault of the last failed translate(); tval is the address translated. */
  faultCause: Cause = C.LoadPageFault;
  faultReason: FaultReason = FaultReason.None;
  // Counters (the guest path only; translateQuietly counts nothing).
  /** TLB lookups that missed (including hits whose PTE had changed when A/D was re-checked). */
  tlbMisses = 0;
  /** Page-table reads: walk levels and A/D re-checks. */
  walkReads = 0;
  pageFaults = 0;
  accessFaults = 0;
  /** PTE writes setting A and/or D. */
  adUpdates = 0;
  tlbRefillTraps = 0;
  /** Loads and stores whose translation faulted (the CPU counts only those that completed). */
  failedDataTranslations = 0;
  /** Faults by cause code: faultsByCause[Cause.LoadPageFault] and so on. */
  readonly faultsByCause = new Float64Array(CAUSE_SLOTS);

  private fmt: PageTableFormat = SV32;
  private rootPa = 0;
  private curAsid = 0;
  /** Sv32 with satp.MODE = Bare: no translation. */
  private satpBare = true;
  private pageSize = PAGE_SIZE;
  /** 2^vaBits of the format: addresses from here on are outside the address space. */
  private vaLimit = 2 ** 32;
  /** Receives every step while set; the fast path is off meanwhile. */
  private tracer: ((e: MmuEvent) => void) | null = null;
  private memLog: MmuMemAccess[] | null = null;
  /** True while translateQuietly runs: no counters, stamps, fills, A/D writes or fast entries. */
  private quiet = false;
  /** Time of the latest guest translation (the LRU stamp for a software refill). */
  private now = 0;
  private installed: number[] = [];
  private readonly entryPages: number[][];
  private readonly walkResult = new WalkResult();
  private readonly leaf: TlbLeaf = {
    ppn: 0,
    flags: 0,
    global: false,
    megapage: false,
    pteAddr: 0,
    pte: 0,
  };

  /** `config` must pass checkMmuConfig. */
  constructor(ram: Ram, config: MmuConfig, rng: Prng) {
    this.ram = ram;
    this.tlb = new Tlb(config.tlb, rng);
    this.refill = config.refill;
    this.ad = config.ad;
    this.segmentBits = config.segmentBits;
    this.segments = Array.from({ length: 1 << config.segmentBits }, () => ({
      base: 0,
      limit: 0,
      growsDown: false,
      perms: 0,
    }));
    this.entryPages = Array.from({ length: config.tlb.entries }, () => []);
    this.tlb.onInvalidate = (i) => this.dropEntryPages(i);
    this.setFormat(config.format ?? SV32);
  }

  /** The page-table format of paged mode (set with setFormat). */
  get format(): PageTableFormat {
    return this.fmt;
  }

  /** The current address-space id (satp.ASID). */
  get asid(): number {
    return this.curAsid;
  }

  get tracing(): boolean {
    return this.tracer !== null;
  }

  /** Selects the translation scheme; clears cached translations (TLB entries stay, ASID-tagged). */
  setMode(mode: MmuMode): void {
    this.mode = mode;
    this.clearFast();
  }

  /**
   * Selects the page-table format of paged mode; flushes the whole TLB (its entries are in the
   * old format's pages). Throws RangeError for a format that fails checkFormat.
   */
  setFormat(format: PageTableFormat): void {
    const problem = checkFormat(format);
    if (problem) throw new RangeError(problem);
    this.fmt = format;
    this.pageSize = 2 ** format.pageShift;
    this.vaLimit = 2 ** format.vaBits;
    this.tlb.setSuperpageBits(format.superpages ? superBits(format, 1) : 0);
    this.tlb.flush();
    this.setSatp(this.satp);
  }

  /** Loads the base and limit registers (base-limit mode). */
  setBaseLimit(base: number, limit: number): void {
    this.base = base >>> 0;
    this.limit = limit >>> 0;
    this.clearFast();
  }

  /** Loads segment register `i` (segmented mode); throws RangeError if there is no such one. */
  setSegment(i: number, seg: Segment): void {
    const s = this.segments[i];
    if (!s) throw new RangeError(`setSegment: no segment register ${i}`);
    s.base = seg.base >>> 0;
    s.limit = seg.limit >>> 0;
    s.growsDown = seg.growsDown;
    s.perms = seg.perms;
    this.clearFast();
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
    this.addressBits = bits;
    this.clearFast();
  }

  /**
   * Writes satp (paged mode): MODE, ASID and the root table's page number (in the format's pages).
   * With Sv32, MODE = 0 (Bare) turns translation off, as in the spec; textbook formats ignore
   * MODE. TLB entries of other ASIDs stay.
   */
  setSatp(satp: number): void {
    this.satp = satp >>> 0;
    this.curAsid = satpAsid(this.satp);
    this.rootPa = satpPpn(this.satp) * this.pageSize;
    this.satpBare = this.format.name === FormatName.Sv32 && !satpIsSv32(this.satp);
    this.clearFast();
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
    const vpn = va === undefined ? undefined : Math.floor((va >>> 0) / this.pageSize);
    this.tlb.flush(vpn, asid === undefined ? undefined : asid & SATP_ASID_MASK);
  }

  /** Turns explained translations on (with a receiver) or off (null). */
  setTracer(tracer: ((e: MmuEvent) => void) | null): void {
    this.tracer = tracer;
    this.clearFast();
  }

  /**
   * Records the MMU's own memory accesses (PTE reads, A/D writes) of the guest path into `log`
   * until called with null. Unlike tracing, this leaves the fast path on: a TLB hit logs nothing.
   */
  setMemLog(log: MmuMemAccess[] | null): void {
    this.memLog = log;
  }

  /** Forgets every fast-path word (the TLB itself is untouched). */
  clearFast(): void {
    for (const vpn of this.installed) {
      this.fastX[vpn] = 0;
      this.fastR[vpn] = 0;
      this.fastW[vpn] = 0;
    }
    this.installed = [];
    for (const pages of this.entryPages) pages.length = 0;
    // fetchSlot stays: the entry still holds the last fetch, whose LRU stamp must catch up.
  }

  /** How many faults of `cause` the guest path has taken. */
  faultCount(cause: Cause): number {
    return this.faultsByCause[cause] ?? 0;
  }

  /**
   * The guest path, taken when the fast path misses: translates `va` for an access of `size`
   * bytes (aligned) at time `t` (the LRU clock), filling the TLB, setting A/D and counting.
   * Returns the physical address, or NO_PA with faultCause/faultReason set (tval is `va`).
   * Never throws on any address.
   */
  translate(va: number, access: Access, t: number, size = 4): number {
    va >>>= 0;
    this.cacheable = false;
    if (!this.quiet) {
      this.now = t;
      this.syncFetchStamp(access, t);
    }
    this.tracer?.({ kind: "start", access, va, mode: this.mode });
    const pa = this.translateBy(va, access, t, size);
    if (pa >= 0) this.tracer?.({ kind: "done", pa });
    else if (!this.quiet && access !== Acc.Fetch) this.failedDataTranslations++;
    return pa;
  }

  private translateBy(va: number, access: Access, t: number, size: number): number {
    switch (this.mode) {
      case MmuMode.Bare:
        return this.translateBare(va, access, size);
      case MmuMode.BaseLimit:
        return this.translateBaseLimit(va, access, size);
      case MmuMode.Segmented:
        return this.translateSegmented(va, access, size);
      default:
        if (this.satpBare) return this.translateBare(va, access, size);
        return this.translatePaged(va, access, t, size);
    }
  }

  /**
   * The side-effect-free path for tools and the kernel: what translate() would answer now,
   * changing nothing (no counters, LRU, fills or A/D writes). Differences: a TLB miss in
   * software-refill mode walks the tables instead of reporting TlbMiss, and where hardware would
   * set A/D the answer is simply the address.
   */
  translateQuietly(va: number, access: Access, explain?: (e: MmuEvent) => void): QuietResult {
    const saved = {
      tracer: this.tracer,
      cause: this.faultCause,
      reason: this.faultReason,
      cacheable: this.cacheable,
    };
    this.quiet = true;
    this.tracer = explain ?? null;
    try {
      const pa = this.translate(va, access, 0, 1);
      if (pa >= 0) return { ok: true, pa };
      return { ok: false, cause: this.faultCause, reason: this.faultReason };
    } finally {
      this.quiet = false;
      this.tracer = saved.tracer;
      this.faultCause = saved.cause;
      this.faultReason = saved.reason;
      this.cacheable = saved.cacheable;
    }
  }

  /** The byte at virtual address `va` as a load would see it, or undefined if it would fault. */
  peek8(va: number): number | undefined {
    const r = this.translateQuietly(va, Acc.Load);
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
    const fmt = this.format;
    if (!Number.isInteger(level) || level < 0 || level >= levelsOf(fmt)) {
      throw new RangeError(`tlbWrite: no level ${level} in ${fmt.name}`);
    }
    if (level > 0 && !fmt.superpages) {
      throw new RangeError(`tlbWrite: ${fmt.name} has leaves at level 0 only`);
    }
    const vpn = Math.floor((va >>> 0) / this.pageSize);
    const leaf = this.leafOf(pte >>> 0, pteAddr, level, false);
    leaf.global = (leaf.flags & PTE_G) !== 0;
    let i = this.tlb.lookup(vpn, this.curAsid);
    if (i >= 0) this.tlb.overwrite(i, vpn, this.curAsid, leaf, this.now);
    else i = this.tlb.fill(vpn, this.curAsid, leaf, this.now);
    this.traceFill(i);
    return i;
  }

  /** Brings the LRU stamp of the CPU's fetch page up to its last use (see the header). */
  private syncFetchStamp(access: Access, t: number): void {
    const slot = this.fetchSlot;
    if (slot === 0) return;
    // The current instruction was fetched at t-1 (data access at t); before a fetch at t, the
    // previous one was fetched at t-2.
    const last = access === Acc.Fetch ? t - 2 : t - 1;
    const stamps = this.tlb.stamps;
    if (stamps[slot]! < last) stamps[slot] = last;
    if (access === Acc.Fetch) this.fetchSlot = 0;
  }

  private fail(cause: Cause, reason: FaultReason): number {
    this.faultCause = cause;
    this.faultReason = reason;
    if (!this.quiet) {
      this.faultsByCause[cause] = this.faultCount(cause) + 1;
      if (cause === C.TlbMiss) this.tlbRefillTraps++;
      else if (isPageFault(cause)) this.pageFaults++;
      else if (isAccessFault(cause)) this.accessFaults++;
    }
    this.tracer?.({ kind: "fault", cause, reason });
    return NO_PA;
  }

  private translateBare(va: number, access: Access, size: number): number {
    if (va + size > this.ram.size) return this.fail(accessFault(access), FaultReason.BusError);
    this.install(va >>> PAGE_SHIFT, va >>> PAGE_SHIFT, access, NO_TLB_SLOT);
    return va;
  }

  private translateBaseLimit(va: number, access: Access, size: number): number {
    this.tracer?.({ kind: "relocate", base: this.base, limit: this.limit, offset: va });
    if (va + size > this.limit) return this.fail(accessFault(access), FaultReason.Limit);
    const pa = this.base + va;
    if (pa + size > this.ram.size) return this.fail(accessFault(access), FaultReason.BusError);
    const vpn = va >>> PAGE_SHIFT;
    const pageEnd = (vpn + 1) * PAGE_SIZE;
    if (
      this.base % PAGE_SIZE === 0 &&
      pageEnd <= this.limit &&
      this.base + pageEnd <= this.ram.size
    ) {
      this.install(vpn, (this.base + vpn * PAGE_SIZE) / PAGE_SIZE, access, NO_TLB_SLOT);
    }
    return pa;
  }

  private translateSegmented(va: number, access: Access, size: number): number {
    const segSize = 2 ** (this.addressBits - this.segmentBits);
    const index = Math.floor(va / segSize);
    const seg = this.segments[index];
    const offset = va % segSize;
    if (!seg) return this.fail(accessFault(access), FaultReason.Limit);
    this.tracer?.({ kind: "relocate", base: seg.base, limit: seg.limit, offset, segment: index });
    const inside = seg.growsDown
      ? segSize - offset <= seg.limit && offset + size <= segSize
      : offset + size <= seg.limit;
    if (!inside) return this.fail(accessFault(access), FaultReason.Limit);
    if ((seg.perms & permissionFor(access)) === 0) {
      return this.fail(accessFault(access), FaultReason.NoPermission);
    }
    const pa = seg.growsDown ? seg.base - (segSize - offset) : seg.base + offset;
    if (pa < 0 || pa + size > this.ram.size) {
      return this.fail(accessFault(access), FaultReason.BusError);
    }
    this.installSegmentPage(va, pa, seg, segSize, access);
    return pa;
  }

  /** Caches a segmented translation if its whole 4 KiB page is inside the segment and RAM. */
  private installSegmentPage(
    va: number,
    pa: number,
    seg: Segment,
    segSize: number,
    access: Access,
  ): void {
    if (segSize < PAGE_SIZE) return;
    const inPage = va % PAGE_SIZE;
    const pagePa = pa - inPage;
    if (pagePa % PAGE_SIZE !== 0 || pagePa + PAGE_SIZE > this.ram.size) return;
    const first = (va - inPage) % segSize;
    const ok = seg.growsDown ? segSize - first <= seg.limit : first + PAGE_SIZE <= seg.limit;
    if (ok) this.install(va >>> PAGE_SHIFT, pagePa / PAGE_SIZE, access, NO_TLB_SLOT);
  }

  private translatePaged(va: number, access: Access, t: number, size: number): number {
    if (va >= this.vaLimit) return this.fail(pageFault(access), FaultReason.OutOfRange);
    const vpn = va >>> this.fmt.pageShift;
    const i = this.tlb.lookup(vpn, this.curAsid);
    this.traceTlb(vpn, i);
    if (i < 0) return this.miss(va, vpn, access, t, size);
    if (!this.quiet) this.tlb.touch(i, t);
    return this.useEntry(i, va, vpn, access, t, size);
  }

  /** A TLB miss: trap for a software refill, or walk, check, set A/D and fill. */
  private miss(va: number, vpn: number, access: Access, t: number, size: number): number {
    if (!this.quiet) {
      this.tlbMisses++;
      if (this.refill === RefillMode.Software) return this.fail(C.TlbMiss, FaultReason.TlbMiss);
    }
    const reason = this.walk(va, access);
    if (reason !== FaultReason.None) return this.fail(faultCauseFor(reason, access), reason);
    const w = this.walkResult;
    const ppn = leafPpn(this.format, w.pte, w.level, va);
    if (this.quiet) return this.deliver(ppn, va, access, size, 0);
    const leaf = this.leafOf(w.pte, w.pteAddr, w.level, w.global);
    const i = this.tlb.fill(vpn, this.curAsid, leaf, t);
    this.traceFill(i);
    return this.deliver(ppn, va, access, size, i + 1);
  }

  /** Uses TLB entry `i`: re-checks its permissions, and goes to memory if A or D is missing. */
  private useEntry(
    i: number,
    va: number,
    vpn: number,
    access: Access,
    t: number,
    size: number,
  ): number {
    const tlb = this.tlb;
    const flags = tlb.flags[i]!;
    const reason = this.checkLeaf(flags, tlb.pte[i]!, tlb.mega[i]!, access);
    if (reason !== FaultReason.None) return this.fail(pageFault(access), reason);
    if (missingAccessedDirty(flags, access) !== 0) return this.recheck(i, va, vpn, access, t, size);
    return this.deliver(tlb.ppnFor(i, vpn), va, access, size, i + 1);
  }

  /**
   * Step 7 for a cached leaf that lacks A (or D, for a store): the TLB cannot be used for it, so
   * read the PTE in memory. If it changed since the fill, the entry is stale: drop it and handle
   * a miss. Otherwise set the bits (hardware A/D) or fault (A/D trap).
   */
  private recheck(
    i: number,
    va: number,
    vpn: number,
    access: Access,
    t: number,
    size: number,
  ): number {
    const tlb = this.tlb;
    const fmt = this.format;
    const pteAddr = tlb.pteAddr[i]!;
    const cached = tlb.pte[i]!;
    if (pteAddr + fmt.pteSize > this.ram.size) {
      return this.fail(accessFault(access), FaultReason.BusError);
    }
    const pte = readPte(fmt, this.ram, pteAddr);
    if (!this.quiet) {
      this.walkReads++;
      this.memLog?.push({ op: "read", pa: pteAddr, size: fmt.pteSize, value: pte });
    }
    this.tracer?.({ kind: "recheck", pteAddr, pte, cached });
    if (pte !== cached) {
      if (!this.quiet) tlb.invalidate(i);
      return this.miss(va, vpn, access, t, size);
    }
    const missing = missingAccessedDirty(tlb.flags[i]!, access);
    if (this.ad === AdMode.Trap) {
      const reason = missing & PTE_A ? FaultReason.AccessedClear : FaultReason.DirtyClear;
      return this.fail(pageFault(access), reason);
    }
    const updated = this.setAccessedDirty(pteAddr, pte, access);
    if (!this.quiet) tlb.setPte(i, updated, leafFlags(fmt, updated));
    return this.deliver(tlb.ppnFor(i, vpn), va, access, size, i + 1);
  }

  /**
   * The hardware walk (spec steps 1-7) for `va`: on success returns None with the leaf in
   * walkResult, A/D already set in memory in hardware mode; else why the access faults.
   */
  private walk(va: number, access: Access): FaultReason {
    const fmt = this.format;
    const hook = (this.tracer !== null || this.memLog !== null) && !this.quietNoTrace();
    const w = this.walkResult;
    walkTable(fmt, this.ram, this.rootPa, va, w, hook ? this.onPteRead : null);
    if (!this.quiet) this.walkReads += w.reads;
    if (w.reason !== FaultReason.None) return w.reason;
    const flags = leafFlags(fmt, w.pte);
    const reason = this.checkLeaf(flags, w.pte, w.level, access);
    if (reason !== FaultReason.None) return reason;
    const missing = missingAccessedDirty(flags, access);
    if (missing === 0) return FaultReason.None;
    if (this.ad === AdMode.Trap) {
      return missing & PTE_A ? FaultReason.AccessedClear : FaultReason.DirtyClear;
    }
    w.pte = this.setAccessedDirty(w.pteAddr, w.pte, access);
    return FaultReason.None;
  }

  /** True in a quiet translation that is not being explained (PTE reads need not be reported). */
  private quietNoTrace(): boolean {
    return this.quiet && this.tracer === null;
  }

  /** Reports a PTE read of the walker to the tracer and the memory log. */
  private readonly onPteRead = (level: number, index: number, pteAddr: number, pte: number) => {
    const fmt = this.format;
    if (!this.quiet) this.memLog?.push({ op: "read", pa: pteAddr, size: fmt.pteSize, value: pte });
    this.tracer?.({
      kind: "walk",
      level,
      index,
      pteAddr,
      pte,
      flags: pteFlagString(leafFlags(fmt, pte), flagBitsOf(fmt)),
      pfn: pfnOf(fmt, pte),
    });
  };

  /** Steps 5 and 6 on a leaf's Sv32-style flags; reports the check when tracing. */
  private checkLeaf(flags: number, pte: number, level: number, access: Access): FaultReason {
    let reason = leafFault(flags, access);
    if (reason === FaultReason.None && superpageMisaligned(this.format, pte, level)) {
      reason = FaultReason.BadSuperpage;
    }
    this.tracer?.({ kind: "check", access, flags: pteFlagString(flags), reason });
    return reason;
  }

  /** Step 7 in hardware A/D mode: writes A (and D for a store) into the PTE; returns the new PTE. */
  private setAccessedDirty(pteAddr: number, pte: number, access: Access): number {
    const fmt = this.format;
    const updated = withAccessedDirty(fmt, pte, access);
    if (this.quiet || updated === pte) return updated;
    writePte(fmt, this.ram, pteAddr, updated);
    this.adUpdates++;
    this.memLog?.push({ op: "write", pa: pteAddr, size: fmt.pteSize, value: updated });
    this.tracer?.({ kind: "ad", pteAddr, old: pte, pte: updated });
    return updated;
  }

  /** The TLB leaf for a PTE found at `pteAddr` at `level` (scratch object, reused). */
  private leafOf(pte: number, pteAddr: number, level: number, global: boolean): TlbLeaf {
    const leaf = this.leaf;
    leaf.pte = pte;
    leaf.ppn = pfnOf(this.format, pte);
    leaf.flags = leafFlags(this.format, pte);
    leaf.global = global;
    leaf.megapage = level > 0;
    leaf.pteAddr = pteAddr;
    return leaf;
  }

  /**
   * Step 8 and delivery: the physical address of `va` in page `ppn`, or an access fault if it is
   * outside RAM. On the guest path, a TLB-backed translation (slot > 0) of a 4 KiB format is
   * installed in the fast table, and a fetch makes its entry the fetch page.
   */
  private deliver(ppn: number, va: number, access: Access, size: number, slot: number): number {
    const pa = ppn * this.pageSize + (va % this.pageSize);
    if (pa + size > this.ram.size) return this.fail(accessFault(access), FaultReason.BusError);
    if (slot > 0 && !this.quiet) {
      if (this.pageSize === PAGE_SIZE) this.install(va >>> PAGE_SHIFT, ppn, access, slot);
      if (access === Acc.Fetch) this.fetchSlot = slot;
    }
    return pa;
  }

  private traceTlb(vpn: number, i: number): void {
    if (!this.tracer) return;
    const tlb = this.tlb;
    const way = i < 0 ? -1 : i % tlb.ways;
    this.tracer({ kind: "tlb", vpn, asid: this.curAsid, set: tlb.setOf(vpn), way, hit: i >= 0 });
  }

  private traceFill(i: number): void {
    if (!this.tracer) return;
    const tlb = this.tlb;
    this.tracer({
      kind: "fill",
      index: i,
      set: Math.floor(i / tlb.ways),
      way: i % tlb.ways,
      vpn: tlb.vpn[i]!,
      ppn: tlb.ppn[i]!,
      asid: tlb.asid[i]!,
      global: tlb.global[i] === 1,
      megapage: tlb.mega[i] === 1,
    });
  }

  /** Records a fast-path word for 4 KiB page `vpn` -> `ppn` for one access kind. */
  private install(vpn: number, ppn: number, access: Access, slot: number): void {
    if (this.quiet || this.tracer) return;
    const table = access === Acc.Fetch ? this.fastX : access === Acc.Load ? this.fastR : this.fastW;
    if (this.fastX[vpn] === 0 && this.fastR[vpn] === 0 && this.fastW[vpn] === 0) {
      if (this.installed.length >= FAST_RESET_AT) this.clearFast();
      this.installed.push(vpn);
    }
    table[vpn] = ((ppn ^ vpn) << PAGE_SHIFT) | slot;
    if (slot !== NO_TLB_SLOT) this.entryPages[slot - 1]!.push(vpn);
    this.cacheable = true;
  }

  /** Clears the fast words of TLB entry `i` (it is being replaced or invalidated). */
  private dropEntryPages(i: number): void {
    const slot = i + 1;
    const pages = this.entryPages[i]!;
    for (const vpn of pages) {
      if ((this.fastX[vpn]! & FAST_SLOT_MASK) === slot) this.fastX[vpn] = 0;
      if ((this.fastR[vpn]! & FAST_SLOT_MASK) === slot) this.fastR[vpn] = 0;
      if ((this.fastW[vpn]! & FAST_SLOT_MASK) === slot) this.fastW[vpn] = 0;
    }
    pages.length = 0;
    if (this.fetchSlot === slot) this.fetchSlot = 0;
  }
}

/** Walk failures reading outside RAM are access faults; the rest are page faults. */
function faultCauseFor(reason: FaultReason, access: Access): Cause {
  return reason === FaultReason.BusError ? accessFault(access) : pageFault(access);
}
