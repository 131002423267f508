// The stepper's checkpoints (session/timeline.ts, session/checkpoint.ts): `back` restores the
// nearest checkpoint before the position and replays from there, and that is exact. Each case
// compares a session going back through its checkpoints with one that keeps none and so replays
// from a fresh boot (the stepper's `back` before checkpoints): the machine byte for byte, swap,
// every counter, the panes' data, the history of traced steps, the guest's output lines and what
// the run does from there on (its output, its stdin).
import { createHash } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { prepareSetup } from "../../cli/boot.js";
import { type CliIo, processIo } from "../../cli/io.js";
import { Kernel } from "../../kernel/kernel.js";
import { DEFAULT_MACHINE_OPTIONS, type MachineOptions } from "../../session/boot.js";
import { Checkpoint } from "../../session/checkpoint.js";
import { bytesSource, type StdinSource } from "../../session/step/guest-io.js";
import { stepBack } from "../../session/step/motion.js";
import { HISTORY_STEPS, type Note, Session } from "../../session/step/session.js";
import { Stops } from "../../session/step/stops.js";
import type { TimelineOptions } from "../../session/timeline.js";
import { snapshot } from "../../session/view/index.js";
import { machineState } from "../helpers/session.js";

const quietIo: CliIo = { ...processIo(), stdout: () => {}, stderr: () => {} };
const KiB = 1024;
const MiB = 1024 * KiB;

/** A session and everything its live receiver has heard, one string a note. */
interface Run {
  s: Session;
  heard: string[];
}

/** A stepping session on `files` (`vmlab run`'s defaults changed by `opts`). */
function open(
  files: string[],
  opts: Partial<MachineOptions>,
  stdin: () => StdinSource,
  checkpoints: TimelineOptions | false,
): Run {
  const setup = prepareSetup(quietIo, files, [], { ...DEFAULT_MACHINE_OPTIONS, ...opts });
  const heard: string[] = [];
  const s = new Session(setup, stdin(), (n) => heard.push(noteText(n)), { checkpoints });
  return { s, heard };
}

function noteText(n: Note): string {
  if (n.kind === "guest") return `guest ${n.fd}: ${n.line}`;
  if (n.kind === "message") return `message: ${n.line}`;
  return `${n.kind}: ${JSON.stringify(n.e)}`;
}

function sha(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** Everything the stepper can show about the session, as one comparable value. */
function state(s: Session) {
  const disk = (s.world.machine.disk as unknown as { data: Uint8Array }).data;
  return {
    ...machineState(s),
    ended: s.ended,
    swap: sha(disk),
    history: s.history,
    panes: snapshot(s),
  };
}

/** Runs `r` quietly until every process has ended or it has run `limit` instructions. */
function runToEnd(r: Run, limit = 50_000_000): void {
  const start = r.s.position;
  while (r.s.position - start < limit && r.s.runQuiet(Math.min(250_000, limit))) {}
  r.s.flushGuest();
}

/**
 * Goes back (and forth) in `r` to each of `positions`, checking each against `fresh` replayed
 * from the boot to the same position: traced over the last steps at every other one.
 */
function expectExactAt(r: Run, fresh: Run, positions: number[]): void {
  positions.forEach((at, i) => {
    const traced = i % 2 === 0 ? HISTORY_STEPS : 0;
    r.s.replayTo(at, traced);
    fresh.s.replayTo(at, traced);
    expect(r.s.position, `position ${at}`).toBe(Math.min(at, fresh.s.position));
    expect(state(r.s), `at ${at}, ${traced} traced`).toEqual(state(fresh.s));
  });
}

/** From where both are, runs both on (to the end) and checks that they say and do the same. */
function expectSameFuture(r: Run, fresh: Run, limit?: number): void {
  r.heard.length = 0;
  fresh.heard.length = 0;
  runToEnd(r, limit);
  runToEnd(fresh, limit);
  expect(r.heard).toEqual(fresh.heard);
  expect(state(r.s)).toEqual(state(fresh.s));
}

const noInput = () => bytesSource(new Uint8Array());
const input = (text: string) => () => bytesSource(new TextEncoder().encode(text));

afterEach(() => {
  vi.restoreAllMocks();
});

describe("back through checkpoints equals a fresh replay", () => {
  // Name, programs, options, stdin, checkpoint interval, positions, instructions run (all: 0).
  const cases: [
    string,
    string[],
    Partial<MachineOptions>,
    () => StdinSource,
    number,
    number[],
    number,
  ][] = [
    [
      "1: fork, copy-on-write and swap (forkswap.s, 512 KiB of RAM, 8 MiB of swap)",
      ["programs/swap/forkswap.s"],
      { ram: 512 * KiB, swap: 8 * MiB },
      noInput,
      500_000,
      [20_000_000, 12_345_678, 19_999_999, 700_001, 3, 0, 9_876_543],
      0,
    ],
    [
      "2: cow.s with a random 8-entry TLB, 256 KiB of RAM and swap",
      ["programs/usertests/cow.s"],
      { ram: 256 * KiB, swap: MiB, tlb: 8, tlbPolicy: "random", policy: "clock" },
      noInput,
      300_000,
      [8_000_000, 4_000_001, 299_999, 300_000, 300_001, 7_654_321],
      0,
    ],
    [
      "3: upcase.s reading stdin, checkpoints every 50 instructions",
      ["programs/upcase.s"],
      {},
      input("hello, checkpoints\nsecond line\nthird\n"),
      50,
      [400, 123, 51, 50, 49, 999],
      0,
    ],
    [
      "4: two processes, quantum 7, software refill and A/D traps",
      ["programs/fib.s", "programs/hello.s"],
      { quantum: 7, tlb: 4, tlbRefill: "software", ad: "trap" },
      noInput,
      1_000,
      [5_000, 2_500, 1_001, 4_999, 17],
      6_000,
    ],
  ];

  it.each(cases)("%s", (_name, files, opts, stdin, interval, positions, run) => {
    const r = open(files, opts, stdin, { interval });
    const fresh = open(files, opts, stdin, false);
    runToEnd(r, run || undefined);
    expect(r.s.timeline!.positions.length).toBeGreaterThan(3);
    expectExactAt(r, fresh, positions);
    expectSameFuture(r, fresh, run || undefined);
  });

  it("5: a program that ends: its last steps, the end itself and past it", () => {
    const files = ["programs/illegal.s"];
    const r = open(files, {}, noInput, { interval: 5 });
    const fresh = open(files, {}, noInput, false);
    runToEnd(r);
    expect(r.s.ended).toBe(true);
    const end = r.s.position;
    expectExactAt(r, fresh, [end, end - 1, end - 2, end, 1, end - 1]);
    expect(r.s.hasLive()).toBe(true);
    expectSameFuture(r, fresh);
    expect(r.heard.some((h) => h.startsWith("kernel:") && h.includes('"exit"'))).toBe(true);
  });
});

describe("compiled code kept across a restore", () => {
  // A restore keeps the compiled code, as after the kernel writes memory: every chunk is compared
  // with memory before it runs again. Code compiled at once (compile-after 0); exectest.s puts
  // other programs' code into frames over time, cow.s forks and swaps.
  it.each([
    ["programs/usertests/exectest.s", {}],
    ["programs/usertests/cow.s", { ram: 256 * KiB, swap: MiB }],
  ] as const)("10: %s", (file, opts) => {
    const options = { ...opts, compileAfter: 0 };
    const r = open([file], options, noInput, { interval: 20_000 });
    const fresh = open([file], options, noInput, false);
    runToEnd(r);
    const end = r.s.position;
    for (const at of [0.9, 0.5, 0.1, 0.95, 0.3].map((f) => Math.floor(end * f))) {
      r.s.replayTo(at);
      fresh.s.replayTo(at);
      expectSameFuture(r, fresh);
    }
  });
});

describe("what a checkpoint leaves out survives going back", () => {
  it("6: input read after a checkpoint is replayed, not read again (the source has moved on)", () => {
    // A source that hands over one line per read, as a user typing would.
    const typed = () => {
      const lines = ["one\n", "two\n", "three\n"].map((l) => new TextEncoder().encode(l));
      return (max: number) => lines.shift()?.subarray(0, max) ?? new Uint8Array();
    };
    const r = open(["programs/upcase.s"], {}, typed, { interval: 10 });
    const fresh = open(["programs/upcase.s"], {}, typed, false);
    while (!r.heard.includes("guest 1: ONE")) r.s.stepQuiet();
    const afterFirst = r.s.position;
    runToEnd(r);
    expect(r.heard).toEqual(["guest 1: ONE", "guest 1: TWO", "guest 1: THREE", expect.any(String)]);
    r.s.replayTo(afterFirst);
    fresh.s.replayTo(afterFirst);
    expect(state(r.s)).toEqual(state(fresh.s));
    expectSameFuture(r, fresh);
    expect(r.heard.slice(0, 2)).toEqual(["guest 1: TWO", "guest 1: THREE"]);
  });

  it("7: a character the guest has written half of is in the checkpoint", () => {
    // "é\n" in two writes, C3 and then A9 0A, with a few instructions between them.
    const path = join(mkdtempSync(join(tmpdir(), "vmlab-snap-")), "split.s");
    writeFileSync(
      path,
      `        .data
bytes:  .byte   0xc3, 0xa9, 10
        .text
        .globl  _start
_start: li      a0, 1
        la      a1, bytes
        li      a2, 1
        li      a7, 64                  # write
        ecall
        li      t0, 5
spin:   addi    t0, t0, -1
        bnez    t0, spin
        li      a0, 1
        la      a1, bytes
        addi    a1, a1, 1
        li      a2, 2
        li      a7, 64
        ecall
        li      a0, 0
        li      a7, 93                  # exit
        ecall
`,
    );
    const r = open([path], {}, noInput, { interval: 1 });
    const fresh = open([path], {}, noInput, false);
    runToEnd(r);
    expect(r.heard[0]).toBe("guest 1: é");
    for (const at of [10, 8]) {
      r.s.replayTo(at);
      fresh.s.replayTo(at);
      expectSameFuture(r, fresh);
      expect(r.heard[0]).toBe("guest 1: é");
    }
  });
});

describe("replay starts from a checkpoint, not from the boot", () => {
  it("8: back 1 far into a long run runs fewer instructions than an interval, in the same world", () => {
    const r = open(["programs/bench/sieve.s"], {}, noInput, { interval: 1_000_000 });
    while (r.s.position < 5_000_000) r.s.runQuiet(250_000);
    const world = r.s.world;
    let ran = 0;
    const step = Kernel.prototype.step;
    vi.spyOn(Kernel.prototype, "step").mockImplementation(function (this: Kernel, n: number) {
      ran += n;
      return step.call(this, n);
    });
    r.s.replayTo(4_999_999);
    expect(r.s.position).toBe(4_999_999);
    expect(ran).toBeLessThan(1_000_000);
    expect(r.s.world).toBe(world);
    // The same position reached from the boot by a session keeping no checkpoints.
    ran = 0;
    const fresh = open(["programs/bench/sieve.s"], {}, noInput, false);
    fresh.s.replayTo(4_999_999);
    expect(ran).toBe(4_999_999);
    expect(state(r.s)).toEqual(state(fresh.s));
  });

  it("11: back says where its replay started: the last checkpoint before, or the boot", () => {
    const r = open(["programs/bench/sieve.s"], {}, noInput, { interval: 100_000 });
    while (r.s.position < 1_050_000) r.s.runQuiet(50_000);
    const stops = new Stops();
    expect(stepBack(r.s, stops, 1)).toEqual({ at: 1_049_999, from: 1_000_000 });
    expect(stepBack(r.s, stops, 1_000_000)).toEqual({ at: 49_999, from: 0 });
  });

  it("12: a restore keeps the compiled code, to be compared with memory before it runs again", () => {
    const r = open(["programs/bench/sieve.s"], { compileAfter: 0 }, noInput, { interval: 100_000 });
    while (r.s.position < 300_000) r.s.runQuiet(50_000);
    const code = r.s.world.machine.cpu.compiledCode;
    expect(code).not.toBeNull();
    const epoch = code!.epoch;
    // Memory is put back as it was: a chunk last seen matching memory now may not match it.
    r.s.restore(r.s.timeline!.before(150_000)!.checkpoint);
    expect(r.s.world.machine.cpu.compiledCode).toBe(code);
    expect(code!.epoch).toBeGreaterThan(epoch);
  });

  it("13: a checkpoint shares unchanged pages with the one before, and keeps nothing else of it", () => {
    const state = { memory: new Uint8Array(64 * KiB) };
    const first = new Checkpoint(state);
    state.memory[5] = 1;
    const second = new Checkpoint(state, first);
    // Only the changed page is new; the rest are the first checkpoint's copies (or zeros)...
    expect(second.bytes).toBe(4 * KiB);
    // ...but nothing refers back to the first, so dropping it frees what it alone held.
    expect(Object.values(second).some((v) => v instanceof Checkpoint)).toBe(false);
    state.memory[5] = 2;
    first.restore();
    expect(state.memory[5]).toBe(0);
    second.restore();
    expect(state.memory[5]).toBe(1);
  });

  it("9: checkpoints over the budget are dropped (never the first), and back stays exact", () => {
    const files = ["programs/swap/forkswap.s"];
    const opts = { ram: 512 * KiB, swap: 8 * MiB };
    // The swap disk fills with pages as the run goes: its last checkpoints hold 7 MiB each, most
    // of it shared with the one before; 12 MiB hold about 40 of them, fewer later.
    const budgetBytes = 12 * MiB;
    const r = open(files, opts, noInput, { interval: 250_000, budgetBytes });
    const fresh = open(files, opts, noInput, false);
    const seen = new Set<number>();
    while (r.s.runQuiet(250_000)) for (const p of r.s.timeline!.positions) seen.add(p);
    const kept = r.s.timeline!.positions;
    expect(kept[0]).toBe(Math.min(...seen));
    expect(seen.size).toBeGreaterThan(kept.length + 10);
    expect(kept.length).toBeGreaterThan(2);
    expect(r.s.timeline!.bytes).toBeLessThanOrEqual(budgetBytes);
    expectExactAt(r, fresh, [15_000_001, 2_000_000, 19_000_000]);
  });
});
