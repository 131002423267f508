// The stepper's engine: `back` is exact. Stepping with every tracer on and then replaying from a
// fresh boot (at full speed, tracers off) must give the same machine, byte for byte: RAM,
// registers, TLB contents and stamps, frame table, process table and every counter.
import { describe, expect, it } from "vitest";
import type { MachineOptions } from "../../session/boot.js";
import { machineState, session } from "../helpers/session.js";

const configs: [string, string[], Partial<MachineOptions>, string][] = [
  ["sort.s, default machine", ["programs/sort.s"], {}, ""],
  [
    "sieve.s, 8-entry 2-way TLB, random replacement",
    ["programs/sieve.s"],
    { tlb: 8, tlbWays: 2, tlbPolicy: "random", seed: 7 },
    "",
  ],
  [
    "two processes, quantum 7, software refill, A/D traps",
    ["programs/fib.s", "programs/hello.s"],
    { quantum: 7, tlb: 4, tlbRefill: "software", ad: "trap" },
    "",
  ],
  ["upcase.s reading stdin", ["programs/upcase.s"], {}, "hello, stepper\nsecond line\n"],
  ["sort.s under base-limit", ["programs/sort.s"], { mm: "base-limit" }, ""],
  ["sort.s under segmentation", ["programs/sort.s"], { mm: "segmented" }, ""],
];

describe("back: replay reproduces the exact machine", () => {
  it.each(configs)("%s", (_name, files, opts, stdin) => {
    const s = session(files, opts, stdin);
    for (let i = 0; i < 300 && s.hasLive(); i++) s.stepTraced();
    const early = machineState(s);
    for (let i = 0; i < 200 && s.hasLive(); i++) s.stepTraced();
    s.runQuiet(1000);
    const late = machineState(s);
    expect(late.position).toBeGreaterThan(early.position);
    s.replayTo(early.position);
    expect(machineState(s)).toEqual(early);
    s.replayTo(late.position);
    expect(machineState(s)).toEqual(late);
  });

  it("a step that ends the last process counts, and going back over it revives the process", () => {
    const s = session(["programs/illegal.s"], {});
    while (s.hasLive()) s.stepTraced();
    expect(s.ended).toBe(true);
    const end = s.position;
    s.replayTo(end - 1);
    expect(s.hasLive()).toBe(true);
    expect(s.position).toBe(end - 1);
  });
});
