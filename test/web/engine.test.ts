// The browser app's engine, in Node (no browser): Back is exact (the panes after Back equal a
// fresh replay to that step), runs stop at breakpoints and at the end, and load errors carry the
// assembler's lines. The same Engine runs in the app's worker.
import { describe, expect, it } from "vitest";
import { readRegularFile } from "../../host/files.js";
import { hex32 } from "../../hw/hex.js";
import { findLabel } from "../../session/step/symbols.js";
import { snapshot } from "../../session/view/index.js";
import { Engine, EVENT_STEPS } from "../../web/engine.js";
import { defaultSettings, type ProgramChoice, type Settings } from "../../web/settings.js";

const read = (p: string) => readRegularFile(p);
const MiB = 1024 * 1024;

function load(
  path: string,
  settings: Settings = defaultSettings,
  interval?: number,
  budgetBytes?: number,
): Engine {
  const program: ProgramChoice = { kind: "bundled", path };
  const checkpoints = {
    ...(interval === undefined ? {} : { interval }),
    ...(budgetBytes === undefined ? {} : { budgetBytes }),
  };
  const e = Engine.load(program, settings, read, checkpoints);
  if (!(e instanceof Engine)) throw new Error(e.error);
  return e;
}

/** Everything the panes show, as one comparable value. */
function panes(e: Engine): unknown {
  return {
    snapshot: snapshot(e.session),
    registers: e.registers(),
    disassembly: e.disassembly(),
    console: e.console,
  };
}

describe("web engine", () => {
  it("1: Back 2 shows exactly what a fresh replay to that step shows", () => {
    const stepped = load("programs/sieve.s");
    const far = EVENT_STEPS + 10;
    expect(stepped.step(far)).toBe(far);
    stepped.back(2);
    expect(stepped.position).toBe(far - 2);
    const fresh = load("programs/sieve.s");
    fresh.step(far - 2);
    expect(panes(stepped)).toEqual(panes(fresh));
    const jumped = load("programs/sieve.s");
    jumped.goto(far - 2);
    expect(panes(jumped)).toEqual(panes(fresh));
  });

  it("2: the Events pane holds the last traced steps after a jump", () => {
    const e = load("programs/hello.s");
    e.goto(3);
    const steps = snapshot(e.session).events.steps;
    expect(steps.map((s) => s.position)).toEqual([1, 2, 3]);
    expect(steps[0]!.lines.some((l) => l.text.includes("tlb:") && l.text.includes("miss"))).toBe(
      true,
    );
  });

  it("3: a run stops at a breakpoint with the pc there", () => {
    const e = load("programs/sieve.s");
    const addr = findLabel(e.setup.images, "sieved")!;
    e.toggleBreak(addr);
    const why = e.run(10_000_000);
    expect(why).toMatch(/^breakpoint 1 /);
    expect(e.registers()!.regs.at(-1)!.value).toBe(addr);
    expect(e.disassembly().find((l) => l.current)).toMatchObject({ addr, breakpoint: true });
    e.toggleBreak(addr);
    expect(e.stops.breaks).toEqual([]);
  });

  it("4: a run to the end leaves the guest's output in the console", () => {
    const e = load("programs/sieve.s");
    expect(e.run(50_000_000)).toBe("ended");
    expect(e.live).toBe(false);
    expect(e.console.map((l) => l.text)).toContain("primes below 10000: 1229");
  });

  it("5: an assembler error comes back with its line", () => {
    const source = "  .text\n  .globl _start\n_start:\n  addi a0, a0\n";
    const r = Engine.load({ kind: "source", text: source }, defaultSettings, read);
    expect(r).toMatchObject({ ok: false, error: "edited.s: 1 error, nothing run" });
    if (r instanceof Engine) return;
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ file: "edited.s", line: 4, warning: false });
  });

  it("6: settings reach the machine (a 4-entry TLB, base-limit)", () => {
    const e = load("programs/hello.s", { ...defaultSettings, tlb: 4, mm: "base-limit" });
    e.step(1);
    const s = snapshot(e.session);
    expect(s.tlb.entries).toBe(4);
    expect(s.scheme).toBe("base-limit");
    expect(s.address?.relocation).not.toBeNull();
    expect(hex32(s.address!.va)).toBe(hex32(e.setup.images[0]!.entry));
  });

  it("7: jumps through checkpoints show what a fresh replay shows (fork, COW, swap, random TLB)", () => {
    const settings: Settings = {
      ...defaultSettings,
      ram: 256 * 1024,
      swap: 1024 * 1024,
      tlb: 8,
      tlbPolicy: "random",
      policy: "clock",
    };
    const path = "programs/usertests/cow.s";
    const e = load(path, settings, 40_000);
    e.run(700_000);
    expect(e.timeline.positions.length).toBeGreaterThan(10);
    for (const at of [654_321, 123_457, 40_000 + EVENT_STEPS, 7, 300_001]) {
      e.goto(at);
      const fresh = load(path, settings);
      fresh.goto(at);
      expect(e.position).toBe(at);
      expect(panes(e), `at ${at}`).toEqual(panes(fresh));
    }
  });

  it("10: checkpoints are exact under segmentation and under software refill with A/D traps", () => {
    const cases: [string, Settings][] = [
      ["programs/sort.s", { ...defaultSettings, ram: 4 * MiB, mm: "segmented", fit: "best" }],
      [
        "programs/usertests/cow.s",
        { ...defaultSettings, ram: MiB, tlb: 4, tlbWays: 2, tlbRefill: "software", ad: "trap" },
      ],
    ];
    for (const [path, settings] of cases) {
      const e = load(path, settings, 3_000);
      e.run(20_000);
      expect(e.timeline.positions.length).toBeGreaterThan(3);
      for (const at of [17_777, 4_321]) {
        e.goto(at);
        const fresh = load(path, settings);
        fresh.goto(at);
        expect(panes(e), `${path} at ${at}`).toEqual(panes(fresh));
      }
    }
  });

  it("8: the checkpoints stay within their budget and keep the boot's", () => {
    // Each checkpoint here copies about 100 KiB (the kernel's small tables whole, and the pages
    // of RAM changed since the one before): 1 MiB holds fewer than the 21 taken.
    const budget = MiB;
    const e = load("programs/fib.s", defaultSettings, 200_000, budget);
    e.run(4_000_000);
    const positions = e.timeline.positions;
    expect(positions[0]).toBe(0);
    expect(positions.length).toBeLessThan(20);
    expect(positions.length).toBeGreaterThan(2);
    expect(e.timeline.bytes).toBeLessThanOrEqual(budget);
  });

  it("9: the console does not depend on how the run is cut into batches and steps", () => {
    const whole = load("programs/sieve.s");
    whole.run(10_000_000);
    const pieces = load("programs/sieve.s");
    while (pieces.run(997) === undefined) pieces.step(3);
    expect(pieces.console).toEqual(whole.console);
    expect(whole.console[0]!.text).toMatch(/^primes below 100: 2 3 5 7 .* 97$/);
  });
});
