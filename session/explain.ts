// Human-readable lines for the MMU's translation steps and the kernel's events: the words of `--trace`,
// the stepper and the browser's Events pane.

import { hex, hex32 } from "../hw/hex.js";
import type { MmuEvent } from "../hw/mmu.js";
import { accessName, causeName } from "../hw/trap.js";
import type { KernelEvent } from "../kernel/trace.js";

/** One line for one translation step, or undefined for steps of a category not shown. */
export function formatMmuEvent(
  e: MmuEvent,
  show: { mmu: boolean; tlb: boolean },
): string | undefined {
  switch (e.kind) {
    case "start":
      return show.mmu ? `${accessName[e.access]} ${hex32(e.va)} (${e.mode})` : undefined;
    case "tlb":
      if (!show.tlb && !show.mmu) return undefined;
      return `  tlb: vpn ${hex(e.vpn)} asid ${e.asid} set ${e.set} -> ${e.hit ? `hit in way ${e.way}` : "miss"}`;
    case "walk":
      return show.mmu
        ? `  walk L${e.level}: pte @ ${hex32(e.pteAddr)} = ${hex32(e.pte)} [${e.flags}]`
        : undefined;
    case "check":
      return show.mmu
        ? `  check ${accessName[e.access]} against [${e.flags}]: ${e.reason === "none" ? "allowed" : e.reason}`
        : undefined;
    case "recheck":
      return show.mmu
        ? `  re-read pte @ ${hex32(e.pteAddr)} = ${hex32(e.pte)} (TLB had ${hex32(e.cached)})`
        : undefined;
    case "ad":
      return show.mmu
        ? `  set A/D: pte @ ${hex32(e.pteAddr)} ${hex32(e.old)} -> ${hex32(e.pte)}`
        : undefined;
    case "fill":
      if (!show.tlb && !show.mmu) return undefined;
      return `  tlb fill: entry ${e.index} (set ${e.set} way ${e.way}) vpn ${hex(e.vpn)} -> ppn ${hex(e.ppn)}${e.megapage ? " (megapage)" : ""}`;
    case "relocate":
      if (!show.mmu) return undefined;
      return `  ${e.segment === undefined ? "" : `segment ${e.segment}: `}base ${hex32(e.base)} limit ${hex32(e.limit)} offset ${hex32(e.offset)}`;
    case "done":
      return show.mmu ? `  -> pa ${hex32(e.pa)}` : undefined;
    case "fault":
      return show.mmu || show.tlb ? `  -> ${causeName(e.cause)} (${e.reason})` : undefined;
    default:
      return undefined;
  }
}

/** One line for a kernel event. */
export function formatKernelEvent(e: KernelEvent): string {
  switch (e.kind) {
    case "syscall": {
      const args = e.args
        .slice(0, 3)
        .map((a) => `${hex(a)}`)
        .join(", ");
      return `pid ${e.pid} ${e.name}(${args}) = ${typeof e.result === "number" ? e.result : e.result}`;
    }
    case "fault":
      return `pid ${e.pid} ${e.cause} at ${hex32(e.va)}: ${e.action}`;
    case "sched":
      return e.from === null ? `run pid ${e.to}` : `switch pid ${e.from} -> pid ${e.to}`;
    case "swap":
      return e.op === "drop"
        ? `pid ${e.pid} page ${hex32(e.va)} dropped from frame ${hex(e.ppn)} (clean)`
        : `pid ${e.pid} page ${hex32(e.va)} ${e.op === "out" ? "written to" : "read from"} swap slot ${e.slot} (frame ${hex(e.ppn)})`;
    case "frame":
      return `frame ${hex(e.ppn)} ${e.op === "alloc" ? `allocated as ${e.use} for pid ${e.pid}` : "freed"}`;
    case "exit":
      return `pid ${e.pid} ended: ${e.how} (status ${e.status})`;
    default:
      return JSON.stringify(e);
  }
}
