// The A extension under the kernel: a trap or a context switch between lr.w and sc.w makes the
// sc.w fail (the kernel clears the reservation), a quantum ending inside a short lr/sc loop is
// stretched so the loop can finish, and an AMO is a store for protection and copy-on-write.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

const SIGSEGV_STATUS = 128 + 11;

const dir = mkdtempSync(join(tmpdir(), "vmlab-atomic-"));
let files = 0;
function source(text: string): string {
  const path = join(dir, `${files++}.s`);
  writeFileSync(path, text);
  return path;
}

/** A program: `body` runs with a1 = the address of a data word holding 5; exits with a0. */
function program(
  body: string,
  data = "        .data\n        .balign 4\nword:   .word 5\n",
): string {
  return source(
    `${data}        .text\n        .globl _start\n_start: la a1, word\n${body}\n        li a7, 93\n        ecall\n`,
  );
}

const NOPS = (n: number) => "        nop\n".repeat(n);

describe("the reservation under the kernel", () => {
  it("sc.w succeeds after lr.w with nothing in between (status 0, the word written)", async () => {
    const p = program("lr.w a0, (a1)\nli a2, 9\nsc.w a3, a2, (a1)\nlw a0, 0(a1)\nadd a0, a0, a3");
    expect((await runVmlab(["run", p])).status).toBe(9);
  });

  it("a system call between lr.w and sc.w makes it fail: any trap clears the reservation", async () => {
    const p = program("lr.w t0, (a1)\nli a7, 172\necall\nli a2, 9\nsc.w a0, a2, (a1)");
    expect((await runVmlab(["run", p])).status).toBe(1);
  });

  it("a page fault between lr.w and sc.w makes it fail", async () => {
    const data =
      "        .data\n        .balign 4\nword:   .word 5\n        .bss\n        .balign 4096\nfar: .space 4096\n";
    const p = program("lr.w t0, (a1)\nla t1, far\nlw t1, 0(t1)\nsc.w a0, a1, (a1)", data);
    expect((await runVmlab(["run", "--check", p])).status).toBe(1);
  });

  it("a context switch between lr.w and sc.w makes it fail", async () => {
    // 40 instructions between them: more than a quantum of 5 plus the 16-instruction grace.
    const p = program(`lr.w t0, (a1)\n${NOPS(40)}sc.w a0, a1, (a1)`);
    const two = await runVmlab(["run", "--quantum", "5", p, p]);
    expect(two.status, two.stderr).toBe(1);
  });

  it("a quantum ending with no other process to run is no context switch", async () => {
    const p = program(`lr.w t0, (a1)\n${NOPS(40)}sc.w a0, a1, (a1)`);
    expect((await runVmlab(["run", "--quantum", "5", p])).status).toBe(0);
  });

  it("a quantum ending inside a short lr/sc loop is stretched so the loop finishes", async () => {
    // Two processes increment their word 200 times with lr/sc under a 2-instruction quantum.
    const loop = `        li s0, 200
1:      lr.w t0, (a1)
        addi t0, t0, 1
        sc.w t1, t0, (a1)
        bnez t1, 1b
        addi s0, s0, -1
        bnez s0, 1b
        lw a0, 0(a1)`;
    const p = program(loop);
    const r = await runVmlab(["run", "--quantum", "2", "--max-steps", "100000", p, p]);
    expect(r.status, r.stderr).toBe(205);
  });
});

describe("an AMO is a store", () => {
  const ON_TEXT = "la a1, _start\nli a2, 1\n";

  it("amoadd.w on read-only text is a store page fault; lr.w there is a load", async () => {
    const amo = await runVmlab(["run", program(`${ON_TEXT}amoadd.w a0, a2, (a1)`)]);
    expect(amo.status).toBe(SIGSEGV_STATUS);
    expect(amo.stderr).toMatch(
      /killed: store page fault at 0x[0-9a-f]{8} \(write to a read-only page\)/,
    );
    const lr = await runVmlab(["run", program(`${ON_TEXT}lr.w a0, (a1)\nli a0, 3`)]);
    expect(lr.status, lr.stderr).toBe(3);
  });

  it("amoswap.w in a forked child breaks copy-on-write: the parent keeps its word", async () => {
    const fork = `        lw t0, 0(a1)                    # map the word's page before fork, to share it
        li a0, 17
        li a1, 0
        li a2, 0
        li a3, 0
        li a4, 0
        li a7, 220
        ecall
        la a1, word
        bnez a0, parent
        li a2, 77
        amoswap.w a0, a2, (a1)          # the child: the old word (5) ...
        lw a3, 0(a1)
        add a0, a0, a3                  # ... plus the new one (77): exit 82
        li a7, 93
        ecall
parent: addi sp, sp, -128
        li a0, 0
        li a1, 0
        mv a2, sp
        li a3, 4
        li a7, 95
        ecall                           # waitid(P_ALL, 0, &info, WEXITED)
        lw t0, 20(sp)
        la a1, word
        lw a0, 0(a1)
        add a0, a0, t0                  # the parent's word (5) + the child's status (82)`;
    const r = await runVmlab(["run", "--check", "--stats", program(fork)]);
    expect(r.status, r.stderr).toBe(5 + 82);
    expect(r.stderr).toMatch(/\[stats\] cowCopies +[1-9]/);
  });
});
