// Options and messages: options that do nothing under the chosen setup are named on stderr, the
// option parser's errors carry the one `vmlab: ` prefix, and --ram is echoed as typed.
import { describe, expect, it } from "vitest";
import { commanderMessage, ineffectiveOptionWarnings } from "../../cli/options.js";
import { MmuMode } from "../../hw/mmu.js";
import { ramProblem, sizeText } from "../../session/boot.js";
import { runVmlab } from "../helpers/vmlab.js";

const HELLO = "programs/hello.s";

/** The `vmlab: warning:` lines of a run's stderr. */
const warnings = (stderr: string) =>
  stderr.split("\n").filter((l) => l.startsWith("vmlab: warning:"));

describe("an option that does nothing says so", () => {
  const cases: [string[], string[]][] = [
    [["--policy", "lru"], ["--policy lru does nothing without --swap: no page is ever evicted"]],
    [
      ["--mm", "segmented", "--swap", "1m"],
      ["--swap 1m does nothing under --mm segmented: only paged memory swaps"],
    ],
    [
      ["--mm", "bare", "--tlb", "8", "--tlb-policy", "FIFO"],
      [
        "--tlb 8 does nothing under --mm bare: only paged memory has a TLB",
        "--tlb-policy FIFO does nothing under --mm bare: only paged memory has a TLB",
      ],
    ],
    [
      ["--mm", "base-limit", "--ad", "trap", "--tlb-refill=software"],
      [
        "--tlb-refill software does nothing under --mm base-limit: only paged memory has a TLB",
        "--ad trap does nothing under --mm base-limit: only page tables have A/D bits",
      ],
    ],
    [
      ["--mm", "segmented", "--fork-copy"],
      [
        "--fork-copy does nothing under --mm segmented: only paged memory has copy-on-write to turn off",
      ],
    ],
    [
      ["--fit", "best"],
      ["--fit best does nothing under --mm paged: it places base-limit partitions and segments"],
    ],
    [
      ["--json"],
      ["--json does nothing without --stats: it is the form --stats prints the counters in"],
    ],
  ];
  for (const [args, expected] of cases) {
    it(`vmlab run ${args.join(" ")}`, async () => {
      const r = await runVmlab(["run", ...args, HELLO]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe("Hello from vmlab!\n");
      expect(warnings(r.stderr)).toEqual(expected.map((w) => `vmlab: warning: ${w}`));
    });
  }

  it("options that count, and defaults, warn of nothing", async () => {
    for (const args of [
      ["--swap", "1m", "--policy", "lru", "--tlb", "8", "--fork-copy"],
      ["--mm", "segmented", "--fit", "best", "--swap", "0"],
      ["--mm", "bare"],
      ["--stats", "--json"],
    ]) {
      const r = await runVmlab(["run", ...args, HELLO]);
      expect(warnings(r.stderr)).toEqual([]);
    }
  });

  it("vmlab step warns too", async () => {
    const r = await runVmlab([
      "step",
      "--script",
      "/dev/null",
      "--mm",
      "bare",
      "--tlb",
      "8",
      HELLO,
    ]);
    expect(warnings(r.stderr)).toEqual([
      "vmlab: warning: --tlb 8 does nothing under --mm bare: only paged memory has a TLB",
    ]);
  });

  it("ineffectiveOptionWarnings reads only what was typed", () => {
    expect(ineffectiveOptionWarnings({ mm: "bare", swap: 0 }, new Map())).toEqual([]);
    expect(
      ineffectiveOptionWarnings({ mm: "paged", swap: 4096 }, new Map([["policy", "lru"]])),
    ).toEqual([]);
  });
});

describe("the option parser's messages", () => {
  const cases: [string[], string][] = [
    [
      ["run", "--ram", "abc", HELLO],
      "vmlab: --ram: 'abc' is not a size (examples: 4096, 512k, 16m, 1g).\n",
    ],
    [["run", "--tlb", "0", HELLO], "vmlab: --tlb: '0' is not a whole number of at least 1.\n"],
    [["run", "--bogus", HELLO], "vmlab: unknown option '--bogus'\n"],
    [["nope"], "vmlab: unknown command 'nope'\n"],
    [["run"], "vmlab: missing required argument 'program'\n"],
    [["run", "--ram"], "vmlab: option '--ram <size>' argument missing\n"],
  ];
  for (const [args, first] of cases) {
    it(`vmlab ${args.join(" ")}`, async () => {
      const r = await runVmlab(args);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe("");
      expect(r.stderr).toBe(`${first}(run with --help for usage)\n`);
      expect(r.stderr).not.toMatch(/error:/);
    });
  }

  it("commanderMessage names the long flag of an option with a short one", () => {
    expect(
      commanderMessage("error: option '-s, --seed <n>' argument 'x' is invalid. 'x' is bad.\n"),
    ).toBe("vmlab: --seed: 'x' is bad.\n");
  });
});

describe("--ram is echoed as typed", () => {
  it("--ram 3k: not a multiple of 4 KiB", async () => {
    const r = await runVmlab(["run", "--ram", "3k", HELLO]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("vmlab: --ram 3k: RAM size must be a multiple of 4 KiB\n");
  });
  it("--swap 1.5k: not a multiple of 4 KiB, as typed", async () => {
    const r = await runVmlab(["run", "--swap", "1.5k", HELLO]);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("vmlab: --swap 1.5k: swap size must be a multiple of 4 KiB\n");
  });
  it("--ram=5000 stays 5000", async () => {
    const r = await runVmlab(["run", "--ram=5000", HELLO]);
    expect(r.stderr).toBe("vmlab: --ram 5000: RAM size must be a multiple of 4 KiB\n");
  });
  it("--ram 64k explains the kernel's reserve, under every scheme that has one", async () => {
    for (const mm of ["paged", "base-limit", "segmented"]) {
      const r = await runVmlab(["run", "--mm", mm, "--ram", "64k", HELLO]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(
        "vmlab: --ram 64k: the kernel keeps the first 64 KiB of RAM (16 frames) for itself, so nothing is left for programs (hello.s needs 84k of paged memory; the default is 16m)\n",
      );
    }
  });
  it("84k runs hello.s (the number the message gives), bare memory has no reserve", async () => {
    expect((await runVmlab(["run", "--ram", "84k", HELLO])).stdout).toBe("Hello from vmlab!\n");
    expect(ramProblem(4096, MmuMode.Bare)).toBeUndefined();
  });
  it("other front ends get the size in k/m/g form", () => {
    expect(sizeText(3072)).toBe("3k");
    expect(sizeText(16 * 1024 * 1024)).toBe("16m");
    expect(sizeText(5000)).toBe("5000");
    expect(ramProblem(3072, MmuMode.Paged)).toMatch(/^--ram 3k: /);
  });
});
