// Checkpoints of a running session, so that `back` (the stepper's, the browser's) replays from a
// recent state instead of from the boot. A checkpoint records the state of every object reachable
// from a root (own properties, array items, Map and Set entries, and the bytes of every ArrayBuffer
// under a typed array) and restores it into the same objects. Restoring in place keeps every
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

/** The state of an object graph at one moment, restorable into the same objects. */
export class Checkpoint {
  private readonly objects = new Map<object, Saved>();
  private readonly buffers = new Map<ArrayBufferLike, Uint8Array>();
  /** Bytes copied (typed-array buffers): what the checkpoint costs in memory, roughly. */
  bytes = 0;

  private reuse: Map<ArrayBufferLike, Uint8Array>;

  /** Objects (and typed arrays) left out: caches the caller empties itself after a restore. */
  private readonly skip: ReadonlySet<object>;

  /**
   * Records everything reachable from `root` except `skip`. The byte copies of `recycle` (a
   * checkpoint no longer wanted) are reused where they fit, which saves allocating them afresh.
   */
  constructor(root: object, recycle?: Checkpoint, skip: ReadonlySet<object> = new Set()) {
    this.skip = skip;
    this.reuse = recycle?.buffers ?? new Map();
    const pending: unknown[] = [root];
    while (pending.length > 0) this.save(pending.pop(), pending);
    this.reuse = new Map();
  }

  private save(value: unknown, pending: unknown[]): void {
    if (value === null || typeof value !== "object" || this.objects.has(value)) return;
    if (this.skip.has(value)) return;
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
      this.saveBuffer(ArrayBuffer.isView(value) ? value.buffer : value);
      return;
    }
    const saved = record(value);
    this.objects.set(value, saved);
    for (const v of references(saved)) if (v !== null && typeof v === "object") pending.push(v);
  }

  private saveBuffer(buffer: ArrayBufferLike): void {
    if (this.buffers.has(buffer)) return;
    const old = this.reuse.get(buffer);
    const bytes = new Uint8Array(buffer);
    const copy = old?.length === bytes.length ? old : new Uint8Array(bytes.length);
    copy.set(bytes);
    this.buffers.set(buffer, copy);
    this.bytes += copy.length;
  }

  /** Puts every recorded object (and buffer) back as it was when the checkpoint was taken. */
  restore(): void {
    for (const [buffer, copy] of this.buffers) new Uint8Array(buffer).set(copy);
    for (const [obj, saved] of this.objects) restoreInto(obj, saved);
  }
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
