// The faults lab's tests: each boots the kernel with the student's page-fault handler, runs guest
// programs and compares with the reference kernel: the output, how each process ended, the
// kernel's messages (who was killed and why), the frames used, and that every frame is free again
// at the end. The invariant checker runs after every trap.
import type { PageFaultHandler } from "../../../kernel/plugins.js";
import {
  expectLike,
  expectSameMessages,
  type GuestRun,
  type GuestRunOptions,
  referenceRun,
  runGuest,
} from "../../grader/harness.js";
import { check, type LabDefinition, type LabTest, type TestContext } from "../../grader/types.js";

const FILE = "faults.ts";

/** The student's handler. */
function handler(t: TestContext): PageFaultHandler {
  return t.fn<PageFaultHandler>(FILE, "pageFault");
}

/** Runs `run` with the student's handler and with the reference; fails on any difference. */
function same(t: TestContext, run: GuestRunOptions): { mine: GuestRun; ref: GuestRun } {
  const mine = runGuest({ ...run, plugins: { pageFault: handler(t) } });
  const ref = referenceRun(run);
  expectLike(mine, ref);
  return { mine, ref };
}

function test(name: string, points: number, run: (t: TestContext) => void): LabTest {
  return { name, points, uses: [FILE], run };
}

const tests: LabTest[] = [
  test("lazy: programs are loaded page by page as they run (hello, sieve)", 10, (t) => {
    same(t, { programs: [{ path: "programs/hello.s" }] });
    same(t, { programs: [{ path: "programs/sieve.s" }] });
  }),
  test(
    "lazy: heap and .bss pages are zeroed on first touch; untouched ones take no frame",
    12,
    (t) => {
      const { mine, ref } = same(t, { programs: [{ path: t.asset("lazy.s") }] });
      check(
        mine.peakFramesUsed <= ref.peakFramesUsed,
        `the run used up to ${mine.peakFramesUsed} frames at once; lazy allocation needs only ${ref.peakFramesUsed}`,
      );
    },
  ),
  test("lazy: out of memory kills only the faulting process, leaking no frame", 8, (t) => {
    const { mine, ref } = same(t, { programs: [{ path: t.asset("oom.s") }] });
    expectSameMessages(mine, ref);
  }),
  test("stack: grows on demand (recursion 160 and 600 deep)", 10, (t) => {
    for (const depth of ["160", "600"])
      same(t, { programs: [{ path: t.asset("stack.s"), args: [depth] }] });
  }),
  test("stack: running into the guard page below the stack limit is fatal", 6, (t) => {
    const run = {
      programs: [{ path: t.asset("stack.s"), args: ["100000"] }],
      stackLimit: 64 * 1024,
    };
    const { mine, ref } = same(t, run);
    expectSameMessages(mine, ref);
  }),
  test("illegal: null pointer, kernel address, store to text, jump into data: killed", 10, (t) => {
    const { mine, ref } = same(t, { programs: [{ path: t.asset("illegal.s") }] });
    expectSameMessages(mine, ref);
  }),
  test("copy-on-write: after fork, parent and child each see their own writes", 14, (t) => {
    same(t, { programs: [{ path: "labs/pagetable/tests/fork.s" }] });
    same(t, { programs: [{ path: t.asset("lastsharer.s") }] });
  }),
  test("copy-on-write: the last sharer gets the page back without a copy (cowCopies)", 6, (t) => {
    const { mine, ref } = same(t, { programs: [{ path: t.asset("lastsharer.s") }] });
    check(
      mine.counters.cowCopies === ref.counters.cowCopies,
      `ctx.counters.cowCopies is ${mine.counters.cowCopies}, expected ${ref.counters.cowCopies}: copy only while the frame is shared, and count each copy`,
    );
  }),
  test("kernel access: read() and write() with buffers in pages never touched", 10, (t) => {
    same(t, { programs: [{ path: t.asset("kcopy.s") }], stdin: "hello, lab!\nhello, lab!\n" });
  }),
  test("kernel access: read() into a copy-on-write page gives the child its own copy", 8, (t) => {
    same(t, { programs: [{ path: t.asset("kcow.s") }], stdin: "child!!\n" });
  }),
  test(
    "kernel access: bad pointers make system calls fail with -EFAULT, not the kernel",
    6,
    (t) => {
      same(t, { programs: [{ path: t.asset("efault.s") }] });
    },
  ),
];

export const faultsLab: LabDefinition = {
  name: "faults",
  title: "Lab: page faults",
  summary: "lazy allocation, stack growth and copy-on-write fork in the page-fault handler",
  files: [{ name: FILE, kind: "module", exports: ["pageFault"] }],
  support: [
    { from: "programs/lib/runtime.s", to: "runtime.s" },
    { from: "labs/lib/lab.s", to: "lab.s" },
  ],
  tests,
  programTest: {
    uses: [FILE],
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
