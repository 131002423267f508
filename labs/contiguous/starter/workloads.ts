// The contiguous lab's workloads: sequences of allocations and frees, the same every time (a
// small seeded generator), for measuring fragmentation (measure.ts) and for the grader.
// Given; you need not change it.

/** One request: allocate `size` bytes as block `id`, or free block `id`. */
export type Request =
  | { readonly op: "alloc"; readonly id: string; readonly size: number }
  | { readonly op: "free"; readonly id: string };

export interface Workload {
  readonly name: string;
  /** What it models, in a few words. */
  readonly about: string;
  /** Bytes of memory to manage (a multiple of 4096). */
  readonly memory: number;
  readonly requests: readonly Request[];
}

/** A tiny deterministic generator (xorshift32): the same seed, the same workload. */
function generator(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x % n;
  };
}

/**
 * `count` requests: while fewer than `live` blocks are allocated, or by chance, allocate a block
 * of a size drawn by `size`; otherwise free a random live block.
 */
function generate(
  seed: number,
  count: number,
  live: number,
  size: (r: (n: number) => number) => number,
): Request[] {
  const r = generator(seed);
  const alive: string[] = [];
  const out: Request[] = [];
  for (let i = 0; out.length < count; i++) {
    if (alive.length < live || (alive.length < 2 * live && r(3) === 0)) {
      const id = `b${i}`;
      alive.push(id);
      out.push({ op: "alloc", id, size: size(r) });
    } else {
      const [id] = alive.splice(r(alive.length), 1);
      out.push({ op: "free", id: id! });
    }
  }
  return out;
}

const KIB = 1024;

export const workloads: readonly Workload[] = [
  {
    name: "uniform",
    about: "sizes from 4 KiB to 64 KiB, equally likely",
    memory: 1024 * KIB,
    requests: generate(1, 600, 20, (r) => (1 + r(16)) * 4 * KIB),
  },
  {
    name: "bimodal",
    about: "mostly small (4-8 KiB) blocks, some large (96-128 KiB)",
    memory: 1024 * KIB,
    requests: generate(2, 600, 16, (r) =>
      r(5) === 0 ? (24 + r(9)) * 4 * KIB : (1 + r(2)) * 4 * KIB,
    ),
  },
  {
    name: "odd-sizes",
    about: "sizes not a multiple of 4 KiB (rounded up: internal fragmentation)",
    memory: 512 * KIB,
    requests: generate(3, 400, 12, (r) => 1000 + r(40_000)),
  },
];
