// snapshot(): every pane's data at once — plain serialisable values, built without changing the
// machine, the same whichever way the session reached its position, and quick on a 64 MiB machine.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { Session } from "../../../session/step/session.js";
import { snapshot } from "../../../session/view/index.js";
import { session, stepTraced } from "./helpers.js";

const DEPTH = 16;
const MiB = 1024 * 1024;

/** Where `v` is not a plain serialisable value (number, string, boolean, null, array, plain object). */
function notPlain(v: unknown, path = "snapshot"): string | undefined {
  if (v === null || ["number", "string", "boolean"].includes(typeof v)) return undefined;
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const bad = notPlain(x, `${path}[${i}]`);
      if (bad) return bad;
    }
    return undefined;
  }
  if (typeof v !== "object" || Object.getPrototypeOf(v) !== Object.prototype)
    return `${path}: ${typeof v}`;
  for (const [k, x] of Object.entries(v as object)) {
    const bad = notPlain(x, `${path}.${k}`);
    if (bad) return bad;
  }
  return undefined;
}

/**
 * A digest of everything a look could disturb: RAM, registers, MMU registers, TLB entries and
 * stamps, the frame table, the counters and the replacement policy's order.
 */
function machineState(s: Session): string {
  const { machine, kernel } = s.world;
  const mmu = machine.mmu;
  const h = createHash("sha256").update(machine.ram.u8);
  for (const a of [
    machine.cpu.x,
    mmu.tlb.stamps,
    kernel.frames.use,
    kernel.frames.pid,
    kernel.frames.refs,
    kernel.frames.pins,
  ])
    h.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  const rest = [
    machine.cpu.pc,
    mmu.mode,
    mmu.satp,
    mmu.base,
    mmu.limit,
    mmu.segments,
    mmu.tlb.contents(),
  ];
  const counts = [machine.stats(), kernel.counters, kernel.swapper?.policy.order()];
  return h.update(JSON.stringify([rest, counts])).digest("hex");
}

/** Name, programs, options, and every how many steps to look. */
const CASES: [string, string[], Record<string, unknown>, number][] = [
  ["hello.s, paged", ["programs/hello.s"], { ram: MiB }, 1],
  ["hello.s, segmented", ["programs/hello.s"], { ram: 2 * MiB, mm: "segmented" }, 1],
  ["hello.s, base-limit", ["programs/hello.s"], { ram: 2 * MiB, mm: "base-limit" }, 1],
  ["hello.s, bare", ["programs/hello.s"], { ram: MiB, mm: "bare" }, 1],
  [
    "forkpt.s under swap, clock",
    ["programs/pressure/forkpt.s"],
    { ram: 128 * 1024, swap: 1024 * 1024 },
    5,
  ],
];

describe("snapshot", () => {
  it.each(CASES)(
    "1. %s: plain values at every step from the start to the end, and looking changes nothing",
    (_n, files, opts, every) => {
      const s = session(files, opts);
      for (;;) {
        const before = machineState(s);
        const snap = snapshot(s, DEPTH);
        expect(machineState(s)).toEqual(before);
        expect(notPlain(snap)).toBeUndefined();
        expect(JSON.parse(JSON.stringify(snap))).toEqual(snap);
        expect(snap.position).toBe(s.position);
        if (snap.ended) break;
        s.stepTraced();
        // Long runs are looked at every few steps, and always at their last ones.
        for (let k = 1; k < every && s.hasLive(); k++) s.stepTraced();
      }
      expect(s.hasLive()).toBe(false);
    },
  );

  it("2. Back is exact: stepping to a position and rebuilding it (fresh session, quiet run, traced steps) show the same panes", () => {
    const opts = { ram: 128 * 1024, swap: 1024 * 1024 };
    const files = ["programs/pressure/forkpt.s"];
    const stepped = session(files, opts);
    stepTraced(stepped, 70);
    expect(stepped.position).toBe(70);
    const rebuilt = session(files, opts);
    rebuilt.runQuiet(70 - DEPTH);
    stepTraced(rebuilt, DEPTH);
    expect(snapshot(rebuilt, DEPTH)).toEqual(snapshot(stepped, DEPTH));
    const replayed = session(files, opts);
    stepTraced(replayed, 85);
    replayed.replayTo(70, DEPTH);
    expect(snapshot(replayed, DEPTH)).toEqual(snapshot(stepped, DEPTH));
  });

  it("3. a 64 MiB machine part-way through a fork: building takes well under a frame (bench/view.ts measures it)", () => {
    const s = session(["programs/usertests/cow.s"], { ram: 64 * 1024 * 1024 });
    s.runQuiet(200_000);
    stepTraced(s, DEPTH);
    const ms: number[] = [];
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      snapshot(s, DEPTH);
      ms.push(performance.now() - t0);
    }
    ms.sort((a, b) => a - b);
    // Typically 0.2-0.6 ms; the bound only catches a slowdown by orders of magnitude on a busy machine.
    expect(ms[ms.length >> 1]).toBeLessThan(16);
    expect(JSON.stringify(snapshot(s, DEPTH)).length).toBeLessThan(100_000);
  });
});
