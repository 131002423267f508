// The compiling engine in lock step with the interpreter: two machines boot the same program, one
// per engine (compiling from the first instruction), and the kernel runs both `budget`
// instructions at a time. After every step the CPUs must agree on pc, every register, the
// instruction, tick, load and store counts, and every TLB entry's LRU stamp: the state the next
// replacement decision reads. Budgets from 1 to a quantum's worth put step boundaries (and so
// the compiled code's budget exits) at every kind of place. test/compile/ compares whole runs.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readRegularFile } from "../../host/files.js";
import { type Backend, backendFor } from "../../hw/compile/backend.js";
import { Cpu, type Engine } from "../../hw/cpu.js";
import { defaultMachineConfig, type Machine } from "../../hw/machine.js";
import { Mmu, MmuMode } from "../../hw/mmu.js";
import { Prng } from "../../hw/prng.js";
import { Ram } from "../../hw/ram.js";
import {
  makePte,
  makeSatp,
  PTE_A,
  PTE_D,
  PTE_R,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
} from "../../hw/sv32.js";
import {
  bootWorld,
  DEFAULT_MACHINE_OPTIONS,
  kernelOptions,
  machineConfig,
} from "../../session/boot.js";
import { loadProgram } from "../../session/program.js";
import * as E from "./encode.js";

const quiet = { write: () => {}, readStdin: () => new Uint8Array(0), message: () => {} };

function boot(file: string, engine: Engine, changes: object) {
  const opts = { ...DEFAULT_MACHINE_OPTIONS, ...changes, engine, compileAfter: 0 };
  const world = bootWorld({
    config: machineConfig(opts),
    host: quiet,
    kernel: kernelOptions(opts),
  });
  const r = loadProgram(file, readRegularFile);
  if (!r.ok) throw new Error(r.error);
  world.kernel.spawn(r.image, [file], []);
  return world;
}

/** What the two CPUs must agree on after every step. */
function state(m: Machine) {
  const { cpu, mmu } = m;
  return {
    pc: cpu.pc,
    x: [...cpu.x],
    counts: [cpu.instret, cpu.ticks, cpu.loads, cpu.stores],
    stamps: [...mmu.tlb.stamps],
    misses: mmu.counters.tlbMisses,
  };
}

/** The same as a number, cheaply (compared after every step; state() only when it differs). */
function fingerprint(m: Machine): number {
  const { cpu, mmu } = m;
  let h = cpu.pc ^ (cpu.instret * 31) ^ (cpu.ticks * 17) ^ (cpu.loads * 7) ^ cpu.stores;
  for (let i = 0; i < 32; i++) h = Math.imul(h, 0x9e3779b1) ^ cpu.x[i]!;
  for (const t of mmu.tlb.stamps) h = Math.imul(h, 0x85ebca6b) ^ t;
  return h ^ mmu.counters.tlbMisses;
}

/**
 * Runs `file` under both engines `budget` instructions at a time (at most `limit` in all); returns
 * how many instructions compiled code ran (the tests check that some did: otherwise they would
 * compare the interpreter with itself, and a budget shorter than every block runs none).
 */
function lockStep(
  backend: Backend,
  file: string,
  budget: number,
  changes: object = {},
  limit = 200_000,
): number {
  const a = boot(file, "interpret", changes);
  const b = boot(file, "compile", changes);
  b.machine.cpu.compileTo = backend;
  for (let done = 0; done < limit; done += budget) {
    const more = a.kernel.step(budget);
    expect(b.kernel.step(budget)).toBe(more);
    if (fingerprint(a.machine) !== fingerprint(b.machine))
      expect(state(b.machine), `${file} after ${a.machine.cpu.instret} instructions`).toEqual(
        state(a.machine),
      );
    if (!more) break;
  }
  const code = b.machine.cpu.compiledCode;
  if (code !== null) expect(code.backend).toBe(backend);
  return code?.instructions ?? 0;
}

/** Sums what `runs` return and expects compiled code to have run. */
function expectCompiled(...runs: number[]): void {
  expect(runs.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
}

/**
 * A loop over every 256th word from 64 KiB on, until a load just past RAM's end (a bus error),
 * that loads the byte before it and stores beside it too.
 */
const PAST_RAM = join(mkdtempSync(join(tmpdir(), "vmlab-past-")), "past.s");
writeFileSync(
  PAST_RAM,
  [
    "        .globl _start",
    "_start: li t0, 0x10000",
    "        li t2, 1024",
    "loop:   lbu t1, -1(t0)",
    "        lw t1, 0(t0)",
    "        sh t0, 2(t0)",
    "        add t0, t0, t2",
    "        j loop",
    "",
  ].join("\n"),
);

/** What the engine compiles to: WebAssembly where the host allows it, else JavaScript. */
const BACKENDS: Backend[] = ["wasm", "js"];

const PROGRAMS = [
  "programs/fib.s",
  "programs/sort.s",
  "programs/memory.s",
  "programs/spinlock.s",
  "programs/c/bin/walker.elf",
];

describe.each(BACKENDS)(
  "the compiling engine (%s) in lock step with the interpreter",
  (backend) => {
    for (const file of PROGRAMS) {
      it(`${file}, budgets of 2, 5 and 13 instructions`, () => {
        expectCompiled(...[2, 5, 13].map((budget) => lockStep(backend, file, budget, {}, 8_000)));
      });
      it(`${file}, a quantum at a time, with an 8-entry TLB`, () => {
        expectCompiled(lockStep(backend, file, 997, { tlb: 8 }));
      });
    }
    it("with the MMU bare (loads and stores of every width, misaligned ones, past RAM)", () => {
      const bare = { mm: "bare", ram: 1 << 20 };
      expectCompiled(
        ...["programs/memory.s", "programs/misaligned.s", "programs/sort.s", PAST_RAM].flatMap(
          (file) => [3, 997].map((budget) => lockStep(backend, file, budget, bare, 30_000)),
        ),
      );
    });
    it("under software refill, a 4-entry 2-way FIFO TLB and A/D traps", () => {
      const changes = { tlb: 4, tlbWays: 2, tlbPolicy: "fifo", tlbRefill: "software", ad: "trap" };
      expectCompiled(
        ...[3, 50].map((budget) =>
          lockStep(backend, "programs/bench/qsort.s", budget, changes, 30_000),
        ),
        lockStep(backend, "programs/bench/qsort.s", 1000, changes),
      );
    });
    it("under memory pressure with swap", () => {
      const changes = { ram: 256 * 1024, swap: 4 * 1024 * 1024 };
      expectCompiled(
        lockStep(backend, "programs/swap/bigtouch.s", 7, changes, 30_000),
        lockStep(backend, "programs/swap/bigtouch.s", 1000, changes, 1e6),
      );
    });
  },
);

describe("code spread over more pages than the cache holds", () => {
  it("empties the cache and stays exact", () => {
    // 600 pages, each a loop of 400 turns (enough to compile it) and a jump to the next page; the
    // whole walk three times. The cache holds 512 pages: it is emptied on every walk.
    const pages = Array.from(
      { length: 600 },
      (_, i) =>
        `        .balign 4096\np${i}:     li t1, 400\n1:      addi t0, t0, 1\n` +
        `        addi t1, t1, -1\n        bnez t1, 1b\n        j p${i + 1}\n`,
    );
    const program =
      "        .globl _start\n_start: li t2, 3\n        li t0, 0\n" +
      pages.join("") +
      "        .balign 4096\np600:   addi t2, t2, -1\n        beqz t2, done\n        tail p0\n" +
      "done:   mv a0, t0\n        andi a0, a0, 127\n        li a7, 93\n        ecall\n";
    const file = join(mkdtempSync(join(tmpdir(), "vmlab-pages-")), "pages.s");
    writeFileSync(file, program);
    for (const backend of BACKENDS) {
      const compiled = lockStep(backend, file, 997, { ram: 16 * 1024 * 1024 }, 1e6);
      expect(compiled).toBeGreaterThan(0);
    }
    const { machine, kernel } = boot(file, "compile", {});
    kernel.run();
    expect(machine.cpu.x[5]).toBe(3 * 600 * 400); // t0
    expect(machine.cpu.compiledCode!.size).toBeLessThanOrEqual(512);
  });
});

describe("calls into other pages", () => {
  // A loop in one page calls a function in the next page 3,000 times, and that one calls a
  // function two pages on; the pages' functions chain (WebAssembly, where the host has tail calls).
  const program =
    "        .globl _start\n_start: li s0, 0\n        li s1, 3000\n" +
    "loop:   call f\n        addi s1, s1, -1\n        bnez s1, loop\n" +
    "        andi a0, s0, 127\n        li a7, 93\n        ecall\n" +
    "        .balign 4096\nf:      addi sp, sp, -16\n        sw ra, 12(sp)\n" +
    "        addi s0, s0, 1\n        call g\n        lw ra, 12(sp)\n        addi sp, sp, 16\n" +
    "        ret\n        .balign 4096\n        .space 4096\ng:      addi s0, s0, 2\n        ret\n";
  const file = join(mkdtempSync(join(tmpdir(), "vmlab-calls-")), "calls.s");
  writeFileSync(file, program);

  it.each(BACKENDS)("stay exact (%s), at any budget and with a small TLB", (backend) => {
    expectCompiled(
      ...[1, 3, 7].map((budget) => lockStep(backend, file, budget, {}, 8_000)),
      lockStep(backend, file, 997, { tlb: 4 }),
      lockStep(backend, file, 10_000),
    );
  });

  it("go on in compiled code without returning to the dispatcher", () => {
    const { machine, kernel } = boot(file, "compile", {});
    kernel.run();
    expect(machine.cpu.x[8]).toBe(9000); // s0
    const code = machine.cpu.compiledCode!;
    // Four page crossings a turn: 12,000 in all.
    if (code.chains) expect(code.calls).toBeLessThan(1000);
    else expect(code.calls).toBeGreaterThan(6000);
  });
});

describe("a block that compiled code keeps jumping to, where its function has no entry", () => {
  // g is reached inside its page's function only by falling or branching forward into it, so the
  // function is made without an entry there; then a loop in the first page calls g 3,000 times.
  const program = [
    "        .globl _start",
    "_start: li s0, 0",
    "        li s2, 0",
    "        li s1, 4",
    "warm:   call f",
    "        addi s1, s1, -1",
    "        bnez s1, warm",
    "        li s1, 3000",
    "loop:   call g",
    "        addi s1, s1, -1",
    "        bnez s1, loop",
    "        andi a0, s0, 127",
    "        li a7, 93",
    "        ecall",
    "        .balign 4096",
    "f:      bnez s2, g",
    "        addi s0, s0, 5",
    "g:      addi s0, s0, 1",
    "        ret",
  ].join("\n");
  const file = join(mkdtempSync(join(tmpdir(), "vmlab-entry-")), "entry.s");
  writeFileSync(file, `${program}\n`);

  it.each(BACKENDS)("stays exact (%s)", (backend) => {
    expectCompiled(...[1, 5, 997].map((budget) => lockStep(backend, file, budget, {}, 30_000)));
  });

  it("gets an entry there, so the calls go on in compiled code", () => {
    const { machine, kernel } = boot(file, "compile", {});
    kernel.run();
    expect(machine.cpu.x[8]).toBe(4 * 6 + 3000); // s0
    const code = machine.cpu.compiledCode!;
    if (code.chains) expect(code.calls).toBeLessThan(1000);
  });
});

describe("a run that starts inside a loop (the next quantum)", () => {
  it("is back in compiled code within a turn, even where the loop is fallen into", () => {
    // The inner loop is one block that jumps to its own start, and the outer loop's block falls
    // into it; five short turns of the outer loop, then one of 2^30 inner turns. A budget check
    // ends each quantum's compiled call, so every quantum after that starts somewhere in the
    // inner loop's block.
    const file = join(mkdtempSync(join(tmpdir(), "vmlab-resume-")), "resume.s");
    const program = [
      "        .globl _start",
      "_start: li s1, 6",
      "outer:  addi s1, s1, -1",
      "        sltiu t3, s1, 1",
      "        slli t3, t3, 30",
      "        addi t0, t3, 100",
      "loop:   addi t0, t0, -1",
      "        addi t1, t1, 3",
      "        bnez t0, loop",
      "        j outer",
    ];
    writeFileSync(file, `${program.join("\n")}\n`);
    const { machine, kernel } = boot(file, "compile", { quantum: 1000 });
    kernel.step(1_000_000);
    expect(machine.cpu.compiledCode!.instructions).toBeGreaterThan(950_000);
  });
});

describe("loops of several blocks", () => {
  // An inner loop with a branch inside it (a WebAssembly loop of its own), inside an outer loop
  // (left to the dispatch); at the end a jump from outside lands in the inner loop's middle.
  const program = [
    "        .globl _start",
    "_start: li s0, 0",
    "        li s1, 300",
    "        li s2, 0",
    "outer:  li t0, 50",
    "inner:  andi t1, t0, 1",
    "        beqz t1, even",
    "        addi s0, s0, 3",
    "        j next",
    "even:   addi s0, s0, 1",
    "next:   addi t0, t0, -1",
    "        bnez t0, inner",
    "        bnez s2, done",
    "        addi s1, s1, -1",
    "        bnez s1, outer",
    "        li s2, 1",
    "        li t0, 7",
    "        j even",
    "done:   andi a0, s0, 127",
    "        li a7, 93",
    "        ecall",
  ].join("\n");
  const file = join(mkdtempSync(join(tmpdir(), "vmlab-loops-")), "loops.s");
  writeFileSync(file, `${program}\n`);

  it.each(BACKENDS)("stay exact (%s), entered anywhere at any budget", (backend) => {
    expectCompiled(
      ...[1, 3, 7, 13].map((budget) => lockStep(backend, file, budget, {}, 8_000)),
      lockStep(backend, file, 997, { tlb: 4 }),
    );
    const { machine, kernel } = boot(file, "compile", {});
    machine.cpu.compileTo = backend;
    kernel.run();
    expect(machine.cpu.x[8]).toBe(300 * 100 + 13); // s0: 25 odd turns (3) and 25 even (1), then 13
  });
});

describe("a change of the MMU's mode", () => {
  it("recompiles code made where no TLB was in use, which stamped no LRU times", () => {
    // A loop at 0x1000 that loads from 0x3000 (t2) and calls a function at 0x2000 that loads from
    // 0x5004 (t4), run bare; then paged (identity-mapped, A and D set) with no trap between, as a
    // kernel switching spaces may, from code at 0x4000 that calls the function and joins the
    // loop. That code is cold: the interpreter runs it and on into the other pages, so the
    // function's page is in the fast fetch table before the dispatcher has looked at it again.
    // No function made bare may run paged, nor be gone on into.
    const cpus = (["interpret", "compile"] as const).map((engine) => {
      const ram = new Ram(1 << 20);
      ram.i32.set([E.load("lw", 6, 7, 0), E.jal(1, 0x1000 - 4), E.jal(0, -8)], 0x1000 >>> 2);
      ram.i32.set([E.iop("addi", 5, 5, 1), E.load("lw", 28, 29, 4), E.jalr(0, 1, 0)], 0x2000 >>> 2);
      ram.i32.set([E.jal(1, -0x2000), E.jal(0, -0x3004)], 0x4000 >>> 2);
      const flags = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
      ram.i32[(8 * 4096) >>> 2] = makePte(9, PTE_V);
      for (let vpn = 0; vpn < 16; vpn++) ram.i32[(9 * 4096 + 4 * vpn) >>> 2] = makePte(vpn, flags);
      const cpu = new Cpu(new Mmu(ram, defaultMachineConfig.mmu, new Prng(1)));
      cpu.engine = engine;
      cpu.compileAfter = 100;
      cpu.pc = 0x1000;
      cpu.x[7] = 0x3000;
      cpu.x[29] = 0x5000;
      return cpu;
    });
    for (const cpu of cpus) expect(cpu.run(300_000)).toBeNull();
    expect(cpus[1]!.compiledCode!.instructions).toBeGreaterThan(0);
    for (const cpu of cpus) {
      cpu.mmu.setMode(MmuMode.Paged);
      cpu.mmu.setSatp(makeSatp(8, 1));
      cpu.pc = 0x4000;
    }
    const [a, b] = cpus;
    for (let i = 0; i < 100; i++) {
      for (const cpu of cpus) expect(cpu.run(997)).toBeNull();
      expect([...b!.mmu.tlb.stamps]).toEqual([...a!.mmu.tlb.stamps]);
      expect([b!.x[5], b!.ticks, b!.loads]).toEqual([a!.x[5], a!.ticks, a!.loads]);
    }
  });
});

describe("an lr.w reservation with the MMU bare", () => {
  // Between each lr.w and its sc.w, a loop stores near the reserved word (on its page); every
  // other turn a store hits the word itself, and that sc.w must fail. Functions made for the bare
  // MMU store with no look at the fast tables, where the interpreter finds the reservation.
  const program = [
    "        .globl _start",
    "_start: la a0, cell",
    "        li s0, 0",
    "        li s1, 200",
    "outer:  lr.w t0, (a0)",
    "        li t2, 20",
    "inner:  sw t2, 8(a0)",
    "        addi t2, t2, -1",
    "        bnez t2, inner",
    "        andi t4, s1, 1",
    "        beqz t4, skip",
    "        sw t2, 0(a0)",
    "skip:   sc.w t3, s1, (a0)",
    "        add s0, s0, t3",
    "        addi s1, s1, -1",
    "        bnez s1, outer",
    "        mv a0, s0",
    "        li a7, 93",
    "        ecall",
    "        .data",
    "cell:   .word 0, 0, 0",
  ].join("\n");
  const file = join(mkdtempSync(join(tmpdir(), "vmlab-lrsc-")), "lrsc.s");
  writeFileSync(file, `${program}\n`);

  it.each(BACKENDS)("is broken by a compiled store to its word, only (%s)", (backend) => {
    expectCompiled(
      ...[1, 5, 997].map((budget) => lockStep(backend, file, budget, { mm: "bare" }, 20_000)),
    );
    const { machine, kernel } = boot(file, "compile", { mm: "bare" });
    machine.cpu.compileTo = backend;
    kernel.run();
    expect(machine.cpu.x[8]).toBe(100); // s0: the sc.w of every other turn failed
  });
});

describe("where the machine's memory is not WebAssembly's", () => {
  /** A bare-mode CPU over 1 MiB of RAM holding `addi t0, t0, 1; j .-4` at 0. */
  function looping(webAssembly: boolean): Cpu {
    const ram = new Ram(1 << 20, webAssembly);
    ram.i32.set([0x00128293, 0xffdff06f]);
    const cpu = new Cpu(new Mmu(ram, defaultMachineConfig.mmu, new Prng(1)));
    cpu.engine = "compile";
    cpu.compileAfter = 0;
    return cpu;
  }

  it("compiles to JavaScript instead, even when asked for WebAssembly", () => {
    expect(backendFor(looping(true))).toBe("wasm");
    expect(backendFor(looping(true), "js")).toBe("js");
    const cpu = looping(false);
    expect(cpu.ram.arena.memory).toBeNull();
    expect(backendFor(cpu)).toBe("js");
    cpu.compileTo = "wasm";
    expect(cpu.run(10_000)).toBeNull();
    expect(cpu.compiledCode?.backend).toBe("js");
    expect(cpu.compiledCode?.instructions).toBeGreaterThan(0);
    expect(cpu.x[5]).toBe(5_000);
  });
});

describe("a run longer than 2^31 instructions", () => {
  it("counts exactly when one quantum is longer (a compiled call's counts are int32)", () => {
    const file = join(mkdtempSync(join(tmpdir(), "vmlab-long-")), "long.s");
    writeFileSync(
      file,
      "        .globl _start\n_start: li t0, 0\nloop:   addi t0, t0, 1\n        beq zero, zero, loop\n",
    );
    const { machine, kernel } = boot(file, "compile", { quantum: 4e9 });
    const steps = 2 ** 31 + 1000;
    kernel.step(steps);
    expect(machine.cpu.instret).toBe(steps);
    expect(machine.cpu.x[5]).toBe(steps / 2); // t0: one per turn of two instructions after li
    expect(machine.cpu.compiledCode!.instructions).toBeGreaterThan(2 ** 31);
  });
});
