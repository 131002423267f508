// `vmlab run` as a new user meets it: the demo, a killed program, a runaway program, and bad input
// of every kind, which must give a clear one-line error and a non-zero status, never a stack trace.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-run-"));
const file = (name: string, data: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

/** A minimal ELF32 executable header for machine `machine` (3 = i386). */
function elfHeader(machine: number): Uint8Array {
  const b = new Uint8Array(52);
  b.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  const dv = new DataView(b.buffer);
  dv.setUint16(16, 2, true);
  dv.setUint16(18, machine, true);
  return b;
}

describe("vmlab run on good programs", () => {
  it("runs programs/hello.s and exits 0", async () => {
    const r = await runVmlab(["run", "programs/hello.s"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Hello/);
    expect(r.stderr).toBe("");
  });

  it("exits 132 with a one-line reason when the guest executes an illegal instruction", async () => {
    const r = await runVmlab(["run", "programs/illegal.s"]);
    expect(r.status).toBe(132);
    expect(r.stderr).toMatch(
      /^\[vmlab\] pid 1 killed: illegal instruction 0x00000000 at pc 0x[0-9a-f]{8} \(SIGILL\)\n$/,
    );
  });

  it("stops a runaway program at --max-steps with a clear message", async () => {
    const loop = file("loop.s", ".globl _start\n_start:\n  j _start\n");
    const r = await runVmlab(["run", "--max-steps", "100000", loop]);
    expect(r.status).toBe(128 + 24);
    expect(r.stderr).toMatch(/instruction limit reached \(--max-steps 100000\)/);
  });

  it("a null store is killed with SIGSEGV (status 139) and a reason naming the address", async () => {
    const prog = file("null.s", ".globl _start\n_start:\n  sw zero, 0(zero)\n");
    const r = await runVmlab(["run", prog]);
    expect(r.status).toBe(139);
    expect(r.stderr).toMatch(
      /pid 1 killed: store page fault at 0x00000000 \(not mapped\), pc 0x[0-9a-f]{8} \(SIGSEGV\)/,
    );
  });

  it("a store to the program's own text is killed with SIGSEGV", async () => {
    const prog = file("text.s", ".globl _start\n_start:\n  la t0, _start\n  sw zero, 0(t0)\n");
    const r = await runVmlab(["run", prog]);
    expect(r.status).toBe(139);
    expect(r.stderr).toMatch(/store page fault at 0x[0-9a-f]{8} \(write to a read-only page\)/);
  });
});

describe("vmlab run refuses bad input with one clear line", () => {
  const cases: [string, () => string[], RegExp][] = [
    ["a missing file", () => ["run", join(dir, "missing.s")], /missing\.s: no such file/],
    ["a directory", () => ["run", dir], /is a directory/],
    ["an empty file", () => ["run", file("empty.s", "")], /empty file/],
    [
      "a binary that is not ELF",
      () => ["run", file("junk.bin", new Uint8Array([1, 2, 3, 4, 5]))],
      /not a program vmlab can run/,
    ],
    [
      "an ELF for x86",
      () => ["run", file("x86.elf", elfHeader(3))],
      /built for x86 \(i386\), not RISC-V/,
    ],
    [
      "a truncated ELF",
      () => ["run", file("short.elf", elfHeader(243).subarray(0, 30))],
      /truncated ELF header/,
    ],
    ["an unknown flag", () => ["run", "--bogus", "programs/hello.s"], /unknown option '--bogus'/],
    [
      "--ram 0",
      () => ["run", "--ram", "0", "programs/hello.s"],
      /--ram 0: RAM size must be a positive/,
    ],
    [
      "--ram banana",
      () => ["run", "--ram", "banana", "programs/hello.s"],
      /'banana' is not a size/,
    ],
    [
      "--tlb 0",
      () => ["run", "--tlb", "0", "programs/hello.s"],
      /'0' is not a whole number of at least 1/,
    ],
    [
      "--tlb 6 --tlb-ways 4",
      () => ["run", "--tlb", "6", "--tlb-ways", "4", "programs/hello.s"],
      /TLB entries \(6\) must be a multiple of the ways \(4\)/,
    ],
    [
      "an unknown TLB policy",
      () => ["run", "--tlb-policy", "mru", "programs/hello.s"],
      /'mru' is not one of lru, fifo, random/,
    ],
    [
      "an unknown --mm scheme",
      () => ["run", "--mm", "magic", "programs/hello.s"],
      /'magic' is not one of/,
    ],
    [
      "a RAM too small for the program",
      () => ["run", "--mm", "bare", "--ram", "8k", "programs/hello.s"],
      /does not fit in 8 KiB of RAM/,
    ],
  ];
  for (const [what, args, message] of cases) {
    it(what, async () => {
      const r = await runVmlab(args());
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stderr).not.toMatch(/internal error/);
    });
  }

  it("assembly with typos reports every error with file:line:col", async () => {
    const r = await runVmlab(["run", file("typo.s", "addd a0, a1\nli a0\n")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/typo\.s:1:1: error: unknown instruction 'addd'/);
    expect(r.stderr).toMatch(/typo\.s:2:1: error: /);
  });
});
