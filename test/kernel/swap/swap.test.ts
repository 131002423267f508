// Swapping: nothing a process wrote is ever lost, under every replacement policy and memory
// pressure, with the kernel's invariant checker on; and running out of swap ends only the
// process that needed memory.
import { describe, expect, it } from "vitest";
import { runVmlab, runWithStats } from "../../helpers/vmlab.js";

const POLICIES = ["fifo", "lru", "mru", "random", "clock", "enhanced-clock", "aging"];

const run = runWithStats;

describe("a 4 MiB working set in 512 KiB of RAM", () => {
  let unpressured = "";
  it("prints its checksum without memory pressure", async () => {
    const r = await run(["programs/swap/bigtouch.s"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/all words correct: yes/);
    expect(r.stats.majorFaults).toBe(0);
    unpressured = r.stdout;
  });

  for (const policy of POLICIES) {
    it(`prints the same under --policy ${policy}, paging to swap`, async () => {
      const r = await run([
        "--ram",
        "512k",
        "--swap",
        "8m",
        "--policy",
        policy,
        "--check",
        "programs/swap/bigtouch.s",
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(unpressured);
      expect(r.stats.majorFaults).toBeGreaterThan(0);
      expect(r.stats.swapOuts).toBeGreaterThan(0);
      expect(r.stats.framesFree).toBe(r.stats.framesFreeAtBoot);
    });
  }
});

describe("fork under memory pressure", () => {
  for (const policy of ["clock", "lru"]) {
    it(`copy-on-write pages and shared swap slots lose nothing (${policy})`, async () => {
      const r = await run([
        "--ram",
        "512k",
        "--swap",
        "8m",
        "--policy",
        policy,
        "--check",
        "programs/swap/forkswap.s",
      ]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(
        "child: all words correct: yes\nchild exit status: 0\nparent: all words correct: yes\n",
      );
      expect(r.stats.majorFaults).toBeGreaterThan(0);
      expect(r.stats.framesFree).toBe(r.stats.framesFreeAtBoot);
    });
  }
});

describe("when swap is full too", () => {
  it("kills the process that needed memory with a clear reason, and the others finish", async () => {
    const r = await run([
      "--ram",
      "512k",
      "--swap",
      "1m",
      "programs/swap/bigtouch.s",
      "programs/hello.s",
    ]);
    expect(r.stdout).toMatch(/Hello from vmlab!/);
    expect(r.stderr).toMatch(
      /\[vmlab\] pid 1 killed: store page fault at 0x[0-9a-f]{8} \(out of memory and swap\), pc 0x[0-9a-f]{8} \(SIGSEGV\)/,
    );
    expect(r.status).toBe(128 + 11);
    expect(r.stats.framesFree).toBe(r.stats.framesFreeAtBoot);
  });

  it("refuses OPT for a real run, which cannot know the future", async () => {
    const r = await runVmlab(["run", "--swap", "1m", "--policy", "opt", "programs/hello.s"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--policy opt: needs the future reference string/);
  });

  it("refuses an unknown policy", async () => {
    const r = await runVmlab(["run", "--swap", "1m", "--policy", "magic", "programs/hello.s"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/unknown policy 'magic'/);
  });
});

describe("--record", () => {
  it("writes a trace vmlab trace can replay", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const file = join(mkdtempSync(join(tmpdir(), "vmlab-rec-")), "sort.trace");
    expect((await runVmlab(["run", "--record", file, "programs/sort.s"])).status).toBe(0);
    const r = await runVmlab(["trace", file, "--frames", "2", "--policy", "lru"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/FINALSTATS hits \d+ +misses \d+ +hitrate/);
  });
});
