// The syscall lines of `vmlab run --trace syscall`: each call with the arguments the kernel reads,
// ints in signed decimal, sizes unsigned, pointers in hex, results in their own base and errors by
// name; a software-refilled TLB miss explained once, not as `TLB miss (TLB miss)`.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Sys } from "../../kernel/abi.js";
import { formatSyscall, SYSCALL_SHAPES } from "../../session/explain.js";
import { runVmlab } from "../helpers/vmlab.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-trace-syscall-"));

/** A program of `calls`, each `[a7, a0, a1, a2, a3]`, then exit(7). */
function program(calls: number[][]): string {
  const lines = calls.flatMap(([nr, ...args]) => [
    ...args.map((v, i) => `        li a${i}, ${v}`),
    `        li a7, ${nr}`,
    "        ecall",
  ]);
  const path = join(dir, `p${calls.length}.s`);
  writeFileSync(
    path,
    `        .text\n        .globl _start\n_start:\n${lines.join("\n")}\n        li a0, 7\n        li a7, 93\n        ecall\n`,
  );
  return path;
}

/** The syscall lines of `--trace syscall` for a run of `path`. */
async function syscallLines(path: string): Promise<string[]> {
  const r = await runVmlab(["run", "--trace", "syscall", path]);
  expect(r.status, r.stderr).toBe(7);
  return r.stderr
    .split("\n")
    .filter((l) => l.startsWith("[trace] "))
    .map((l) => l.slice("[trace] ".length));
}

describe("syscall trace lines", () => {
  it("1. every system call of kernel/abi.ts has its shape (arguments and result kind)", () => {
    const names = Object.keys(Sys).map((n) => n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
    expect(Object.keys(SYSCALL_SHAPES).sort()).toEqual(names.sort());
  });

  it("2. own arity, signed ints, unsigned sizes, hex pointers; results in their own base", async () => {
    const path = program([
      [Sys.write, -1, 0, 0],
      [Sys.write, 1, 0, -1],
      [Sys.wait4, -1, 0, 0],
      [Sys.brk, 0],
      [Sys.mmap, 0, 4096, 3, 34],
      [Sys.getpid],
      [999, 5],
    ]);
    const lines = await syscallLines(path);
    expect(lines.slice(0, 4)).toEqual([
      "pid 1 write(-1, 0x0, 0) = -9 (EBADF)",
      "pid 1 write(1, 0x0, 4294967295) = -14 (EFAULT)",
      "pid 1 wait4(-1, 0x0, 0) = -10 (ECHILD)",
      expect.stringMatching(/^pid 1 brk\(0x0\) = 0x[0-9a-f]+$/),
    ]);
    expect(lines[4]).toMatch(/^pid 1 mmap\(0x0, 4096, 3, 34\) = 0x[0-9a-f]{5,8}$/);
    expect(lines.slice(5)).toEqual([
      "pid 1 getpid() = 1",
      "pid 1 syscall 999(0x5, 0x1000, 0x3, 0x22, 0x0, 0x0) = -38 (ENOSYS)", // a1..a3 left by mmap
      "pid 1 exit(7)",
    ]);
  });

  it("3. fork and wait as a student writes them: clone's flags in hex, the child's pid", async () => {
    const r = await runVmlab(["run", "--trace", "syscall", "programs/usertests/wait4test.s"]);
    expect(r.stderr).toMatch(/^\[trace\] pid 1 clone\(0x11\) = 2$/m);
    expect(r.stderr).toMatch(/^\[trace\] pid 1 wait4\(-1, 0x0, 0\) = \d+$/m);
    expect(r.stderr).toMatch(/^\[trace\] pid 1 wait4\(-1, 0x0, 0\) = blocked$/m);
    expect(r.stderr).toMatch(/^\[trace\] pid \d+ exit_group\(0\)$/m);
  });

  it("4. formatSyscall: a result that is an address is not mistaken for an error", () => {
    expect(formatSyscall("mmap", [0, 8192, 3, 34, 0, 0], 0x7f7fe000)).toBe(
      "mmap(0x0, 8192, 3, 34) = 0x7f7fe000",
    );
    expect(formatSyscall("brk", [0x80000000, 0, 0, 0, 0, 0], 0x80000000)).toBe(
      "brk(0x80000000) = 0x80000000",
    );
    expect(formatSyscall("mmap", [0, 1 << 30, 3, 34, 0, 0], -12)).toBe(
      "mmap(0x0, 1073741824, 3, 34) = -12 (ENOMEM)",
    );
    expect(formatSyscall("kill", [0xffffffff, 9, 0, 0, 0, 0], -3)).toBe("kill(-1, 9) = -3 (ESRCH)");
  });
});

describe("exit", () => {
  it("6. the exit line comes before the process ends and before the frames it frees", async () => {
    const r = await runVmlab(["run", "--trace", "syscall,sched,alloc", "programs/hello.s"]);
    const lines = r.stderr.split("\n").filter((l) => l.startsWith("[trace] "));
    const exit = lines.indexOf("[trace] pid 1 exit(0)");
    expect(exit, r.stderr).toBeGreaterThan(0);
    expect(lines[exit + 1]).toBe("[trace] pid 1 ended: exit(0) (status 0)");
    const frees = lines.filter((l) => / freed$/.test(l));
    expect(frees.length).toBeGreaterThan(0);
    expect(lines.slice(exit + 2)).toEqual(frees); // every free comes after, and nothing else
  });
});

describe("software refill", () => {
  it("7. a miss is a trap to the kernel, said once", async () => {
    const r = await runVmlab([
      "run",
      "--tlb-refill",
      "software",
      "--trace",
      "tlb,fault",
      "programs/hello.s",
    ]);
    expect(r.stderr).not.toMatch(/TLB miss \(TLB miss\)/);
    expect(r.stderr).toMatch(
      /\[trace\] {3}tlb: vpn 0x10 asid 1 set 0 -> miss\n\[trace\] {3}-> TLB miss: trap to the kernel \(software refill\)\n/,
    );
    expect(r.stderr).toMatch(/\[trace\] pid 1 TLB miss at 0x00010074: refilled the TLB/);
  });
});
