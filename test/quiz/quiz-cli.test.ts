// `vmlab quiz` as a command: help, one-line errors for bad input, vmlab's refusals where the
// OSTEP simulators crash, hang or print wrong answers, --json and --check.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

const quiz = (...args: string[]) => runVmlab(["quiz", ...args]);

describe("help", () => {
  it("vmlab quiz --help lists every kind", async () => {
    const r = await quiz("--help");
    expect(r.status).toBe(0);
    for (const k of [
      "relocation",
      "segmentation",
      "paging-linear",
      "paging-multilevel",
      "policy",
      "malloc",
    ]) {
      expect(r.stdout).toContain(k);
    }
  });
  it("vmlab quiz relocation -h lists the simulator's flags with defaults", async () => {
    const r = await quiz("relocation", "-h");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("-s SEED, --seed=SEED");
    expect(r.stdout).toContain("[default: 16k]");
    expect(r.stdout).toContain("--check FILE");
  });
});

describe("bad input is a one-line error with status 2", () => {
  const cases: [string[], RegExp][] = [
    [[], /^vmlab: quiz: missing kind/],
    [["nope"], /^vmlab: quiz: unknown kind 'nope'/],
    [["relocation", "-x"], /^vmlab: quiz relocation: no such option: -x\n$/],
    [["relocation", "-s", "abc"], /option -s: invalid integer value: 'abc'/],
    [["relocation", "-s", "08"], /option -s: invalid integer value: '08'/],
    [["relocation", "-s"], /-s option requires 1 argument/],
    [["relocation", "--compute=1"], /--compute option does not take a value/],
    [["malloc", "--co"], /ambiguous option: --co \(--coalesce, --compute\?\)/],
    [["relocation", "--json", "--check", "x"], /exclude each other/],
  ];
  for (const [args, message] of cases) {
    it(`quiz ${args.join(" ")}`, async () => {
      const r = await quiz(...args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }
});

describe("vmlab refuses where OSTEP goes wrong (status 1, one line on stderr)", () => {
  const cases: [string[], RegExp][] = [
    [
      [
        "segmentation",
        "-a",
        "128",
        "-p",
        "512",
        "-b",
        "0",
        "-l",
        "20",
        "-B",
        "10",
        "-L",
        "20",
        "-A",
        "127",
        "-c",
      ],
      /negative physical addresses/,
    ],
    [
      [
        "segmentation",
        "-a",
        "128",
        "-p",
        "512",
        "-b",
        "0",
        "-l",
        "20",
        "-B",
        "520",
        "-L",
        "20",
        "-c",
      ],
      /segment 1 .* ends beyond physical memory/,
    ],
    [
      [
        "segmentation",
        "-a",
        "1k",
        "-p",
        "16k",
        "-b",
        "100",
        "-l",
        "50",
        "-B",
        "180",
        "-L",
        "100",
        "-c",
      ],
      /segments overlap/,
    ],
    [
      ["segmentation", "-s", "29", "-a", "64", "-p", "512", "-L", "505", "-c"],
      /would loop forever/,
    ],
    [["relocation", "-l", "20000", "-c"], /would loop forever/],
    [["paging-linear", "-A", "16384", "-c"], /outside the address space/],
    [["paging-linear", "-P", "0", "-c"], /page size \(-P\) must be positive/],
    [["paging-multilevel", "-a", "120", "-c"], /out of physical memory/],
    [["policy", "-C", "0", "-c"], /cache size \(-C\) must be at least 1/],
    [["policy", "-n", "0", "-c"], /no page references/],
    [["policy", "-a", "1,x", "-c"], /'x' is not an integer/],
    [
      ["malloc", "-s", "23", "-S", "46", "-H", "4", "-p", "FIRST", "-C", "-r", "22", "-c"],
      /Alloc\(5\) fails/,
    ],
    [["malloc", "-H", "4", "-A", "+3", "-c"], /block start instead of the pointer/],
    [["malloc", "-A", "+10,-0,*3", "-c"], /badly specified operation/],
    [["malloc", "-p", "BAD"], /unknown policy 'BAD'/],
  ];
  for (const [args, message] of cases) {
    it(`quiz ${args.join(" ")}`, async () => {
      const r = await quiz(...args);
      expect(r.status).toBe(1);
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    });
  }

  it("keeps the simulator's output up to the refusal", async () => {
    const r = await quiz("paging-linear", "-A", "0,99999", "-c");
    expect(r.stdout).toContain("Virtual Address Trace\n  VA 0x00000000 (decimal:        0) -->");
    expect(r.stdout).not.toContain("(decimal:    99999)");
  });
});

describe("--json gives the problems and the answers -c prints", () => {
  it("relocation -s 0", async () => {
    const r = await quiz("relocation", "-s", "0", "--json");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.kind).toBe("relocation");
    expect(doc.setup).toMatchObject({ base: 12418, limit: 472 });
    expect(doc.problems).toHaveLength(5);
    expect(doc.problems[0]).toMatchObject({
      va: 430,
      valid: true,
      pa: 12848,
      answer: "0x00003230",
    });
    expect(doc.problems[2]).toMatchObject({ va: 523, valid: false, answer: "violation" });
  });
  it("paging-multilevel -s 0: the first walk", async () => {
    const doc = JSON.parse((await quiz("paging-multilevel", "-s", "0", "--json")).stdout);
    expect(doc.setup.pdbr).toBe(108);
    expect(doc.problems[0]).toMatchObject({
      va: 0x611c,
      pa: 0x6bc,
      value: 0x08,
      answer: "0x6bc 0x08",
    });
    expect(doc.problems[1]).toMatchObject({ va: 0x3da8, fault: "page table entry not valid" });
  });
  it("policy and malloc answers", async () => {
    const pol = JSON.parse((await quiz("policy", "-s", "0", "-p", "LRU", "--json")).stdout);
    expect(pol.problems.map((p: { answer: string }) => p.answer)).toEqual([
      "miss",
      "miss",
      "miss",
      "miss 8",
      "miss 7",
      "hit",
      "miss 2",
      "miss 5",
      "hit",
      "miss 7",
    ]);
    const mal = JSON.parse((await quiz("malloc", "-s", "0", "--json")).stdout);
    expect(mal.problems[0]).toMatchObject({ op: "alloc", size: 3, returned: 1000, searched: 1 });
    expect(mal.problems[1]).toMatchObject({ op: "free", ptr: 0, returned: 0 });
  });
});

describe("--check grades a student's answers", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmlab-quiz-"));
  const answers = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("all right: status 0", async () => {
    const file = answers("right.txt", "0x3230\n12683\nsegfault\n0x00003220\nviolation\n");
    const r = await quiz("relocation", "-s", "0", "--check", file);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/5 of 5 right\n$/);
  });
  it("wrong and missing answers say why: status 1", async () => {
    const file = answers("wrong.txt", "0x3231\n\nviolation\n");
    const r = await quiz("relocation", "-s", "0", "--check", file);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "1: WRONG  VA 0x000001ae (decimal 430): 0x3231 -- wrong address: 430 < limit 472",
    );
    expect(r.stdout).toContain("2: WRONG  VA 0x00000109 (decimal 265): (none) -- no answer");
    expect(r.stdout).toContain("3: ok");
    expect(r.stdout).toContain("1 of 5 right");
  });
  it("policy: hit/miss and the victim", async () => {
    const file = answers(
      "lru.txt",
      "miss\nmiss\nmiss\nmiss 8\nmiss 4\nhit\nmiss\nmiss\nhit\nmiss\n",
    );
    const r = await quiz("policy", "-s", "0", "-p", "LRU", "--check", file);
    expect(r.stdout).toMatch(/^5: +WRONG {2}Access: 5: miss 4 -- wrong victim/m);
    expect(r.stdout).toContain("9 of 10 right");
  });
  it("paging-multilevel: address and value, or fault", async () => {
    const file = answers("ml.txt", "0x6bc 0x08\nfault\n0x9d5 0x1d\n");
    const r = await quiz("paging-multilevel", "-s", "0", "--check", file);
    expect(r.stdout).toMatch(/^3: +WRONG {2}Virtual Address 0x17f5: 0x9d5 0x1d -- wrong value/m);
  });
  it("a missing answers file is a one-line error", async () => {
    const r = await quiz("relocation", "--check", join(dir, "nope.txt"));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/nope.txt: no such file/);
  });
});
