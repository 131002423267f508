// Correct under memory pressure (issue 11): a frame the kernel is working on is never evicted or
// freed under it, every instruction makes progress or the OOM killer ends a process (never a
// hang), the commit limit counts swap, and brk after mprotect grows read-write pages. Each
// reproducer runs under every policy the kernel can use, and every run gives back every frame.
import { describe, expect, it } from "vitest";
import { processIo } from "../../cli/io.js";
import { loadProgram } from "../../cli/program.js";
import { defaultMachineConfig, Machine } from "../../hw/machine.js";
import { PAGE_SIZE } from "../../hw/ram.js";
import { makePte, PTE_R, PTE_U, PTE_V, PTE_W } from "../../hw/sv32.js";
import { Access } from "../../hw/trap.js";
import { checkKernel } from "../../kernel/check.js";
import { FrameUse, NO_FRAME } from "../../kernel/frames.js";
import { defaultKernelOptions, Kernel } from "../../kernel/kernel.js";
import { MapFlag, Prot } from "../../kernel/memory.js";
import { handlePageFault } from "../../kernel/paging/fault.js";
import { swapPte, tablePages, walk } from "../../kernel/paging/pagetable.js";
import { type PageFaultHandler, referencePlugins } from "../../kernel/plugins.js";
import { policyByName, policyFactories } from "../../kernel/replace/policy.js";
import { EvictFailure } from "../../kernel/swap/swap.js";
import { runWithStats } from "../helpers/vmlab.js";

/** Every policy a real run can use (OPT needs the future). */
const POLICIES = policyFactories()
  .filter((f) => !f.needsFuture)
  .map((f) => f.name);

const run = runWithStats;

it("the kernel's policies are all here", () => {
  expect(POLICIES).toEqual(
    expect.arrayContaining(["fifo", "lru", "mru", "random", "clock", "enhanced-clock", "aging"]),
  );
});

describe("fork never maps a page-table frame into user memory (item 1)", () => {
  for (const policy of POLICIES) {
    for (const check of [false, true]) {
      it(`forkpt.s in 128 KiB prints ok twice (--policy ${policy}${check ? " --check" : ""})`, async () => {
        const r = await run([
          "--ram",
          "128k",
          "--swap",
          "1m",
          "--policy",
          policy,
          ...(check ? ["--check"] : []),
          "programs/pressure/forkpt.s",
        ]);
        expect(r.stdout, r.stderr).toBe("ok\nok\n");
        expect(r.status).toBe(0);
        expect(r.stats.evictions).toBeGreaterThan(0);
        expect(r.stats.framesFree).toBe(r.stats.framesFreeAtBoot);
      });
    }
  }
});

describe("a copy-on-write break never frees the frame it copies (item 2)", () => {
  for (const policy of POLICIES) {
    it(`forkswap.s in 256 KiB loses nothing (--policy ${policy} --check)`, async () => {
      const r = await run([
        "--ram",
        "256k",
        "--swap",
        "8m",
        "--policy",
        policy,
        "--check",
        "programs/swap/forkswap.s",
      ]);
      expect(r.stdout, r.stderr).toBe(
        "child: all words correct: yes\nchild exit status: 0\nparent: all words correct: yes\n",
      );
      expect(r.status).toBe(0);
      expect(r.stats.majorFaults).toBeGreaterThan(0);
      expect(r.stats.framesFree).toBe(r.stats.framesFreeAtBoot);
    });
  }
});

describe("execve's old image stays evictable while the new one is built (stress finding S1)", () => {
  for (const policy of POLICIES) {
    it(`execcow.s in 192 KiB: the child's exec succeeds (--policy ${policy} --check)`, async () => {
      const r = await run([
        "--ram",
        "192k",
        "--swap",
        "1m",
        "--policy",
        policy,
        "--check",
        "programs/pressure/execcow.s",
      ]);
      expect(r.stdout, r.stderr).toBe("Hello from vmlab!\nok\n");
      expect(r.status).toBe(0);
      expect(r.stats.framesFree).toBe(r.stats.framesFreeAtBoot);
    });
  }
});

/** The lines of livelock.s's run, checked: some children killed by the OOM killer, the rest done. */
function expectOomKillsAndTheRestDone(r: { status: number; stdout: string; stderr: string }) {
  const kills = r.stderr.split("\n").filter((l) => l.includes(" killed: "));
  expect(kills.length, r.stderr).toBeGreaterThan(0);
  for (const k of kills)
    expect(k).toMatch(
      /^\[vmlab\] pid \d+ killed: out of memory \(largest footprint: \d+ resident \+ \d+ page-table pages; .*\) \(SIGKILL\)$/,
    );
  expect(r.stderr).not.toMatch(/instruction limit reached/);
  expect(r.stdout).toMatch(/^(done\n)+parent done\n$/);
  expect(r.status).toBe(0);
}

describe("an instruction needing two pages makes progress or the OOM killer acts (item 3)", () => {
  const runs = [
    ...POLICIES.map((policy) => ({ policy, check: true })),
    { policy: "clock", check: false },
  ];
  for (const { policy, check } of runs) {
    it(`20 children in 260 KiB: some OOM-killed, the rest finish (--policy ${policy}${check ? " --check" : ""})`, async () => {
      const r = await run([
        "--ram",
        "260k",
        "--swap",
        "1m",
        "--max-steps",
        "10000000",
        "--policy",
        policy,
        ...(check ? ["--check"] : []),
        "programs/pressure/livelock.s",
      ]);
      expectOomKillsAndTheRestDone(r);
      expect(r.stats.framesFree).toBe(r.stats.framesFreeAtBoot);
    });
  }

  for (const policy of ["aging", "mru"]) {
    it(`in 128 KiB the policy cannot make the pages of one instruction take turns (--policy ${policy} --check)`, async () => {
      const r = await run([
        "--ram",
        "128k",
        "--swap",
        "1m",
        "--max-steps",
        "10000000",
        "--policy",
        policy,
        "--check",
        "programs/pressure/livelock.s",
      ]);
      expectOomKillsAndTheRestDone(r);
      expect(r.stats.framesFree).toBe(r.stats.framesFreeAtBoot);
    });
  }
});

describe("the commit limit is RAM + swap (item 5)", () => {
  for (const policy of POLICIES) {
    it(`one 4 MiB mmap in 512 KiB of RAM and 8 MiB of swap works (--policy ${policy})`, async () => {
      const r = await run([
        "--ram",
        "512k",
        "--swap",
        "8m",
        "--policy",
        policy,
        "programs/pressure/mmap4m.s",
      ]);
      expect(r.stdout, r.stderr).toBe("4 MiB mapped, all words correct\n");
      expect(r.status).toBe(0);
      expect(r.stats.majorFaults).toBeGreaterThan(0);
      expect(r.stats.framesFree).toBe(r.stats.framesFreeAtBoot);
    });
  }

  for (const swap of [[], ["--swap", "2m"]]) {
    it(`a mapping beyond RAM + swap is refused with ENOMEM (--ram 512k ${swap.join(" ")})`, async () => {
      const r = await run(["--ram", "512k", ...swap, "programs/pressure/mmap4m.s"]);
      expect(r.stdout).toBe("mmap failed\n");
      expect(r.status).toBe(1);
    });
  }
});

it("heap pages a brk grows after mprotect are read-write, as on Linux (item 6)", async () => {
  const r = await run(["--check", "programs/pressure/brkprot.s"]);
  expect(r.stdout, r.stderr).toBe("new heap pages are writable\n");
  expect(r.status).toBe(0);
  expect(r.stats.framesFree).toBe(r.stats.framesFreeAtBoot);
});

/** A kernel with `forkpt.s` run a little way in, for the checker's tests. */
function bootedKernel(): Kernel {
  const machine = new Machine({ ...defaultMachineConfig, ramSize: 256 * 1024, swapSize: 1 << 20 });
  const k = new Kernel(
    machine,
    { write: () => {}, readStdin: () => new Uint8Array(0), message: () => {} },
    { ...defaultKernelOptions, swapPolicy: policyByName("clock")! },
  );
  const path = "programs/pressure/forkpt.s";
  k.spawn(loadProgram(path, processIo()), [path], []);
  k.step(40);
  return k;
}

describe("--check verifies the memory-pressure rule", () => {
  it("passes on a consistent kernel", () => {
    expect(checkKernel(bootedKernel())).toBeUndefined();
  });

  it("finds a frame left pinned after a trap", () => {
    const k = bootedKernel();
    const p = [...k.procs.values()][0]!;
    k.frames.pin(p.root);
    expect(checkKernel(k)).toMatch(/^frame \d+ is still pinned \(1\) after the trap was served$/);
  });

  it("finds a user PTE naming a page-table frame (the fork bug of item 1)", () => {
    const k = bootedKernel();
    const p = [...k.procs.values()][0]!;
    const ram = k.machine.ram;
    const table = tablePages(k.pt, ram, k.frames, p.root)[0]!;
    const addr = walk(ram, k.frames, p.root, 0x7000_0000, true, p.pid);
    ram.i32[addr >>> 2] = makePte(table, PTE_V | PTE_U | PTE_R | PTE_W);
    p.rss++;
    expect(checkKernel(k)).toBe(
      `pid ${p.pid}: va 0x70000000 maps frame ${table}, which is a page table`,
    );
  });

  it("finds a level-0 table that two root entries name", () => {
    const k = bootedKernel();
    const p = [...k.procs.values()][0]!;
    const ram = k.machine.ram;
    const table = tablePages(k.pt, ram, k.frames, p.root)[0]!;
    ram.i32[(p.root * PAGE_SIZE + 0x1c0 * 4) >>> 2] = makePte(table, PTE_V);
    expect(checkKernel(k)).toBe(
      `page-table frame ${table} belongs to pid ${p.pid} and pid ${p.pid}`,
    );
  });

  it("finds a megapage in a root table", () => {
    const k = bootedKernel();
    const p = [...k.procs.values()][0]!;
    const ram = k.machine.ram;
    ram.i32[(p.root * PAGE_SIZE + 0x1c0 * 4) >>> 2] = makePte(5, PTE_V | PTE_R | PTE_U);
    expect(checkKernel(k)).toBe(
      `pid ${p.pid}: va 0x70000000 is a megapage, which the kernel never maps`,
    );
    ram.i32[(p.root * PAGE_SIZE + 0x1c0 * 4) >>> 2] = 0;
    ram.i32[(p.root * PAGE_SIZE + 0x300 * 4) >>> 2] = makePte(5, PTE_V | PTE_R);
    expect(checkKernel(k)).toBe(
      `pid ${p.pid}: va 0xc0000000 is a megapage, which the kernel never maps`,
    );
  });

  it("finds a reference count that disagrees with the mappings", () => {
    const k = bootedKernel();
    let ppn = k.frames.reserved;
    while (k.frames.use[ppn] !== FrameUse.User) ppn++;
    const refs = k.frames.refs[ppn]!;
    k.frames.refs[ppn] = refs + 1;
    expect(checkKernel(k)).toBe(`frame ${ppn}: reference count ${refs + 1} but ${refs} mappings`);
  });

  it("finds a swapped PTE whose slot count disagrees, or that names no slot", () => {
    const k = bootedKernel();
    const p = [...k.procs.values()][0]!;
    const ram = k.machine.ram;
    const space = k.swapper!.space!;
    let slot = 0;
    while (space.refsOf(slot) !== 0) slot++;
    const addr = walk(ram, k.frames, p.root, 0x7000_0000, true, p.pid);
    ram.i32[addr >>> 2] = swapPte(slot);
    expect(checkKernel(k)).toBe(`swap slot ${slot}: 0 references but 1 PTEs`);
    ram.i32[addr >>> 2] = swapPte(space.slots + 3);
    expect(checkKernel(k)).toBe(
      `pid ${p.pid}: va 0x70000000 names swap slot ${space.slots + 3}, outside swap`,
    );
  });

  it("finds a resident count that disagrees with the page table", () => {
    const k = bootedKernel();
    const p = [...k.procs.values()][0]!;
    p.rss++;
    expect(checkKernel(k)).toMatch(/^pid 1: \d+ resident pages counted but \d+ mapped$/);
  });
});

describe("the rule in the kernel's own pieces", () => {
  it("eviction never chooses a pinned frame: with every user page pinned, allocation fails", () => {
    const k = bootedKernel();
    const { frames } = k;
    const pinned: number[] = [];
    for (let ppn = 0; ppn < frames.count; ppn++)
      if (frames.use[ppn] === FrameUse.User) pinned.push(ppn);
    for (const ppn of pinned) frames.pin(ppn);
    const taken: number[] = [];
    for (;;) {
      const ppn = frames.alloc(FrameUse.Kernel, 0);
      if (ppn === NO_FRAME) break;
      taken.push(ppn);
    }
    expect(frames.failedAllocs).toBe(1);
    expect(k.swapper!.lastFailure).toBe(EvictFailure.NothingEvictable);
    for (const ppn of pinned) expect(frames.use[ppn]).toBe(FrameUse.User);
    expect(() => frames.release(pinned[0]!)).toThrow(/kfree: frame \d+ is pinned/);
    for (const ppn of pinned) frames.unpin(ppn);
    for (const ppn of taken) frames.release(ppn);
    expect(checkKernel(k)).toBeUndefined();
  });

  it("munmap frees a page-table page that maps nothing any more", () => {
    const k = bootedKernel();
    const p = [...k.procs.values()][0]!;
    const at = 0x4000_0000;
    const tables = () => tablePages(k.pt, k.machine.ram, k.frames, p.root).length;
    const before = tables();
    const anonymous = MapFlag.PRIVATE | MapFlag.ANONYMOUS | MapFlag.FIXED;
    expect(k.memory.mmap(p, at, 2 * PAGE_SIZE, Prot.READ | Prot.WRITE, anonymous)).toBe(at);
    expect(k.memory.userPa(p, at, Access.Store)).toBeGreaterThan(0);
    expect(tables()).toBe(before + 1);
    expect(k.memory.munmap(p, at + PAGE_SIZE, PAGE_SIZE)).toBe(0);
    expect(tables()).toBe(before + 1);
    expect(k.memory.munmap(p, at, PAGE_SIZE)).toBe(0);
    expect(tables()).toBe(before);
    expect(checkKernel(k)).toBeUndefined();
  });

  it("an instruction that keeps faulting while pages are evicted meets the OOM killer", () => {
    // A broken fault handler that thrashes: it evicts a page for each instruction fetch and maps
    // nothing.
    const thrashing: PageFaultHandler = (ctx, p, va, access) => {
      if (access !== Access.Fetch) return handlePageFault(ctx, p, va, access);
      ctx.swapper!.evict();
      return { ok: true, action: "evicted a page" };
    };
    const machine = new Machine({ ...defaultMachineConfig, swapSize: 1 << 20 });
    const messages: string[] = [];
    const k = new Kernel(
      machine,
      { write: () => {}, readStdin: () => new Uint8Array(0), message: (m) => messages.push(m) },
      {
        ...defaultKernelOptions,
        swapPolicy: policyByName("fifo")!,
        plugins: { ...referencePlugins, pageFault: thrashing },
      },
    );
    const path = "programs/hello.s";
    k.spawn(loadProgram(path, processIo()), [path], []);
    expect(k.step(1_000_000)).toBe(false);
    expect(messages).toEqual([
      expect.stringMatching(
        /^pid 1 killed: out of memory \(largest footprint: \d+ resident \+ \d+ page-table pages; no progress: the instruction at pc 0x[0-9a-f]{8} faulted 65 times, \d+ pages evicted meanwhile\) \(SIGKILL\)$/,
      ),
    ]);
    expect(k.counters.evictions).toBeGreaterThan(0);
    expect(k.frames.free).toBe(k.frames.freeAtBoot);
  });

  it("an instruction whose faults are never fixed ends its process instead of spinning", () => {
    // A broken fault handler: it claims to fix instruction fetches but maps nothing.
    const fetchesNeverFixed: PageFaultHandler = (ctx, p, va, access) =>
      access === Access.Fetch
        ? { ok: true, action: "did nothing" }
        : handlePageFault(ctx, p, va, access);
    const machine = new Machine(defaultMachineConfig);
    const messages: string[] = [];
    const k = new Kernel(
      machine,
      { write: () => {}, readStdin: () => new Uint8Array(0), message: (m) => messages.push(m) },
      {
        ...defaultKernelOptions,
        plugins: { ...referencePlugins, pageFault: fetchesNeverFixed },
      },
    );
    const path = "programs/hello.s";
    k.spawn(loadProgram(path, processIo()), [path], []);
    expect(k.step(1_000_000)).toBe(false);
    expect(messages).toEqual([
      expect.stringMatching(
        /^pid 1 killed: no progress: the instruction at pc 0x[0-9a-f]{8} faulted 65 times and its faults were not fixed \(SIGSEGV\)$/,
      ),
    ]);
    expect(k.frames.free).toBe(k.frames.freeAtBoot);
  });
});
