// Assembling is fast enough to be invisible: a 10,000-line program in well under a second.
import { describe, expect, it } from "vitest";
import { assemble } from "../../asm/assembler.js";
import { writeElf } from "../../asm/elf-writer.js";

const LIMIT_MS = 1000;

/** 10,000 lines of typical code: functions with calls, branches, loads, stores, data. */
function bigProgram(): string {
  const lines: string[] = [".text", ".globl _start", "_start:"];
  for (let i = 0; i < 999; i++) {
    lines.push(
      `f${i}:   addi sp, sp, -16`,
      "        sw ra, 12(sp)",
      `        li a0, ${i * 12345}`,
      "        la a1, msg",
      "        beqz a0, 1f",
      `        call f${(i + 1) % 999}`,
      "1:      lw ra, 12(sp)      # restore",
      "        addi sp, sp, 16",
      "        ret",
      `        .word ${i} * 4 + (3 << 2)`,
    );
  }
  lines.push(".data", 'msg: .asciz "hello"', ".bss", ".space 4096", ".text", "    nop", "    nop");
  return lines.join("\n");
}

describe("speed", () => {
  it(`assembles and writes a 10,000-line program in under ${LIMIT_MS} ms of CPU time`, () => {
    const source = bigProgram();
    expect(source.split("\n").length).toBeGreaterThanOrEqual(10_000);
    let best = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 3; round++) {
      const before = process.cpuUsage();
      const r = assemble(source, "big.s");
      if (!r.ok) throw new Error(r.errors[0]!.message);
      writeElf(r.program);
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    expect(best).toBeLessThan(LIMIT_MS);
  });
});
