// The contiguous lab's tests. The fit policies are tried inside the kernel's own allocator, and the
// student's allocator with the kernel's own policies, so a bug in one part costs only that part's
// tests; every step is compared with the reference (kernel/contiguous/holes.ts). The last test boots the
// kernel under --mm base-limit with the student's policies and compares where the partitions go.
import { hex } from "../../../hw/hex.js";
import { MmuMode } from "../../../hw/mmu.js";
import { ContigAllocator } from "../../../kernel/contiguous/compaction.js";
import {
  type Block,
  type FitName,
  type FitPolicy,
  type FitState,
  fitPolicies,
  type Hole,
} from "../../../kernel/contiguous/fits.js";
import type { AllocResult, ContigOptions, Move } from "../../../kernel/contiguous/holes.js";
import type { ContiguousMemory } from "../../../kernel/contiguous/partitions.js";
import type { Kernel } from "../../../kernel/kernel.js";
import {
  expectLike,
  expectSameOutput,
  type GuestRunOptions,
  referenceRun,
  runGuest,
} from "../../grader/harness.js";
import {
  check,
  type LabDefinition,
  type LabTest,
  type TestContext,
  TestFailure,
} from "../../grader/types.js";
import { type Request, workloads } from "../starter/workloads.js";

const FIT = "fit.ts";
const ALLOCATOR = "allocator.ts";
const KIB = 1024;

/** What the tests use of an allocator: the student's or the reference's. */
interface AllocatorLike {
  readonly state: FitState;
  policy: FitPolicy;
  alloc(size: number, owner: string): AllocResult;
  free(start: number): unknown;
  compact(): Move<string>[];
  holes(): Hole[];
  blocks(): Block<string>[];
  totalFree(): number;
  largestHole(): number;
  fragmentation(): number;
}

type AllocatorClass = new (opts: ContigOptions & { policy: FitPolicy }) => AllocatorLike;

const EXPORTS: Record<FitName, string> = {
  first: "firstFit",
  best: "bestFit",
  worst: "worstFit",
  next: "nextFit",
};

/** The student's policy `name`, checked to look like a FitPolicy. */
function studentPolicy(t: TestContext, name: FitName): FitPolicy {
  const p = t.object<Partial<FitPolicy>>(FIT, EXPORTS[name]);
  check(typeof p.choose === "function", `${EXPORTS[name]} in ${FIT} has no choose function`);
  return { name: typeof p.name === "string" ? p.name : name, choose: p.choose.bind(p) };
}

function studentAllocator(t: TestContext): AllocatorClass {
  const c = t.module(ALLOCATOR).Allocator;
  check(typeof c === "function", `${ALLOCATOR} does not export a class named Allocator`);
  return c as AllocatorClass;
}

const referenceAllocator: AllocatorClass = ContigAllocator<string>;

const showResult = (r: AllocResult | undefined) =>
  r === undefined ? "nothing" : r.ok ? `block at ${hex(r.start)}` : `failure "${r.reason}"`;
const showHoles = (hs: readonly Hole[]) =>
  hs.length === 0 ? "none" : hs.map((h) => `${hex(h.start)}+${h.size / KIB}K`).join(" ");

/** One step of a scenario. */
type Op =
  | { readonly op: "alloc"; readonly size: number; readonly owner: string }
  | { readonly op: "free"; readonly owner: string }
  | { readonly op: "compact" };

/**
 * Runs `ops` on `mine` and `ref` side by side, failing at the first step whose result, holes,
 * blocks or measures differ. `what` names the scenario.
 */
function lockstep(what: string, mine: AllocatorLike, ref: AllocatorLike, ops: readonly Op[]): void {
  const where = new Map<string, number>();
  ops.forEach((o, i) => {
    const step = `${what}, step ${i + 1} (${describe(o)})`;
    if (o.op === "alloc") {
      const want = ref.alloc(o.size, o.owner);
      const got = mine.alloc(o.size, o.owner);
      check(
        same(got, want),
        `${step}: alloc returned ${showResult(got)}, expected ${showResult(want)}`,
      );
      if (want.ok) where.set(o.owner, want.start);
    } else if (o.op === "free") {
      const start = where.get(o.owner);
      if (start === undefined) return;
      ref.free(start);
      mine.free(start);
      where.delete(o.owner);
    } else {
      const want = ref.compact();
      const got = mine.compact();
      check(
        JSON.stringify(got) === JSON.stringify(want),
        `${step}: compact returned ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`,
      );
      for (const m of want) where.set(m.owner, m.to);
    }
    sameState(step, mine, ref);
  });
}

function describe(o: Op): string {
  if (o.op === "alloc") return `alloc ${o.size} bytes for ${o.owner}`;
  if (o.op === "free") return `free ${o.owner}`;
  return "compact";
}

function same(a: AllocResult | undefined, b: AllocResult): boolean {
  if (!a || a.ok !== b.ok) return false;
  return a.ok && b.ok ? a.start === b.start : !a.ok && !b.ok && a.reason === b.reason;
}

/** Fails unless holes, blocks, the rover and the measures agree. */
function sameState(step: string, mine: AllocatorLike, ref: AllocatorLike): void {
  const [gh, wh] = [mine.holes(), ref.holes()];
  check(
    JSON.stringify(gh.map((h) => [h.start, h.size])) ===
      JSON.stringify(wh.map((h) => [h.start, h.size])),
    `${step}: holes are ${showHoles(gh)}, expected ${showHoles(wh)}`,
  );
  const blocks = (a: AllocatorLike) =>
    JSON.stringify(a.blocks().map((b) => [b.start, b.size, b.owner]));
  check(
    blocks(mine) === blocks(ref),
    `${step}: blocks are ${blocks(mine)}, expected ${blocks(ref)}`,
  );
  check(
    mine.state.rover === ref.state.rover,
    `${step}: state.rover is ${hex(mine.state.rover)}, expected ${hex(ref.state.rover)}`,
  );
  for (const m of ["totalFree", "largestHole", "fragmentation"] as const) {
    const [g, w] = [mine[m](), ref[m]()];
    check(Math.abs(g - w) < 1e-9, `${step}: ${m}() is ${g}, expected ${w}`);
  }
}

/** A workload's requests as scenario steps. */
function workloadOps(requests: readonly Request[]): Op[] {
  return requests.map((r) =>
    r.op === "alloc" ? { op: "alloc", size: r.size, owner: r.id } : { op: "free", owner: r.id },
  );
}

// --- the textbook example (docs/contiguous.md): holes of 10K 4K 20K 18K 7K 9K 12K 15K

const TEXTBOOK_HOLES = [10, 4, 20, 18, 7, 9, 12, 15];

/** An allocator with 1K granule whose holes are the textbook's, separated by 1K blocks. */
function textbook(policy: FitPolicy): AllocatorLike {
  const size = TEXTBOOK_HOLES.reduce((s, h) => s + h + 1, 0) * KIB;
  const a = new ContigAllocator<string>({
    start: 0,
    size,
    granule: KIB,
    policy: fitPolicies.first,
  });
  TEXTBOOK_HOLES.forEach((h, i) => {
    a.alloc(h * KIB, `hole${i}`);
    a.alloc(KIB, `wall${i}`);
  });
  for (const b of a.blocks()) if (b.owner.startsWith("hole")) a.free(b.start);
  a.policy = policy;
  return a;
}

function policyTest(name: FitName, points: number): LabTest {
  return {
    name: `${name} fit: the textbook example (requests of 12K, 10K, 9K)`,
    points,
    uses: [FIT],
    run(t) {
      const mine = textbook(studentPolicy(t, name));
      const ref = textbook(fitPolicies[name]);
      lockstep(`${name} fit on the textbook holes`, mine, ref, [
        { op: "alloc", size: 12 * KIB, owner: "A" },
        { op: "alloc", size: 10 * KIB, owner: "B" },
        { op: "alloc", size: 9 * KIB, owner: "C" },
        { op: "alloc", size: 20 * KIB, owner: "D" },
        { op: "free", owner: "B" },
        { op: "alloc", size: 4 * KIB, owner: "E" },
        { op: "alloc", size: 7 * KIB, owner: "F" },
      ]);
    },
  };
}

const policyTests: LabTest[] = [
  policyTest("first", 6),
  policyTest("best", 6),
  policyTest("worst", 6),
  policyTest("next", 8),
  {
    name: "fit policies: the workloads place every block where the reference does",
    points: 8,
    uses: [FIT],
    run(t) {
      for (const w of workloads) {
        for (const name of Object.keys(EXPORTS) as FitName[]) {
          const opts = { start: 0, size: w.memory };
          const mine = new ContigAllocator<string>({ ...opts, policy: studentPolicy(t, name) });
          const ref = new ContigAllocator<string>({ ...opts, policy: fitPolicies[name] });
          lockstep(`workload ${w.name}, ${name} fit`, mine, ref, workloadOps(w.requests));
        }
      }
    },
  },
];

/** The student's allocator and the reference's over the same range. */
function pair(t: TestContext, policy: FitPolicy, size = 64 * KIB, start = 0x1_0000) {
  const opts = { start, size, policy };
  return { mine: new (studentAllocator(t))(opts), ref: new referenceAllocator(opts) };
}

const a = (size: number, owner: string): Op => ({ op: "alloc", size, owner });
const f = (owner: string): Op => ({ op: "free", owner });

const allocatorTests: LabTest[] = [
  {
    name: "alloc: from the low end of the hole, rounded to the granule, or the right failure",
    points: 8,
    uses: [ALLOCATOR],
    run(t) {
      const { mine, ref } = pair(t, fitPolicies.first);
      lockstep("alloc", mine, ref, [
        a(5000, "A"),
        a(4096, "B"),
        a(1, "C"),
        a(100 * KIB, "too big"),
        a(8 * KIB, "D"),
        f("A"),
        f("C"),
        a(40 * KIB, "E"),
        a(12 * KIB, "F"),
        a(36 * KIB, "G"),
        a(4 * KIB, "H"),
      ]);
    },
  },
  {
    name: "free: coalesces with the hole before, after, both or neither",
    points: 12,
    uses: [ALLOCATOR],
    run(t) {
      const { mine, ref } = pair(t, fitPolicies.first);
      lockstep("free", mine, ref, [
        ...["A", "B", "C", "D", "E", "F", "G"].map((o) => a(8 * KIB, o)),
        f("B"),
        f("D"),
        f("C"),
        f("F"),
        f("G"),
        f("A"),
        f("E"),
        a(64 * KIB, "all"),
      ]);
    },
  },
  {
    name: "free: an address that is not a block's start throws and changes nothing",
    points: 4,
    uses: [ALLOCATOR],
    run(t) {
      const { mine, ref } = pair(t, fitPolicies.first);
      lockstep("setup", mine, ref, [a(8 * KIB, "A"), a(8 * KIB, "B"), f("A")]);
      const b = mine.blocks()[0];
      check(b !== undefined, "after two allocations and a free, blocks() is empty");
      for (const [what, start] of [
        ["the middle of a block", b.start + 4 * KIB],
        ["a hole", 0x1_0000],
        ["a block freed already", 0x1_0000],
        ["an address outside the range", 0x100_0000],
      ] as const) {
        let threw = false;
        try {
          mine.free(start);
        } catch {
          threw = true;
        }
        check(threw, `free(${hex(start)}), ${what}, returned instead of throwing`);
        sameState(`after free(${hex(start)}) threw`, mine, ref);
      }
    },
  },
  {
    name: "compact: slides the blocks down in order and returns the moves",
    points: 10,
    uses: [ALLOCATOR],
    run(t) {
      const { mine, ref } = pair(t, fitPolicies.first);
      lockstep("compact", mine, ref, [
        ...["A", "B", "C", "D", "E", "F"].map((o, i) => a((i + 1) * 2 * KIB, o)),
        f("A"),
        f("C"),
        f("E"),
        { op: "compact" },
        a(30 * KIB, "G"),
        f("D"),
        { op: "compact" },
        { op: "compact" },
      ]);
    },
  },
  {
    name: "fragmentation: 1 - largest hole / total free (and 0 when nothing is free)",
    points: 6,
    uses: [ALLOCATOR],
    run(t) {
      const { mine, ref } = pair(t, fitPolicies.first, 40 * KIB);
      lockstep("fragmentation", mine, ref, [
        ...["A", "B", "C", "D", "E"].map((o) => a(8 * KIB, o)),
        f("B"),
        f("D"),
        f("A"),
        a(8 * KIB, "F"),
        a(8 * KIB, "G"),
      ]);
    },
  },
  {
    name: "allocator: the workloads give the reference's holes after every request",
    points: 12,
    uses: [ALLOCATOR],
    run(t) {
      for (const w of workloads) {
        for (const name of ["first", "next", "best"] as const) {
          const { mine, ref } = pair(t, fitPolicies[name], w.memory, 0);
          lockstep(`workload ${w.name}, ${name} fit`, mine, ref, workloadOps(w.requests));
        }
      }
    },
  },
];

// --- the kernel: base-limit partitions placed by the student's policies

/** Where the partitions are (start, size, pid), after each spawn. */
type Placement = string;

/**
 * Starts five processes of three sizes, lets two end (leaving holes of different sizes), starts
 * three more, and runs everything to the end. Each policy places the late ones differently.
 * Records the placements after each late start.
 */
function scenario(placements: Placement[]): NonNullable<GuestRunOptions["drive"]> {
  const part = (size: "s" | "m" | "l", loops: number) => ({
    path: `labs/contiguous/tests/part-${size}.s`,
    args: [String(loops)],
  });
  const snapshot = (k: Kernel, when: string) => {
    const alloc = (k.memory as ContiguousMemory).allocator;
    const blocks = alloc.blocks().map((b) => `${hex(b.start)}+${b.size / KIB}K pid ${b.owner.pid}`);
    placements.push(`${when}: ${blocks.join(", ")}`);
  };
  const LONG = 30_000;
  const SHORT = 100;
  return (k, start) => {
    start(part("s", LONG));
    const short = [start(part("s", SHORT)), start(part("l", SHORT))];
    start(part("m", LONG));
    start(part("l", LONG));
    for (let i = 0; i < 1000 && short.some((p) => p.exit === undefined); i++) k.step(5_000);
    snapshot(k, "after two of five ended");
    for (const size of ["m", "l", "s"] as const) {
      start(part(size, SHORT));
      snapshot(
        k,
        `after starting a${size === "s" ? " small" : size === "m" ? " medium" : " large"} one`,
      );
    }
    k.run();
  };
}

const kernelTests: LabTest[] = [
  {
    name: "kernel: base-limit partitions go where the reference puts them, for each policy",
    points: 14,
    uses: [FIT],
    run(t) {
      for (const name of Object.keys(EXPORTS) as FitName[]) {
        const mine: Placement[] = [];
        const ref: Placement[] = [];
        const run = { programs: [], mm: MmuMode.BaseLimit, ram: 12 * 1024 * KIB, fit: name };
        const got = runGuest({
          ...run,
          drive: scenario(mine),
          plugins: { fit: studentPolicy(t, name) },
        });
        const want = referenceRun({ ...run, drive: scenario(ref) });
        if (got.error instanceof TestFailure) throw got.error;
        ref.forEach((placed, i) => {
          check(
            mine[i] === placed,
            `${name} fit: ${mine[i] ?? "(no placement)"}\nexpected ${placed}`,
          );
        });
        expectSameOutput(got.stdout, want.stdout, got.stderr);
        expectLike(got, want);
      }
    },
  },
];

export const contiguousLab: LabDefinition = {
  name: "contiguous",
  title: "Lab: contiguous allocation",
  summary: "fit policies, coalescing, compaction and fragmentation for --mm base-limit",
  files: [
    { name: FIT, kind: "module", exports: Object.values(EXPORTS) },
    { name: ALLOCATOR, kind: "module", exports: ["Allocator"] },
  ],
  tests: [...policyTests, ...allocatorTests, ...kernelTests],
};
