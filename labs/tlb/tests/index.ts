// The tlb lab's tests. The refill tests boot the kernel with a software-refilled TLB (the machine's
// mmu.refill = "software", as `--tlb-refill software`) and the student's handler, run guest
// programs and compare with the reference handler — output, exit statuses, kernel messages, the
// final PTEs (A bits), the number of refill traps — and with a hardware-refilled run's output.
// The reach tests run the student's reach.s with hardware refill and read the TLB counters.
import { hex } from "../../../hw/hex.js";
import { RefillMode } from "../../../hw/mmu.js";
import { PTE_A } from "../../../hw/sv32.js";
import { TlbPolicy } from "../../../hw/tlb.js";
import { USER_TOP } from "../../../kernel/paging/context.js";
import { forEachPte } from "../../../kernel/paging/pagetable.js";
import type { TlbRefillHandler } from "../../../kernel/plugins.js";
import {
  expectLike,
  expectSameMessages,
  expectSameOutput,
  type GuestRun,
  type GuestRunOptions,
  referenceRun,
  runGuest,
} from "../../grader/harness.js";
import { check, type LabDefinition, type LabTest, type TestContext } from "../../grader/types.js";

const REFILL = "refill.ts";
const REACH = "reach.s";

const SMALL_TLB = { entries: 8, ways: 2, policy: TlbPolicy.Lru };
const REACH_TLB = { entries: 16, ways: 16, policy: TlbPolicy.Lru };

function handler(t: TestContext): TlbRefillHandler {
  return t.fn<TlbRefillHandler>(REFILL, "tlbRefill");
}

/** The final PTEs of every process, recorded as each exits (va and PTE value, in order). */
function recordPtes(into: string[]): NonNullable<GuestRunOptions["onExit"]> {
  return (k, p) => {
    if (p.root === 0) return;
    forEachPte(k.pt, k.machine.ram, k.frames, p.root, 0, USER_TOP, (va, _addr, pte) => {
      into.push(`pid ${p.pid} va ${hex(va)}: PTE ${hex(pte)}`);
    });
  };
}

/**
 * Runs `path`, and every 500 instructions clears the A bit of every PTE and flushes the TLB, as
 * a clock hand would: the next use of each page must set A again.
 */
function clearingAccessedBits(path: string): NonNullable<GuestRunOptions["drive"]> {
  return (k, start) => {
    start({ path });
    const ram = k.machine.ram;
    while (k.step(500)) {
      for (const p of k.procs.values()) {
        if (p.root === 0) continue;
        forEachPte(k.pt, ram, k.frames, p.root, 0, USER_TOP, (_va, addr, pte) => {
          ram.i32[addr >>> 2] = pte & ~PTE_A;
        });
      }
      k.machine.mmu.sfenceVma();
    }
  };
}

/**
 * Runs `run` under software refill with the student's handler and with the reference's; fails
 * on a difference in output, statuses or the leak check, or if no refill trap happened.
 */
function same(t: TestContext, run: GuestRunOptions): { mine: GuestRun; ref: GuestRun } {
  const soft = { ...run, refill: RefillMode.Software };
  const mine = runGuest({ ...soft, plugins: { tlbRefill: handler(t) } });
  const ref = referenceRun(soft);
  expectLike(mine, ref);
  check(mine.hw.tlbRefillTraps > 0, "no TLB-miss trap happened: is the TLB in software mode?");
  return { mine, ref };
}

function refillTest(name: string, points: number, run: (t: TestContext) => void): LabTest {
  return { name, points, uses: [REFILL], run };
}

const program = (path: string, args: string[] = []) => ({ programs: [{ path, args }] });

const refillTests: LabTest[] = [
  refillTest("refill: programs run as with hardware refill (hello, sieve)", 12, (t) => {
    for (const path of ["programs/hello.s", "programs/sieve.s"]) {
      const { mine } = same(t, program(path));
      const hw = referenceRun(program(path));
      expectSameOutput(mine.stdout, hw.stdout, mine.stderr);
    }
  }),
  refillTest("refill: a small TLB under pressure (8 entries, 2-way: sort, matmul)", 10, (t) => {
    for (const path of ["programs/sort.s", "programs/matmul.s"])
      same(t, { ...program(path), tlb: SMALL_TLB });
  }),
  refillTest(
    "refill: sets the accessed (A) bit of the PTE, as the hardware walker would",
    10,
    (t) => {
      for (const path of ["programs/sieve.s", "programs/sort.s"]) {
        const mine: string[] = [];
        const ref: string[] = [];
        const soft = {
          ...program(path),
          refill: RefillMode.Software,
          tlb: SMALL_TLB,
          drive: clearingAccessedBits(path),
        };
        expectLike(
          runGuest({ ...soft, onExit: recordPtes(mine), plugins: { tlbRefill: handler(t) } }),
          referenceRun({ ...soft, onExit: recordPtes(ref) }),
        );
        ref.forEach((want, i) => {
          check(mine[i] === want, `${path}: at exit, ${mine[i] ?? "(no PTE)"}; expected ${want}`);
        });
      }
    },
  ),
  refillTest(
    "refill: a page not there yet is faulted in, then refilled (lazy heap, stack)",
    10,
    (t) => {
      same(t, program("labs/faults/tests/lazy.s"));
      same(t, program("labs/faults/tests/stack.s", ["300"]));
    },
  ),
  refillTest("refill: fork and copy-on-write work under software refill", 10, (t) => {
    same(t, program("labs/pagetable/tests/fork.s"));
  }),
  refillTest("refill: an illegal access kills the process with the reference's message", 8, (t) => {
    const { mine, ref } = same(t, program("labs/faults/tests/illegal.s"));
    expectSameMessages(mine, ref);
  }),
  refillTest("refill: one refill trap per TLB miss, no more", 10, (t) => {
    for (const path of ["programs/sieve.s", "programs/sort.s"]) {
      const { mine, ref } = same(t, { ...program(path), tlb: SMALL_TLB });
      check(
        mine.hw.tlbRefillTraps === ref.hw.tlbRefillTraps,
        `${path}: ${mine.hw.tlbRefillTraps} TLB-miss traps, expected ${ref.hw.tlbRefillTraps}: does every refill write the entry for the address that missed?`,
      );
    }
  }),
];

/** Runs the student's reach.s and the reference's with `args` on a 16-entry TLB. */
function reach(t: TestContext, args: string[]): { mine: GuestRun; ref: GuestRun } {
  const run = { tlb: REACH_TLB };
  const mine = runGuest({ ...run, programs: [{ path: t.path(REACH), args }] });
  const ref = referenceRun({ ...run, programs: [{ path: "labs/tlb/solution/reach.s", args }] });
  expectLike(mine, ref);
  return { mine, ref };
}

function reachTest(name: string, points: number, run: (t: TestContext) => void): LabTest {
  return { name, points, uses: [REACH], run };
}

const reachTests: LabTest[] = [
  reachTest('reach.s: prints "touched N pages R times: sum S" and exits 0', 10, (t) => {
    reach(t, ["5", "7"]);
    reach(t, ["20", "3"]);
  }),
  reachTest("reach.s: 8 pages fit a 16-entry TLB: after the first round, no misses", 10, (t) => {
    const { mine, ref } = reach(t, ["8", "50"]);
    check(mine.hw.loads >= 8 * 50, `only ${mine.hw.loads} loads: each round must read each page`);
    check(
      mine.hw.tlbMisses <= ref.hw.tlbMisses + 16,
      `${mine.hw.tlbMisses} TLB misses; the reference program has ${ref.hw.tlbMisses}: does the loop touch pages other than the N?`,
    );
  }),
  reachTest("reach.s: 32 pages overflow a 16-entry TLB: every touch misses", 10, (t) => {
    const { mine } = reach(t, ["32", "50"]);
    check(
      mine.hw.tlbMisses >= 32 * 50,
      `${mine.hw.tlbMisses} TLB misses for 32 pages touched 50 times in a row; with LRU each touch should miss (touch one word per page, the pages in the same order each round)`,
    );
  }),
];

export const tlbLab: LabDefinition = {
  name: "tlb",
  title: "Lab: the TLB",
  summary: "a software TLB-miss handler, and a guest program that measures TLB reach",
  files: [
    { name: REFILL, kind: "module", exports: ["tlbRefill"] },
    { name: REACH, kind: "program" },
  ],
  support: [
    { from: "programs/lib/runtime.s", to: "runtime.s" },
    { from: "labs/lib/lab.s", to: "lab.s" },
  ],
  tests: [...refillTests, ...reachTests],
  programTest: {
    uses: [REFILL],
    run(t, spec) {
      same(t, {
        programs: [{ path: spec.path, args: spec.args }],
        stdin: spec.stdin,
        ...(spec.ram ? { ram: spec.ram } : {}),
        ...(spec.maxSteps ? { maxSteps: spec.maxSteps } : {}),
      });
    },
  },
};
