// Checkpoints of a running session, so that `back` (the stepper's, the browser's) replays from a
// recent state instead of from the boot. A checkpoint records the state of every object reachable
// from a root (own properties, array items, Map and Set entries, and the bytes of every ArrayBuffer
// a typed array views) and restores it into the same objects. Restoring in place keeps every
// object's identity, so the closures the kernel and the machine hold (callbacks bound to the
// kernel, the TLB's invalidation hook) stay right. What it cannot see: state held only in a
// closure's variables, and host objects' internals (a TextDecoder's partial character); the root
// keeps such state in plain properties instead (session/step/session.ts says what it leaves out).
// Tests check that going back through checkpoints shows exactly what a fresh replay shows
// (test/session/snapshots.test.ts, test/web/engine.test.ts).

/** What one object held when the checkpoint was taken. */
type Saved =
  | { kind: "array"; items: unknown[] }
  | { kind: "map"; entries: [unknown, unknown][] }
  | { kind: "set"; values: unknown[] }
  | { kind: "object"; props: [PropertyKey, unknown][] };

/** Bytes per page of a large buffer's copy (the machine's page size; any power of two works). */
const PAGE = 4096;
const PAGE_WORDS = PAGE / 4;
/** Regions from this size (and a whole number of pages) are copied page by page. */
const PAGED_FROM = 16 * PAGE;

/**
 * A large region (RAM, the swap disk) page by page: null for a page of zeros, else a copy of its
 * words. A copy is never written after it is made, so later checkpoints share the copies of pages
 * that have not changed since.
 */
type Pages = (Int32Array | null)[];

/**
 * A stretch of a buffer that some typed array views: what is copied. The machine's hot arrays are
 * views into one buffer (hw/arena.ts), so a view left out (a cache) must leave out only its own
 * bytes, not the buffer's.
 */
interface Region {
  buffer: ArrayBufferLike;
  offset: number;
  length: number;
}

/** The state of an object graph at one moment, restorable into the same objects. */
export class Checkpoint {
  private readonly objects = new Map<object, Saved>();
  /** Small regions, copied whole. */
  private readonly copies: [Region, Uint8Array][] = [];
  private readonly paged: [Region, Pages][] = [];
  /** The regions saved so far, by buffer (to save each once). */
  private readonly regions = new Map<ArrayBufferLike, Region[]>();
  /** Bytes this checkpoint allocated for its copies (shared pages are counted where they were made). */
  bytes = 0;
  /** Every copy the checkpoint uses, its own and those it shares (the timeline counts them). */
  readonly holds = new Set<ArrayBufferLike>();

  /**
   * While recording: an earlier checkpoint of the same graph, whose unchanged pages are shared.
   * Forgotten once recorded, so that dropping that checkpoint frees what it alone held.
   */
  private base: Checkpoint | undefined;

  /** Objects (and typed arrays) left out: caches the caller empties itself after a restore. */
  private readonly skip: ReadonlySet<object>;

  /**
   * Records everything reachable from `root` except `skip`. A large region's pages that are
   * equal to their copies in `base` (an earlier checkpoint of the same graph) share those copies,
   * and pages of zeros take no copy: most of a machine's memory is either, and copying fresh
   * memory is what costs (every new page is a fault).
   */
  constructor(root: object, base?: Checkpoint, skip: ReadonlySet<object> = new Set()) {
    this.skip = skip;
    this.base = base;
    const pending: unknown[] = [root];
    while (pending.length > 0) this.save(pending.pop(), pending);
    this.base = undefined;
  }

  private save(value: unknown, pending: unknown[]): void {
    if (value === null || typeof value !== "object" || this.objects.has(value)) return;
    if (this.skip.has(value)) return;
    if (ArrayBuffer.isView(value)) {
      this.saveRegion({ buffer: value.buffer, offset: value.byteOffset, length: value.byteLength });
      return;
    }
    if (value instanceof ArrayBuffer) {
      this.saveRegion({ buffer: value, offset: 0, length: value.byteLength });
      return;
    }
    const saved = record(value);
    this.objects.set(value, saved);
    for (const v of references(saved)) if (v !== null && typeof v === "object") pending.push(v);
  }

  private saveRegion(region: Region): void {
    const known = this.regions.get(region.buffer) ?? [];
    if (known.some((r) => sameRegion(r, region))) return;
    known.push(region);
    this.regions.set(region.buffer, known);
    if (region.length >= PAGED_FROM && region.length % PAGE === 0 && region.offset % 4 === 0) {
      this.savePages(region);
      return;
    }
    const copy = new Uint8Array(region.buffer, region.offset, region.length).slice();
    this.copies.push([region, copy]);
    this.bytes += copy.length;
    this.holds.add(copy.buffer);
  }

  /** Copies the pages of `region` that differ from the base's copies (or from zeros). */
  private savePages(region: Region): void {
    const words = wordsOf(region);
    const before = this.base?.paged.find(([r]) => sameRegion(r, region))?.[1];
    const count = region.length / PAGE;
    const pages: Pages = new Array(count).fill(null);
    const changed: number[] = [];
    for (let p = 0; p < count; p++) {
      const old = before?.[p] ?? null;
      if (samePage(words, p * PAGE_WORDS, old)) pages[p] = old;
      else changed.push(p);
    }
    // A copy of its own for each page (not slices of one block): a page shared by a later
    // checkpoint then keeps only itself alive once this checkpoint is dropped.
    for (const p of changed) pages[p] = words.slice(p * PAGE_WORDS, (p + 1) * PAGE_WORDS);
    this.paged.push([region, pages]);
    this.bytes += changed.length * PAGE;
    for (const page of pages) if (page !== null) this.holds.add(page.buffer);
  }

  /** Puts every recorded object (and buffer) back as it was when the checkpoint was taken. */
  restore(): void {
    for (const [r, copy] of this.copies) new Uint8Array(r.buffer, r.offset, r.length).set(copy);
    for (const [region, pages] of this.paged) {
      const words = wordsOf(region);
      // Only pages that differ are written: writing a page the guest never touched would fault
      // it in, where reading it costs nothing.
      pages.forEach((page, p) => {
        const at = p * PAGE_WORDS;
        if (samePage(words, at, page)) return;
        if (page === null) words.fill(0, at, at + PAGE_WORDS);
        else words.set(page, at);
      });
    }
    for (const [obj, saved] of this.objects) restoreInto(obj, saved);
  }
}

function sameRegion(a: Region, b: Region): boolean {
  return a.buffer === b.buffer && a.offset === b.offset && a.length === b.length;
}

function wordsOf(region: Region): Int32Array {
  return new Int32Array(region.buffer, region.offset, region.length / 4);
}

/** True if the page of `words` at word `at` equals `copy` (null: a page of zeros). */
function samePage(words: Int32Array, at: number, copy: Int32Array | null): boolean {
  if (copy === null) {
    for (let i = 0; i < PAGE_WORDS; i++) if (words[at + i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < PAGE_WORDS; i++) if (words[at + i] !== copy[i]) return false;
  return true;
}

/** An object's state: its items, entries or own properties (values kept as references). */
function record(obj: object): Saved {
  if (Array.isArray(obj)) return { kind: "array", items: [...obj] };
  if (obj instanceof Map) return { kind: "map", entries: [...obj.entries()] };
  if (obj instanceof Set) return { kind: "set", values: [...obj.values()] };
  const o = obj as Record<PropertyKey, unknown>;
  return { kind: "object", props: Reflect.ownKeys(obj).map((k) => [k, o[k]]) };
}

/** The values a saved state refers to. */
function references(saved: Saved): unknown[] {
  switch (saved.kind) {
    case "array":
      return saved.items;
    case "map":
      return saved.entries.flat();
    case "set":
      return saved.values;
    case "object":
      return saved.props.map(([, v]) => v);
  }
}

function restoreInto(obj: object, saved: Saved): void {
  switch (saved.kind) {
    case "array": {
      const a = obj as unknown[];
      a.length = saved.items.length;
      for (let i = 0; i < saved.items.length; i++) a[i] = saved.items[i];
      return;
    }
    case "map": {
      const m = obj as Map<unknown, unknown>;
      m.clear();
      for (const [k, v] of saved.entries) m.set(k, v);
      return;
    }
    case "set": {
      const s = obj as Set<unknown>;
      s.clear();
      for (const v of saved.values) s.add(v);
      return;
    }
    case "object": {
      const o = obj as Record<PropertyKey, unknown>;
      const keep = new Set(saved.props.map(([k]) => k));
      for (const k of Reflect.ownKeys(obj)) if (!keep.has(k)) delete o[k];
      for (const [k, v] of saved.props) o[k] = v;
    }
  }
}
