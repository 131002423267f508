// Contiguous memory under pressure (base-limit and segmented): execve that needs compaction moves
// the right blocks (issue 11), segments that grow — the stack on a fault just below it, segment
// 0 on brk — in place, into a larger hole or after compacting (issue 12), base-limit's stack
// guard, and clean kills when growth is impossible. Every run has the invariant checker on, which
// compares each process's blocks with the allocator, the frame table and the base registers.
// The guest programs are in test/kernel/segments/.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { describePeers, gnuBuild, runQemu } from "../helpers/gnu.js";
import { runVmlab } from "../helpers/vmlab.js";

const DIR = "test/kernel/segments";
const RECURSE = "programs/recurse.s";
/** recurse.s's output, as qemu-riscv32 prints it (test/expected/recurse.out). */
const RECURSED = readFileSync("test/expected/recurse.out", "utf8");
const SIGSEGV_STATUS = 128 + 11;

interface Stats {
  compactions: number;
  segmentGrowths: number;
  framesFree: number;
  framesFreeAtBoot: number;
}

/** `vmlab run --check --stats --json ...args`, with the stats parsed from stderr's last line. */
async function run(args: string[], stdin = "") {
  const r = await runVmlab(["run", "--check", "--stats", "--json", ...args], stdin);
  expect(r.stderr, "no internal error").not.toMatch(/internal error/);
  const stats = JSON.parse(r.stderr.trim().split("\n").at(-1)!) as Stats;
  expect(stats.framesFree, "every frame is free again at the end").toBe(stats.framesFreeAtBoot);
  return { ...r, stats };
}

describe("execve when the new image fits only after compaction", () => {
  for (const mm of ["base-limit", "segmented"]) {
    it(`${mm}: the old image moves while execve works, and the new program runs`, async () => {
      const r = await run(["--mm", mm, "--ram", "4m", `${DIR}/quick.s`, `${DIR}/exec-compact.s`]);
      expect(r.stderr).not.toMatch(/\[vmlab\] pid \d+ (killed|execve)/);
      expect(r.stdout).toBe("big\n");
      expect(r.stats.compactions).toBeGreaterThanOrEqual(1);
    });
  }

  it("segmented: a failed execve after a compaction leaves the caller running in its moved memory", async () => {
    const r = await run([
      "--mm",
      "segmented",
      "--ram",
      "4m",
      `${DIR}/quick.s`,
      `${DIR}/exec-fail.s`,
    ]);
    expect(r.stderr).toMatch(/pid 2 execve test\/kernel\/segments\/huge.s: out of memory/);
    expect(r.stderr).not.toMatch(/\[vmlab\] pid \d+ killed/);
    expect(r.stdout).toBe("exec failed, memory intact\n");
    expect(r.stats.compactions).toBeGreaterThanOrEqual(1);
  });
});

describe("tracing partitions", () => {
  it("--trace alloc shows every frame a partition takes and gives back", async () => {
    const r = await run(["--mm", "base-limit", "--trace", "alloc", `${DIR}/quick.s`]);
    const taken = r.stderr.match(
      /^\[trace\] frame 0x[0-9a-f]+ allocated as partition for pid 1$/gm,
    );
    const freed = r.stderr.match(/^\[trace\] frame 0x[0-9a-f]+ freed$/gm);
    expect(taken?.length).toBeGreaterThan(256);
    expect(freed?.length).toBe(taken?.length);
  });
});

describe("segmented: the stack segment grows on a fault just below it", () => {
  it("a 30,000-deep recursion (1.4 MiB of stack) prints what it prints under qemu", async () => {
    const r = await run(["--mm", "segmented", "--trace", "fault", RECURSE]);
    expect({ stdout: r.stdout, status: r.status }).toEqual({ stdout: RECURSED, status: 0 });
    expect(r.stats.segmentGrowths).toBe(3);
    expect(r.stderr).toContain(
      "[trace] pid 1 store access fault at 0x7ffbfff0: grew the stack segment from 256 KiB to 512 KiB in place",
    );
  });

  it("hemmed in by neighbours, it moves to a larger hole, then grows after compacting", async () => {
    const r = await run([
      "--mm",
      "segmented",
      "--ram",
      "5m",
      "--trace",
      "fault",
      `${DIR}/quick.s`,
      RECURSE,
      `${DIR}/spin.s`,
    ]);
    expect(r.stdout).toBe(RECURSED);
    expect(r.stderr).not.toMatch(/\[vmlab\] pid \d+ killed/);
    expect(r.stderr).toMatch(/grew the stack segment from 256 KiB to 512 KiB by moving it from/);
    expect(r.stderr).toMatch(/grew the stack segment from 1024 KiB to 2048 KiB after compacting/);
    expect(r.stats.compactions).toBe(1);
  });

  it("a syscall writing into a buffer below the stack grows it as a store would", async () => {
    const r = await run(["--mm", "segmented", `${DIR}/stackbuf.s`], "hello, segments\n");
    expect({ stdout: r.stdout, status: r.status }).toEqual({
      stdout: "hello, segments\n",
      status: 0,
    });
    expect(r.stats.segmentGrowths).toBe(1);
  });

  it("beyond the stack limit (8 MiB) the process is killed for a stack overflow", async () => {
    const r = await run(["--mm", "segmented", "--ram", "32m", RECURSE, "--", "200000"]);
    expect(r.status).toBe(SIGSEGV_STATUS);
    expect(r.stderr).toMatch(
      /pid 1 killed: store access fault at 0x7f7f.... \(stack overflow: the stack has reached its limit of 8192 KiB\)/,
    );
  });

  it("a wild store far below the stack limit does not grow it: killed as a bad access", async () => {
    const r = await run(["--mm", "segmented", `${DIR}/wild.s`]);
    expect(r.status).toBe(SIGSEGV_STATUS);
    expect(r.stderr).toMatch(
      /pid 1 killed: store access fault at 0x50000000 \(below the stack limit, 8192 KiB under 0x80000000\)/,
    );
    expect(r.stats.segmentGrowths).toBe(0);
  });

  it("when memory runs out the process is killed with the reason, never an internal error", async () => {
    const r = await run(["--mm", "segmented", "--ram", "2m", RECURSE]);
    expect(r.status).toBe(SIGSEGV_STATUS);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(
      /pid 1 killed: store access fault at 0x7ff.{5} \(out of memory: no room to grow the stack segment to \d+ KiB\)/,
    );
  });
});

describe("segmented: brk grows segment 0", () => {
  it("past its block: the segment moves to a larger hole and keeps its bytes", async () => {
    const r = await run(["--mm", "segmented", "--ram", "12m", `${DIR}/heap.s`, `${DIR}/spin.s`]);
    expect({ stdout: r.stdout, status: r.status }).toEqual({ stdout: "heap ok\n", status: 0 });
    expect(r.stats.segmentGrowths).toBe(2);
    expect(r.stats.compactions).toBe(0);
  });

  it("when no hole is large enough, after compacting memory around it", async () => {
    const r = await run([
      "--mm",
      "segmented",
      "--ram",
      "10m",
      `${DIR}/quick.s`,
      `${DIR}/heap.s`,
      `${DIR}/spin.s`,
    ]);
    expect(r.stdout).toBe("heap ok\n");
    expect(r.stats.compactions).toBe(1);
  });

  it("base-limit's partition does not grow: brk beyond its heap room fails", async () => {
    const r = await run(["--mm", "base-limit", `${DIR}/heap.s`]);
    expect({ stdout: r.stdout, status: r.status }).toEqual({ stdout: "", status: 1 });
  });
});

describe("base-limit: the guard below the fixed stack", () => {
  it("a recursion that outgrows the stack is killed for a stack overflow (SIGSEGV)", async () => {
    const r = await run(["--mm", "base-limit", RECURSE]);
    expect({ stdout: r.stdout, status: r.status }).toEqual({ stdout: "", status: SIGSEGV_STATUS });
    expect(r.stderr).toMatch(
      /pid 1 killed: stack overflow: the stack grew past its 256 KiB into the guard at 0x[0-9a-f]{8} \(a base-limit partition cannot grow\), pc 0x[0-9a-f]{8} \(SIGSEGV\)/,
    );
  });

  it("a shallower recursion that stays within the stack runs", async () => {
    const r = await run(["--mm", "base-limit", RECURSE, "--", "3000"]);
    expect({ stdout: r.stdout, status: r.status }).toEqual({
      stdout: "recursion depth 3000, checksum 162090000\n",
      status: 0,
    });
  });
});

describePeers("grown segments against qemu-riscv32", () => {
  for (const [program, stdin] of [
    ["heap.s", ""],
    ["stackbuf.s", "read into the stack\n"],
  ] as const) {
    it(`${program} prints the same under --mm segmented`, async () => {
      const q = runQemu(gnuBuild(`${DIR}/${program}`), [], stdin);
      const r = await run(["--mm", "segmented", `${DIR}/${program}`], stdin);
      expect({ stdout: r.stdout, status: r.status }).toEqual({
        stdout: q.stdout,
        status: q.status,
      });
    });
  }
});
