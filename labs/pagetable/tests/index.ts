// The pagetable lab's tests. Most call the student's functions directly on a small RAM (64
// frames) and compare every byte of RAM and every frame-table entry with what the kernel's own
// functions (the reference solution) do from the same start; the last ones boot the kernel with
// the student's walk and mapPage and run guest programs.

import { hex, hex32 } from "../../../hw/hex.js";
import { Ram } from "../../../hw/ram.js";
import { makePte, PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X } from "../../../hw/sv32.js";
import { FrameTable, FrameUse } from "../../../kernel/frames.js";
import { newRoot, PTE_COW, PTE_SWAP } from "../../../kernel/paging/pagetable.js";
import type { PageTableOps } from "../../../kernel/plugins.js";
import { expectLike, referenceRun, runGuest } from "../../grader/harness.js";
import {
  check,
  fail,
  type LabDefinition,
  type LabTest,
  type TestContext,
} from "../../grader/types.js";
import * as reference from "../solution/pagetable.js";

const FILE = "pagetable.ts";
const RAM_SIZE = 64 * 4096;
const RESERVED = 4;
const PID = 3;
const RWU = PTE_R | PTE_W | PTE_U;

type Ops = typeof reference;

/** The student's functions, each checked to be exported. */
function studentOps(t: TestContext): Ops {
  return {
    walk: t.fn<Ops["walk"]>(FILE, "walk"),
    mapPage: t.fn<Ops["mapPage"]>(FILE, "mapPage"),
    unmapPage: t.fn<Ops["unmapPage"]>(FILE, "unmapPage"),
    mapPages: t.fn<Ops["mapPages"]>(FILE, "mapPages"),
    unmapPages: t.fn<Ops["unmapPages"]>(FILE, "unmapPages"),
    vmprint: t.fn<Ops["vmprint"]>(FILE, "vmprint"),
  };
}

/** A small machine's memory: RAM, frame table, and a root table for PID. */
interface Mem {
  ram: Ram;
  frames: FrameTable;
  root: number;
}

/** A fresh memory whose free frames hold garbage (so a table that is not zeroed shows). */
function freshMem(): Mem {
  const ram = new Ram(RAM_SIZE);
  const frames = new FrameTable(RAM_SIZE, RESERVED);
  const root = newRoot(ram, frames, PID);
  for (let ppn = RESERVED; ppn < frames.count; ppn++)
    if (frames.use[ppn] === FrameUse.Free) ram.u8.fill(0xa5, ppn * 4096, ppn * 4096 + 4096);
  return { ram, frames, root };
}

/** Takes every free frame (as user pages), leaving `keep` free. */
function exhaust(m: Mem, keep: number): void {
  while (m.frames.free > keep) m.frames.alloc(FrameUse.User, 99);
}

/** Fails unless both memories hold the same bytes and frame table. */
function expectSameMemory(got: Mem, want: Mem, what: string): void {
  for (let i = 0; i < want.ram.i32.length; i++) {
    if (got.ram.i32[i] !== want.ram.i32[i]) {
      const pa = i * 4;
      const where = `frame ${Math.floor(pa / 4096)}, entry ${(pa % 4096) / 4}`;
      fail(
        `${what}: the word at physical ${hex(pa)} (${where}) is ${hex(got.ram.i32[i]!)}, expected ${hex(want.ram.i32[i]!)}`,
      );
    }
  }
  for (let ppn = 0; ppn < want.frames.count; ppn++) {
    const u = [got.frames.use[ppn], want.frames.use[ppn]];
    const p = [got.frames.pid[ppn], want.frames.pid[ppn]];
    if (u[0] !== u[1] || p[0] !== p[1])
      fail(
        `${what}: frame ${ppn} is ${useName(u[0])} of pid ${p[0]}, expected ${useName(u[1])} of pid ${p[1]}`,
      );
  }
  check(
    got.frames.free === want.frames.free,
    `${what}: ${got.frames.free} frames free, expected ${want.frames.free}`,
  );
}

function useName(use: number | undefined): string {
  return (
    ["free", "kernel", "a page table", "a user page", "shared", "a partition"][use ?? 0] ?? "?"
  );
}

/** One observed result: what was called, what it returned, and how to show the value. */
interface Result {
  readonly call: string;
  readonly value: unknown;
  readonly decimal?: boolean;
}

/** Runs `steps` on a fresh memory with the student's ops and with the reference's; compares. */
function sameAsReference(
  t: TestContext,
  what: string,
  steps: (ops: Ops, m: Mem) => Result[],
): void {
  const mine = freshMem();
  const theirs = freshMem();
  const got = steps(studentOps(t), mine);
  const want = steps(reference, theirs);
  want.forEach((w, i) => {
    const g = got[i]?.value;
    check(
      Object.is(g, w.value),
      `${w.call} ${w.decimal ? "is" : "returned"} ${show(g, w.decimal)}, expected ${show(w.value, w.decimal)}`,
    );
  });
  expectSameMemory(mine, theirs, what);
}

function show(v: unknown, decimal = false): string {
  return typeof v === "number" && !decimal && v >= 0 ? hex(v) : String(v);
}

/** Virtual addresses spread over several level-1 entries, with offsets. */
const SPREAD = [0x0001_0000, 0x0001_1234, 0x0040_0000, 0x7fff_f000, 0x7fc0_0ffc, 0x0001_f000];

function test(name: string, points: number, run: (t: TestContext) => void): LabTest {
  return { name, points, uses: [FILE], run };
}

const walkTests: LabTest[] = [
  test("walk: finds the PTE of a mapped page", 8, (t) =>
    sameAsReference(t, "walk(alloc false) after mapping", (ops, m) => {
      reference.mapPage(m.ram, m.frames, m.root, 0x0001_0000, 20, RWU, PID);
      reference.mapPage(m.ram, m.frames, m.root, 0x0001_3000, 21, RWU, PID);
      return [0x0001_0000, 0x0001_0abc, 0x0001_3ffc, 0x0001_5000].map((va) => ({
        call: `walk(va ${hex32(va)}, alloc false)`,
        value: ops.walk(m.ram, m.frames, m.root, va, false, PID),
      }));
    }),
  ),
  test("walk: no level-0 table and alloc false: returns -1, allocates nothing", 6, (t) =>
    sameAsReference(t, "walk(alloc false) on an empty table", (ops, m) =>
      [0x0001_0000, 0x7fff_f000].map((va) => ({
        call: `walk(va ${hex32(va)}, alloc false)`,
        value: ops.walk(m.ram, m.frames, m.root, va, false, PID),
      })),
    ),
  ),
  test("walk: alloc creates a zeroed level-0 table, owned by pid, linked from the root", 10, (t) =>
    sameAsReference(t, "walk(alloc true) on an empty table", (ops, m) =>
      [0x0001_2000, 0x0001_3000].map((va) => ({
        call: `walk(va ${hex32(va)}, alloc true)`,
        value: ops.walk(m.ram, m.frames, m.root, va, true, PID),
      })),
    ),
  ),
  test("walk: out of memory: returns -1 and changes nothing", 6, (t) =>
    sameAsReference(t, "walk(alloc true) with no free frame", (ops, m) => {
      exhaust(m, 0);
      const value = ops.walk(m.ram, m.frames, m.root, 0x0001_2000, true, PID);
      return [{ call: "walk(va 0x00012000, alloc true) with no free frame", value }];
    }),
  ),
  test("walk: VPN[1] and VPN[0] come from the right address bits", 4, (t) =>
    sameAsReference(t, "walk(alloc true) across level-1 entries", (ops, m) =>
      SPREAD.map((va) => ({
        call: `walk(va ${hex32(va)}, alloc true)`,
        value: ops.walk(m.ram, m.frames, m.root, va, true, PID),
      })),
    ),
  ),
];

const mapTests: LabTest[] = [
  test("mapPage: writes a leaf PTE with V, the frame number and the flags", 8, (t) =>
    sameAsReference(t, "mapPage", (ops, m) =>
      SPREAD.filter((va) => va !== 0x0001_1234).map((va, i) => ({
        call: `mapPage(va ${hex32(va)}, ppn ${30 + i})`,
        value: ops.mapPage(
          m.ram,
          m.frames,
          m.root,
          va,
          30 + i,
          i % 2 ? PTE_R | PTE_X | PTE_U : RWU,
          PID,
        ),
      })),
    ),
  ),
  test("mapPage: out of memory returns false", 2, (t) =>
    sameAsReference(t, "mapPage with no free frame", (ops, m) => {
      exhaust(m, 0);
      const value = ops.mapPage(m.ram, m.frames, m.root, 0x0001_0000, 30, RWU, PID);
      return [{ call: "mapPage(va 0x00010000) with no free frame", value }];
    }),
  ),
  test('mapPage: mapping over a valid PTE throws "mapPage: remap"', 4, (t) => {
    const ops = studentOps(t);
    const m = freshMem();
    check(
      ops.mapPage(m.ram, m.frames, m.root, 0x0001_0000, 30, RWU, PID),
      "the first mapPage returned false",
    );
    try {
      ops.mapPage(m.ram, m.frames, m.root, 0x0001_0000, 31, RWU, PID);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      check(msg.startsWith("mapPage: remap"), `it threw "${msg}", expected "mapPage: remap ..."`);
      return;
    }
    fail("mapping the same page twice returned instead of throwing");
  }),
  test("mapPages: maps every page an unaligned range touches", 10, (t) =>
    sameAsReference(t, "mapPages", (ops, m) =>
      (
        [
          [0x0001_0ff0, 0x20, 40, RWU],
          [0x003f_d000, 5 * 4096, 44, PTE_R | PTE_U],
          [0x0050_0000, 1, 50, RWU],
        ] as const
      ).map(([va, size, ppn, flags]) => ({
        call: `mapPages(va ${hex32(va)}, size ${hex(size)}, pa ${hex(ppn * 4096)})`,
        value: ops.mapPages(m.ram, m.frames, m.root, va, size, ppn * 4096, flags, PID),
      })),
    ),
  ),
  test("mapPages: out of memory returns false and leaves no new mapping", 8, (t) => {
    const ops = studentOps(t);
    const m = freshMem();
    exhaust(m, 1);
    const ok = ops.mapPages(m.ram, m.frames, m.root, 0x003f_e000, 4 * 4096, 40 * 4096, RWU, PID);
    check(!ok, "mapPages returned true, but the second level-0 table cannot be allocated");
    for (let va = 0x003f_e000; va < 0x0040_2000; va += 4096) {
      const pte = reference.walk(m.ram, m.frames, m.root, va, false, PID);
      const value = pte < 0 ? 0 : m.ram.i32[pte >>> 2]! >>> 0;
      check((value & PTE_V) === 0, `page ${hex(va)} is still mapped (PTE ${hex(value)})`);
    }
    for (let ppn = RESERVED; ppn < m.frames.count; ppn++) {
      if (m.frames.use[ppn] !== FrameUse.PageTable || ppn === m.root) continue;
      check(m.frames.pid[ppn] === PID, `page-table frame ${ppn} has pid ${m.frames.pid[ppn]}`);
    }
  }),
];

const unmapTests: LabTest[] = [
  test("unmapPage: clears the PTE and returns what it held", 4, (t) =>
    sameAsReference(t, "unmapPage", (ops, m) => {
      reference.mapPage(m.ram, m.frames, m.root, 0x0001_0000, 20, RWU | PTE_A, PID);
      return [0x0001_0000, 0x0001_0000, 0x0001_1000, 0x4000_0000].map((va, i) => ({
        call: `unmapPage(va ${hex32(va)})${i === 1 ? " a second time" : ""}`,
        value: ops.unmapPage(m.ram, m.frames, m.root, va),
      }));
    }),
  ),
  test("unmapPages: clears a range, freeing the frames only when asked", 8, (t) =>
    sameAsReference(t, "unmapPages", (ops, m) => {
      const va = 0x0002_0000;
      const user = [0, 1, 2, 3].map(() => m.frames.alloc(FrameUse.User, PID));
      user.forEach((ppn, i) => {
        reference.mapPage(m.ram, m.frames, m.root, va + i * 4096, ppn, RWU, PID);
      });
      ops.unmapPages(m.ram, m.frames, m.root, va, 2, true);
      ops.unmapPages(m.ram, m.frames, m.root, va + 2 * 4096, 1, false);
      ops.unmapPages(m.ram, m.frames, m.root, va + 3 * 4096, 3, true);
      const call = "frames.free after unmapPages(2 pages, free true), (1, false), (3, true)";
      return [{ call, value: m.frames.free, decimal: true }];
    }),
  ),
];

/** A table with two level-0 tables and every kind of entry vmprint shows. */
function vmprintTable(m: Mem): void {
  const map = (va: number, ppn: number, flags: number) =>
    reference.mapPage(m.ram, m.frames, m.root, va, ppn, flags, PID);
  map(0x0001_0000, 40, PTE_R | PTE_X | PTE_U | PTE_A);
  map(0x0001_1000, 41, RWU | PTE_A | PTE_D);
  map(0x0001_2000, 42, PTE_R | PTE_U | PTE_COW);
  map(0x7fff_f000, 43, RWU | PTE_A | PTE_D);
  const swapped = reference.walk(m.ram, m.frames, m.root, 0x7fff_e000, true, PID);
  m.ram.i32[swapped >>> 2] = ((7 << 10) | PTE_SWAP) >>> 0;
  const odd = reference.walk(m.ram, m.frames, m.root, 0x0001_5000, true, PID);
  m.ram.i32[odd >>> 2] = makePte(44, PTE_R);
}

const vmprintTests: LabTest[] = [
  test("vmprint: prints the table in the handout's format", 8, (t) => {
    const vmprint = t.fn<PageTableOps["vmprint"]>(FILE, "vmprint");
    const m = freshMem();
    vmprintTable(m);
    const got = vmprint(m.ram, m.root);
    const want = reference.vmprint(m.ram, m.root);
    check(typeof got === "string", `vmprint returned ${typeof got}, not a string`);
    const g = got.split("\n");
    const w = want.split("\n");
    for (let i = 0; i < w.length; i++)
      check(
        g[i] === w[i],
        `line ${i + 1} is ${JSON.stringify(g[i] ?? "(missing)")}, expected ${JSON.stringify(w[i])}`,
      );
    check(g.length === w.length, `${g.length - w.length} extra line(s) after the expected output`);
  }),
];

/** The student's walk and mapPage (and the rest) as the kernel's page-table plug-in. */
function pageTable(t: TestContext): PageTableOps {
  const ops = studentOps(t);
  return { walk: ops.walk, mapPage: ops.mapPage, unmapPage: ops.unmapPage, vmprint: ops.vmprint };
}

const kernelTests: LabTest[] = [
  test("kernel: programs run on your page tables (sieve, 12 MiB spread)", 8, (t) => {
    const plugins = { pageTable: pageTable(t) };
    for (const run of [
      { programs: [{ path: "programs/sieve.s" }] },
      { programs: [{ path: t.asset("spread.s") }], ram: 16 * 1024 * 1024 },
    ]) {
      expectLike(runGuest({ ...run, plugins }), referenceRun(run));
    }
  }),
  test("kernel: fork copies the page table; parent and child see their own pages", 6, (t) => {
    const run = { programs: [{ path: t.asset("fork.s") }] };
    expectLike(runGuest({ ...run, plugins: { pageTable: pageTable(t) } }), referenceRun(run));
  }),
];

export const pagetableLab: LabDefinition = {
  name: "pagetable",
  title: "Lab: page tables",
  summary: "Sv32 walk, mapPage/mapPages, unmapPage/unmapPages and a vmprint dump (xv6 pgtbl)",
  files: [
    {
      name: FILE,
      kind: "module",
      exports: ["walk", "mapPage", "mapPages", "unmapPage", "unmapPages", "vmprint"],
    },
  ],
  tests: [...walkTests, ...mapTests, ...unmapTests, ...vmprintTests, ...kernelTests],
  programTest: {
    uses: [FILE],
    run(t, spec) {
      const run = {
        programs: [{ path: spec.path, args: spec.args }],
        stdin: spec.stdin,
        ...(spec.ram ? { ram: spec.ram } : {}),
        ...(spec.maxSteps ? { maxSteps: spec.maxSteps } : {}),
      };
      expectLike(runGuest({ ...run, plugins: { pageTable: pageTable(t) } }), referenceRun(run));
    },
  },
};
