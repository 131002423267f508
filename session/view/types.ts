// The data behind the browser's panes: plain, serialisable values (numbers, strings, booleans,
// null, arrays and plain objects; no class instances, no typed arrays), so a Web Worker can post
// them to the page as they are. Each pane's shape is here; the functions that build them from a
// stepping session are in the files named after the panes (address.ts, tlb.ts, walk.ts, ...), and
// snapshot() in index.ts builds them all at once.
//
// Addresses, PTEs and page numbers are unsigned numbers (format them with hw/hex.ts). "The last
// step" is the last traced step (Session.stepTraced), if the session is still where it ended; after
// a quiet run it is unknown and the fields that describe it are null or empty.
import type { RunStats } from "../stats.js";

/** An access kind, as `--trace` names it. */
export type AccessName = "fetch" | "load" | "store";

/** A memory scheme (`--mm`). */
export type SchemeName = "bare" | "base-limit" | "segmented" | "paged";

// ---- Address ---------------------------------------------------------------------------------

/** One field of a virtual address: bits hi..lo (inclusive) and their value. */
export interface AddressField {
  /** "VPN[1]", "VPN[0]", "offset" (Sv32); "segment", "offset"; "offset" (base-limit); "address" (bare). */
  name: string;
  hi: number;
  lo: number;
  value: number;
}

/** base-limit and segmented: how the address is relocated. */
export interface Relocation {
  /** The segment register used (segmented), or null (base-limit). */
  segment: number | null;
  base: number;
  limit: number;
  /** The offset checked against the limit (base-limit: the whole address). */
  offset: number;
  growsDown: boolean;
  /** offset < limit (for a grows-down segment: inside its top `limit` bytes). */
  inside: boolean;
}

/** A virtual address split into its fields for the active scheme, and where it goes. */
export interface AddressView {
  va: number;
  scheme: SchemeName;
  access: AccessName;
  /** The pid whose address space it is in (null: none is live). */
  pid: number | null;
  /** High bits first. */
  fields: AddressField[];
  relocation: Relocation | null;
  /** The physical address, or null if the access faults. */
  pa: number | null;
  /** Why it faults, in `--trace` words (e.g. "load page fault (not mapped)"), or null. */
  fault: string | null;
}

// ---- TLB -------------------------------------------------------------------------------------

/** One TLB entry (valid or not). */
export interface TlbRow {
  index: number;
  set: number;
  way: number;
  valid: boolean;
  asid: number;
  /** Tag: the page number (a megapage's first page number). */
  vpn: number;
  ppn: number;
  global: boolean;
  megapage: boolean;
  /** The cached leaf's flags as `--trace` letters, e.g. "VRWXU-AD" ("-": clear). */
  flags: string;
  /** The cached leaf PTE and where it lives. */
  pte: number;
  pteAddr: number;
  /** LRU stamp: the machine time of the entry's last use (larger is more recent). */
  lastUse: number;
  /**
   * Rank by last use within its set among valid entries: 0 = most recently used; -1 if invalid.
   * (Under FIFO or random replacement the victim is chosen otherwise: hw/tlb.ts keeps the fill
   * order private, so this is still the recency rank.)
   */
  age: number;
}

/** What one TLB lookup of the last step did. */
export interface TlbLookup {
  access: AccessName;
  va: number;
  vpn: number;
  asid: number;
  set: number;
  /** False on a miss, including a hit whose cached PTE was stale when re-checked (a miss too). */
  hit: boolean;
  /** The entry that hit, or null on a miss. */
  hitIndex: number | null;
  /** The entry filled after the miss (hardware walk, or the kernel's software refill), or null. */
  fillIndex: number | null;
  /** What the filled entry held before, if it was valid (the victim; `age` is -1), else null. */
  victim: TlbRow | null;
}

export interface TlbView {
  entries: number;
  ways: number;
  sets: number;
  policy: string;
  refill: string;
  /** The current address space's ASID. */
  asid: number;
  /** Every entry, in index order (set-major). */
  rows: TlbRow[];
  /** The lookups of the last step, in order (a fetch, maybe a load or store, retries). */
  lookups: TlbLookup[];
  /**
   * Entries the last step invalidated other than fill victims (sfence.vma when a process ends, a
   * page is unmapped, copied on write or swapped out), as they were; `age` is -1.
   */
  flushed: TlbRow[];
}

// ---- Page table ------------------------------------------------------------------------------

/** The PTE's flag bits, decoded. */
export interface PteBits {
  v: boolean;
  r: boolean;
  w: boolean;
  x: boolean;
  u: boolean;
  g: boolean;
  a: boolean;
  d: boolean;
  /** vmlab's own RSW bits: copy-on-write, on swap. */
  cow: boolean;
  swap: boolean;
}

/** One level of a page-table walk: the PTE read there. */
export interface WalkLevel {
  /** 1 = the root (L1) under Sv32, 0 = the last level. */
  level: number;
  /** VPN[level]: the index into this level's table. */
  index: number;
  /** Physical page of the table read. */
  tablePpn: number;
  pteAddr: number;
  pte: number;
  flags: string;
  bits: PteBits;
  /** The PPN the PTE holds (the next table, or the page). */
  ppn: number;
  /** "pointer" to the next level, a "leaf", or "invalid" (the walk stops with a fault). */
  kind: "pointer" | "leaf" | "invalid";
}

/** One translation of the last step, event by event (the page-table pane animates these). */
export interface Translation {
  access: AccessName;
  va: number;
  scheme: SchemeName;
  /** Paged: whether the TLB hit (null in other schemes). */
  tlbHit: boolean | null;
  /** The root table's page (paged, when a walk ran), else null. */
  rootPpn: number | null;
  /** The walk's levels, root first (empty when the TLB hit or there is no page table). */
  levels: WalkLevel[];
  /** The permission check on the leaf: the flags checked and the verdict ("allowed" or why not). */
  check: { flags: string; verdict: string } | null;
  /** The A/D update the walker wrote, if any. */
  adUpdate: { pteAddr: number; old: number; pte: number } | null;
  /** base-limit and segmented: the relocation, else null. */
  relocation: Relocation | null;
  pa: number | null;
  fault: string | null;
  /**
   * Who walked the page table: the MMU's "hardware" walker (levels from its events), the "kernel"
   * (a software refill after a TLB-miss trap: levels re-read from the tables after the step, as
   * the kernel's walk found them), or null (no walk).
   */
  walker: "hardware" | "kernel" | null;
  /** The same events as `--trace mmu,tlb` lines, in order (one per animation frame). */
  lines: string[];
}

/** The last walk, and every translation of the last step. */
export interface WalkView {
  /** The last translation of the last step whose page table was walked (by either), or null. */
  walk: Translation | null;
  translations: Translation[];
}

/** A level-0 entry in the page-table tree (valid, or on swap). */
export interface PtLeafNode {
  index: number;
  /** The first virtual address it maps. */
  va: number;
  pteAddr: number;
  pte: number;
  flags: string;
  bits: PteBits;
  /** The frame (valid), or null when on swap. */
  ppn: number | null;
  /** The swap slot (on swap), else null. */
  slot: number | null;
}

/** A level-1 entry: a pointer to a level-0 table (or a megapage leaf). */
export interface PtTableNode {
  index: number;
  va: number;
  pteAddr: number;
  pte: number;
  flags: string;
  /** The level-0 table's frame, or the megapage's first frame. */
  ppn: number;
  megapage: boolean;
  /** Its valid or swapped level-0 entries, in index order (empty for a megapage). */
  entries: PtLeafNode[];
}

/** The focused process's page table as a tree (paged mode). */
export interface PageTableTree {
  pid: number;
  asid: number;
  rootPpn: number;
  tables: PtTableNode[];
}

// ---- Physical memory -------------------------------------------------------------------------

/** What a frame holds, as the memory map names it. */
export type FrameUseName = "free" | "kernel" | "page table" | "user" | "shared" | "partition";

/** One physical frame touched by the last step. */
export interface FrameTouch {
  ppn: number;
  pa: number;
  /** "fetch", "load", "store" for the data; "pte" for a walk read; "ad" for an A/D write. */
  what: AccessName | "pte" | "ad";
}

/**
 * A run of neighbouring frames alike in use, owner and mapping count, whose virtual addresses (if
 * any) are consecutive pages: frame first + i has va + i * frameSize.
 */
export interface FrameRun {
  first: number;
  count: number;
  use: FrameUseName;
  /** Owner pid (page table, user, partition frames), else 0. */
  pid: number;
  /** Mappings of a user frame (> 1: shared copy-on-write after fork), else 0. */
  refs: number;
  /**
   * The virtual address the first frame is mapped at (user and shared frames: the first mapping in
   * pid order, the same in every copy-on-write sharer; partition frames: its place in the
   * partition or segment), or null if none.
   */
  va: number | null;
}

/**
 * Every physical frame as runs of alike frames (a 64 MiB machine has 16384 frames; as runs they
 * are a few dozen objects, cheap to build and to post), with the frames the last step touched.
 * frameAt(view, ppn) in runs.ts finds one frame's run.
 */
export interface MemoryView {
  frameSize: number;
  count: number;
  free: number;
  /** Frames [0, reserved) belong to the kernel. */
  reserved: number;
  /** In frame order, covering every frame once. */
  runs: FrameRun[];
  /** Frames the last step touched, in order. */
  touched: FrameTouch[];
  /** The frame of the last step's last access (the current access), or null. */
  current: number | null;
}

/** One frame in detail (for hover): every mapping of it, found in the page tables or partitions. */
export interface FrameDetail {
  ppn: number;
  pa: number;
  use: FrameUseName;
  pid: number;
  refs: number;
  pins: number;
  mappings: { pid: number; va: number; flags: string }[];
}

// ---- Processes -------------------------------------------------------------------------------

export interface RegionRow {
  kind: string;
  start: number;
  end: number;
  /** "r-x", "rw-", ... */
  perm: string;
  shared: boolean;
}

export interface ProcessRow {
  pid: number;
  ppid: number;
  name: string;
  /** "runnable", "blocked", "zombie". */
  state: string;
  /** On the CPU now. */
  running: boolean;
  /** The process the panes are about (on the CPU, else the lowest live pid). */
  focus: boolean;
  asid: number;
  /** Paged: the root table's frame, else null. */
  rootPpn: number | null;
  pc: number;
  rss: number;
  rssPeak: number;
  instructions: number;
  brk: number;
  /** base-limit: the partition; segmented: the segments' blocks. */
  blocks: { base: number; size: number }[];
  regions: RegionRow[];
  /** How it ended, e.g. "exit(0)" or "SIGSEGV", or null while it runs. */
  exit: string | null;
}

export interface ProcessesView {
  rows: ProcessRow[];
  current: number | null;
  focus: number | null;
}

// ---- Swap ------------------------------------------------------------------------------------

/** A swap slot in use: its references and the pages (pid, va) that point at it. */
export interface SwapSlotRow {
  slot: number;
  refs: number;
  owners: { pid: number; va: number }[];
}

/** A resident page in the replacement policy's order. */
export interface PolicyPage {
  ppn: number;
  pid: number;
  va: number;
  referenced: boolean;
  dirty: boolean;
  /**
   * False if it must stay resident now (pinned, or a page of the instruction whose faults are
   * being served). The next fault also keeps its own instruction's code page resident.
   */
  evictable: boolean;
  /** Time of its last access (the TLB's LRU stamp, kept when the entry left the TLB). */
  lastUse: number;
}

export interface SwapView {
  /** False when there is no swap (no --swap, or not paged): everything else is empty. */
  enabled: boolean;
  policy: string | null;
  slots: number;
  used: number;
  inUse: SwapSlotRow[];
  /** The policy's pages in its own order: FIFO oldest first, Clock from the hand, LRU load order. */
  queue: PolicyPage[];
  /** What `queue`'s order means for this policy, in words. */
  order: string;
  /** Clock policies: the frame under the hand (queue[0]), else null. */
  hand: number | null;
}

// ---- Counters, events ------------------------------------------------------------------------

/** The `--stats --json` object: the same names and values (session/stats.ts RunStats). */
export type CountersView = RunStats;

/** One line of the last steps' events, in the words of `--trace` (and the stepper). */
export interface EventLine {
  /** "mmu" (translation steps, TLB included), "kernel", "guest", "message". */
  kind: "mmu" | "kernel" | "guest" | "message";
  /** The `--trace` category: mmu, tlb, fault, syscall, sched, swap, alloc; guest/message lines: "". */
  category: string;
  text: string;
  /** A fault of the MMU, a kernel message (a kill) or guest stderr: the stepper shows these in red. */
  alarm: boolean;
}

/** The events of one traced step. */
export interface EventStep {
  /** The session position after the step (click: replay to position - 1 and step). */
  position: number;
  pid: number | null;
  pc: number | null;
  lines: EventLine[];
}

export interface EventsView {
  /** Oldest first; at most the session's history length. */
  steps: EventStep[];
}

// ---- All panes -------------------------------------------------------------------------------

export interface Snapshot {
  position: number;
  ended: boolean;
  scheme: SchemeName;
  /** The current access (the last step's last translation), or null if unknown. */
  address: AddressView | null;
  tlb: TlbView;
  walk: WalkView;
  /** The focused process's page table (paged mode, a process live), else null. */
  pageTable: PageTableTree | null;
  memory: MemoryView;
  processes: ProcessesView;
  swap: SwapView;
  counters: CountersView;
  events: EventsView;
}
