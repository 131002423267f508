// The faults lab: reference full marks, starter zero, the broken handler's two bugs (the guard
// page looked for one page too high, copy-on-write copying for the last sharer) cost exactly
// their tests.
import { it } from "vitest";
import { checkLab } from "./helpers.js";

it("faults: solution 100, starter 0, broken loses exactly the guard-page and last-sharer tests", async () => {
  await checkLab("faults", [
    "stack: running into the guard page below the stack limit is fatal",
    "copy-on-write: the last sharer gets the page back without a copy (cowCopies)",
  ]);
});
