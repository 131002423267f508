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
// translations that the TLB holds for the current address space with the permission for that kind
// of access already checked; invalidating a TLB entry clears them. In bare, base-limit and
// segmented modes they cache the relocation instead. With tracing on they stay empty, so every
// access takes the slow path below and explains itself.

import type { Prng } from "./prng.js";
import { PAGE_SHIFT, PAGE_SIZE, type Ram } from "./ram.js";
import {
  isLeaf,
  PTE_A,
  PTE_D,
  PTE_FLAGS_MASK,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
  pteFlagString,
  ptePpn,
  satpAsid,
  satpPpn,
  vpnIndex,
} from "./sv32.js";
import { TLB_MAX_ENTRIES, Tlb, type TlbConfig } from "./tlb.js";
import {
  Access as Acc,
  type Access,
  accessFault,
  Cause as C,
  type Cause,
  FaultReason,
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

/** A segment register: `base` is where offset 0 lands (for a grows-down segment, the top end). */
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
}

/** One step of a translation, for traces, the stepper and tests. */
export type MmuEvent =
  | { kind: "start"; access: Access; va: number; mode: MmuMode }
  | { kind: "tlb"; vpn: number; asid: number; set: number; way: number; hit: boolean }
  | { kind: "walk"; level: number; pteAddr: number; pte: number; flags: string }
  | { kind: "ad"; pteAddr: number; old: number; pte: number }
  | {
      kind: "fill";
      index: number;
      set: number;
      way: number;
      vpn: number;
      ppn: number;
      megapage: boolean;
    }
  | { kind: "relocate"; base: number; limit: number; offset: number; segment?: number }
  | { kind: "done"; pa: number }
  | { kind: "fault"; cause: Cause; reason: FaultReason };

const FAST_PAGES = 1 << 20;
const FAST_RESET_AT = 1 << 16;
/** Slot used by fast words in modes without a TLB (its stamp is never read). */
export const NO_TLB_SLOT = TLB_MAX_ENTRIES + 1;

export class Mmu {
  readonly ram: Ram;
  readonly tlb: Tlb;
  mode: MmuMode = MmuMode.Bare;
  refill: RefillMode;
  ad: AdMode;
  readonly segmentBits: number;
  base = 0;
  limit = 0;
  readonly segments: Segment[];
  satp = 0;
  /** Fast tables for fetch, load and store (see the header). */
  readonly fastX = new Int32Array(FAST_PAGES);
  readonly fastR = new Int32Array(FAST_PAGES);
  readonly fastW = new Int32Array(FAST_PAGES);
  /** Receives every step while set; the fast path is off meanwhile. */
  private tracer: ((e: MmuEvent) => void) | null = null;
  /** True while translateQuietly runs: no counters, stamps, fills, A/D writes or fast entries. */
  private quiet = false;
  private installed: number[] = [];
  private readonly entryPages: number[][];
  /** TLB slot of the page the CPU is fetching from (0 = none), for exact LRU; the CPU syncs it. */
  fetchSlot = 0;
  /** Set by translate(): whether the CPU may cache this page's translation for fetches. */
  cacheable = false;
  /** The fault of the last failed translate(). */
  faultCause: Cause = C.LoadPageFault;
  faultReason: FaultReason = FaultReason.None;
  // Counters.
  tlbMisses = 0;
  walkReads = 0;
  pageFaults = 0;
  accessFaults = 0;
  adUpdates = 0;
  tlbRefillTraps = 0;
  // Results of the last walk.
  private wPte = 0;
  private wPteAddr = 0;
  private wLevel = 0;
  private wPpn = 0;

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
  }

  /** The current address-space id (Sv32 satp.ASID). */
  get asid(): number {
    return satpAsid(this.satp);
  }

  /** Selects the translation scheme; clears cached translations. */
  setMode(mode: MmuMode): void {
    this.mode = mode;
    this.clearFast();
  }

  /** Loads the base and limit registers (base-limit mode). */
  setBaseLimit(base: number, limit: number): void {
    this.base = base >>> 0;
    this.limit = limit >>> 0;
    this.clearFast();
  }

  /** Loads segment register `i` (segmented mode). */
  setSegment(i: number, seg: Segment): void {
    const s = this.segments[i];
    if (!s) throw new RangeError(`setSegment: no segment register ${i}`);
    Object.assign(s, {
      base: seg.base >>> 0,
      limit: seg.limit >>> 0,
      growsDown: seg.growsDown,
      perms: seg.perms,
    });
    this.clearFast();
  }

  /** Writes satp (paged mode): the root table and the ASID. TLB entries of other ASIDs stay. */
  setSatp(satp: number): void {
    this.satp = satp >>> 0;
    this.clearFast();
  }

  /** sfence.vma: flush the TLB for a page and/or an address space, or everything. */
  sfenceVma(va?: number, asid?: number): void {
    this.tlb.flush(va === undefined ? undefined : va >>> PAGE_SHIFT, asid);
  }

  /** Turns explained translations on (with a receiver) or off (null). */
  setTracer(tracer: ((e: MmuEvent) => void) | null): void {
    this.tracer = tracer;
    this.clearFast();
  }

  get tracing(): boolean {
    return this.tracer !== null;
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
    this.fetchSlot = 0;
  }

  /**
   * The guest path, taken when the fast path misses: translates `va` for `access` at time `t`,
   * filling the TLB, setting A/D and counting. Returns the physical address, or -1 with
   * faultCause/faultReason set (tval is `va`). Never throws on any address.
   */
  translate(va: number, access: Access, t: number, size = 4): number {
    va >>>= 0;
    this.cacheable = false;
    this.tracer?.({ kind: "start", access, va, mode: this.mode });
    let pa: number;
    switch (this.mode) {
      case MmuMode.Bare:
        pa = this.translateBare(va, access, size);
        break;
      case MmuMode.BaseLimit:
        pa = this.translateBaseLimit(va, access, size);
        break;
      case MmuMode.Segmented:
        pa = this.translateSegmented(va, access, size);
        break;
      default:
        pa = this.translatePaged(va, access, t);
    }
    if (pa >= 0) this.tracer?.({ kind: "done", pa });
    return pa;
  }

  /** The side-effect-free path for tools: what translate() would answer, changing nothing. */
  translateQuietly(va: number, access: Access, explain?: (e: MmuEvent) => void): QuietResult {
    const saved = { tracer: this.tracer, cause: this.faultCause, reason: this.faultReason };
    this.quiet = true;
    this.tracer = explain ?? null;
    try {
      const pa = this.translate(va, access, 0);
      if (pa >= 0) return { ok: true, pa };
      return { ok: false, cause: this.faultCause, reason: this.faultReason };
    } finally {
      this.quiet = false;
      this.tracer = saved.tracer;
      this.faultCause = saved.cause;
      this.faultReason = saved.reason;
    }
  }

  private fail(cause: Cause, reason: FaultReason): number {
    this.faultCause = cause;
    this.faultReason = reason;
    if (!this.quiet) {
      if (cause === C.TlbMiss) this.tlbRefillTraps++;
      else if (cause === pageFault(causeAccessOf(cause))) this.pageFaults++;
      else this.accessFaults++;
    }
    this.tracer?.({ kind: "fault", cause, reason });
    return -1;
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
      this.install(vpn, (this.base + vpn * PAGE_SIZE) >>> PAGE_SHIFT, access, NO_TLB_SLOT);
    }
    return pa;
  }

  private translateSegmented(va: number, access: Access, size: number): number {
    const shift = 32 - this.segmentBits;
    const segSize = 2 ** shift;
    const index = Math.floor(va / segSize);
    const seg = this.segments[index]!;
    const offset = va % segSize;
    this.tracer?.({ kind: "relocate", base: seg.base, limit: seg.limit, offset, segment: index });
    const inside = seg.growsDown
      ? segSize - offset <= seg.limit && offset + size <= segSize
      : offset + size <= seg.limit;
    if (!inside) return this.fail(accessFault(access), FaultReason.Limit);
    if ((seg.perms & permFor(access)) === 0)
      return this.fail(accessFault(access), FaultReason.NoPermission);
    const pa = seg.growsDown ? seg.base - (segSize - offset) : seg.base + offset;
    if (pa < 0 || pa + size > this.ram.size)
      return this.fail(accessFault(access), FaultReason.BusError);
    this.installSegmentPage(va, pa, seg, segSize, access);
    return pa;
  }

  /** Caches a segmented translation if its whole page is inside the segment and RAM. */
  private installSegmentPage(
    va: number,
    pa: number,
    seg: Segment,
    segSize: number,
    access: Access,
  ): void {
    const pageVa = va - (va % PAGE_SIZE);
    const pagePa = pa - (va % PAGE_SIZE);
    if (pagePa % PAGE_SIZE !== 0 || pagePa + PAGE_SIZE > this.ram.size) return;
    const first = pageVa % segSize;
    const last = first + PAGE_SIZE - 1;
    const ok = seg.growsDown ? segSize - first <= seg.limit : last < seg.limit;
    if (ok) this.install(pageVa >>> PAGE_SHIFT, pagePa >>> PAGE_SHIFT, access, NO_TLB_SLOT);
  }

  private translatePaged(va: number, access: Access, t: number): number {
    const tlb = this.tlb;
    const vpn = va >>> PAGE_SHIFT;
    const asid = this.asid;
    if (!this.quiet && this.fetchSlot !== 0) {
      // The fetch of this instruction (or, on a new fetch page, the last one) came just before.
      tlb.stamps[this.fetchSlot] = access === Acc.Fetch ? t - 2 : t - 1;
    }
    let i = tlb.lookup(vpn, asid);
    this.traceTlb(vpn, asid, i);
    if (i < 0) {
      if (!this.quiet) this.tlbMisses++;
      if (this.refill === RefillMode.Software && !this.quiet)
        return this.fail(C.TlbMiss, FaultReason.TlbMiss);
      const reason = this.walk(va, access);
      if (reason !== FaultReason.None) return this.fail(faultCauseFor(reason, access), reason);
      if (this.quiet) return this.wPpn * PAGE_SIZE + (va & 0xfff);
      i = this.fillFromWalk(vpn, asid, t);
    } else if (!this.quiet) {
      tlb.touch(i, t);
    }
    return this.finishPaged(i, va, vpn, access, t);
  }

  /** Checks a TLB entry's permissions for `access`, sets D if needed, and installs the fast word. */
  private finishPaged(i: number, va: number, vpn: number, access: Access, t: number): number {
    const tlb = this.tlb;
    const flags = tlb.flags[i]!;
    if ((flags & PTE_U) === 0) return this.fail(pageFault(access), FaultReason.UserBit);
    if ((flags & permFor(access)) === 0)
      return this.fail(pageFault(access), FaultReason.NoPermission);
    if (access === Acc.Store && (flags & PTE_D) === 0) {
      if (this.ad === AdMode.Trap) return this.fail(pageFault(access), FaultReason.DirtyClear);
      if (this.quiet) return this.entryPa(i, va, vpn);
      // Re-walk so the D bit is set in the PTE as it is in memory now.
      const reason = this.walk(va, access);
      if (reason !== FaultReason.None) {
        tlb.invalidate(i);
        return this.fail(faultCauseFor(reason, access), reason);
      }
      tlb.invalidate(i);
      i = this.fillFromWalk(vpn, this.asid, t);
    }
    const pa = this.entryPa(i, va, vpn);
    if (pa - (va & 0xfff) + PAGE_SIZE > this.ram.size)
      return this.fail(accessFault(access), FaultReason.BusError);
    if (!this.quiet) {
      this.install(vpn, Math.floor(pa / PAGE_SIZE), access, i + 1);
      if (access === Acc.Fetch) this.fetchSlot = i + 1;
    }
    return pa;
  }

  /** Physical address of `va` through TLB entry `i`. */
  private entryPa(i: number, va: number, vpn: number): number {
    const tlb = this.tlb;
    const ppn = tlb.mega[i] === 1 ? tlb.ppn[i]! + (vpn & 0x3ff) : tlb.ppn[i]!;
    return ppn * PAGE_SIZE + (va & 0xfff);
  }

  private fillFromWalk(vpn: number, asid: number, t: number): number {
    const mega = this.wLevel === 1;
    const ppn = mega ? this.wPpn - (vpn & 0x3ff) : this.wPpn;
    const i = this.tlb.fill(vpn, ppn, asid, this.wPte & PTE_FLAGS_MASK, mega, this.wPteAddr, t);
    if (this.tracer) {
      const tlb = this.tlb;
      this.tracer({
        kind: "fill",
        index: i,
        set: Math.floor(i / tlb.ways),
        way: i % tlb.ways,
        vpn: tlb.vpn[i]!,
        ppn: tlb.ppn[i]!,
        megapage: mega,
      });
    }
    return i;
  }

  /**
   * The Sv32 walk (privileged spec 4.3.2) for `va`. On success returns FaultReason.None with the
   * leaf in wPte/wPteAddr/wLevel and the 4 KiB physical page in wPpn; sets A/D in hardware mode.
   */
  private walk(va: number, access: Access): FaultReason {
    let table = satpPpn(this.satp) * PAGE_SIZE;
    for (let level = 1; level >= 0; level--) {
      const pteAddr = table + vpnIndex(va, level) * 4;
      if (pteAddr + 4 > this.ram.size) return FaultReason.BusError;
      const pte = this.ram.i32[pteAddr >>> 2]! >>> 0;
      if (!this.quiet) this.walkReads++;
      this.tracer?.({ kind: "walk", level, pteAddr, pte, flags: pteFlagString(pte) });
      if ((pte & PTE_V) === 0) return FaultReason.NotMapped;
      if ((pte & PTE_R) === 0 && (pte & PTE_W) !== 0) return FaultReason.Reserved;
      if (isLeaf(pte)) return this.walkLeaf(va, access, pte, pteAddr, level);
      table = ptePpn(pte) * PAGE_SIZE;
    }
    return FaultReason.NotMapped;
  }

  private walkLeaf(
    va: number,
    access: Access,
    pte: number,
    pteAddr: number,
    level: number,
  ): FaultReason {
    if ((pte & PTE_U) === 0) return FaultReason.UserBit;
    if ((pte & permFor(access)) === 0) return FaultReason.NoPermission;
    if (level === 1 && (ptePpn(pte) & 0x3ff) !== 0) return FaultReason.BadSuperpage;
    const needD = access === Acc.Store && (pte & PTE_D) === 0;
    if ((pte & PTE_A) === 0 || needD) {
      if (this.ad === AdMode.Trap)
        return (pte & PTE_A) === 0 ? FaultReason.AccessedClear : FaultReason.DirtyClear;
      const updated = (pte | PTE_A | (access === Acc.Store ? PTE_D : 0)) >>> 0;
      if (!this.quiet) {
        this.ram.i32[pteAddr >>> 2] = updated;
        this.adUpdates++;
        this.tracer?.({ kind: "ad", pteAddr, old: pte, pte: updated });
      }
      pte = updated;
    }
    this.wPte = pte;
    this.wPteAddr = pteAddr;
    this.wLevel = level;
    this.wPpn = level === 1 ? ptePpn(pte) + vpnIndex(va, 0) : ptePpn(pte);
    return FaultReason.None;
  }

  /**
   * Software TLB refill (for the kernel's TLB-miss handler): writes the leaf `pte` found at
   * `pteAddr` (level 1 = megapage) as the translation of `va` in the current address space.
   */
  tlbWrite(va: number, pte: number, pteAddr: number, level: number): void {
    const vpn = (va >>> 0) >>> PAGE_SHIFT;
    this.wPte = pte >>> 0;
    this.wPteAddr = pteAddr;
    this.wLevel = level;
    this.wPpn = level === 1 ? ptePpn(pte) + vpnIndex(va, 0) : ptePpn(pte);
    this.fillFromWalk(vpn, this.asid, 0);
  }

  private traceTlb(vpn: number, asid: number, i: number): void {
    if (!this.tracer) return;
    const set = this.tlb.setOf(vpn);
    this.tracer({ kind: "tlb", vpn, asid, set, way: i < 0 ? -1 : i % this.tlb.ways, hit: i >= 0 });
  }

  /** Records a fast-path word for page `vpn` -> `ppn` for one access kind. */
  private install(vpn: number, ppn: number, access: Access, slot: number): void {
    if (this.quiet || this.tracer) return;
    const table = access === Acc.Fetch ? this.fastX : access === Acc.Load ? this.fastR : this.fastW;
    if (this.fastX[vpn] === 0 && this.fastR[vpn] === 0 && this.fastW[vpn] === 0) {
      if (this.installed.length >= FAST_RESET_AT) this.clearFast();
      this.installed.push(vpn);
    }
    table[vpn] = ((ppn ^ vpn) << PAGE_SHIFT) | slot | 0;
    if (this.mode === MmuMode.Paged) this.entryPages[slot - 1]!.push(vpn);
    this.cacheable = true;
  }

  private dropEntryPages(i: number): void {
    const slot = i + 1;
    const pages = this.entryPages[i]!;
    for (const vpn of pages) {
      if ((this.fastX[vpn]! & 0xfff) === slot) this.fastX[vpn] = 0;
      if ((this.fastR[vpn]! & 0xfff) === slot) this.fastR[vpn] = 0;
      if ((this.fastW[vpn]! & 0xfff) === slot) this.fastW[vpn] = 0;
    }
    pages.length = 0;
    if (this.fetchSlot === slot) this.fetchSlot = 0;
  }
}

export type QuietResult =
  | { ok: true; pa: number }
  | { ok: false; cause: Cause; reason: FaultReason };

/** The PTE/segment permission bit an access needs. */
function permFor(access: Access): number {
  return access === Acc.Fetch ? PTE_X : access === Acc.Load ? PTE_R : PTE_W;
}

/** Walk failures reading outside RAM are access faults; the rest are page faults. */
function faultCauseFor(reason: FaultReason, access: Access): Cause {
  return reason === FaultReason.BusError ? accessFault(access) : pageFault(access);
}

function causeAccessOf(cause: Cause): Access {
  if (cause === C.InstructionPageFault || cause === C.InstructionAccessFault) return Acc.Fetch;
  if (cause === C.StorePageFault || cause === C.StoreAccessFault) return Acc.Store;
  return Acc.Load;
}
