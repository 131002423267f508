// Every guest program behaves the same under each memory-management scheme and under any TLB
// configuration: the scheme changes how addresses are translated, never what a program computes.
// Runs with the kernel's invariant checker on. The one exception: a deep recursion outgrows
// base-limit's fixed stack, and is killed there for a stack overflow.
import { describe, expect, it } from "vitest";
import { expectedStdout, programCases, sourcePath } from "../expected/manifest.js";
import { runVmlab } from "../helpers/vmlab.js";

const cases = programCases.filter((c) => !c.bench);
/** Programs that rely on page 0 being unmapped: only paging can leave a hole at address 0. */
const needsNullHole = new Set(["syscalls"]);
/** Programs that share memory between processes (MAP_SHARED): only paging can. */
const needsSharing = new Set(["spinlock"]);
/** Programs whose stack outgrows base-limit's fixed one: killed there for a stack overflow. */
const outgrowsFixedStack = new Set(["recurse"]);
const SIGSEGV_STATUS = 128 + 11;

const configurations: [string, string[]][] = [
  ["bare", ["--mm", "bare"]],
  ["base-limit", ["--mm", "base-limit"]],
  ["segmented", ["--mm", "segmented"]],
  [
    "paged, 4-entry direct-mapped TLB, FIFO",
    ["--tlb", "4", "--tlb-ways", "1", "--tlb-policy", "fifo"],
  ],
  [
    "paged, software refill, A/D by trap",
    ["--tlb", "8", "--tlb-ways", "2", "--tlb-refill", "software", "--ad", "trap"],
  ],
  [
    "paged, random replacement, eager fork",
    ["--tlb", "16", "--tlb-ways", "4", "--tlb-policy", "random", "--fork-copy"],
  ],
];

for (const [name, flags] of configurations) {
  describe(`guest programs under ${name}`, () => {
    for (const c of cases) {
      if (!name.startsWith("paged") && (needsNullHole.has(c.name) || needsSharing.has(c.name)))
        continue;
      const overflows = name === "base-limit" && outgrowsFixedStack.has(c.name);
      const title = overflows ? "killed for a stack overflow" : "same output and status";
      it(`${c.name}: ${title}`, async () => {
        const r = await runVmlab(
          ["run", "--check", "--stats", "--json", ...flags, sourcePath(c), "--", ...(c.args ?? [])],
          c.stdin ?? "",
        );
        if (overflows) {
          expect(r.status, r.stderr).toBe(SIGSEGV_STATUS);
          expect(r.stderr).toMatch(/pid 1 killed: stack overflow: .* \(SIGSEGV\)/);
        } else {
          expect({ stdout: r.stdout, status: r.status }, r.stderr).toEqual({
            stdout: expectedStdout(c),
            status: c.status,
          });
        }
        const stats = JSON.parse(r.stderr.trim().split("\n").at(-1)!) as {
          framesFree: number;
          framesFreeAtBoot: number;
        };
        expect(stats.framesFree, "every frame is free again at the end").toBe(
          stats.framesFreeAtBoot,
        );
      });
    }
  });
}
