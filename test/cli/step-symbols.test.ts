// The stepper names code by its labels only: in ELF files built by GNU as, the mapping symbols
// ($x, $d, "$xrv32i2p1_m2p0...") that mark code and data are not labels.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

it("break main in a C program built by GCC stops at <main>, not at a mapping symbol", async () => {
  const script = join(mkdtempSync(join(tmpdir(), "vmlab-step-symbols-")), "script.txt");
  writeFileSync(script, "break main\ncontinue\nwhere\n");
  const r = await runVmlab(["step", "programs/c/bin/printf.elf", "--script", script]);
  expect(r.status, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/<main>/);
  expect(r.stdout).not.toMatch(/<\$x/);
});
