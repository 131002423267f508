// The Counters pane's data is the `--stats --json` object: the same names and values.
import { describe, expect, it } from "vitest";
import { collectStats } from "../../../cli/stats.js";
import { countersView } from "../../../session/view/counters.js";
import { runVmlab } from "../../helpers/vmlab.js";
import { session, stepTraced } from "./helpers.js";

describe("countersView", () => {
  it("1. equals cli/stats.ts collectStats at any point (the copy has not drifted)", () => {
    for (const [files, opts] of [
      [["programs/hello.s"], {}],
      [["programs/pressure/forkpt.s"], { ram: 128 * 1024, swap: 1024 * 1024 }],
      [["programs/sort.s"], { mm: "segmented" as const }],
    ] as const) {
      const s = session([...files], opts);
      for (const n of [0, 3, 200]) {
        stepTraced(s, n);
        expect(countersView(s)).toEqual(collectStats(s.world.machine, s.world.kernel));
      }
    }
  });

  it("2. at the end of a run it is what `vmlab run --stats --json` prints", async () => {
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
});
