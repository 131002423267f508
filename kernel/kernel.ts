// The kernel: boot (options, the memory model), the process table, and the ends of processes
// (kill, exit, reaping). The CPU runs a process until it traps or its quantum ends (scheduler.ts);
// the trap comes back as a value and trap.ts decides: serve the syscall, fix the fault and restart
// the instruction, or end the process. Out of memory, the OOM killer: oom.ts.
import type { ElfImage } from "../hw/elf.js";
import type { Machine } from "../hw/machine.js";
import { MmuMode } from "../hw/mmu.js";
import { PAGE_SIZE } from "../hw/ram.js";
import { type Signal, signalName } from "./abi.js";
import { BareMemory } from "./bare.js";
import { FitName, fitPolicies } from "./contiguous/fits.js";
import { ContiguousMemory } from "./contiguous/partitions.js";
import { FrameTable } from "./frames.js";
import type { KernelHost } from "./host.js";
import type { MemoryModel } from "./memory.js";
import { MisalignedMode } from "./misaligned.js";
import { outOfMemory } from "./oom.js";
import type { VmCounters } from "./paging/context.js";
import { PagedMemory } from "./paging/paged.js";
import type { PageTableOps } from "./paging/pagetable.js";
import { ProgressGuard } from "./paging/progress.js";
import { type KernelPlugins, referencePlugins } from "./plugins.js";
import { AsidPool, newProc, type Proc, type ProcessExit, ProcState } from "./proc.js";
import { runFor, type Slice } from "./scheduler.js";
import { type SwapCounters, type SwapPolicy, Swapper } from "./swap/swap.js";
import { syscall } from "./syscall.js";
import type { KernelEvent } from "./trace.js";

export { exitStatus, type ProcessExit } from "./proc.js";

import { exitStatus } from "./proc.js";

/** Linux's default stack limit (ulimit -s). */
export const STACK_LIMIT = 8 * 1024 * 1024;

export interface KernelOptions {
  mm: MmuMode;
  /** Stop everything after this many instructions in all (0: no limit). */
  maxSteps: number;
  /** Instructions a process runs before the next runnable one gets the CPU. */
  quantum: number;
  maxProcs: number;
  stackLimit: number;
  /** Copy all pages at fork instead of copy-on-write. */
  eagerFork: boolean;
  /** Frames kept for the kernel at the bottom of RAM. */
  reservedFrames: number;
  /** Hole-choosing policy for base-limit partitions and segments. */
  fit: FitName;
  /** base-limit/segmented: heap room beyond the image, and the (fixed) stack size. */
  heapReserve: number;
  stackReserve: number;
  /** Replacement policy when a swap disk is present (paged mode). */
  swapPolicy: SwapPolicy | null;
  /** The replaceable kernel pieces (labs plug theirs in here). */
  plugins: KernelPlugins;
  /** Misaligned loads and stores: emulate them byte by byte (as Linux does) or send SIGBUS. */
  misaligned: MisalignedMode;
}

export const defaultKernelOptions: KernelOptions = {
  mm: MmuMode.Paged,
  maxSteps: 0,
  quantum: 10_000,
  maxProcs: 64,
  stackLimit: STACK_LIMIT,
  eagerFork: false,
  reservedFrames: 16,
  fit: FitName.First,
  heapReserve: 1024 * 1024,
  stackReserve: 256 * 1024,
  swapPolicy: null,
  plugins: referencePlugins,
  misaligned: MisalignedMode.Emulate,
};

export interface KernelCounters extends VmCounters, SwapCounters {
  killed: number;
  processes: number;
  syscalls: number;
  contextSwitches: number;
  tlbRefills: number;
  /** Misaligned loads and stores the kernel completed byte by byte. */
  misalignedEmulated: number;
}

/** A refusal to start a program, worded for the user. */
export class ExecError extends Error {
  override name = "ExecError";
}

export class Kernel {
  readonly machine: Machine;
  readonly host: KernelHost;
  readonly options: KernelOptions;
  readonly frames: FrameTable;
  /** The plugged page-table operations (options.plugins.pageTable): every page-table access. */
  readonly pt: PageTableOps;
  readonly memory: MemoryModel;
  /** Swap and replacement, present in paged mode with a swap disk and a policy. */
  readonly swapper: Swapper | null;
  readonly procs = new Map<number, Proc>();
  /**
   * Old images of processes in the middle of execve: no longer theirs, not yet freed. Their pages
   * may still be evicted (the swapper looks here as well as in `procs`).
   */
  readonly detached = new Set<Proc>();
  readonly counters: KernelCounters = {
    minorFaults: 0,
    majorFaults: 0,
    swapIns: 0,
    swapOuts: 0,
    dirtyWritebacks: 0,
    evictions: 0,
    swapFull: 0,
    cowCopies: 0,
    zeroFills: 0,
    killed: 0,
    processes: 0,
    syscalls: 0,
    contextSwitches: 0,
    tlbRefills: 0,
    misalignedEmulated: 0,
  };
  /** Peak resident pages of every process that has ended, by pid. */
  readonly rssPeaks = new Map<number, number>();
  /** How each process started by the host (not forked) ended, in start order. */
  readonly topLevelExits = new Map<number, ProcessExit>();
  /** Loads a program for execve; set by the host. */
  loadProgram: (path: string) => ElfImage | string = () => "execve is not available here";
  /** The process on the CPU. */
  current: Proc | null = null;
  /** Run the CPU one instruction at a time, so every event's `t` is exact (tracing). */
  singleStep = false;
  /** Set by sched_yield: end the running process's slice now. */
  yieldNow = false;
  /** Processes waiting for the CPU, in order (scheduler.ts). */
  readonly runQueue: Proc[] = [];
  private readonly asids = new AsidPool();
  private nextPid = 1;
  /** Receives kernel events (syscalls, faults, scheduling, swap, frames) while set. */
  tracer: ((e: KernelEvent & { t: number }) => void) | null = null;
  /** Called as a process ends, before its memory is freed (e.g. to print the memory map). */
  onExit: ((p: Proc) => void) | null = null;
  /** Set by the invariant checker's caller, so kernel/ does not depend on it. */
  checker: ((k: Kernel) => string | undefined) | null = null;
  /** The instruction whose faults are being served, and the pages it keeps (paging/progress.ts). */
  readonly progress = new ProgressGuard();

  constructor(machine: Machine, host: KernelHost, options: KernelOptions) {
    this.machine = machine;
    this.host = host;
    this.options = options;
    const reserved = options.mm === MmuMode.Bare ? 0 : options.reservedFrames;
    this.frames = new FrameTable(machine.ram.size, reserved);
    const plugins = options.plugins;
    this.pt = plugins.pageTable;
    if (plugins.frameAllocator)
      this.frames.allocator = plugins.frameAllocator(reserved, this.frames.count);
    const policy = plugins.replacement ?? options.swapPolicy;
    const swapping = options.mm === MmuMode.Paged && machine.disk.blocks > 0 && policy;
    this.swapper = swapping ? new Swapper(this, policy) : null;
    this.memory = this.makeMemory();
  }

  private makeMemory(): MemoryModel {
    const ctx = {
      machine: this.machine,
      frames: this.frames,
      counters: this.counters,
      adTrap: this.machine.mmu.ad === "trap",
      swapper: this.swapper,
      pt: this.pt,
      pageFault: this.options.plugins.pageFault,
      outOfMemory: (p: Proc, va: number) => outOfMemory(this, p, va),
    };
    switch (this.options.mm) {
      case MmuMode.Bare:
        return new BareMemory(this.machine, this.options.stackLimit);
      case MmuMode.Paged:
        return new PagedMemory(ctx, {
          stackLimit: this.options.stackLimit,
          eagerFork: this.options.eagerFork,
        });
      default: {
        const { fit, heapReserve, stackReserve } = this.options;
        return new ContiguousMemory(this.machine, this.frames, this.options.mm, {
          fit: this.options.plugins.fit ?? fitPolicies[fit],
          heapReserve,
          stackReserve,
          stackLimit: this.options.stackLimit,
        });
      }
    }
  }

  /** Starts `image` as a new top-level process; throws ExecError if it cannot be loaded. */
  spawn(image: ElfImage, argv: readonly string[], envp: readonly string[]): Proc {
    if (this.procs.size >= this.options.maxProcs)
      throw new ExecError(`too many processes (--max-procs ${this.options.maxProcs})`);
    const p = this.newProcess(0, argv[0] ?? "?");
    if (!p) throw new ExecError("no address-space id left");
    const error = this.memory.exec(p, { image, argv, envp, random: this.randomBytes() });
    if (error) {
      this.memory.release(p);
      this.forget(p);
      throw new ExecError(error);
    }
    this.runQueue.push(p);
    return p;
  }

  /** A new process-table entry with an ASID, or undefined if none is free. */
  newProcess(ppid: number, name: string): Proc | undefined {
    const asid = this.asids.alloc();
    if (asid === undefined) return undefined;
    const p = newProc(this.nextPid++, ppid, name);
    p.asid = asid;
    this.procs.set(p.pid, p);
    this.counters.processes++;
    return p;
  }

  /** Makes a process runnable (a forked child, a woken parent). */
  makeRunnable(p: Proc): void {
    p.state = ProcState.Runnable;
    if (!this.runQueue.includes(p)) this.runQueue.push(p);
  }

  randomBytes(): Uint8Array {
    return new Uint8Array(16).map(() => this.machine.rng.next() & 0xff);
  }

  /** Runs processes round-robin until none is left. */
  run(): void {
    this.step(Number.POSITIVE_INFINITY);
  }
  /** The running process's quantum (scheduler.ts). */
  slice: Slice | null = null;

  /**
   * Runs until `budget` more instructions have completed (traps handled on the way) or no process
   * is left; returns false once every process has ended (scheduler.ts).
   */
  step(budget: number): boolean {
    return runFor(this, budget);
  }

  /** Serves the ecall at `epc` made by `p`: syscall.ts, which is handed the whole kernel. */
  syscall(p: Proc, epc: number): void {
    syscall(this, p, epc);
  }

  /** The invariant checker's first problem (after every trap); undefined if none or no checker. */
  checkInvariants(): string | undefined {
    return this.checker?.(this);
  }

  /** Sends an event to the tracer, if one is listening. */
  emit(e: KernelEvent): void {
    this.tracer?.({ ...e, t: this.machine.cpu.instret } as KernelEvent & { t: number });
  }

  /** Puts `p` on the CPU: its registers, pc and address space. */
  switchTo(p: Proc): void {
    if (this.current === p) return;
    const cpu = this.machine.cpu;
    cpu.x.set(p.regs);
    cpu.pc = p.pc;
    this.memory.activate(p);
    cpu.clearReservation();
    this.current = p;
    this.counters.contextSwitches++;
  }

  /** Copies the CPU's registers back into `p`. */
  save(p: Proc): void {
    p.regs.set(this.machine.cpu.x);
    p.pc = this.machine.cpu.pc;
  }

  /** Ends `p` as if by `signal`, telling the user why on the kernel's message line. */
  kill(p: Proc, signal: Signal, reason: string): void {
    if (p.exit) return;
    this.counters.killed++;
    this.host.message(`pid ${p.pid} killed: ${reason} (${signalName(signal)})`);
    this.exit(p, { kind: "killed", signal, reason });
  }

  /** Ends `p`: frees its memory and ASID, hands its children over, and wakes or tells its parent. */
  exit(p: Proc, how: ProcessExit): void {
    if (p.exit) return;
    this.onExit?.(p);
    p.exit = how;
    this.emit({
      kind: "exit",
      pid: p.pid,
      how: how.kind === "exited" ? `exit(${how.code})` : signalName(how.signal),
      status: exitStatus(how),
    });
    this.rssPeaks.set(p.pid, p.rssPeak);
    if (this.current === p) this.current = null;
    if (this.progress.proc === p) this.progress.clear();
    this.memory.release(p);
    this.machine.mmu.sfenceVma(undefined, p.asid);
    this.asids.release(p.asid);
    p.state = ProcState.Zombie;
    for (const c of this.procs.values()) {
      if (c.ppid !== p.pid) continue;
      c.ppid = 0;
      if (c.state === ProcState.Zombie) this.forget(c);
    }
    const parent = this.procs.get(p.ppid);
    if (!parent) {
      this.topLevelExits.set(p.pid, how);
      this.forget(p);
    } else if (parent.state === ProcState.Blocked) {
      this.makeRunnable(parent);
    }
  }

  /** Removes a zombie from the process table (reaping). */
  forget(p: Proc): void {
    this.procs.delete(p.pid);
  }

  /** Pages still in use by live processes' page tables and memory, for the leak check. */
  framesInUse(): number {
    return this.frames.freeAtBoot - this.frames.free;
  }
}

export { PAGE_SIZE };
