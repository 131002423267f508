// Paged translation: the TLB in front of the page-table walker. A lookup that hits re-checks the
// cached leaf's permissions and its A/D bits; one that misses walks the table in RAM (walk.ts),
// checks the leaf, sets A/D (or faults, in A/D-trap mode) and fills the TLB — or, with software
// refill, traps to the kernel instead. The root table, the address-space id and the format come
// from satp and setFormat. On the guest path a TLB-backed answer for a 4 KiB format is cached in
// the fast tables; a quiet translation touches no TLB entry, stamp, A/D bit or counter.
import {
  FormatName,
  flagBitsOf,
  leafFlags,
  levelsOf,
  type PageTableFormat,
  pfnOf,
  readPte,
  SV32,
  superBits,
  writePte,
} from "../ptformat.js";
import { PAGE_SHIFT, PAGE_SIZE, type Ram } from "../ram.js";
import { PTE_A, PTE_G, pteFlagString, satpAsid, satpIsSv32, satpPpn } from "../sv32.js";
import type { Tlb, TlbLeaf } from "../tlb.js";
import {
  Access as Acc,
  type Access,
  accessFault,
  Cause as C,
  type Cause,
  FaultReason,
  pageFault,
} from "../trap.js";
import { AdMode, RefillMode } from "./config.js";
import type { Translation } from "./events.js";
import {
  leafFault,
  leafPpn,
  missingAccessedDirty,
  superpageMisaligned,
  WalkResult,
  walkTable,
  withAccessedDirty,
} from "./walk.js";

export class Paging {
  readonly tlb: Tlb;
  readonly refill: RefillMode;
  readonly ad: AdMode;
  /** satp: MODE | ASID | PPN of the root table (in the format's pages). */
  satp = 0;
  /** Sv32 with satp.MODE = Bare: no translation. */
  satpBare = true;
  private fmt: PageTableFormat = SV32;
  private rootPa = 0;
  private curAsid = 0;
  private pageSize = PAGE_SIZE;
  /** 2^vaBits of the format: addresses from here on are outside the address space. */
  private vaLimit = 2 ** 32;
  private readonly ram: Ram;
  private readonly walkResult = new WalkResult();
  private readonly leaf: TlbLeaf = {
    ppn: 0,
    flags: 0,
    global: false,
    megapage: false,
    pteAddr: 0,
    pte: 0,
  };

  constructor(ram: Ram, tlb: Tlb, refill: RefillMode, ad: AdMode) {
    this.ram = ram;
    this.tlb = tlb;
    this.refill = refill;
    this.ad = ad;
  }

  get format(): PageTableFormat {
    return this.fmt;
  }

  get asid(): number {
    return this.curAsid;
  }

  /** Selects the format (already checked); flushes the TLB, whose entries are in old pages. */
  setFormat(format: PageTableFormat): void {
    this.fmt = format;
    this.pageSize = 2 ** format.pageShift;
    this.vaLimit = 2 ** format.vaBits;
    this.tlb.setSuperpageBits(format.superpages ? superBits(format, 1) : 0);
    this.tlb.flush();
    this.setSatp(this.satp);
  }

  /** Loads satp: MODE (Sv32 only: Bare turns translation off), ASID and the root's page. */
  setSatp(satp: number): void {
    this.satp = satp >>> 0;
    this.curAsid = satpAsid(this.satp);
    this.rootPa = satpPpn(this.satp) * this.pageSize;
    this.satpBare = this.fmt.name === FormatName.Sv32 && !satpIsSv32(this.satp);
  }

  /** The TLB page number of `va` in this format. */
  vpnOf(va: number): number {
    return Math.floor((va >>> 0) / this.pageSize);
  }

  /** Translates `va` (below 2^32) at LRU time `t`; the physical address, or NO_PA. */
  translate(va: number, access: Access, t: number, size: number, run: Translation): number {
    if (va >= this.vaLimit) return run.fail(pageFault(access), FaultReason.OutOfRange);
    const vpn = va >>> this.fmt.pageShift;
    const i = this.tlb.lookup(vpn, this.curAsid);
    this.traceTlb(vpn, i, run);
    if (i < 0) return this.miss(va, vpn, access, t, size, run);
    if (run.live) this.tlb.touch(i, t);
    return this.useEntry(i, va, vpn, access, t, size, run);
  }

  /**
   * Software refill's tlbwr (see Mmu.tlbWrite): writes the leaf `pte` from `pteAddr` at `level`
   * as the entry for `va`, in place if the page is there, else where replacement says at time
   * `now`. Returns the entry index; throws RangeError for a level the format has no leaf at.
   */
  tlbWrite(
    va: number,
    pte: number,
    pteAddr: number,
    level: number,
    now: number,
    run: Translation,
  ): number {
    const fmt = this.fmt;
    if (!Number.isInteger(level) || level < 0 || level >= levelsOf(fmt)) {
      throw new RangeError(`tlbWrite: no level ${level} in ${fmt.name}`);
    }
    if (level > 0 && !fmt.superpages) {
      throw new RangeError(`tlbWrite: ${fmt.name} has leaves at level 0 only`);
    }
    const vpn = this.vpnOf(va);
    const leaf = this.leafOf(pte >>> 0, pteAddr, level, false);
    leaf.global = (leaf.flags & PTE_G) !== 0;
    let i = this.tlb.lookup(vpn, this.curAsid);
    if (i >= 0) this.tlb.overwrite(i, vpn, this.curAsid, leaf, now);
    else i = this.tlb.fill(vpn, this.curAsid, leaf, now);
    this.traceFill(i, run);
    return i;
  }

  /** A TLB miss: trap for a software refill, or walk, check, set A/D and fill. */
  private miss(
    va: number,
    vpn: number,
    access: Access,
    t: number,
    size: number,
    run: Translation,
  ): number {
    if (run.counters !== null) {
      run.counters.tlbMisses++;
      if (this.refill === RefillMode.Software) return run.fail(C.TlbMiss, FaultReason.TlbMiss);
    }
    const reason = this.walk(va, access, run);
    if (reason !== FaultReason.None) return run.fail(faultCauseFor(reason, access), reason);
    const w = this.walkResult;
    const ppn = leafPpn(this.fmt, w.pte, w.level, va);
    if (!run.live) return this.deliver(ppn, va, access, size, 0, run);
    const i = this.tlb.fill(vpn, this.curAsid, this.leafOf(w.pte, w.pteAddr, w.level, w.global), t);
    this.traceFill(i, run);
    return this.deliver(ppn, va, access, size, i + 1, run);
  }

  /** Uses TLB entry `i`: re-checks its permissions, and goes to memory if A or D is missing. */
  private useEntry(
    i: number,
    va: number,
    vpn: number,
    access: Access,
    t: number,
    size: number,
    run: Translation,
  ): number {
    const tlb = this.tlb;
    const flags = tlb.flags[i]!;
    const reason = this.checkLeaf(flags, tlb.pte[i]!, tlb.mega[i]!, access, run);
    if (reason !== FaultReason.None) return run.fail(pageFault(access), reason);
    if (missingAccessedDirty(flags, access) !== 0) {
      return this.recheck(i, va, vpn, access, t, size, run);
    }
    return this.deliver(tlb.ppnFor(i, vpn), va, access, size, i + 1, run);
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
    run: Translation,
  ): number {
    const { tlb, fmt } = this;
    const pteAddr = tlb.pteAddr[i]!;
    const cached = tlb.pte[i]!;
    if (pteAddr + fmt.pteSize > this.ram.size) {
      return run.fail(accessFault(access), FaultReason.BusError);
    }
    const pte = readPte(fmt, this.ram, pteAddr);
    if (run.counters !== null) run.counters.walkReads++;
    run.logPte("read", pteAddr, fmt.pteSize, pte);
    run.trace?.({ kind: "recheck", pteAddr, pte, cached });
    if (pte !== cached) {
      if (run.live) tlb.invalidate(i);
      return this.miss(va, vpn, access, t, size, run);
    }
    const missing = missingAccessedDirty(tlb.flags[i]!, access);
    if (this.ad === AdMode.Trap) {
      const reason = missing & PTE_A ? FaultReason.AccessedClear : FaultReason.DirtyClear;
      return run.fail(pageFault(access), reason);
    }
    const updated = this.setAccessedDirty(pteAddr, pte, access, run);
    if (run.live) tlb.setPte(i, updated, leafFlags(fmt, updated));
    return this.deliver(tlb.ppnFor(i, vpn), va, access, size, i + 1, run);
  }

  /**
   * The walk (spec steps 1-7) for `va`: on success returns None with the leaf in walkResult, A/D
   * already set in memory on the guest path in hardware mode; else why the access faults.
   */
  private walk(va: number, access: Access, run: Translation): FaultReason {
    const fmt = this.fmt;
    const w = this.walkResult;
    const heard = run.trace !== null || run.memLog !== null;
    const onRead = heard
      ? (level: number, index: number, pteAddr: number, pte: number) =>
          this.reportPteRead(level, index, pteAddr, pte, run)
      : null;
    walkTable(fmt, this.ram, this.rootPa, va, w, onRead);
    if (run.counters !== null) run.counters.walkReads += w.reads;
    if (w.reason !== FaultReason.None) return w.reason;
    const flags = leafFlags(fmt, w.pte);
    const reason = this.checkLeaf(flags, w.pte, w.level, access, run);
    if (reason !== FaultReason.None) return reason;
    const missing = missingAccessedDirty(flags, access);
    if (missing === 0) return FaultReason.None;
    if (this.ad === AdMode.Trap) {
      return missing & PTE_A ? FaultReason.AccessedClear : FaultReason.DirtyClear;
    }
    w.pte = this.setAccessedDirty(w.pteAddr, w.pte, access, run);
    return FaultReason.None;
  }

  /** Reports a PTE read of the walker to the memory log and the tracer. */
  private reportPteRead(
    level: number,
    index: number,
    pteAddr: number,
    pte: number,
    run: Translation,
  ): void {
    const fmt = this.fmt;
    run.logPte("read", pteAddr, fmt.pteSize, pte);
    run.trace?.({
      kind: "walk",
      level,
      index,
      pteAddr,
      pte,
      flags: pteFlagString(leafFlags(fmt, pte), flagBitsOf(fmt)),
      pfn: pfnOf(fmt, pte),
    });
  }

  /** Steps 5 and 6 on a leaf's Sv32-style flags; reports the check when tracing. */
  private checkLeaf(
    flags: number,
    pte: number,
    level: number,
    access: Access,
    run: Translation,
  ): FaultReason {
    let reason = leafFault(flags, access);
    if (reason === FaultReason.None && superpageMisaligned(this.fmt, pte, level)) {
      reason = FaultReason.BadSuperpage;
    }
    run.trace?.({ kind: "check", access, flags: pteFlagString(flags), reason });
    return reason;
  }

  /** Step 7 in hardware A/D mode: the PTE with A (and D for a store), written on the guest path. */
  private setAccessedDirty(pteAddr: number, pte: number, access: Access, run: Translation): number {
    const fmt = this.fmt;
    const updated = withAccessedDirty(fmt, pte, access);
    if (run.counters === null || updated === pte) return updated;
    writePte(fmt, this.ram, pteAddr, updated);
    run.counters.adUpdates++;
    run.logPte("write", pteAddr, fmt.pteSize, updated);
    run.trace?.({ kind: "ad", pteAddr, old: pte, pte: updated });
    return updated;
  }

  /** The TLB leaf for a PTE found at `pteAddr` at `level` (scratch object, reused). */
  private leafOf(pte: number, pteAddr: number, level: number, global: boolean): TlbLeaf {
    const leaf = this.leaf;
    leaf.pte = pte;
    leaf.ppn = pfnOf(this.fmt, pte);
    leaf.flags = leafFlags(this.fmt, pte);
    leaf.global = global;
    leaf.megapage = level > 0;
    leaf.pteAddr = pteAddr;
    return leaf;
  }

  /**
   * Step 8 and delivery: the physical address of `va` in page `ppn`, or an access fault if it is
   * outside RAM. On the guest path, a TLB-backed translation (slot > 0) of a 4 KiB format is
   * cached in the fast tables, and a fetch makes its entry the fetch page.
   */
  private deliver(
    ppn: number,
    va: number,
    access: Access,
    size: number,
    slot: number,
    run: Translation,
  ): number {
    const pa = ppn * this.pageSize + (va % this.pageSize);
    if (pa + size > this.ram.size) return run.fail(accessFault(access), FaultReason.BusError);
    if (slot > 0 && run.fast !== null) {
      if (this.pageSize === PAGE_SIZE) run.install(va >>> PAGE_SHIFT, ppn, access, slot);
      if (access === Acc.Fetch) run.fast.fetchSlot = slot;
    }
    return pa;
  }

  private traceTlb(vpn: number, i: number, run: Translation): void {
    if (!run.trace) return;
    const tlb = this.tlb;
    const way = i < 0 ? -1 : i % tlb.ways;
    run.trace({ kind: "tlb", vpn, asid: this.curAsid, set: tlb.setOf(vpn), way, hit: i >= 0 });
  }

  private traceFill(i: number, run: Translation): void {
    if (!run.trace) return;
    const { index, set, way, vpn, ppn, asid, global, megapage } = this.tlb.entry(i);
    run.trace({ kind: "fill", index, set, way, vpn, ppn, asid, global, megapage });
  }
}

/** Walk failures reading outside RAM are access faults; the rest are page faults. */
function faultCauseFor(reason: FaultReason, access: Access): Cause {
  return reason === FaultReason.BusError ? accessFault(access) : pageFault(access);
}
