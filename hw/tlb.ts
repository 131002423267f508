// The architectural TLB: a set-associative cache of leaf PTEs tagged with ASIDs. It is exact: every
// fetch, load and store is one lookup, and replacement state (LRU stamps, FIFO order) is kept
// precisely. The MMU keeps a faster lookup structure in front of it (see mmu.ts) that caches only
// entries present here and is invalidated with them.
//
// An entry maps one page (vpn -> ppn), or, for a superpage (an Sv32 megapage), 2^superpageBits
// pages, tagged on the VPN bits above them. The set is chosen by the low bits of the full VPN
// (vpn mod sets), so a megapage entry lives in the set of the page whose miss filled it, and a
// megapage used from pages of several sets has one entry in each (as in a TLB that probes one set).
// Sizes are in pages of the current page-table format.
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

/** What a fill writes: a leaf PTE as the walker (or the kernel) found it. */
export interface TlbLeaf {
  /** The leaf's PFN (for a superpage, its first page). */
  ppn: number;
  /** Sv32-style flags (V R W X U G A D, RSW) of the leaf, as checked on each hit. */
  flags: number;
  /** In every address space: G on the leaf or on a pointer above it. */
  global: boolean;
  megapage: boolean;
  /** Where the leaf PTE lives, so A/D can be set in memory; and its raw value. */
  pteAddr: number;
  pte: number;
}

/** Decoded contents of one TLB entry, for dumps and tests. */
export interface TlbEntryView {
  index: number;
  set: number;
  way: number;
  /** Tag: the page number (for a megapage, its first page number). */
  vpn: number;
  ppn: number;
  asid: number;
  global: boolean;
  megapage: boolean;
  /** Sv32-style flag bits of the leaf PTE as cached. */
  flags: number;
  pteAddr: number;
  /** The leaf PTE's raw value as cached. */
  pte: number;
}

export class Tlb {
  readonly entries: number;
  readonly ways: number;
  readonly sets: number;
  readonly policy: TlbPolicy;
  readonly valid: Uint8Array;
  /** Tag: the page number (for a megapage, the first page number of the megapage). */
  readonly vpn: Int32Array;
  readonly ppn: Float64Array;
  readonly asid: Uint16Array;
  readonly global: Uint8Array;
  readonly mega: Uint8Array;
  readonly flags: Uint16Array;
  /** Physical address and raw value of the leaf PTE, for A/D updates and the re-check. */
  readonly pteAddr: Float64Array;
  readonly pte: Uint32Array;
  /** Last-use time per slot (slot = index + 1); written by the CPU's fast path too. */
  readonly stamps: Float64Array;
  /** Fill order per entry, for FIFO. */
  private readonly filled: Float64Array;
  private fills = 0;
  private readonly rng: Prng;
  /** A megapage tag keeps the VPN bits above this many. */
  private megaTagMask = ~0x3ff;
  /** Called with an entry index just before it is overwritten or invalidated. */
  onInvalidate: (index: number) => void = () => {};

  /**
   * `config` must pass checkTlbConfig; `stamps`: where the LRU stamps live (TLB_MAX_ENTRIES + 2
   * of them; the machine's arena).
   */
  constructor(
    config: TlbConfig,
    rng: Prng,
    stamps: Float64Array = new Float64Array(TLB_MAX_ENTRIES + 2),
  ) {
    this.entries = config.entries;
    this.ways = config.ways;
    this.sets = config.entries / config.ways;
    this.policy = config.policy;
    this.rng = rng;
    const n = config.entries;
    this.valid = new Uint8Array(n);
    this.vpn = new Int32Array(n);
    this.ppn = new Float64Array(n);
    this.asid = new Uint16Array(n);
    this.global = new Uint8Array(n);
    this.mega = new Uint8Array(n);
    this.flags = new Uint16Array(n);
    this.pteAddr = new Float64Array(n);
    this.pte = new Uint32Array(n);
    this.stamps = stamps;
    this.filled = new Float64Array(n);
  }

  /** Sets how many pages a megapage entry spans (2^bits); flush first, as entries keep theirs. */
  setSuperpageBits(bits: number): void {
    this.megaTagMask = -(2 ** bits) | 0;
  }

  /** The set a page number maps to. */
  setOf(vpn: number): number {
    return vpn % this.sets;
  }

  /** The entry's tag for page `vpn`: `vpn` itself, or for a megapage its first page. */
  private tagOf(i: number, vpn: number): number {
    return this.mega[i] === 1 ? vpn & this.megaTagMask : vpn;
  }

  /**
   * Index of the entry translating page `vpn` in address space `asid` (a global entry matches any
   * ASID), or -1 on a miss. Probes only the set of `vpn`; changes nothing.
   */
  lookup(vpn: number, asid: number): number {
    const first = this.setOf(vpn) * this.ways;
    for (let i = first; i < first + this.ways; i++) {
      if (this.valid[i] !== 1) continue;
      if (this.tagOf(i, vpn) === this.vpn[i] && (this.global[i] === 1 || this.asid[i] === asid)) {
        return i;
      }
    }
    return -1;
  }

  /** Notes a use of entry `index` at time `t` (for LRU). */
  touch(index: number, t: number): void {
    this.stamps[index + 1] = t;
  }

  /** The physical page that page `vpn` maps to through entry `i`. */
  ppnFor(i: number, vpn: number): number {
    const ppn = this.ppn[i]!;
    return this.mega[i] === 1 ? ppn + (vpn & ~this.megaTagMask) : ppn;
  }

  /**
   * Writes `leaf` as the translation of page `vpn` (any page inside a megapage) in `asid` into
   * the set of `vpn`, replacing an invalid way or else the policy's victim, at time `t`. Returns
   * the entry's index.
   */
  fill(vpn: number, asid: number, leaf: TlbLeaf, t: number): number {
    const i = this.victim(this.setOf(vpn));
    if (this.valid[i] === 1) this.onInvalidate(i);
    this.filled[i] = ++this.fills;
    this.write(i, vpn, asid, leaf, t);
    return i;
  }

  /** Rewrites entry `i` in place (a software refill of a page already cached); FIFO order stays. */
  overwrite(i: number, vpn: number, asid: number, leaf: TlbLeaf, t: number): void {
    if (this.valid[i] === 1) this.onInvalidate(i);
    this.write(i, vpn, asid, leaf, t);
  }

  private write(i: number, vpn: number, asid: number, leaf: TlbLeaf, t: number): void {
    const mask = leaf.megapage ? this.megaTagMask : -1;
    this.valid[i] = 1;
    this.vpn[i] = vpn & mask;
    this.ppn[i] = leaf.megapage ? leaf.ppn & mask : leaf.ppn;
    this.asid[i] = asid;
    this.global[i] = leaf.global ? 1 : 0;
    this.mega[i] = leaf.megapage ? 1 : 0;
    this.flags[i] = leaf.flags;
    this.pteAddr[i] = leaf.pteAddr;
    this.pte[i] = leaf.pte;
    this.stamps[i + 1] = t;
  }

  /** Updates the cached PTE of entry `i` after the MMU set its A/D bits in memory. */
  setPte(i: number, pte: number, flags: number): void {
    this.pte[i] = pte;
    this.flags[i] = flags;
  }

  /** The way to replace in `set`: an invalid one first, else the policy's choice. */
  private victim(set: number): number {
    const first = set * this.ways;
    const end = first + this.ways;
    const valid = this.valid;
    if (this.policy === TlbPolicy.Random) {
      for (let i = first; i < end; i++) if (valid[i] !== 1) return i;
      return first + this.rng.below(this.ways);
    }
    // One pass (this runs on every miss of a full TLB): the first invalid way, else the way with
    // the oldest time: last use for LRU (stamps are by slot, index + 1), fill for FIFO.
    const lru = this.policy === TlbPolicy.Lru;
    const times = lru ? this.stamps : this.filled;
    const at = lru ? 1 : 0;
    let best = first;
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = first; i < end; i++) {
      if (valid[i] !== 1) return i;
      const time = times[i + at]!;
      if (time < oldest) {
        oldest = time;
        best = i;
      }
    }
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
   * with `vpn`, the entries translating that page (any ASID, global too); with both, that page in
   * that space except global entries.
   */
  flush(vpn?: number, asid?: number): void {
    for (let i = 0; i < this.entries; i++) {
      if (this.valid[i] !== 1) continue;
      if (asid !== undefined && (this.global[i] === 1 || this.asid[i] !== asid)) continue;
      if (vpn !== undefined && this.tagOf(i, vpn) !== this.vpn[i]) continue;
      this.invalidate(i);
    }
  }

  /** The valid entries, decoded, in index order. */
  contents(): TlbEntryView[] {
    const out: TlbEntryView[] = [];
    for (let i = 0; i < this.entries; i++) if (this.valid[i] === 1) out.push(this.entry(i));
    return out;
  }

  /** Entry `i` decoded, as it holds now (valid or not). */
  entry(i: number): TlbEntryView {
    return {
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
      pte: this.pte[i]!,
    };
  }
}
