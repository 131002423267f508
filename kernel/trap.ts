// Trap dispatch: the CPU stopped with a trap (a value, see hw/trap.ts) and the kernel decides what
// it means. Page faults (and limit faults) go to the memory model's fault handler, ecalls to the
// syscall table, TLB misses to the refill handler; everything else ends the process with a signal.
import { hex32 } from "../hw/hex.js";
import {
  Access,
  Cause,
  causeAccess,
  causeName,
  FaultReason,
  isPageFault,
  type Trap,
} from "../hw/trap.js";
import { Signal as Sig } from "./abi.js";
import type { MemoryModel } from "./memory.js";
import { emulateMisaligned, MisalignedMode } from "./misaligned.js";
import { type OomContext, watchProgress } from "./oom.js";
import type { KernelPlugins } from "./plugins.js";
import type { Proc } from "./proc.js";
import type { RefillContext } from "./refill.js";

/**
 * What trap dispatch uses of the kernel (the Kernel is one): the memory model's fault handler,
 * the refill handler's and the OOM killer's contexts, and `syscall`, which serves an ecall with
 * the whole kernel (syscall.ts).
 */
export interface TrapContext extends RefillContext, OomContext {
  readonly memory: Pick<MemoryModel, "mode" | "fault" | "userPa" | "stackOverflow">;
  readonly counters: {
    syscalls: number;
    tlbRefills: number;
    misalignedEmulated: number;
    readonly evictions: number;
  };
  readonly options: {
    readonly misaligned: MisalignedMode;
    readonly plugins: Pick<KernelPlugins, "tlbRefill">;
  };
  /** Serves the ecall at `epc` made by `p` (syscall.ts). */
  syscall(p: Proc, epc: number): void;
}

/** Decides what the trap `p` stopped with means: a fault fixed, a syscall served, or `p` ended. */
export function handleTrap(k: TrapContext, p: Proc, trap: Trap): void {
  if (stackOverflowed(k, p, trap.epc)) return;
  if (!watchProgress(k, p, trap)) return;
  // base-limit and segmented: a limit fault goes to the memory model too (a segment may grow).
  if (isPageFault(trap.cause) || trap.reason === FaultReason.Limit) {
    fault(k, p, trap);
    return;
  }
  switch (trap.cause) {
    case Cause.EcallFromU:
      k.counters.syscalls++;
      k.syscall(p, trap.epc);
      return;
    case Cause.TlbMiss:
      k.counters.tlbRefills++;
      k.options.plugins.tlbRefill(k, p, trap);
      return;
    case Cause.IllegalInstruction:
      k.kill(p, Sig.SIGILL, illegalInstruction(k, p, trap));
      return;
    case Cause.Breakpoint:
      k.kill(p, Sig.SIGTRAP, `breakpoint (ebreak) at pc ${hex32(trap.epc)}`);
      return;
    case Cause.LoadMisaligned:
    case Cause.StoreMisaligned:
      if (k.options.misaligned === MisalignedMode.Emulate && emulateMisalignedAccess(k, p, trap))
        return;
      k.kill(
        p,
        Sig.SIGBUS,
        `${causeName(trap.cause)} at ${hex32(trap.tval)}, pc ${hex32(trap.epc)}`,
      );
      return;
    case Cause.InstructionMisaligned:
      k.kill(
        p,
        Sig.SIGBUS,
        `${causeName(trap.cause)} at ${hex32(trap.tval)}, pc ${hex32(trap.epc)}`,
      );
      return;
    default:
      k.kill(
        p,
        Sig.SIGSEGV,
        `${causeName(trap.cause)} at ${hex32(trap.tval)} (${trap.reason}), pc ${hex32(trap.epc)}`,
      );
  }
}

/** Emulates a misaligned load or store (kernel/misaligned.ts); false if it cannot. */
function emulateMisalignedAccess(k: TrapContext, p: Proc, trap: Trap): boolean {
  const done = emulateMisaligned(
    {
      machine: k.machine,
      handleFault: (fault) => {
        handleTrap(k, p, fault);
        return !p.exit;
      },
      emit: (e) => k.emit(e),
      count: () => {
        k.counters.misalignedEmulated++;
        p.instructions++;
      },
    },
    p.pid,
    trap,
  );
  return done !== undefined;
}

/** Kills `p` if its stack overflowed where no hardware caught it (at traps and slice ends). */
export function stackOverflowed(k: TrapContext, p: Proc, pc: number): boolean {
  const overflow = k.memory.stackOverflow?.(p);
  if (overflow) k.kill(p, Sig.SIGSEGV, `${overflow}, pc ${hex32(pc)}`);
  return overflow !== undefined;
}

/** Has the memory model fix a memory fault (the instruction then restarts) or kills `p`. */
function fault(k: TrapContext, p: Proc, trap: Trap): void {
  const r = k.memory.fault(p, trap.tval, causeAccess(trap.cause)!);
  const action = r.ok ? r.action : `kill: ${r.reason}`;
  k.emit({ kind: "fault", pid: p.pid, va: trap.tval, cause: causeName(trap.cause), action });
  if (!r.ok)
    k.kill(
      p,
      Sig.SIGSEGV,
      `${causeName(trap.cause)} at ${hex32(trap.tval)} (${r.reason}), pc ${hex32(trap.epc)}`,
    );
}

/** Bytes of one instruction, and of the page the code that ran off its end was in. */
const INSTRUCTION_BYTES = 4;
const PAGE_BYTES = 4096;

/**
 * Why `p` dies of an illegal instruction; for the all-zero word just past the last instruction
 * (a real instruction before it, nothing but zeros after it to the end of its page: the program
 * ran off the end of its code), with a question for the beginner who forgot `exit`.
 */
function illegalInstruction(k: TrapContext, p: Proc, trap: Trap): string {
  const what = `illegal instruction ${hex32(trap.tval)} at pc ${hex32(trap.epc)}`;
  return ranOffTheEnd(k, p, trap)
    ? `${what}, just past the last instruction: did the program forget to call exit?`
    : what;
}

/** True if `trap` is a zero word after an instruction with only zeros after it in its page. */
function ranOffTheEnd(k: TrapContext, p: Proc, trap: Trap): boolean {
  if (trap.tval !== 0 || trap.epc < INSTRUCTION_BYTES) return false;
  const before = k.memory.userPa(p, trap.epc - INSTRUCTION_BYTES, Access.Fetch);
  const at = k.memory.userPa(p, trap.epc, Access.Fetch);
  if (before < 0 || at < 0 || k.machine.ram.peek32(before) === 0) return false;
  const pageEnd = at - (at % PAGE_BYTES) + PAGE_BYTES;
  for (let pa = at; pa < pageEnd; pa += INSTRUCTION_BYTES) {
    if (k.machine.ram.peek32(pa) !== 0) return false;
  }
  return true;
}
