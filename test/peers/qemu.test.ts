// Every guest program three ways: (a) built by GNU as + ld and run by qemu-riscv32, the
// reference; (b) the same GNU-built ELF run by `vmlab run`; (c) the source run by `vmlab run`,
// assembled by vmlab's own assembler. All three must print the same stdout and end with the same
// status, and (a) must match the expected files (so the expectations stay honest).
// VMLAB_SKIP_BENCH=1 leaves out the ~100-million-instruction benchmark programs.
import { beforeAll, describe, expect, it } from "vitest";
import {
  expectedStdout,
  type ProgramCase,
  programCases,
  sourcePath,
} from "../expected/manifest.js";
import { describePeers, gnuBuild, type QemuResult, runQemu } from "../helpers/gnu.js";
import { runVmlab } from "../helpers/vmlab.js";

const skipBench = Boolean(process.env.VMLAB_SKIP_BENCH);
const BENCH_TIMEOUT_MS = 300_000;

function vmlabArgs(program: string, c: ProgramCase): string[] {
  return ["run", program, "--", ...(c.args ?? [])];
}

describePeers("guest programs under qemu-riscv32 and vmlab", () => {
  for (const c of programCases) {
    const timeout = c.bench ? BENCH_TIMEOUT_MS : 60_000;
    describe.skipIf(c.bench === true && skipBench)(c.name, () => {
      let elf = "";
      let qemu: QemuResult | undefined;

      beforeAll(() => {
        elf = gnuBuild(sourcePath(c));
        qemu = runQemu(elf, c.args ?? [], c.stdin ?? "", { timeoutMs: timeout });
      }, timeout);

      it("qemu-riscv32 prints the expected output and exit status", () => {
        expect({ stdout: qemu?.stdout, status: qemu?.status }).toEqual({
          stdout: expectedStdout(c),
          status: c.status,
        });
      });

      it("vmlab runs the GNU-built ELF as qemu does", { timeout }, async () => {
        const r = await runVmlab(vmlabArgs(elf, c), c.stdin ?? "");
        expect({ stdout: r.stdout, status: r.status }, r.stderr).toEqual({
          stdout: qemu?.stdout,
          status: qemu?.status,
        });
      });

      it("vmlab runs the source with its own assembler as qemu does", { timeout }, async () => {
        const r = await runVmlab(vmlabArgs(sourcePath(c), c), c.stdin ?? "");
        expect({ stdout: r.stdout, status: r.status }, r.stderr).toEqual({
          stdout: qemu?.stdout,
          status: qemu?.status,
        });
      });
    });
  }
});
