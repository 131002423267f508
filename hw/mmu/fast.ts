// The fast path: in front of the TLB sit three flat tables indexed by 4 KiB page number, one per
// access kind (v86 style), each word holding
//
//    31                          12 11          0
//   |  (physical page ^ virtual page) |   slot    |      0 = no entry
//
// so that a hit is one array read and one compare, and pa = (word & ~0xfff) ^ va. `slot` is the
// TLB entry's index + 1, whose LRU stamp lives at stamps[slot]; relocations cached in modes
// without a TLB use NO_TLB_SLOT (a stamp nobody reads). The tables only ever hold translations the
// TLB holds for the current address space with the permission and the A/D bits for that kind of
// access already checked; invalidating a TLB entry clears its words (dropEntry).
//
// The LRU clock. The CPU's tick k (its k-th instruction attempt) gives two times: fetchTime(k) =
// 2k for the fetch and dataTime(k) = 2k + 1 for the load or store, so the fetch and the data access
// of one instruction are ordered. Every data access stamps its entry; the fetch page is stamped
// only when the CPU enters it and leaves it (fetchSlot names its entry), and every slow-path
// translation first brings that stamp up to the last fetch (catchUpFetch), so each replacement
// decision sees the true order of last uses. This file is the only one that writes stamps for
// the CPU.
import { type Arena, FAST_PAGES, Layout } from "../arena.js";
import { PAGE_SHIFT } from "../ram.js";
import { TLB_MAX_ENTRIES } from "../tlb.js";
import { Access } from "../trap.js";

/** After this many pages hold words, the tables are cleared rather than grown further. */
const FAST_RESET_AT = 1 << 16;
/** The slot of cached relocations and of "no fetch page" (its stamp is never read). */
export const NO_TLB_SLOT = TLB_MAX_ENTRIES + 1;
const FAST_SLOT_MASK = 0xfff;

/** The LRU time of tick `k`'s fetch. */
export function fetchTime(k: number): number {
  return 2 * k;
}

/** The LRU time of tick `k`'s load or store. */
export function dataTime(k: number): number {
  return 2 * k + 1;
}

export class FastTables {
  /** Words for fetches, loads and stores, by virtual page number. */
  readonly fetch: Int32Array;
  readonly load: Int32Array;
  readonly store: Int32Array;
  /**
   * The TLB slot of the page the CPU is fetching from (NO_TLB_SLOT: none), in the arena: compiled
   * code that jumps to another page enters it itself (hw/compile/wasm.ts).
   */
  private readonly fetchSlotWord: Int32Array;
  /** The TLB's LRU stamps, by slot. */
  private readonly stamps: Float64Array;
  /**
   * Pages with a word in any table (to clear them without sweeping 3 × 4 MiB): the first
   * `installedCount`. The lists below keep their length when emptied, since a TLB miss fills one
   * and every miss allocating would keep the garbage collector busy on a thrashing TLB.
   */
  private readonly installed: number[] = [];
  private installedCount = 0;
  /** The pages each TLB entry backs, by entry index (to clear them when it goes). */
  private readonly entryPages: number[][];
  private readonly entryCounts: Int32Array;

  /** The tables live in `arena` (see arena.ts), with the TLB's `stamps`. */
  constructor(arena: Arena, stamps: Float64Array, entries: number) {
    this.fetch = arena.int32(Layout.FETCH, FAST_PAGES);
    this.load = arena.int32(Layout.LOAD, FAST_PAGES);
    this.store = arena.int32(Layout.STORE, FAST_PAGES);
    this.fetchSlotWord = arena.int32(Layout.FETCH_SLOT, 1);
    this.fetchSlotWord[0] = NO_TLB_SLOT;
    this.stamps = stamps;
    this.entryPages = Array.from({ length: entries }, () => []);
    this.entryCounts = new Int32Array(entries);
  }

  get fetchSlot(): number {
    return this.fetchSlotWord[0]!;
  }

  set fetchSlot(slot: number) {
    this.fetchSlotWord[0] = slot;
  }

  /**
   * The bookkeeping of which pages hold words (a checkpoint may leave it out with the tables
   * themselves: wipe() empties both).
   */
  get bookkeeping(): readonly object[] {
    return [this.installed, this.entryPages, this.entryCounts];
  }

  /** The LRU stamps, by slot (compiled code writes a data access's stamp directly, as stampData). */
  get lruStamps(): Float64Array {
    return this.stamps;
  }

  /** Records a word for 4 KiB page `vpn` -> `ppn` for one access kind, backed by TLB `slot`. */
  install(vpn: number, ppn: number, access: Access, slot: number): void {
    const table =
      access === Access.Fetch ? this.fetch : access === Access.Load ? this.load : this.store;
    if (this.fetch[vpn] === 0 && this.load[vpn] === 0 && this.store[vpn] === 0) {
      if (this.installedCount >= FAST_RESET_AT) this.clear();
      this.installed[this.installedCount++] = vpn;
    }
    table[vpn] = ((ppn ^ vpn) << PAGE_SHIFT) | slot;
    if (slot === NO_TLB_SLOT) return;
    // A page installed again straight after its last install is listed once: a reservation drops
    // its page's store word after every store (Cpu.storeNearReservation), and a loop of such
    // stores would otherwise grow the list without end.
    const pages = this.entryPages[slot - 1]!;
    const count = this.entryCounts[slot - 1]!;
    if (count === 0 || pages[count - 1] !== vpn) pages[this.entryCounts[slot - 1]!++] = vpn;
  }

  /** Forgets every word (the TLB itself is untouched). */
  clear(): void {
    for (let i = 0; i < this.installedCount; i++) {
      const vpn = this.installed[i]!;
      this.fetch[vpn] = 0;
      this.load[vpn] = 0;
      this.store[vpn] = 0;
    }
    this.installedCount = 0;
    this.entryCounts.fill(0);
    // fetchSlot stays: the entry still holds the last fetch, whose stamp must catch up.
  }

  /**
   * Zeroes every word, wherever it is: for when the tables' bookkeeping cannot be trusted to name
   * them (a checkpoint put the rest of the machine back but left these caches out). The fetch
   * page's slot stays, as in clear().
   */
  wipe(): void {
    this.fetch.fill(0);
    this.load.fill(0);
    this.store.fill(0);
    this.installedCount = 0;
    this.entryCounts.fill(0);
  }

  /** Clears the words of TLB entry `i` (it is being replaced or invalidated). */
  dropEntry(i: number): void {
    const slot = i + 1;
    const pages = this.entryPages[i]!;
    for (let j = 0; j < this.entryCounts[i]!; j++) {
      const vpn = pages[j]!;
      if ((this.fetch[vpn]! & FAST_SLOT_MASK) === slot) this.fetch[vpn] = 0;
      if ((this.load[vpn]! & FAST_SLOT_MASK) === slot) this.load[vpn] = 0;
      if ((this.store[vpn]! & FAST_SLOT_MASK) === slot) this.store[vpn] = 0;
    }
    this.entryCounts[i] = 0;
    if (this.fetchSlot === slot) this.fetchSlot = NO_TLB_SLOT;
  }

  /** The fetch page was last used by tick `k`'s fetch. */
  stampFetch(k: number): void {
    this.stamps[this.fetchSlot] = fetchTime(k);
  }

  /** Tick `k` fetches from the page of fast word `word`: that page becomes the fetch page. */
  enterFetchPage(word: number, k: number): void {
    this.fetchSlot = word & FAST_SLOT_MASK;
    this.stamps[this.fetchSlot] = fetchTime(k);
  }

  /** Tick `k`'s load or store used the entry of fast word `word`. */
  stampData(word: number, k: number): void {
    this.stamps[word & FAST_SLOT_MASK] = dataTime(k);
  }

  /**
   * Before a slow-path translation at LRU time `t`: brings the fetch page's stamp up to its last
   * fetch (the current instruction's for a data access, the previous one's before a fetch); a
   * fetch then leaves the page, and the translation names the next one.
   */
  catchUpFetch(access: Access, t: number): void {
    const slot = this.fetchSlot;
    if (slot === NO_TLB_SLOT) return;
    const last = access === Access.Fetch ? t - 2 : t - 1;
    if (this.stamps[slot]! < last) this.stamps[slot] = last;
    if (access === Access.Fetch) this.fetchSlot = NO_TLB_SLOT;
  }
}
