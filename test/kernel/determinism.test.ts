// The machine is deterministic: running straight through, and stepping one instruction at a time
// (as the stepper and `back` do), give the same schedule, output, registers and counters.
import { describe, expect, it } from "vitest";
import { processIo } from "../../cli/io.js";
import { loadProgram } from "../../cli/program.js";
import { defaultMachineConfig, Machine } from "../../hw/machine.js";
import { defaultKernelOptions, Kernel, type KernelOptions } from "../../kernel/kernel.js";

function image(path: string) {
  return loadProgram(path, processIo());
}

/** Runs the programs, straight or by single steps; returns what can be compared. */
function run(paths: string[], options: Partial<KernelOptions>, stepwise: boolean) {
  const machine = new Machine({
    ...defaultMachineConfig,
    mmu: {
      ...defaultMachineConfig.mmu,
      refill: "software",
      ad: "trap",
      tlb: { entries: 8, ways: 2, policy: "lru" },
    },
  });
  let out = "";
  const k = new Kernel(
    machine,
    {
      write: (_fd, b) => (out += new TextDecoder().decode(b)),
      readStdin: () => new Uint8Array(0),
      message: (m) => (out += `${m}\n`),
    },
    { ...defaultKernelOptions, ...options },
  );
  for (const p of paths) k.spawn(image(p), [p], []);
  if (stepwise) while (k.step(1));
  else k.run();
  return {
    out,
    regs: Array.from(machine.cpu.x),
    stats: machine.stats(),
    counters: { ...k.counters },
  };
}

describe("straight runs and single steps agree", () => {
  for (const quantum of [7, 100]) {
    it(`two processes, quantum ${quantum}, software refill, A/D traps`, () => {
      const paths = ["programs/fib.s", "programs/usertests/cow.s"];
      const straight = run(paths, { quantum }, false);
      const stepped = run(paths, { quantum }, true);
      expect(stepped).toEqual(straight);
      expect(straight.counters.contextSwitches).toBeGreaterThan(10);
    });
  }
});
