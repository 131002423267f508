// Human-readable lines for the MMU's translation steps and the kernel's events: the words of `--trace`,
// the stepper and the browser's Events pane.

import { hex, hex32 } from "../hw/hex.js";
import type { MmuEvent } from "../hw/mmu.js";
import { accessName, Cause, causeName, type FaultReason } from "../hw/trap.js";
import { Errno } from "../kernel/abi.js";
import { SEGMENT_NAMES } from "../kernel/contiguous/blocks.js";
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
        ? `  walk L${e.level} index ${hex(e.index)}: pte @ ${hex32(e.pteAddr)} = ${hex32(e.pte)} [${e.flags}]`
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
      return `  ${e.segment === undefined ? "" : `${segmentLabel(e.segment)}: `}base ${hex32(e.base)} limit ${hex32(e.limit)} offset ${hex32(e.offset)}`;
    case "done":
      return show.mmu ? `  -> pa ${hex32(e.pa)}` : undefined;
    case "fault":
      return show.mmu || show.tlb ? `  -> ${faultText(e.cause, e.reason)}` : undefined;
    default:
      return undefined;
  }
}

/** A fault's cause and, when it says more, its reason; a software-refill miss says it traps. */
function faultText(cause: Cause, reason: FaultReason): string {
  if (cause === Cause.TlbMiss) return "TLB miss: trap to the kernel (software refill)";
  return `${causeName(cause)} (${reason})`;
}

/** "segment 0 (code+data+heap)": a segment register and what vmlab's kernel keeps in it. */
function segmentLabel(i: number): string {
  const name = SEGMENT_NAMES[i];
  return name === undefined ? `segment ${i}` : `segment ${i} (${name})`;
}

/** One line for a kernel event. */
export function formatKernelEvent(e: KernelEvent): string {
  switch (e.kind) {
    case "syscall":
      return `pid ${e.pid} ${formatSyscall(e.name, e.args, e.result)}`;
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

/**
 * How an argument or result is shown, after the C type in Linux's man page: `int` (and pid_t,
 * idtype_t) signed decimal, `size` (size_t, id_t) unsigned decimal, `ptr` (pointers, unsigned
 * long flags) hexadecimal.
 */
type ArgKind = "int" | "size" | "ptr";

/** The arguments vmlab's kernel reads for a call (names from the man page) and its result's kind. */
interface SyscallShape {
  args: readonly (readonly [name: string, kind: ArgKind])[];
  result: ArgKind;
}

const FD = ["fd", "int"] as const;
const BUF = ["buf", "ptr"] as const;
const COUNT = ["count", "size"] as const;
const STATUS = ["status", "int"] as const;
const ADDR = ["addr", "ptr"] as const;
const LENGTH = ["length", "size"] as const;
const PROT = ["prot", "int"] as const;

/** Every system call of kernel/abi.ts's Sys, by its trace name. */
export const SYSCALL_SHAPES: Readonly<Record<string, SyscallShape>> = {
  read: { args: [FD, BUF, COUNT], result: "int" },
  write: { args: [FD, BUF, COUNT], result: "int" },
  exit: { args: [STATUS], result: "int" },
  exit_group: { args: [STATUS], result: "int" },
  waitid: {
    args: [
      ["idtype", "int"],
      ["id", "size"],
      ["infop", "ptr"],
      ["options", "int"],
    ],
    result: "int",
  },
  sched_yield: { args: [], result: "int" },
  kill: {
    args: [
      ["pid", "int"],
      ["sig", "int"],
    ],
    result: "int",
  },
  getpid: { args: [], result: "int" },
  getppid: { args: [], result: "int" },
  brk: { args: [ADDR], result: "ptr" },
  munmap: { args: [ADDR, LENGTH], result: "int" },
  clone: { args: [["flags", "ptr"]], result: "int" },
  execve: {
    args: [
      ["pathname", "ptr"],
      ["argv", "ptr"],
      ["envp", "ptr"],
    ],
    result: "int",
  },
  mmap: { args: [ADDR, LENGTH, PROT, ["flags", "int"]], result: "ptr" },
  mprotect: { args: [ADDR, LENGTH, PROT], result: "int" },
  wait4: {
    args: [
      ["pid", "int"],
      ["wstatus", "ptr"],
      ["options", "int"],
    ],
    result: "int",
  },
};

/** Linux's error numbers by value, for results from -4095 to -1. */
const ERRNO_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Errno).map(([name, n]) => [n, name]),
);
/** Linux returns -1 .. -4095 for errors; anything below is a value (an address, say). */
const MAX_ERRNO = 4095;

/**
 * `name(args) = result` as strace would write it: the call's own arguments, each in its C type's
 * base; an error as `-12 (ENOMEM)`; a call that does not return (`none`) with no result. An
 * unknown call shows all six argument registers in hex.
 */
export function formatSyscall(
  name: string,
  args: readonly number[],
  result: number | "blocked" | "none",
): string {
  const shape = SYSCALL_SHAPES[name];
  const kinds: readonly ArgKind[] = shape
    ? shape.args.map(([, kind]) => kind)
    : args.map(() => "ptr" as const);
  const call = `${name}(${kinds.map((kind, i) => formatValue(args[i] ?? 0, kind)).join(", ")})`;
  if (result === "none") return call;
  if (result === "blocked") return `${call} = blocked`;
  return `${call} = ${formatResult(result, shape?.result ?? "int")}`;
}

/** A result: an error by name, else in the base of its kind. */
function formatResult(r: number, kind: ArgKind): string {
  const signed = r | 0;
  if (signed < 0 && signed >= -MAX_ERRNO) {
    const name = ERRNO_NAMES[-signed];
    return name ? `${signed} (${name})` : String(signed);
  }
  return formatValue(r, kind);
}

/** A register's value in the base its C type is shown in. */
function formatValue(v: number, kind: ArgKind): string {
  switch (kind) {
    case "int":
      return String(v | 0);
    case "size":
      return String(v >>> 0);
    case "ptr":
      return hex(v);
  }
}
