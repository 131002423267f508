// `vmlab run --stats`: every counter printed (text or JSON, under every scheme) is listed in
// docs/stats.md with the unit the text form prints; the text form carries units and sizes, shows
// rssPeak as a table, and leaves out exactly counters that stay 0 under the setup; --check says
// once what it checked.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliIo, openUserFile, readUserFile, writeUserFile } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import { COUNTER_UNITS, formatSize } from "../../session/stats.js";
import { runVmlab } from "../helpers/vmlab.js";

/** The counters docs/stats.md lists: first-column names of its tables, with their unit column. */
function documentedCounters(): Map<string, string> {
  const doc = readFileSync("docs/stats.md", "utf8");
  const rows = doc.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm);
  return new Map([...rows].map((m) => [m[1]!, m[2]!.trim()]));
}

/** Setups that between them print every counter: each scheme, swap, software refill, A/D traps. */
const SETUPS: { name: string; args: string[] }[] = [
  { name: "paged", args: ["programs/usertests/cow.s"] },
  {
    name: "paged, swap, software refill",
    args: ["--ram", "256k", "--swap", "1m", "--tlb-refill", "software", "programs/swap/forkswap.s"],
  },
  {
    name: "paged, --ad trap, --fork-copy",
    args: ["--ad", "trap", "--fork-copy", "programs/usertests/cow.s"],
  },
  { name: "segmented", args: ["--mm", "segmented", "programs/memory.s"] },
  { name: "base-limit", args: ["--mm", "base-limit", "programs/sieve.s"] },
  { name: "bare", args: ["--mm", "bare", "programs/hello.s"] },
];

const STATS_LINE = /^\[stats\] (\w+) +(\S+)(?: (.*))?$/;

/** The counters of the text form, by name: value and the words after it. */
function textCounters(stderr: string): Map<string, { value: string; rest: string }> {
  const out = new Map<string, { value: string; rest: string }>();
  for (const line of stderr.split("\n")) {
    const m = STATS_LINE.exec(line);
    if (m && !line.startsWith("[stats] rssPeak"))
      out.set(m[1]!, { value: m[2]!, rest: m[3] ?? "" });
  }
  return out;
}

async function both(args: string[]) {
  const text = await runVmlab(["run", "--stats", ...args]);
  const json = await runVmlab(["run", "--stats", "--json", ...args]);
  const counters = JSON.parse(json.stderr.trim().split("\n").at(-1)!) as Record<string, unknown>;
  return { text, counters };
}

describe("docs/stats.md lists every counter --stats prints", () => {
  const documented = documentedCounters();

  it("1. the doc's tables name every counter the printer knows, with the printer's unit", () => {
    for (const [name, shown] of Object.entries(COUNTER_UNITS)) {
      expect(documented.get(name), `docs/stats.md: ${name}`).toBe(shown.unit);
    }
    expect([...documented.keys()].sort()).toEqual(Object.keys(COUNTER_UNITS).sort());
  });

  for (const [i, setup] of SETUPS.entries()) {
    it(`${i + 2}. ${setup.name}: every printed counter is documented; left out ones stayed 0`, async () => {
      const { text, counters } = await both(setup.args);
      const printed = textCounters(text.stderr);
      expect(printed.size, text.stderr).toBeGreaterThan(10);
      for (const name of [...printed.keys(), ...Object.keys(counters)]) {
        expect(documented.has(name), `${name} is printed but not in docs/stats.md`).toBe(true);
      }
      for (const [name, value] of Object.entries(counters)) {
        if (name === "rssPeak") {
          const shown = text.stderr.includes("[stats] rssPeak by process");
          if (!shown) expect(Object.values(value as object).every((n) => n === 0)).toBe(true);
          continue;
        }
        if (!printed.has(name)) expect(value, `${name} left out of the text form`).toBe(0);
      }
    });
  }
});

describe("the text form", () => {
  it(`${SETUPS.length + 2}. has units, sizes and the rssPeak table (hello.s, paged)`, async () => {
    const r = await runVmlab(["run", "--stats", "programs/hello.s"]);
    const c = textCounters(r.stderr);
    expect(c.get("cycles")?.rest).toBe("cycles");
    expect(c.get("effectiveAccessTime")?.rest).toMatch(/^ns per access \(\d+(\.\d\d)? cycles\)$/);
    expect(c.get("framesTotal")).toEqual({ value: "4096", rest: "frames (16 MiB)" });
    expect(c.get("processes")).toEqual({ value: "1", rest: "process" });
    expect(c.get("minorFaults")).toEqual({ value: "2", rest: "faults" });
    expect(r.stderr).toMatch(
      /\[stats\] rssPeak by process \(most pages resident at once\):\n\[stats\] {5}pid {2}pages {2}size\n\[stats\] {7}1 {6}2 {2}8 KiB\n/,
    );
  });

  it(`${SETUPS.length + 3}. leaves out what cannot move: no TLB outside paging, no swap without --swap`, async () => {
    const seg = textCounters(
      (await runVmlab(["run", "--stats", "--mm", "segmented", "programs/hello.s"])).stderr,
    );
    for (const name of [
      "tlbHits",
      "tlbMisses",
      "walkReads",
      "pageFaults",
      "minorFaults",
      "swapOuts",
    ])
      expect(seg.has(name), name).toBe(false);
    expect(seg.get("largestHole")?.rest).toMatch(/^bytes \(\d+(\.\d)? MiB\)$/);
    const paged = textCounters((await runVmlab(["run", "--stats", "programs/hello.s"])).stderr);
    expect(paged.has("tlbHits")).toBe(true);
    for (const name of ["swapOuts", "diskWrites", "majorFaults", "tlbRefills", "tlbRefillTraps"])
      expect(paged.has(name), name).toBe(false);
  });

  it(`${SETUPS.length + 4}. formats sizes in the largest binary unit`, () => {
    expect(formatSize(16 * 1024 * 1024)).toBe("16 MiB");
    expect(formatSize(4080 * 4096)).toBe("15.9 MiB");
    expect(formatSize(1536)).toBe("1.5 KiB");
    expect(formatSize(512)).toBe("512 bytes");
    expect(formatSize(2 ** 31)).toBe("2 GiB");
  });
});

describe("--check", () => {
  it(`${SETUPS.length + 5}. says once at exit how many traps it checked after`, async () => {
    const r = await runVmlab(["run", "--check", "--stats", "--json", "programs/usertests/cow.s"]);
    const lines = r.stderr.trim().split("\n");
    const s = JSON.parse(lines.at(-1)!) as Record<string, number>;
    const summaries = lines.filter((l) => l.includes("check:"));
    expect(summaries).toEqual([
      // every trap of this run is a page fault or an ecall
      `[vmlab] check: ${s.pageFaults! + s.syscalls!} traps, all invariants held`,
    ]);
    expect(lines.at(-2)).toBe(summaries[0]);
  });

  it(`${SETUPS.length + 6}. says nothing without --check`, async () => {
    const r = await runVmlab(["run", "programs/hello.s"]);
    expect(r.stderr).not.toMatch(/check:/);
  });

  it(`${SETUPS.length + 7}. on Ctrl-C, says how many traps it checked so far, before the counters`, async () => {
    const path = join(mkdtempSync(join(tmpdir(), "vmlab-stats-")), "getpids.s");
    // getpid every 2000 instructions or so: few enough traps that checking after each is quick
    writeFileSync(
      path,
      `        .text
        .globl _start
_start: li a7, 172
        ecall
        li t0, 1000
spin:   addi t0, t0, -1
        bnez t0, spin
        j _start
`,
    );
    let stderr = "";
    const io: CliIo = {
      stdout: () => {},
      stderr: (d) => {
        stderr += typeof d === "string" ? d : new TextDecoder().decode(d);
      },
      readStdin: () => new Uint8Array(0),
      readFile: readUserFile,
      writeFile: writeUserFile,
      createWriter: openUserFile,
      onInterrupt: (handler) => {
        const timer = setTimeout(handler, 200); // as if the user pressed Ctrl-C after 0.2 s
        return () => clearTimeout(timer);
      },
    };
    expect(await main(["run", "--check", "--stats", "--json", path], io)).toBe(130);
    const lines = stderr.trim().split("\n");
    const s = JSON.parse(lines.at(-1)!) as Record<string, number>;
    expect(s.syscalls).toBeGreaterThan(0);
    const traps = s.syscalls! + s.pageFaults!; // the first fetch faults the text page in
    expect(lines.at(-2)).toBe(`[vmlab] check: ${traps} traps so far, all invariants held`);
  });
});
