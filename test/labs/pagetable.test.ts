// The pagetable lab: reference full marks, starter zero, the broken implementation's two bugs
// (unmapPages never frees, vmprint drops the COW mark) cost exactly their tests.
import { it } from "vitest";
import { checkLab } from "./helpers.js";

it("pagetable: solution 100, starter 0, broken loses exactly the unmapPages and vmprint tests", async () => {
  await checkLab("pagetable", [
    "unmapPages: clears a range, freeing the frames only when asked",
    "vmprint: prints the table in the handout's format",
  ]);
});
