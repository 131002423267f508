// `vmlab quiz tlb`: hit/miss, set, victim and contents of vmlab's own TLB, driven through the real
// MMU; checked on hand-worked sequences, against the Tlb class driven directly, and as a command
// (determinism, --json, --check, bad flags).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Prng } from "../../hw/prng.js";
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W } from "../../hw/sv32.js";
import { Tlb, type TlbPolicy } from "../../hw/tlb.js";
import { PyRandom } from "../../quiz/random.js";
import { generateAccesses, simulateTlb, type TlbStep } from "../../quiz/tlb.js";
import { runVmlab } from "../helpers/vmlab.js";

const quiz = (...args: string[]) => runVmlab(["quiz", "tlb", ...args]);

function run(vpns: number[], entries: number, ways: number, policy: TlbPolicy, seed = 1) {
  return simulateTlb(vpns, { tlb: { entries, ways, policy }, seed });
}

/** "h"/"m" per access. */
const pattern = (steps: TlbStep[]) => steps.map((s) => (s.hit ? "h" : "m")).join("");
/** The evicted page per access, "-" for none. */
const victims = (steps: TlbStep[]) => steps.map((s) => s.victim ?? "-").join(",");

describe("hand-worked sequences", () => {
  it("1: a 2-entry fully associative LRU TLB", () => {
    // 1 m, 2 m, 1 h, 3 m evicts 2 (1 was used later), 2 m evicts 1, 1 m evicts 3.
    const s = run([1, 2, 1, 3, 2, 1], 2, 2, "lru");
    expect(pattern(s)).toBe("mmhmmm");
    expect(victims(s)).toBe("-,-,-,2,1,3");
    expect(s.map((x) => x.set)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(s.at(-1)!.contents).toEqual([[2, 1]]); // 1 took way 1 when it evicted 3
  });

  it("2: FIFO differs from LRU on the same sequence", () => {
    // 3 evicts 1 (filled first, though used since); then 2 hits; 1 misses and evicts 2.
    const s = run([1, 2, 1, 3, 2, 1], 2, 2, "fifo");
    expect(pattern(s)).toBe("mmhmhm");
    expect(victims(s)).toBe("-,-,-,1,-,2");
    expect(s.at(-1)!.contents).toEqual([[3, 1]]);
  });

  it("3: a direct-mapped TLB: set = VPN mod 4, one way each", () => {
    // 0 and 4 share set 0 and evict each other; 1 keeps set 1.
    const s = run([0, 1, 0, 4, 0, 1], 4, 1, "lru");
    expect(pattern(s)).toBe("mmhmmh");
    expect(victims(s)).toBe("-,-,-,0,4,-");
    expect(s.map((x) => x.set)).toEqual([0, 1, 0, 0, 0, 1]);
    expect(s.at(-1)!.contents).toEqual([[0], [1], [null], [null]]);
  });

  it("4: 2 sets of 2 ways keep ways in place and evict the set's LRU way", () => {
    // set 0: 0 -> way 0, 2 -> way 1, 4 evicts 0 (way 0), 0 evicts 2 (way 1); set 1: 1 -> way 0.
    const s = run([0, 2, 4, 1, 0], 4, 2, "lru");
    expect(pattern(s)).toBe("mmmmm");
    expect(s.map((x) => x.way)).toEqual([0, 1, 0, 0, 1]);
    expect(victims(s)).toBe("-,-,0,-,2");
    expect(s.at(-1)!.contents).toEqual([
      [4, 0],
      [1, null],
    ]);
  });

  it("5: Belady's anomaly under FIFO (9 misses with 3 entries, 10 with 4)", () => {
    const seq = [1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5];
    const misses = (e: number) => run(seq, e, e, "fifo").filter((x) => !x.hit).length;
    expect(misses(3)).toBe(9);
    expect(misses(4)).toBe(10);
  });

  it("6: a hit reports the way that holds the page", () => {
    const s = run([5, 9, 9, 5], 4, 4, "lru");
    expect(s.map((x) => [x.hit, x.way])).toEqual([
      [false, 0],
      [false, 1],
      [true, 1],
      [true, 0],
    ]);
  });
});

/** The Tlb class on its own, driven as the MMU drives it: lookup, touch on a hit, fill on a miss. */
function direct(vpns: number[], entries: number, ways: number, policy: TlbPolicy, seed: number) {
  const tlb = new Tlb({ entries, ways, policy }, new Prng(seed));
  const flags = PTE_V | PTE_R | PTE_W | PTE_U | PTE_A | PTE_D;
  return vpns.map((vpn, t) => {
    const i = tlb.lookup(vpn, 0);
    if (i >= 0) tlb.touch(i, t + 1);
    else {
      const leaf = { ppn: vpn, flags, global: false, megapage: false, pteAddr: 0, pte: 0 };
      tlb.fill(vpn, 0, leaf, t + 1);
    }
    return { hit: i >= 0, pages: tlb.contents().map((e) => [e.index, e.vpn]) };
  });
}

describe("the quiz's answers are the hardware TLB's", () => {
  const configs: [number, number, TlbPolicy][] = [
    [4, 4, "lru"],
    [8, 2, "lru"],
    [4, 1, "fifo"],
    [6, 3, "fifo"],
    [4, 4, "random"],
    [8, 2, "random"],
  ];
  for (const [entries, ways, policy] of configs) {
    it(`${entries} entries, ${ways} ways, ${policy}: same hits and contents as Tlb driven directly`, () => {
      for (let seed = 0; seed < 20; seed++) {
        const vpns = generateAccesses(new PyRandom(seed), 60, 12);
        const quizSteps = run(vpns, entries, ways, policy, seed);
        const ref = direct(vpns, entries, ways, policy, seed);
        quizSteps.forEach((s, i) => {
          expect(s.hit, `seed ${seed} access ${i + 1}`).toBe(ref[i]!.hit);
          const pages = s.contents.flatMap((set, k) =>
            set.flatMap((p, w) => (p === null ? [] : [[k * ways + w, p]])),
          );
          expect(pages, `seed ${seed} access ${i + 1}`).toEqual(ref[i]!.pages);
        });
      }
    });
  }

  it("pages in different gigabyte-sized regions (several level-0 tables) are mapped too", () => {
    const s = run([0, 0xfffff, 0x400, 0, 0xfffff], 2, 2, "lru");
    expect(pattern(s)).toBe("mmmmm");
    expect(victims(s)).toBe("-,-,0,1048575,1024");
  });
});

describe("generated accesses", () => {
  it("stay below -P and repeat with the seed", () => {
    const a = generateAccesses(new PyRandom(5), 200, 9);
    expect(a.every((v) => v >= 0 && v < 9)).toBe(true);
    expect(generateAccesses(new PyRandom(5), 200, 9)).toEqual(a);
    expect(generateAccesses(new PyRandom(6), 200, 9)).not.toEqual(a);
  });
});

describe("vmlab quiz tlb", () => {
  it("prints the exact questions and answers of a small case", async () => {
    const r = await quiz("-A", "1,2,1,3,2,1", "-e", "2", "-c");
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        "ARG seed 0",
        "ARG numaccesses 10",
        "ARG entries 2",
        "ARG ways 2",
        "ARG policy lru",
        "ARG pages 8",
        "ARG accesses 1,2,1,3,2,1",
        "",
        "TLB: 2 entries in 1 set of 2 ways (set = VPN mod 1), LRU replacement, initially empty.",
        "Each access is a load from a virtual page (4 KiB pages, all mapped).",
        "",
        "Access 1: VPN 1  set 0  MISS  evict -  TLB [1 -]",
        "Access 2: VPN 2  set 0  MISS  evict -  TLB [1 2]",
        "Access 3: VPN 1  set 0  HIT            TLB [1 2]",
        "Access 4: VPN 3  set 0  MISS  evict 2  TLB [1 3]",
        "Access 5: VPN 2  set 0  MISS  evict 1  TLB [2 3]",
        "Access 6: VPN 1  set 0  MISS  evict 3  TLB [2 1]",
        "",
        "FINALSTATS hits 1   misses 5   hitrate 16.67",
        "",
        "",
      ].join("\n"),
    );
  });

  it("without -c asks, with the same accesses", async () => {
    const r = await quiz("-s", "4", "-w", "2");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("4 entries in 2 sets of 2 ways (set = VPN mod 2)");
    expect(r.stdout.match(/^Access +\d+: VPN +\d+ {2}Hit\/Miss\? {2}Evicted\?$/gm)).toHaveLength(
      10,
    );
    expect(r.stdout).not.toContain("FINALSTATS");
  });

  it("is deterministic: the same seed gives the same output, another seed another", async () => {
    const a = await quiz("-s", "7", "-n", "30", "-e", "8", "-w", "2", "-p", "random", "-c");
    const b = await quiz("-s", "7", "-n", "30", "-e", "8", "-w", "2", "-p", "random", "-c");
    const c = await quiz("-s", "8", "-n", "30", "-e", "8", "-w", "2", "-p", "random", "-c");
    expect(a.stdout).toBe(b.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it("--json gives the setup and, per access, hit, set, way, victim and contents", async () => {
    const r = await quiz("-A", "1,2,1,3", "-e", "2", "-p", "FIFO", "--json");
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.kind).toBe("tlb");
    expect(doc.setup).toEqual({
      entries: 2,
      ways: 2,
      sets: 1,
      policy: "fifo",
      pages: 8,
      prngSeed: 0,
      accesses: [1, 2, 1, 3],
    });
    expect(doc.problems).toHaveLength(4);
    expect(doc.problems[3]).toMatchObject({
      number: 4,
      question: "Access 4: VPN 3",
      answer: "miss 1",
      access: 4,
      vpn: 3,
      va: 0x3000,
      set: 0,
      hit: false,
      way: 0,
      victim: 1,
      tlb: [[3, 2]],
    });
    expect(doc.problems[2]).toMatchObject({ answer: "hit", hit: true, victim: null });
  });

  it("--check grades hit/miss and victims", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-tlb-"));
    const file = (name: string, text: string) => {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    };
    const args = ["-A", "1,2,1,3,2,1", "-e", "2"];
    const right = await quiz(
      ...args,
      "--check",
      file("right", "m\nmiss -\nhit\nmiss 2\nm\nmiss\n"),
    );
    expect(right.status).toBe(0);
    expect(right.stdout).toContain("6 of 6 right");
    const wrong = await quiz(...args, "--check", file("wrong", "miss\nmiss\nmiss\nmiss 1\nhit\n"));
    expect(wrong.status).toBe(1);
    const lines = wrong.stdout.split("\n");
    expect(lines[2]).toMatch(/^3: WRONG .* it is a hit/);
    expect(lines[3]).toMatch(/^4: WRONG .* wrong victim: .*evicting VPN 2.*; answer: miss 2$/);
    expect(lines[4]).toMatch(/^5: WRONG .* it is a miss/);
    expect(lines[5]).toMatch(/^6: WRONG .* \(none\) -- no answer/);
    expect(wrong.stdout).toContain("2 of 6 right");
  });
});

describe("bad flags are one-line errors", () => {
  const cases: [string[], number, RegExp][] = [
    [["-x"], 2, /^vmlab: quiz tlb: no such option: -x$/],
    [["-e", "abc"], 2, /option -e: invalid integer value: 'abc'/],
    [["-e", "0"], 1, /TLB entries must be a whole number from 1 to 4094/],
    [["-e", "4", "-w", "3"], 1, /TLB entries \(4\) must be a multiple of the ways \(3\)/],
    [["-w", "0"], 1, /TLB ways must be a whole number/],
    [["-p", "clock"], 1, /unknown TLB policy 'clock'/],
    [["-n", "0"], 1, /-n: 0 is not from 1 to 10000/],
    [["-P", "0"], 1, /-P: 0 is not from 1 to 1048576/],
    [["-A", "1,x"], 1, /-A: 'x' is not a virtual page number/],
    [["-A", "1048576"], 1, /-A: '1048576' is not a virtual page number \(0 to 1048575\)/],
  ];
  for (const [args, status, message] of cases) {
    it(`quiz tlb ${args.join(" ")}`, async () => {
      const r = await quiz(...args);
      expect(r.status).toBe(status);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(message);
    });
  }
});
