// The Counters pane's data is the `--stats --json` object: the same names and values.
import { describe, expect, it } from "vitest";
import { countersView } from "../../../session/view/counters.js";
import { runVmlab } from "../../helpers/vmlab.js";
import { session, stepTraced } from "./helpers.js";

describe("countersView", () => {
  it("1. at the end of a run it is what `vmlab run --stats --json` prints", async () => {
    const s = session(["programs/pressure/forkpt.s"], { ram: 128 * 1024, swap: 1024 * 1024 });
    while (s.hasLive()) s.runQuiet(1000);
    const r = await runVmlab([
      "run",
      "--ram",
      "128k",
      "--swap",
      "1m",
      "--stats",
      "--json",
      "programs/pressure/forkpt.s",
    ]);
    const printed = JSON.parse(r.stderr.trim().split("\n").at(-1)!);
    expect(countersView(s)).toEqual(printed);
    expect(printed.swapOuts).toBeGreaterThan(0);
  });

  it("2. part-way, after traced steps, the hardware's counters are those of `vmlab run --max-steps` there", async () => {
    const s = session(["programs/sort.s"], { tlb: 8 });
    stepTraced(s, 300);
    const r = await runVmlab([
      "run",
      "--tlb",
      "8",
      "--max-steps",
      "300",
      "--stats",
      "--json",
      "programs/sort.s",
    ]);
    const printed = JSON.parse(r.stderr.trim().split("\n").at(-1)!);
    const hardware = [
      "instructions",
      "loads",
      "stores",
      "tlbHits",
      "tlbMisses",
      "walkReads",
      "pageFaults",
      "minorFaults",
      "zeroFills",
    ];
    const pick = (o: object) =>
      Object.fromEntries(hardware.map((k) => [k, (o as Record<string, unknown>)[k]]));
    expect(pick(countersView(s))).toEqual(pick(printed));
    expect(printed.instructions).toBe(300);
  });
});
