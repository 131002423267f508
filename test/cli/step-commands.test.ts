// Stepper commands added for readers at a terminal: x/s prints strings, every x dump ends with its
// bytes as text, and restart goes back to the first instruction keeping the stops.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-step-cmds-"));

function step(args: string[], commands: string) {
  const script = join(dir, "script.txt");
  writeFileSync(script, commands);
  return runVmlab(["step", ...args, "--script", script]);
}

const strings = join(dir, "strings.s");
writeFileSync(
  strings,
  `        .data
two:    .asciz  "tab\\there"
        .asciz  "quote\\" and \\\\ back"
        .byte   1, 0x7f, 0
long:   .fill   300, 1, 0x41
        .text
        .globl  _start
_start: la      a0, two
        lw      a1, 0(a0)
        li      a0, 0
        li      a7, 93
        ecall
`,
);

describe("x/s and the text column", () => {
  it("x/Ns prints N strings one after another, C-escaped", async () => {
    const r = await step([strings], "step 3\nx/3s two\n");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^0x[0-9a-f]{8} <two>: {2}"tab\\there"$/m);
    expect(r.stdout).toMatch(/^0x[0-9a-f]{8} <two\+0x9>: {2}"quote\\" and \\\\ back"$/m);
    expect(r.stdout).toMatch(/^0x[0-9a-f]{8} <two\+0x1b>: {2}"\\x01\\x7f"$/m);
  });

  it("a string with no NUL in 256 bytes, and one in unmapped memory, say so", async () => {
    const r = await step([strings], "step 3\nx/s long\nx/s 0x40000000\n");
    expect(r.stdout).toMatch(
      new RegExp(`<long>: {2}"${"A".repeat(256)}" \\.\\.\\. \\(no NUL in 256 bytes\\)$`, "m"),
    );
    expect(r.stdout).toMatch(/^0x40000000: {2}"" \.\.\. \(not mapped\)$/m);
  });

  it("every dump line ends with its bytes as text, in memory order", async () => {
    const r = await step([strings], "step 3\nx/2w two\nx/4h two\nx/8b two\n");
    expect(r.stdout).toMatch(/<two>: {2}0x09626174 {2}0x65726568 {2}\|tab\.here\|$/m);
    expect(r.stdout).toMatch(/<two>: {2}0x6174 {2}0x0962 {2}0x6568 {2}0x6572 {2}\|tab\.here\|$/m);
    expect(r.stdout).toMatch(
      /<two>: {2}0x74 {2}0x61 {2}0x62 {2}0x09 {2}0x68 {2}0x65 {2}0x72 {2}0x65 {2}\|tab\.here\|$/m,
    );
  });

  it("xp refuses /s", async () => {
    const r = await step([strings], "xp/s 0x1000\n");
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("xp shows no strings (use x/s with a virtual address)");
  });
});

describe("restart", () => {
  it("goes back to step 0 with the same state as a fresh session, keeping breakpoints", async () => {
    const r = await step(
      ["programs/fib.s"],
      "break loop\ncontinue\nstep 5\nrestart\nregs\ncontinue\n",
    );
    const fresh = await step(["programs/fib.s"], "regs\n");
    expect(r.stdout).toMatch(
      /^restarted: back at step 0 \(from step \d+\); breakpoints and watchpoints kept$/m,
    );
    const regsAfter = r.stdout.split(") regs\n")[1]!.split("\n").slice(0, 9).join("\n");
    const regsFresh = fresh.stdout.split(") regs\n")[1]!.split("\n").slice(0, 9).join("\n");
    expect(regsAfter).toBe(regsFresh);
    // the breakpoint is still there: the second continue stops at it again
    expect(r.stdout.match(/stopped: breakpoint 1 \(loop\) reached by pid 1/g)).toHaveLength(2);
  });
});

describe("the address split", () => {
  it("under segmented: segment | offset, before the relocation", async () => {
    const r = await step(["programs/hello.s", "--mm", "segmented"], "step 1\ntranslate $sp w\n");
    expect(r.stdout).toMatch(
      /^ {6}va 0x00010074 = segment \(bits 31-30\) 0x0 \| offset \(bits 29-0\) 0x10074\n {6}segment 0/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}va 0x7[0-9a-f]{7} = segment \(bits 31-30\) 0x1 \| offset \(bits 29-0\) 0x3[0-9a-f]{7}$/m,
    );
  });

  it("under base-limit and bare there is nothing to split", async () => {
    for (const mm of ["base-limit", "bare"]) {
      const r = await step(["programs/hello.s", "--mm", mm], "step 1\n");
      expect(r.stdout).not.toContain(" va 0x");
    }
  });
});

describe("segments are named, and pt and the trace agree", () => {
  it("the trace names the segment; pt shows the registers the trace shows, and the block behind", async () => {
    const r = await step(["programs/hello.s", "--mm", "segmented"], "step 1\npt\n");
    const m =
      /^ {6}segment 0 \(code\+data\+heap\): base (0x[0-9a-f]{8}) limit (0x[0-9a-f]{8}) offset/m.exec(
        r.stdout,
      );
    expect(m, r.stdout).not.toBeNull();
    expect(r.stdout).toContain("pid 1's segment registers (as the trace shows them):");
    expect(r.stdout).toMatch(
      new RegExp(
        `^ {2}0 code\\+data\\+heap {2}base ${m![1]} {2}limit ${m![2]} {2}grows up {4}\\(block of 0x[0-9a-f]+ bytes reserved\\)$`,
        "m",
      ),
    );
    expect(r.stdout).toMatch(
      /^ {2}1 stack {11}base 0x[0-9a-f]{8} {2}limit 0x[0-9a-f]{8} {2}grows down {2}\(block of 0x[0-9a-f]+ bytes reserved\)$/m,
    );
  });

  it("under base-limit, pt shows the base and limit registers", async () => {
    const r = await step(["programs/hello.s", "--mm", "base-limit"], "step 1\npt\n");
    const m = /^ {6}base (0x[0-9a-f]{8}) limit (0x[0-9a-f]{8}) offset/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(r.stdout).toMatch(
      new RegExp(`^ {2}0 partition {2}base ${m![1]} {2}limit ${m![2]} {2}grows up`, "m"),
    );
  });
});

describe("x and xp refuse what would not end", () => {
  it("a count above 65536 is refused, not a host crash; xp says which end leaves RAM", async () => {
    const r = await step(
      ["programs/hello.s"],
      "x/99999999999999999999b 0\nxp/2w 0xfffffc\nx/4w msg\n",
    );
    expect(r.stderr).toContain("at most 65536 units at a time (asked for 99999999999999999999)");
    expect(r.stderr).toContain("2 units from 0x00fffffc run past the end of RAM at 0x01000000");
    expect(r.stderr).not.toContain("internal error");
    expect(r.stdout).toContain("<msg>:");
  });
});
