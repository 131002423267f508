// The tlb lab: reference full marks, starter zero, the broken implementation's two bugs (the
// refill leaves the PTE's A bit clear; reach.s walks odd rounds backwards) cost exactly their
// tests.
import { it } from "vitest";
import { checkLab } from "./helpers.js";

it("tlb: solution 100, starter 0, broken loses exactly the A-bit and beyond-reach tests", async () => {
  await checkLab("tlb", [
    "refill: sets the accessed (A) bit of the PTE, as the hardware walker would",
    "reach.s: 32 pages overflow a 16-entry TLB: every touch misses",
  ]);
});
