// The contiguous lab: reference full marks, starter zero, the broken implementation's two bugs
// (next fit skips the hole holding the rover; compact leaves the rover behind) cost exactly the
// tests they touch: every next-fit test, and the compaction test.
import { it } from "vitest";
import { checkLab } from "./helpers.js";

it("contiguous: solution 100, starter 0, broken loses exactly the next-fit and compact tests", async () => {
  await checkLab("contiguous", [
    "next fit: the textbook example (requests of 12K, 10K, 9K)",
    "fit policies: the workloads place every block where the reference does",
    "compact: slides the blocks down in order and returns the moves",
    "kernel: base-limit partitions go where the reference puts them, for each policy",
  ]);
});
