// The replacement lab's tests. Scripted steps call the student's policy and the reference's side
// by side with the same view of the pages (referenced bits, pages the kernel may not evict) and
// compare every answer, the policy's order and the bits it cleared; trace replay compares every
// reference's hit or victim; the kernel runs guest programs with swap and the student's policy
// and compares output, the frame count and the eviction counters.
import { AgingPolicy } from "../../../kernel/replace/aging.js";
import { ClockPolicy } from "../../../kernel/replace/clock.js";
import type { ReplacementPolicy, ResidencyView } from "../../../kernel/replace/policy.js";
import { replay } from "../../../kernel/replace/replay.js";
import { expectLike, type GuestRun, referenceRun, runGuest } from "../../grader/harness.js";
import { check, type LabDefinition, type LabTest, type TestContext } from "../../grader/types.js";
import { traces } from "../starter/traces.js";

const CLOCK = "clock.ts";
const AGING = "aging.ts";

type PolicyClass = new () => ReplacementPolicy;

/** A fresh instance of the student's policy class `name` from `file`. */
function studentPolicy(t: TestContext, file: string, name: string): ReplacementPolicy {
  const c = t.module(file)[name];
  check(typeof c === "function", `${file} does not export a class named ${name}`);
  return new (c as PolicyClass)();
}

const REFERENCE: Record<string, PolicyClass> = { [CLOCK]: ClockPolicy, [AGING]: AgingPolicy };
const CLASS: Record<string, string> = { [CLOCK]: "ClockPolicy", [AGING]: "AgingPolicy" };

/** A view the test controls: referenced bits, pages not evictable. */
class FakeView implements ResidencyView {
  readonly refd = new Set<number>();
  readonly pinned = new Set<number>();
  evictable = (page: number) => !this.pinned.has(page);
  referenced = (page: number) => this.refd.has(page);
  clearReferenced = (page: number) => {
    this.refd.delete(page);
  };
  dirty = () => false;
  lastUse = () => 0;
  random = () => 0;
}

/** One scripted step. */
type Step =
  | readonly ["load", ...number[]]
  | readonly ["remove", number]
  | readonly ["victim"]
  | readonly ["ref", ...number[]]
  | readonly ["pin", number]
  | readonly ["unpin", number]
  | readonly ["tick"];

/** Applies `step` to a policy and its view; returns what there is to compare. */
function apply(p: ReplacementPolicy, v: FakeView, step: Step): string {
  switch (step[0]) {
    case "load":
      for (const page of step.slice(1) as number[]) {
        p.loaded(page, v);
        v.refd.add(page);
      }
      return "";
    case "remove":
      p.removed(step[1]);
      v.refd.delete(step[1]);
      return "";
    case "victim": {
      const page = p.victim(v);
      if (page !== undefined) v.refd.delete(page);
      return `victim() returned ${page === undefined ? "undefined" : `page ${page}`}`;
    }
    case "ref":
      for (const page of step.slice(1) as number[]) v.refd.add(page);
      return "";
    case "pin":
      v.pinned.add(step[1]);
      return "";
    case "unpin":
      v.pinned.delete(step[1]);
      return "";
    case "tick":
      p.tick?.(v);
      return "";
  }
}

function stepName(s: Step): string {
  return s[0] === "victim" || s[0] === "tick" ? `${s[0]}()` : `${s[0]} ${s.slice(1).join(", ")}`;
}

/** Runs `steps` on the student's policy and the reference's, failing at the first difference. */
function scripted(t: TestContext, file: string, steps: readonly Step[]): void {
  const mine = studentPolicy(t, file, CLASS[file]!);
  const ref = new REFERENCE[file]!();
  const [mv, rv] = [new FakeView(), new FakeView()];
  const bits = (v: FakeView) => [...v.refd].sort((a, b) => a - b).join(", ") || "none";
  steps.forEach((s, i) => {
    const at = `step ${i + 1} (${stepName(s)})`;
    const got = apply(mine, mv, s);
    const want = apply(ref, rv, s);
    check(got === want, `${at}: ${got}; expected ${want.replace("victim() returned ", "")}`);
    const [go, wo] = [mine.order().join(" "), ref.order().join(" ")];
    check(go === wo, `${at}: order() is [${go}], expected [${wo}]`);
    check(
      bits(mv) === bits(rv),
      `${at}: the referenced pages are ${bits(mv)}, expected ${bits(rv)}`,
    );
  });
}

/** Replays every trace with `frames` frames through both policies; fails at the first difference. */
function traced(t: TestContext, file: string): void {
  for (const trace of traces) {
    for (const frames of [3, 4, 6, 8]) {
      const log = (p: ReplacementPolicy) => {
        const out: string[] = [];
        replay(trace, p, {
          frames,
          tickEvery: 4,
          random: () => 0,
          onAccess: (a) => out.push(a.hit ? "hit" : `miss, evicting ${a.victim ?? "nothing"}`),
        });
        return out;
      };
      const got = log(studentPolicy(t, file, CLASS[file]!));
      const want = log(new REFERENCE[file]!());
      want.forEach((w, i) => {
        check(
          got[i] === w,
          `trace ${trace.name}, ${frames} frames, reference ${i + 1} (page ${trace.pages[i]}): ${got[i]}; expected ${w}`,
        );
      });
    }
  }
}

function test(name: string, points: number, file: string, run: (t: TestContext) => void): LabTest {
  return { name, points, uses: [file], run };
}

const clockTests: LabTest[] = [
  test("clock: second chance, step by step", 8, CLOCK, (t) =>
    scripted(t, CLOCK, [
      ["load", 1, 2, 3, 4],
      ["victim"],
      ["load", 5],
      ["ref", 3],
      ["victim"],
      ["load", 6],
      ["ref", 4, 6],
      ["victim"],
      ["victim"],
      ["load", 7, 8],
      ["victim"],
    ]),
  ),
  test("clock: pages freed while resident, the hand on one of them", 6, CLOCK, (t) =>
    scripted(t, CLOCK, [
      ["load", 1, 2, 3, 4, 5],
      ["victim"],
      ["remove", 2],
      ["remove", 9],
      ["load", 6],
      ["remove", 3],
      ["victim"],
      ["remove", 4],
      ["remove", 5],
      ["remove", 6],
      ["victim"],
      ["load", 7, 8],
      ["victim"],
    ]),
  ),
  test(
    "clock: pages the kernel may not evict are passed over, their bits untouched",
    10,
    CLOCK,
    (t) =>
      scripted(t, CLOCK, [
        ["load", 1, 2, 3, 4],
        ["pin", 1],
        ["pin", 2],
        ["victim"],
        ["ref", 3],
        ["pin", 4],
        ["victim"],
        ["pin", 3],
        ["victim"],
        ["unpin", 1],
        ["victim"],
      ]),
  ),
  test("clock: the traces give the reference's hits and victims (3 to 8 frames)", 10, CLOCK, (t) =>
    traced(t, CLOCK),
  ),
];

const agingTests: LabTest[] = [
  test("aging: counters shift each tick, the referenced bit entering at the top", 8, AGING, (t) =>
    scripted(t, AGING, [
      ["load", 1, 2, 3],
      ["tick"],
      ["ref", 1],
      ["tick"],
      ["ref", 2],
      ["tick"],
      ["tick"],
      ["victim"],
      ["load", 4],
      ["ref", 1, 3],
      ["tick"],
      ["victim"],
      ["victim"],
    ]),
  ),
  test(
    "aging: smallest counter goes, A counting above it, ties to the earliest loaded",
    8,
    AGING,
    (t) =>
      scripted(t, AGING, [
        ["load", 1, 2, 3, 4, 5],
        ["tick"],
        ["ref", 5],
        ["victim"],
        ["pin", 2],
        ["victim"],
        ["ref", 3],
        ["tick"],
        ["ref", 4],
        ["victim"],
        ["remove", 3],
        ["remove", 8],
        ["unpin", 2],
        ["victim"],
        ["victim"],
        ["victim"],
      ]),
  ),
  test("aging: the traces give the reference's hits and victims (3 to 8 frames)", 10, AGING, (t) =>
    traced(t, AGING),
  ),
];

/** Runs `path` with swap and the student's policy from `file`, and with the reference's. */
function swapRun(t: TestContext, file: string, path: string, args: string[]): void {
  const run = {
    programs: [{ path, args }],
    ram: 512 * 1024,
    swapSize: 8 * 1024 * 1024,
    maxSteps: 40_000_000,
  };
  const mine = runGuest({ ...run, plugins: { replacement: studentPolicy(t, file, CLASS[file]!) } });
  const ref = referenceRun({ ...run, swapPolicy: new REFERENCE[file]!() });
  expectLike(mine, ref);
  const counts = (r: GuestRun) =>
    `${r.counters.evictions} evictions, ${r.counters.majorFaults} major faults, ${r.counters.swapOuts} pages written to swap`;
  t.log(`${[path, ...args].join(" ")}: yours ${counts(mine)}; the reference ${counts(ref)}`);
  check(
    mine.counters.evictions === ref.counters.evictions &&
      mine.counters.majorFaults === ref.counters.majorFaults &&
      mine.counters.swapOuts === ref.counters.swapOuts,
    `${path}: ${counts(mine)}; expected ${counts(ref)}`,
  );
}

const kernelTests: LabTest[] = [
  test("kernel: clock with swap, a loop over 150 pages in 112 frames", 12, CLOCK, (t) => {
    swapRun(t, CLOCK, "programs/swap/loop.s", ["150", "10"]);
    swapRun(t, CLOCK, "programs/swap/loop.s", ["120", "10"]);
  }),
  test("kernel: aging with swap, a loop over 150 pages in 112 frames", 12, AGING, (t) => {
    swapRun(t, AGING, "programs/swap/loop.s", ["150", "10"]);
    swapRun(t, AGING, "programs/swap/loop.s", ["120", "10"]);
  }),
  test("kernel: clock with swap, fork under memory pressure (2 MiB copy-on-write)", 8, CLOCK, (t) =>
    swapRun(t, CLOCK, "programs/swap/forkswap.s", []),
  ),
  test("kernel: aging with swap, fork under memory pressure (2 MiB copy-on-write)", 8, AGING, (t) =>
    swapRun(t, AGING, "programs/swap/forkswap.s", []),
  ),
];

export const replacementLab: LabDefinition = {
  name: "replacement",
  title: "Lab: page replacement",
  summary: "Clock and aging policies with swap, compared on traces and real programs",
  files: [
    { name: CLOCK, kind: "module", exports: ["ClockPolicy"] },
    { name: AGING, kind: "module", exports: ["AgingPolicy"] },
  ],
  tests: [...clockTests, ...agingTests, ...kernelTests],
};
