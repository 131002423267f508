// `vmlab quiz sv32`: translations through a seeded two-level Sv32 table in RAM, answered by the
// MMU's quiet path; checked on a hand-built table, against the guest path, against an independent
// walker written from the privileged spec, and as a command (dump, --json, --check, bad flags).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
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
import { Access, Cause } from "../../hw/trap.js";
import { PyRandom } from "../../quiz/random.js";
import { generateSpace, type Sv32Pte, sv32Machine, translateSv32 } from "../../quiz/sv32.js";
import { runVmlab } from "../helpers/vmlab.js";

const quiz = (...args: string[]) => runVmlab(["quiz", "sv32", ...args]);

// A hand-built space: root table in frame 1; VPN[1] = 1 points to a level-0 table in frame 2.
const ROOT = 1;
const TABLE = 2;
const pte = (table: number, index: number, value: number): Sv32Pte => ({
  addr: table * 4096 + index * 4,
  value,
});
const URW = PTE_V | PTE_R | PTE_W | PTE_U;
const HAND = {
  satp: makeSatp(ROOT, 5),
  ptes: [
    pte(ROOT, 1, makePte(TABLE, PTE_V)),
    pte(ROOT, 2, makePte(0x800, PTE_V | PTE_R | PTE_X | PTE_U | PTE_A)), // megapage
    pte(ROOT, 3, makePte(0x801, URW | PTE_A)), // misaligned megapage
    pte(ROOT, 4, makePte(TABLE, PTE_V | PTE_U)), // pointer with reserved U
    pte(ROOT, 5, makePte(0x400, PTE_R | PTE_U)), // V clear
    pte(TABLE, 3, makePte(0x400, URW | PTE_A | PTE_D)),
    pte(TABLE, 4, makePte(0x401, PTE_V | PTE_W | PTE_U)), // reserved: W without R
    pte(TABLE, 5, makePte(0x402, PTE_V | PTE_R | PTE_A)), // U clear
    pte(TABLE, 6, makePte(0x403, URW)), // A and D clear
    pte(TABLE, 7, makePte(0x404, PTE_V)), // a pointer at level 0
  ],
};
const va = (vpn1: number, vpn0: number, offset: number) =>
  ((vpn1 << 22) | (vpn0 << 12) | offset) >>> 0;

describe("hand-built table", () => {
  // [case, va, access, A/D trap, expected pa or [cause, reason], PTE reads]
  const cases: [number, number, Access, boolean, number | [number, string], number][] = [
    [1, va(1, 3, 0xabc), Access.Store, false, 0x400abc, 2],
    [2, va(2, 0x155, 0x123), Access.Fetch, false, 0x800000 + 0x155123, 1],
    [3, va(2, 0, 0), Access.Store, false, [Cause.StorePageFault, "no permission"], 1],
    [4, va(3, 0, 0), Access.Load, false, [Cause.LoadPageFault, "misaligned superpage"], 1],
    [5, va(4, 3, 0), Access.Load, false, [Cause.LoadPageFault, "reserved encoding"], 1],
    [6, va(5, 0, 0), Access.Load, false, [Cause.LoadPageFault, "not mapped"], 1],
    [7, va(0, 0, 0), Access.Fetch, false, [Cause.InstructionPageFault, "not mapped"], 1],
    [8, va(1, 0, 0), Access.Load, false, [Cause.LoadPageFault, "not mapped"], 2],
    [9, va(1, 4, 0), Access.Load, false, [Cause.LoadPageFault, "reserved encoding"], 2],
    [10, va(1, 5, 0), Access.Load, false, [Cause.LoadPageFault, "U-bit clear"], 2],
    [11, va(1, 7, 0), Access.Load, false, [Cause.LoadPageFault, "no leaf PTE"], 2],
    // A/D clear: no fault when the hardware sets them, a page fault in trap mode.
    [12, va(1, 6, 8), Access.Store, false, 0x403008, 2],
    [13, va(1, 6, 8), Access.Load, true, [Cause.LoadPageFault, "A bit clear"], 2],
    [14, va(1, 3, 8), Access.Store, true, 0x400008, 2],
    [15, va(2, 1, 0), Access.Load, true, 0x801000, 1],
  ];
  for (const [n, addr, access, adTrap, expected, reads] of cases) {
    it(`case ${n}`, () => {
      const mmu = sv32Machine(HAND, adTrap);
      const t = translateSv32(mmu, addr, access);
      expect(t.steps, `case ${n}`).toHaveLength(reads);
      expect(t.steps[0]!.pteAddr, `case ${n}`).toBe(ROOT * 4096 + (addr >>> 22) * 4);
      if (typeof expected === "number")
        expect(t.result, `case ${n}`).toEqual({ ok: true, pa: expected });
      else {
        const [cause, reason] = expected;
        expect(t.result, `case ${n}`).toEqual({ ok: false, cause, reason });
      }
    });
  }

  it("a D-clear store faults in trap mode (A set, D clear)", () => {
    const space = {
      satp: HAND.satp,
      ptes: [...HAND.ptes, pte(TABLE, 8, makePte(0x405, URW | PTE_A))],
    };
    const t = translateSv32(sv32Machine(space, true), va(1, 8, 0), Access.Store);
    expect(t.result).toEqual({ ok: false, cause: Cause.StorePageFault, reason: "D bit clear" });
  });

  it("asking changes nothing: no A/D written, no TLB entry", () => {
    const mmu = sv32Machine(HAND, false);
    translateSv32(mmu, va(1, 6, 0), Access.Store);
    expect(mmu.ram.peek32(TABLE * 4096 + 6 * 4)).toBe(makePte(0x403, URW));
    expect(mmu.tlb.contents()).toEqual([]);
  });

  it("the answers equal the guest path's (Mmu.translate) on the same RAM", () => {
    for (const [n, addr, access, adTrap] of cases) {
      const quiet = translateSv32(sv32Machine(HAND, adTrap), addr, access).result;
      const guest = sv32Machine(HAND, adTrap);
      const pa = guest.translate(addr, access, 1);
      if (quiet.ok) expect(pa, `case ${n}`).toBe(quiet.pa);
      else {
        expect(pa, `case ${n}`).toBeLessThan(0);
        expect([guest.faultCause, guest.faultReason], `case ${n}`).toEqual([
          quiet.cause,
          quiet.reason,
        ]);
      }
    }
  });
});

type RefResult =
  | { pa: number; reads: number[] }
  | { cause: number; reason: string; reads: number[] };

/**
 * An independent Sv32 walk (privileged spec 4.3.2, U-mode) over a map of words: written here
 * from the spec, sharing no code with hw/.
 */
function refWalk(
  words: Map<number, number>,
  satp: number,
  v: number,
  access: Access,
  adTrap: boolean,
): RefResult {
  const reads: number[] = [];
  const cause = [12, 13, 15][access]!;
  const fault = (reason: string): RefResult => ({ cause, reason, reads });
  let a = (satp & 0x3fffff) * 4096;
  let level = 1;
  let e = 0;
  for (;;) {
    const addr = a + ((v >>> (12 + 10 * level)) & 0x3ff) * 4;
    reads.push(addr);
    e = words.get(addr) ?? 0;
    const [V, R, W, X] = [e & 1, (e >> 1) & 1, (e >> 2) & 1, (e >> 3) & 1];
    if (!V) return fault("not mapped");
    if (!R && W) return fault("reserved encoding");
    if (R || X) break;
    if (level === 0) return fault("no leaf PTE");
    if (e & 0xd0) return fault("reserved encoding"); // D, A or U in a pointer
    a = (e >>> 10) * 4096;
    level--;
  }
  if (!((e >> 4) & 1)) return fault("U-bit clear");
  if (!((e >> [3, 1, 2][access]!) & 1)) return fault("no permission");
  const ppn = e >>> 10;
  if (level === 1 && ppn % 1024 !== 0) return fault("misaligned superpage");
  if (adTrap && !((e >> 6) & 1)) return fault("A bit clear");
  if (adTrap && access === Access.Store && !((e >> 7) & 1)) return fault("D bit clear");
  const pa = level === 1 ? ppn * 4096 + (v % 2 ** 22) : ppn * 4096 + (v % 4096);
  return { pa, reads };
}

describe("generated tables", () => {
  it("agree with an independent walker on every question of 40 seeds, both A/D modes", async () => {
    let faults = 0;
    let megapages = 0;
    for (let seed = 0; seed < 40; seed++) {
      for (const adTrap of [false, true]) {
        const args = ["-s", String(seed), "-n", "12", ...(adTrap ? ["-D"] : []), "--json"];
        const doc = JSON.parse((await quiz(...args)).stdout);
        const words = new Map<number, number>(
          doc.setup.ptes.map((p: { addr: number; value: number }) => [p.addr, p.value]),
        );
        for (const p of doc.problems) {
          const access = { fetch: Access.Fetch, load: Access.Load, store: Access.Store }[
            p.access as "fetch" | "load" | "store"
          ];
          const ref = refWalk(words, doc.setup.satp, p.va, access, adTrap);
          const where = `seed ${seed}${adTrap ? " -D" : ""}: ${p.question}`;
          expect(
            p.steps.map((s: { pteAddr: number }) => s.pteAddr),
            where,
          ).toEqual(ref.reads);
          if ("pa" in ref) {
            expect(p.pa, where).toBe(ref.pa);
            if (p.steps.length === 1) megapages++;
          } else {
            faults++;
            expect([p.cause, p.reason], where).toEqual([ref.cause, ref.reason]);
          }
        }
      }
    }
    // Both outcomes occur, megapages included (the test can fail either way).
    expect(faults).toBeGreaterThan(100);
    expect(megapages).toBeGreaterThan(5);
  });

  it("the dump lists every non-zero word of the machine's RAM", () => {
    const space = generateSpace(new PyRandom(3), 4);
    const ram = sv32Machine(space, false).ram;
    const found: Sv32Pte[] = [];
    ram.i32.forEach((w, i) => {
      if (w !== 0) found.push({ addr: i * 4, value: w >>> 0 });
    });
    expect(found).toEqual(space.ptes);
  });

  it("every reason the hardware gives shows up over a few seeds", async () => {
    const reasons = new Set<string>();
    for (let seed = 0; seed < 40; seed++) {
      const doc = JSON.parse((await quiz("-s", String(seed), "-n", "12", "-D", "--json")).stdout);
      for (const p of doc.problems) reasons.add(p.reason ?? "ok");
    }
    expect([...reasons].sort()).toEqual([
      "A bit clear",
      "D bit clear",
      "U-bit clear",
      "misaligned superpage",
      "no leaf PTE",
      "no permission",
      "not mapped",
      "ok",
      "reserved encoding",
    ]);
  });
});

describe("vmlab quiz sv32", () => {
  it("prints satp, the non-zero PTEs and the questions; -c adds each walk", async () => {
    const ask = await quiz("-s", "2");
    expect(ask.status).toBe(0);
    expect(ask.stdout).toMatch(
      /^satp 0x[0-9a-f]{8}: MODE Sv32, ASID \d+, root table at PPN 0x[0-9a-f]+ \(PA 0x[0-9a-f]{8}\)$/m,
    );
    expect(ask.stdout).toMatch(/^ {2}0x[0-9a-f]{8}: 0x[0-9a-f]{8}$/m);
    expect(
      ask.stdout.match(/^VA 0x[0-9a-f]{8} (fetch|load|store) +-> PA or fault\?$/gm),
    ).toHaveLength(8);
    const solved = await quiz("-s", "2", "-c", "-v");
    expect(solved.stdout).toMatch(
      /^ {2}0x[0-9a-f]{8}: 0x[0-9a-f]{8} {3}index +\d+ {2}PPN 0x[0-9a-f]{6} {2}[V-][R-][W-][X-][U-][G-][A-][D-]$/m,
    );
    expect(solved.stdout).toMatch(/^ {4}level 1: PTE at 0x[0-9a-f]{8} = 0x[0-9a-f]{8} {2}/m);
    expect(solved.stdout.match(/^ {4}-> (PA 0x|.* page fault \(cause 1[235]\): )/gm)).toHaveLength(
      8,
    );
  });

  it("-A takes VA[:access] words and answers them through the hand-checkable walk", async () => {
    const doc = JSON.parse(
      (await quiz("-s", "2", "-A", "0x0:fetch,4096:s,0xffffffff", "--json")).stdout,
    );
    expect(doc.problems.map((p: { question: string }) => p.question)).toEqual([
      "VA 0x00000000 fetch",
      "VA 0x00001000 store",
      "VA 0xffffffff load",
    ]);
  });

  it("is deterministic: the same seed gives the same output, another seed another", async () => {
    const a = await quiz("-s", "11", "-c", "-v", "-t", "5", "-n", "20");
    const b = await quiz("-s", "11", "-c", "-v", "-t", "5", "-n", "20");
    const c = await quiz("-s", "12", "-c", "-v", "-t", "5", "-n", "20");
    expect(a.stdout).toBe(b.stdout);
    expect(c.stdout).not.toBe(a.stdout);
  });

  it("--json gives satp, the PTEs and each walk", async () => {
    const doc = JSON.parse((await quiz("-s", "1", "-n", "3", "--json")).stdout);
    expect(doc.kind).toBe("sv32");
    expect(Object.keys(doc.setup)).toEqual(["satp", "asid", "rootPpn", "ramBytes", "ad", "ptes"]);
    expect(doc.setup.ad).toBe("hardware");
    expect(doc.problems).toHaveLength(3);
    for (const p of doc.problems) {
      expect(Object.keys(p)).toEqual([
        "number",
        "question",
        "answer",
        "explain",
        "va",
        "access",
        "steps",
        "pa",
        "cause",
        "reason",
      ]);
      expect(p.answer).toBe(
        p.pa === null ? `fault ${p.cause}` : `0x${p.pa.toString(16).padStart(8, "0")}`,
      );
      expect(Object.keys(p.steps[0])).toEqual(["level", "index", "pteAddr", "pte", "flags", "ppn"]);
    }
  });

  it("--check grades addresses, faults and causes", async () => {
    const doc = JSON.parse((await quiz("-s", "0", "-n", "12", "--json")).stdout);
    const problems = doc.problems as { answer: string; pa: number | null; cause: number | null }[];
    const ok = problems.find((p) => p.pa !== null)!;
    const bad = problems.find((p) => p.pa === null)!;
    expect(ok).toBeDefined();
    expect(bad).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), "vmlab-sv32-"));
    const check = async (lines: string[]) => {
      const file = join(dir, `answers-${Math.random()}`);
      writeFileSync(file, `${lines.join("\n")}\n`);
      return quiz("-s", "0", "-n", "12", "--check", file);
    };
    const right = await check(problems.map((p) => p.answer));
    expect(right.status).toBe(0);
    expect(right.stdout).toContain("12 of 12 right");
    // Other spellings of right answers: decimal addresses, a fault without or with its cause.
    const spelled = await check(
      problems.map((p) =>
        p.pa !== null ? String(p.pa) : p.cause === 13 ? "fault" : `page fault (${p.cause})`,
      ),
    );
    expect(spelled.stdout).toContain("12 of 12 right");
    const wrong = await check(
      problems.map((p) =>
        p.pa !== null ? `0x${(p.pa + 4).toString(16)}` : `fault ${p.cause === 12 ? 13 : 12}`,
      ),
    );
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain("0 of 12 right");
    expect(wrong.stdout).toMatch(/WRONG .* -- wrong address: /);
    expect(wrong.stdout).toMatch(/WRONG .* -- wrong cause: /);
    const swapped = await check(problems.map((p) => (p.pa !== null ? "fault" : "0x1000")));
    expect(swapped.stdout).toMatch(/-- it translates: /);
    expect(swapped.stdout).toMatch(/-- it faults: /);
  });
});

describe("bad flags are one-line errors", () => {
  const cases: [string[], number, RegExp][] = [
    [["-x"], 2, /^vmlab: quiz sv32: no such option: -x$/],
    [["-t", "x"], 2, /option -t: invalid integer value: 'x'/],
    [["-t", "0"], 1, /-t: 0 is not from 1 to 16/],
    [["-n", "0"], 1, /-n: 0 is not from 1 to 1000/],
    [["-A", "zz"], 1, /-A: 'zz' is not VA\[:fetch\|load\|store\] with a 32-bit VA/],
    [["-A", "0x100000000"], 1, /-A: '0x100000000' is not VA/],
    [["-A", "0x1000:exec"], 1, /-A: '0x1000:exec': the access must be fetch, load or store/],
  ];
  for (const [args, status, message] of cases) {
    it(`quiz sv32 ${args.join(" ")}`, async () => {
      const r = await quiz(...args);
      expect(r.status).toBe(status);
      expect(r.stdout).toBe("");
      expect(r.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(message);
    });
  }
});
