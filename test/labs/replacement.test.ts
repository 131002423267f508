// The replacement lab: reference full marks, starter zero, the broken implementation's two bugs
// (Clock clears the bits of pages it may not evict; aging breaks ties toward the newest page)
// cost exactly the tests they touch.
import { it } from "vitest";
import { checkLab } from "./helpers.js";

it("replacement: solution 100, starter 0, broken loses exactly the pinned-page and aging tests", async () => {
  await checkLab("replacement", [
    "clock: pages the kernel may not evict are passed over, their bits untouched",
    "aging: smallest counter goes, A counting above it, ties to the earliest loaded",
    "aging: the traces give the reference's hits and victims (3 to 8 frames)",
    "kernel: aging with swap, a loop over 150 pages in 112 frames",
    "kernel: aging with swap, fork under memory pressure (2 MiB copy-on-write)",
  ]);
});
