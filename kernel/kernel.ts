// The kernel's first path: load one program into a bare-mode machine, give it the Linux initial
// stack, run it, and serve its syscalls. The trap loop hands every trap here; the kernel decides.
import type { Machine } from "../hw/machine.js";
import { MmuMode } from "../hw/mmu.js";
import { PAGE_SIZE } from "../hw/ram.js";
import { Cause, causeName, hex32, type Trap } from "../hw/trap.js";
import { Signal, signalName } from "./abi.js";
import type { ElfImage } from "./elf.js";
import type { KernelHost } from "./host.js";
import { buildInitialStack } from "./stack.js";
import { type SyscallOutcome, syscall } from "./syscall.js";

/** Linux's default stack limit (ulimit -s). */
export const STACK_LIMIT = 8 * 1024 * 1024;

export interface KernelOptions {
  /** Stop a process after this many instructions (0: no limit). */
  maxSteps: number;
}

export interface Process {
  pid: number;
  /** Set when the process has ended. */
  exit?: ProcessExit;
}

export type ProcessExit =
  | { kind: "exited"; code: number }
  | { kind: "killed"; signal: Signal; reason: string };

/** A refusal to start a program, worded for the user. */
export class ExecError extends Error {
  override name = "ExecError";
}

/** How many instructions the trap loop runs between checks of the step limit. */
const BATCH = 1 << 20;

export class Kernel {
  readonly machine: Machine;
  readonly host: KernelHost;
  readonly options: KernelOptions;
  current: Process | null = null;
  private nextPid = 1;

  constructor(machine: Machine, host: KernelHost, options: KernelOptions) {
    this.machine = machine;
    this.host = host;
    this.options = options;
  }

  /** Loads `image` as a new process with `argv`/`envp`; throws ExecError if it cannot fit. */
  spawn(image: ElfImage, argv: readonly string[], envp: readonly string[]): Process {
    const { ram, mmu, cpu, rng } = this.machine;
    mmu.setMode(MmuMode.Bare);
    const top = ram.size;
    let end = 0;
    for (const seg of image.segments) {
      end = Math.max(end, seg.vaddr + seg.memsz);
      if (seg.vaddr + seg.memsz > top) {
        throw new ExecError(
          `segment at ${hex32(seg.vaddr)} (${seg.memsz} bytes) does not fit in ${ram.size / 1024} KiB of RAM (bare mode loads at the linked address): raise --ram`,
        );
      }
      ram.writeBytes(seg.vaddr, seg.data);
      ram.zero(seg.vaddr + seg.data.length, seg.memsz - seg.data.length);
    }
    const random = new Uint8Array(16).map(() => rng.next() & 0xff);
    const room = Math.min(STACK_LIMIT, top - alignUp(end));
    const stack = buildInitialStack({ top, argv, envp, entry: image.entry, random }, room);
    if (!stack)
      throw new ExecError(
        `no room for the stack between the program's end (${hex32(end)}) and the top of RAM: raise --ram`,
      );
    ram.writeBytes(stack.sp, stack.bytes);
    cpu.x.fill(0);
    cpu.x[2] = stack.sp;
    cpu.pc = image.entry;
    const proc: Process = { pid: this.nextPid++ };
    this.current = proc;
    return proc;
  }

  /** Runs the current process until it ends; returns how it ended. */
  run(): ProcessExit {
    const proc = this.current;
    if (!proc) throw new Error("Kernel.run: no process");
    const cpu = this.machine.cpu;
    const limit = this.options.maxSteps;
    while (!proc.exit) {
      const left = limit > 0 ? limit - cpu.instret : BATCH;
      if (left <= 0) {
        this.kill(proc, Signal.SIGXCPU, `instruction limit reached (--max-steps ${limit})`);
        break;
      }
      const trap = cpu.run(Math.min(left, BATCH));
      if (trap) this.handleTrap(proc, trap);
    }
    return proc.exit!;
  }

  private handleTrap(proc: Process, trap: Trap): void {
    const cpu = this.machine.cpu;
    switch (trap.cause) {
      case Cause.EcallFromU: {
        cpu.pc = (trap.epc + 4) | 0;
        this.applySyscall(proc, syscall(this, cpu.x));
        return;
      }
      case Cause.IllegalInstruction:
        this.kill(
          proc,
          Signal.SIGILL,
          `illegal instruction ${hex32(trap.tval)} at pc ${hex32(trap.epc)}`,
        );
        return;
      case Cause.Breakpoint:
        this.kill(proc, Signal.SIGTRAP, `breakpoint (ebreak) at pc ${hex32(trap.epc)}`);
        return;
      case Cause.InstructionMisaligned:
      case Cause.LoadMisaligned:
      case Cause.StoreMisaligned:
        this.kill(
          proc,
          Signal.SIGBUS,
          `${causeName(trap.cause)} at ${hex32(trap.tval)}, pc ${hex32(trap.epc)}`,
        );
        return;
      default:
        this.kill(
          proc,
          Signal.SIGSEGV,
          `${causeName(trap.cause)} at ${hex32(trap.tval)} (${trap.reason}), pc ${hex32(trap.epc)}`,
        );
    }
  }

  private applySyscall(proc: Process, out: SyscallOutcome): void {
    if (out.kind === "return") this.machine.cpu.x[10] = out.value;
    else proc.exit = { kind: "exited", code: out.code & 0xff };
  }

  /** Ends `proc` as if by `signal`, telling the user why on the kernel's message line. */
  kill(proc: Process, signal: Signal, reason: string): void {
    proc.exit = { kind: "killed", signal, reason };
    this.host.message(`pid ${proc.pid} killed: ${reason} (${signalName(signal)})`);
  }
}

function alignUp(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}

/** The shell-style exit status of an ended process: the code, or 128 + signal. */
export function exitStatus(e: ProcessExit): number {
  return e.kind === "exited" ? e.code : 128 + e.signal;
}
