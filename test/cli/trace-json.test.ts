// `vmlab run --trace-json` output validates against the schema documented in docs/trace.md.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

type FieldType = "uint" | "int" | "bool" | "string" | "args" | "result" | "pidOrNull" | "slot";
const common: Record<string, FieldType> = { t: "uint", cat: "string", kind: "string" };
const schema: Record<string, Record<string, FieldType>> = {
  "mmu/start": { access: "uint", va: "uint", mode: "string" },
  "mmu/tlb": { vpn: "uint", asid: "uint", set: "uint", way: "int", hit: "bool" },
  "tlb/tlb": { vpn: "uint", asid: "uint", set: "uint", way: "int", hit: "bool" },
  "mmu/walk": {
    level: "uint",
    index: "uint",
    pteAddr: "uint",
    pte: "uint",
    flags: "string",
    pfn: "uint",
  },
  "mmu/check": { access: "uint", flags: "string", reason: "string" },
  "mmu/recheck": { pteAddr: "uint", pte: "uint", cached: "uint" },
  "mmu/ad": { pteAddr: "uint", old: "uint", pte: "uint" },
  "mmu/fill": {
    index: "uint",
    set: "uint",
    way: "uint",
    vpn: "uint",
    ppn: "uint",
    asid: "uint",
    global: "bool",
    megapage: "bool",
  },
  "tlb/fill": {
    index: "uint",
    set: "uint",
    way: "uint",
    vpn: "uint",
    ppn: "uint",
    asid: "uint",
    global: "bool",
    megapage: "bool",
  },
  "mmu/relocate": { base: "uint", limit: "uint", offset: "uint" },
  "mmu/done": { pa: "uint" },
  "mmu/fault": { cause: "uint", reason: "string" },
  "fault/fault": { pid: "uint", va: "uint", cause: "string", action: "string" },
  "syscall/syscall": { pid: "uint", name: "string", args: "args", result: "result" },
  "sched/sched": { from: "pidOrNull", to: "uint" },
  "sched/exit": { pid: "uint", how: "string", status: "uint" },
  "swap/swap": { op: "string", pid: "uint", va: "uint", ppn: "uint", slot: "slot" },
  "alloc/frame": { op: "string", ppn: "uint", use: "string", pid: "uint" },
};

const isUint = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 32;
const checks: Record<FieldType, (v: unknown) => boolean> = {
  uint: isUint,
  int: (v) => Number.isInteger(v),
  bool: (v) => typeof v === "boolean",
  string: (v) => typeof v === "string",
  args: (v) => Array.isArray(v) && v.length === 6 && v.every(isUint),
  result: (v) => Number.isInteger(v) || v === "blocked" || v === "none",
  pidOrNull: (v) => v === null || isUint(v),
  slot: (v) => v === null || isUint(v),
};

/** The schema problems of one event, or none. */
function problems(e: Record<string, unknown>): string[] {
  const fields = schema[`${e.cat}/${e.kind}`];
  if (!fields) return [`unknown event ${e.cat}/${e.kind}`];
  const all = { ...common, ...fields };
  return Object.entries(all)
    .filter(([name, type]) => !checks[type](e[name]))
    .map(
      ([name, type]) =>
        `${e.cat}/${e.kind}: field ${name} = ${JSON.stringify(e[name])} is not ${type}`,
    );
}

describe("--trace-json", () => {
  const dir = mkdtempSync(join(tmpdir(), "vmlab-trace-"));

  it("writes events of every category that validate against the documented schema", async () => {
    const out = join(dir, "all.jsonl");
    const r = await runVmlab([
      "run",
      "--trace-json",
      out,
      "--tlb",
      "4",
      "programs/echo.s",
      "--",
      "a",
      "b",
    ]);
    expect(r.status).toBe(0);
    const events = readFileSync(out, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.flatMap(problems)).toEqual([]);
    const seen = new Set(events.map((e) => `${e.cat}/${e.kind}`));
    for (const k of [
      "mmu/start",
      "mmu/walk",
      "mmu/check",
      "mmu/done",
      "tlb/tlb",
      "tlb/fill",
      "fault/fault",
      "syscall/syscall",
      "sched/sched",
      "sched/exit",
      "alloc/frame",
    ]) {
      expect(seen, k).toContain(k);
    }
    const times = events.map((e) => e.t as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("writes only the categories asked for with --trace", async () => {
    const out = join(dir, "some.jsonl");
    const r = await runVmlab([
      "run",
      "--trace",
      "syscall",
      "--trace-json",
      out,
      "programs/hello.s",
    ]);
    expect(r.status).toBe(0);
    const cats = new Set(
      readFileSync(out, "utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { cat: string }).cat),
    );
    expect([...cats]).toEqual(["syscall"]);
    expect(r.stderr).toMatch(/\[trace\] pid 1 write\(1, 0x[0-9a-f]+, 18\) = 18/);
  });

  it("segmented and base-limit translations validate too", async () => {
    for (const mm of ["segmented", "base-limit"]) {
      const out = join(dir, `${mm}.jsonl`);
      expect(
        (
          await runVmlab([
            "run",
            "--mm",
            mm,
            "--trace",
            "mmu",
            "--trace-json",
            out,
            "programs/hello.s",
          ])
        ).status,
      ).toBe(0);
      const events = readFileSync(out, "utf8")
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(events.flatMap(problems)).toEqual([]);
      expect(events.some((e) => e.kind === "relocate")).toBe(true);
    }
  });

  it("refuses an unknown category", async () => {
    const r = await runVmlab(["run", "--trace", "mmu,bogus", "programs/hello.s"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--trace: unknown category 'bogus'/);
  });
});
