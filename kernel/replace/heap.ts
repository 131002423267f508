// A binary max-heap of pages whose entries know their own position, so that a page's key can
// change, or the page leave, in O(log n) without a lookup. Keys are pairs compared in order:
// `primary`, then `secondary`.

/** A page in a PageHeap; `at` is its index in the heap, -1 when it is not in one. */
export class HeapEntry {
  readonly page: number;
  primary = 0;
  secondary = 0;
  at = -1;

  constructor(page: number) {
    this.page = page;
  }
}

/** Entries ordered by (primary, secondary), greatest on top. */
export class PageHeap {
  private readonly items: HeapEntry[] = [];

  get size(): number {
    return this.items.length;
  }

  /** The entry with the greatest key, or undefined if empty. */
  top(): HeapEntry | undefined {
    return this.items[0];
  }

  /** Adds `entry` (not in a heap) with its key. */
  push(entry: HeapEntry, primary: number, secondary: number): void {
    if (entry.at >= 0) throw new Error(`PageHeap.push: page ${entry.page} is already in a heap`);
    entry.primary = primary;
    entry.secondary = secondary;
    entry.at = this.items.length;
    this.items.push(entry);
    this.siftUp(entry.at);
  }

  /** Changes the primary key of `entry`, which must be in this heap. */
  update(entry: HeapEntry, primary: number): void {
    const old = entry.primary;
    entry.primary = primary;
    if (primary > old) this.siftUp(entry.at);
    else this.siftDown(entry.at);
  }

  /** Takes `entry` out of this heap; no-op if it is in none. */
  remove(entry: HeapEntry): void {
    const i = entry.at;
    if (i < 0) return;
    const last = this.items.pop()!;
    entry.at = -1;
    if (last === entry) return;
    this.items[i] = last;
    last.at = i;
    this.siftUp(i);
    this.siftDown(last.at);
  }

  private siftUp(i: number): void {
    const { items } = this;
    const entry = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!above(entry, p)) break;
      items[i] = p;
      p.at = i;
      i = parent;
    }
    items[i] = entry;
    entry.at = i;
  }

  private siftDown(i: number): void {
    const { items } = this;
    const n = items.length;
    const entry = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let child = items[l]!;
      let c = l;
      const right = items[l + 1];
      if (right !== undefined && above(right, child)) {
        child = right;
        c = l + 1;
      }
      if (!above(child, entry)) break;
      items[i] = child;
      child.at = i;
      i = c;
    }
    items[i] = entry;
    entry.at = i;
  }
}

function above(a: HeapEntry, b: HeapEntry): boolean {
  return a.primary > b.primary || (a.primary === b.primary && a.secondary > b.secondary);
}
