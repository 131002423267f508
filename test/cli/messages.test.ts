// Messages that tell a beginner what went wrong: a program that runs off the end of its code.
// (The lab loader's syntax errors, with columns counted from 1, are checked in
// test/labs/cli.test.ts: `syntax error at allocator.ts:2:22`.)
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-messages-"));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const HINT = "did the program forget to call exit?";

describe("running off the end of _start", () => {
  const fallsOff = file("falls-off.s", ".globl _start\n_start:\n  li a0, 1\n  addi a0, a0, 1\n");

  for (const mm of ["paged", "base-limit", "segmented", "bare"]) {
    it(`--mm ${mm}: the illegal 0x00000000 after the last instruction asks about exit`, async () => {
      const r = await runVmlab(["run", "--mm", mm, fallsOff]);
      expect(r.status).toBe(132);
      expect(r.stderr).toBe(
        `[vmlab] pid 1 killed: illegal instruction 0x00000000 at pc 0x0001007c, just past the last instruction: ${HINT} (SIGILL)\n`,
      );
    });
  }

  it("a zero word in the middle of the code (programs/illegal.s) is not taken for the end", async () => {
    const r = await runVmlab(["run", "programs/illegal.s"]);
    expect(r.status).toBe(132);
    expect(r.stderr).toMatch(/illegal instruction 0x00000000 at pc 0x[0-9a-f]{8} \(SIGILL\)\n$/);
    expect(r.stderr).not.toContain(HINT);
  });

  it("another illegal word is not either", async () => {
    const other = file("other.s", ".globl _start\n_start:\n  .word 0xffffffff\n");
    const r = await runVmlab(["run", other]);
    expect(r.stderr).toMatch(/illegal instruction 0xffffffff at pc 0x00010074 \(SIGILL\)\n$/);
  });

  it("a program that calls exit runs as before", async () => {
    const ok = file("exits.s", ".globl _start\n_start:\n  li a0, 3\n  li a7, 93\n  ecall\n");
    const r = await runVmlab(["run", ok]);
    expect(r.status).toBe(3);
    expect(r.stderr).toBe("");
  });
});
