// The architectural TLB: a set-associative cache of translations tagged with ASIDs. It is exact:
// every fetch, load and store is one lookup, and replacement state (LRU stamps, FIFO order) is kept
// precisely. The MMU keeps a faster lookup structure in front of it (see mmu.ts) that caches only
// entries present here and is invalidated with them.
//
// An entry maps one page (vpn -> ppn), or, for an Sv32 megapage, 1024 pages (tag on VPN[1] only).
// A megapage entry lives in the set of the page whose miss filled it.
import type { Prng } from "./prng.js";

export const TlbPolicy = { Lru: "lru", Fifo: "fifo", Random: "random" } as const;
export type TlbPolicy = (typeof TlbPolicy)[keyof typeof TlbPolicy];

export interface TlbConfig {
  entries: number;
  /** Ways per set: `entries` for fully associative, 1 for direct-mapped. */
  ways: number;
  policy: TlbPolicy;
}

/** The largest TLB: entry slots are kept in the low 12 bits of fast-path words. */
export const TLB_MAX_ENTRIES = 4094;

/** Why a TLB configuration is not acceptable, or undefined if it is. */
export function checkTlbConfig(c: TlbConfig): string | undefined {
  if (!Number.isInteger(c.entries) || c.entries < 1 || c.entries > TLB_MAX_ENTRIES) {
    return `TLB entries must be a whole number from 1 to ${TLB_MAX_ENTRIES} (got ${c.entries})`;
  }
  if (!Number.isInteger(c.ways) || c.ways < 1 || c.ways > c.entries) {
    return `TLB ways must be a whole number from 1 to the number of entries (got ${c.ways})`;
  }
  if (c.entries % c.ways !== 0) {
    return `TLB entries (${c.entries}) must be a multiple of the ways (${c.ways})`;
  }
  if (!Object.values(TlbPolicy).includes(c.policy)) {
    return `unknown TLB policy '${c.policy}' (expected lru, fifo or random)`;
  }
  return undefined;
}

/** Decoded contents of one TLB entry, for dumps and tests. */
export interface TlbEntryView {
  index: number;
  set: number;
  way: number;
  vpn: number;
  ppn: number;
  asid: number;
  global: boolean;
  megapage: boolean;
  /** Sv32 flag bits of the leaf PTE (R W X U G A D) as cached. */
  flags: number;
  pteAddr: number;
}

export class Tlb {
  readonly entries: number;
  readonly ways: number;
  readonly sets: number;
  readonly policy: TlbPolicy;
  readonly valid: Uint8Array;
  /** Tag: the page number (for a megapage, the first page number of the megapage). */
  readonly vpn: Int32Array;
  readonly ppn: Int32Array;
  readonly asid: Uint16Array;
  readonly global: Uint8Array;
  readonly mega: Uint8Array;
  readonly flags: Uint16Array;
  /** Physical address of the leaf PTE, so a store can set D in it. */
  readonly pteAddr: Float64Array;
  /** Last-use time per slot (slot = index + 1); written by the CPU's fast path too. */
  readonly stamps: Float64Array;
  /** Fill time per entry, for FIFO. */
  private readonly filled: Float64Array;
  private fills = 0;
  private readonly rng: Prng;
  /** Called with an entry index just before it is overwritten or invalidated. */
  onInvalidate: (index: number) => void = () => {};

  /** `config` must pass checkTlbConfig. */
  constructor(config: TlbConfig, rng: Prng) {
    this.entries = config.entries;
    this.ways = config.ways;
    this.sets = config.entries / config.ways;
    this.policy = config.policy;
    this.rng = rng;
    const n = config.entries;
    this.valid = new Uint8Array(n);
    this.vpn = new Int32Array(n);
    this.ppn = new Int32Array(n);
    this.asid = new Uint16Array(n);
    this.global = new Uint8Array(n);
    this.mega = new Uint8Array(n);
    this.flags = new Uint16Array(n);
    this.pteAddr = new Float64Array(n);
    this.stamps = new Float64Array(TLB_MAX_ENTRIES + 2);
    this.filled = new Float64Array(n);
  }

  /** The set a page number maps to. */
  setOf(vpn: number): number {
    return vpn % this.sets;
  }

  /** Index of the entry translating page `vpn` in address space `asid`, or -1 on a miss. */
  lookup(vpn: number, asid: number): number {
    const first = this.setOf(vpn) * this.ways;
    for (let i = first; i < first + this.ways; i++) {
      if (this.valid[i] !== 1) continue;
      const tag = this.mega[i] === 1 ? vpn & ~0x3ff : vpn;
      if (tag === this.vpn[i] && (this.global[i] === 1 || this.asid[i] === asid)) return i;
    }
    return -1;
  }

  /** Notes a use of entry `index` at time `t` (for LRU). */
  touch(index: number, t: number): void {
    this.stamps[index + 1] = t;
  }

  /**
   * Writes a translation into the set of `vpn`, replacing an invalid way or the policy's victim,
   * and returns its index. For a megapage `vpn` may be any page inside it.
   */
  fill(
    vpn: number,
    ppn: number,
    asid: number,
    flags: number,
    megapage: boolean,
    pteAddr: number,
    t: number,
  ): number {
    const i = this.victim(this.setOf(vpn));
    if (this.valid[i] === 1) this.onInvalidate(i);
    this.valid[i] = 1;
    this.vpn[i] = megapage ? vpn & ~0x3ff : vpn;
    this.ppn[i] = megapage ? ppn & ~0x3ff : ppn;
    this.asid[i] = asid;
    this.global[i] = (flags & 0x20) !== 0 ? 1 : 0;
    this.mega[i] = megapage ? 1 : 0;
    this.flags[i] = flags;
    this.pteAddr[i] = pteAddr;
    this.filled[i] = ++this.fills;
    this.stamps[i + 1] = t;
    return i;
  }

  /** The way to replace in `set`: an invalid one first, else the policy's choice. */
  private victim(set: number): number {
    const first = set * this.ways;
    for (let i = first; i < first + this.ways; i++) if (this.valid[i] !== 1) return i;
    if (this.policy === TlbPolicy.Random) return first + this.rng.below(this.ways);
    const age = this.policy === TlbPolicy.Lru ? this.stamps.subarray(1) : this.filled;
    let best = first;
    for (let i = first + 1; i < first + this.ways; i++) if (age[i]! < age[best]!) best = i;
    return best;
  }

  /** Invalidates one entry. */
  invalidate(index: number): void {
    if (this.valid[index] !== 1) return;
    this.onInvalidate(index);
    this.valid[index] = 0;
  }

  /**
   * sfence.vma: with neither argument, every entry; with `asid`, that space's non-global entries;
   * with `vpn`, the entries translating that page (any ASID); with both, that page in that space
   * except global entries.
   */
  flush(vpn?: number, asid?: number): void {
    for (let i = 0; i < this.entries; i++) {
      if (this.valid[i] !== 1) continue;
      if (asid !== undefined && (this.global[i] === 1 || this.asid[i] !== asid)) continue;
      if (vpn !== undefined && (this.mega[i] === 1 ? vpn & ~0x3ff : vpn) !== this.vpn[i]) continue;
      this.invalidate(i);
    }
  }

  /** The valid entries, decoded. */
  contents(): TlbEntryView[] {
    const out: TlbEntryView[] = [];
    for (let i = 0; i < this.entries; i++) {
      if (this.valid[i] !== 1) continue;
      out.push({
        index: i,
        set: Math.floor(i / this.ways),
        way: i % this.ways,
        vpn: this.vpn[i]!,
        ppn: this.ppn[i]!,
        asid: this.asid[i]!,
        global: this.global[i] === 1,
        megapage: this.mega[i] === 1,
        flags: this.flags[i]!,
        pteAddr: this.pteAddr[i]!,
      });
    }
    return out;
  }
}
