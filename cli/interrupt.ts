// Ctrl-C during `vmlab run`. The kernel runs in batches of instructions; between batches the event
// loop gets a turn now and then, so SIGINT reaches a handler that only sets a flag, and the loop
// stops at the next batch. Nothing is checked per instruction.
import { hex32 } from "../hw/hex.js";
import type { Kernel } from "../kernel/kernel.js";
import type { CliIo } from "./io.js";

/** Instructions per kernel.step() call (one clock read each). */
const BATCH = 50_000;
/** How often the event loop gets a turn: Ctrl-C is noticed within about this many ms. */
const YIELD_MS = 20;
/** The exit status of a run stopped by Ctrl-C: 128 + SIGINT, as a shell reports it. */
export const INTERRUPTED_STATUS = 128 + 2;

/**
 * Runs the kernel until every process has ended, or until `io` reports Ctrl-C (if it can); then
 * the processes are left as they stand. Returns true if the run finished, false if interrupted.
 */
export async function runInterruptibly(kernel: Kernel, io: CliIo): Promise<boolean> {
  let interrupted = false;
  const release = io.onInterrupt?.(() => {
    interrupted = true;
  });
  if (release === undefined) {
    kernel.run();
    return true;
  }
  try {
    let turn = performance.now() + YIELD_MS;
    while (kernel.step(BATCH)) {
      if (performance.now() < turn) continue;
      await new Promise((resolve) => setImmediate(resolve)); // SIGINT is delivered here
      if (interrupted) return false;
      turn = performance.now() + YIELD_MS;
    }
    return true;
  } finally {
    release();
  }
}

/** Where an interrupted run stopped: a line in all, then one for each process still alive. */
export function interruptReport(kernel: Kernel): string[] {
  const cpu = kernel.machine.cpu;
  const lines = [`interrupted (Ctrl-C) after ${cpu.instret} instructions in all`];
  for (const p of kernel.procs.values()) {
    if (p.exit) continue;
    const pc = kernel.current === p ? cpu.pc : p.pc;
    lines.push(
      `pid ${p.pid} (${p.name}) stopped at pc ${hex32(pc)} after ${p.instructions} instructions`,
    );
  }
  return lines;
}
