// The kernel: boot, the process table, the scheduler and the trap loop. The CPU runs a process
// until it traps or its quantum ends; the trap comes back here as a value and the kernel decides:
// serve the syscall, fix the fault and restart the instruction, or end the process.
import type { Machine } from "../hw/machine.js";
import { MmuMode } from "../hw/mmu.js";
import { PAGE_SIZE } from "../hw/ram.js";
import {
  Cause,
  causeAccess,
  causeName,
  FaultReason,
  hex32,
  isPageFault,
  type Trap,
} from "../hw/trap.js";
import { Signal as Sig, type Signal, signalName } from "./abi.js";
import { BareMemory } from "./bare.js";
import { FitName, fitPolicies } from "./contiguous/holes.js";
import { ContiguousMemory } from "./contiguous/partitions.js";
import type { ElfImage } from "./elf.js";
import { FrameTable } from "./frames.js";
import type { KernelHost } from "./host.js";
import type { MemoryModel } from "./memory.js";
import { emulateMisaligned, MisalignedMode } from "./misaligned.js";
import type { VmCounters } from "./paging/fault.js";
import { PagedMemory } from "./paging/paged.js";
import { tablePages } from "./paging/pagetable.js";
import { MAX_FAULTS_PER_INSTRUCTION, ProgressGuard } from "./paging/progress.js";
import { type KernelPlugins, referencePlugins } from "./plugins.js";
import { AsidPool, newProc, type Proc, type ProcessExit, ProcState } from "./proc.js";
import { EvictFailure, type SwapCounters, type SwapPolicy, Swapper } from "./swap/swap.js";
import { syscall } from "./syscall.js";
import type { KernelEvent } from "./trace.js";

export { exitStatus, type ProcessExit } from "./proc.js";

import { exitStatus } from "./proc.js";

/** Instructions a quantum is stretched by when it ends inside an lr.w/sc.w sequence, once. */
export const LRSC_GRACE = 16;

/** Linux's default stack limit (ulimit -s). */
export const STACK_LIMIT = 8 * 1024 * 1024;

/** Traps by which an instruction asks for a page: page faults, and TLB misses (software refill). */
const FAULT_CAUSES: ReadonlySet<number> = new Set([
  Cause.InstructionPageFault,
  Cause.LoadPageFault,
  Cause.StorePageFault,
  Cause.TlbMiss,
]);

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
  /** Verify the frame table and page tables after every trap (slow; for tests and debugging). */
  check: boolean;
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
  check: false,
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
  private readonly runQueue: Proc[] = [];
  private readonly asids = new AsidPool();
  private nextPid = 1;
  /** Receives kernel events (syscalls, faults, scheduling, swap, frames) while set. */
  tracer: ((e: KernelEvent & { t: number }) => void) | null = null;
  /** Called as a process ends, before its memory is freed (e.g. to print the memory map). */
  onExit: ((p: Proc) => void) | null = null;
  /** Set by the invariant checker's caller, so kernel/ does not depend on it. */
  checker: ((k: Kernel) => string | undefined) | null = null;
  /** The instruction whose faults are being served, and the pages it keeps (progress.ts). */
  readonly progress = new ProgressGuard();

  constructor(machine: Machine, host: KernelHost, options: KernelOptions) {
    this.machine = machine;
    this.host = host;
    this.options = options;
    const reserved = options.mm === MmuMode.Bare ? 0 : options.reservedFrames;
    this.frames = new FrameTable(machine.ram.size, reserved);
    const plugins = options.plugins;
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
      pt: this.options.plugins.pageTable,
      pageFault: this.options.plugins.pageFault,
      outOfMemory: (p: Proc, va: number) => this.outOfMemory(p, va),
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

  /** The running process's quantum: who, and the instruction count at which it ends. */
  private slice: { p: Proc; end: number; graced?: boolean } | null = null;

  /**
   * Runs until `budget` more instructions have completed (traps handled on the way) or no process
   * is left; returns false once every process has ended. Stepping one instruction at a time and
   * running straight through give the same machine states.
   */
  step(budget: number): boolean {
    const cpu = this.machine.cpu;
    const stopAt = cpu.instret + budget;
    while (cpu.instret < stopAt) {
      const slice = this.slice ?? this.startSlice();
      if (!slice) return false;
      const p = slice.p;
      if (cpu.instret >= slice.end && cpu.hasReservation() && !slice.graced) {
        // Let a constrained lr/sc loop (16 instructions at most, by the spec) reach its sc.w.
        slice.end += LRSC_GRACE;
        slice.graced = true;
      }
      if (
        p.state !== ProcState.Runnable ||
        this.current !== p ||
        cpu.instret >= slice.end ||
        this.yieldNow
      ) {
        this.endSlice(p);
        continue;
      }
      const limit = this.options.maxSteps;
      if (limit > 0 && cpu.instret >= limit) {
        for (const q of this.procs.values())
          if (!q.exit)
            this.kill(q, Sig.SIGXCPU, `instruction limit reached (--max-steps ${limit})`);
        continue;
      }
      const before = cpu.instret;
      // Quanta are kept even for a process alone on the CPU, so that running straight through and
      // stepping one instruction at a time schedule the same way.
      const end = Math.min(slice.end, stopAt, limit > 0 ? limit : Number.POSITIVE_INFINITY);
      const trap = cpu.run(this.singleStep ? 1 : end - cpu.instret);
      p.instructions += cpu.instret - before;
      if (!trap) continue;
      cpu.clearReservation(); // any trap into the kernel ends an lr.w/sc.w sequence
      this.handleTrap(p, trap);
      if (this.checker) this.runChecker();
    }
    return true;
  }

  /** Puts the next runnable process on the CPU for a quantum; null if none is left. */
  private startSlice(): { p: Proc; end: number; graced?: boolean } | null {
    for (let p = this.runQueue.shift(); p; p = this.runQueue.shift()) {
      if (p.state !== ProcState.Runnable) continue;
      const from = this.current?.pid ?? null;
      this.switchTo(p);
      this.emit({ kind: "sched", from, to: p.pid });
      this.yieldNow = false;
      this.slice = { p, end: this.machine.cpu.instret + this.options.quantum };
      return this.slice;
    }
    const stuck = [...this.procs.values()].filter((p) => p.state === ProcState.Blocked);
    for (const p of stuck) this.kill(p, Sig.SIGKILL, "deadlock: every process is waiting");
    return null;
  }

  /** Ends the current quantum: saves `p` and puts it at the back of the queue if it can run. */
  private endSlice(p: Proc): void {
    this.progress.clear();
    if (this.current === p) this.save(p);
    if (p.state === ProcState.Runnable) this.stackOverflowed(p, p.pc);
    this.swapper?.tick(2 * this.machine.cpu.ticks, 2 * this.options.quantum);
    if (p.state === ProcState.Runnable) this.runQueue.push(p);
    this.slice = null;
  }

  /** Sends an event to the tracer, if one is listening. */
  emit(e: KernelEvent): void {
    this.tracer?.({ ...e, t: this.machine.cpu.instret } as KernelEvent & { t: number });
  }

  private runChecker(): void {
    const problem = this.checker?.(this);
    if (problem) throw new Error(`kernel invariant broken: ${problem}`);
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

  private handleTrap(p: Proc, trap: Trap): void {
    if (this.stackOverflowed(p, trap.epc)) return;
    if (!this.watchProgress(p, trap)) return;
    // base-limit and segmented: a limit fault goes to the memory model too (a segment may grow).
    if (isPageFault(trap.cause) || trap.reason === FaultReason.Limit) {
      this.fault(p, trap);
      return;
    }
    switch (trap.cause) {
      case Cause.EcallFromU:
        this.counters.syscalls++;
        syscall(this, p, trap.epc);
        return;
      case Cause.TlbMiss:
        this.counters.tlbRefills++;
        this.options.plugins.tlbRefill(this, p, trap);
        return;
      case Cause.IllegalInstruction:
        this.kill(
          p,
          Sig.SIGILL,
          `illegal instruction ${hex32(trap.tval)} at pc ${hex32(trap.epc)}`,
        );
        return;
      case Cause.Breakpoint:
        this.kill(p, Sig.SIGTRAP, `breakpoint (ebreak) at pc ${hex32(trap.epc)}`);
        return;
      case Cause.LoadMisaligned:
      case Cause.StoreMisaligned:
        if (this.options.misaligned === MisalignedMode.Emulate && this.emulateMisaligned(p, trap))
          return;
        this.kill(
          p,
          Sig.SIGBUS,
          `${causeName(trap.cause)} at ${hex32(trap.tval)}, pc ${hex32(trap.epc)}`,
        );
        return;
      case Cause.InstructionMisaligned:
        this.kill(
          p,
          Sig.SIGBUS,
          `${causeName(trap.cause)} at ${hex32(trap.tval)}, pc ${hex32(trap.epc)}`,
        );
        return;
      default:
        this.kill(
          p,
          Sig.SIGSEGV,
          `${causeName(trap.cause)} at ${hex32(trap.tval)} (${trap.reason}), pc ${hex32(trap.epc)}`,
        );
    }
  }

  /** Emulates a misaligned load or store (kernel/misaligned.ts); false if it cannot. */
  private emulateMisaligned(p: Proc, trap: Trap): boolean {
    const done = emulateMisaligned(
      {
        machine: this.machine,
        handleFault: (fault) => {
          this.handleTrap(p, fault);
          return !p.exit;
        },
        emit: (e) => this.emit(e),
        count: () => {
          this.counters.misalignedEmulated++;
          p.instructions++;
        },
      },
      p.pid,
      trap,
    );
    return done !== undefined;
  }

  /** Kills `p` if its stack overflowed where no hardware caught it (at traps and slice ends). */
  private stackOverflowed(p: Proc, pc: number): boolean {
    const overflow = this.memory.stackOverflow?.(p);
    if (overflow) this.kill(p, Sig.SIGSEGV, `${overflow}, pc ${hex32(pc)}`);
    return overflow !== undefined;
  }

  /** Has the memory model fix a memory fault (the instruction then restarts) or kills `p`. */
  private fault(p: Proc, trap: Trap): void {
    const r = this.memory.fault(p, trap.tval, causeAccess(trap.cause)!);
    const action = r.ok ? r.action : `kill: ${r.reason}`;
    this.emit({ kind: "fault", pid: p.pid, va: trap.tval, cause: causeName(trap.cause), action });
    if (!r.ok)
      this.kill(
        p,
        Sig.SIGSEGV,
        `${causeName(trap.cause)} at ${hex32(trap.tval)} (${r.reason}), pc ${hex32(trap.epc)}`,
      );
  }

  /**
   * Forward progress: a page fault or TLB miss keeps the pages its instruction has needed
   * resident (progress.ts); any other trap ends that. An instruction faulting more than
   * MAX_FAULTS_PER_INSTRUCTION times is stuck: if pages were evicted meanwhile, memory is too
   * tight for it and the OOM killer ends a process; if none was, the faults are not being fixed
   * and `p` is ended. False if `p` has ended.
   */
  private watchProgress(p: Proc, trap: Trap): boolean {
    if (!FAULT_CAUSES.has(trap.cause)) {
      this.progress.clear();
      return true;
    }
    const { progress, counters } = this;
    const instret = this.machine.cpu.instret;
    const faults = progress.noteFault(p, trap.epc, instret, trap.tval, counters.evictions);
    if (faults <= MAX_FAULTS_PER_INSTRUCTION) return true;
    const what = `the instruction at pc ${hex32(trap.epc)} faulted ${faults} times`;
    if (counters.evictions === progress.evictionsAtStart) {
      this.kill(p, Sig.SIGSEGV, `no progress: ${what} and its faults were not fixed`);
      return false;
    }
    const evicted = counters.evictions - progress.evictionsAtStart;
    progress.faults = 0;
    progress.evictionsAtStart = counters.evictions;
    this.oomKill(p, `no progress: ${what}, ${evicted} pages evicted meanwhile`);
    return !p.exit;
  }

  /**
   * VmContext.outOfMemory: a fault of `p` at `va` found no frame. When swap has room but no page
   * may be evicted (page tables and the pages in use fill RAM), the OOM killer ends a process and
   * the fault is retried (true). Otherwise memory and swap are spent: the fault fails and `p`
   * alone ends, with the fault's reason (false).
   */
  private outOfMemory(p: Proc, va: number): boolean {
    if (this.swapper?.lastFailure !== EvictFailure.NothingEvictable) return false;
    this.oomKill(p, `pid ${p.pid} needed a frame at ${hex32(va)} and no page could be evicted`);
    return true;
  }

  /**
   * The OOM killer, as Linux's: ends (SIGKILL) the process with the largest footprint — resident
   * pages plus page-table pages — ties going to the newest (highest pid). `why` names the need.
   */
  private oomKill(needy: Proc, why: string): void {
    let victim = needy;
    let most = { resident: 0, tables: 0 };
    for (const q of this.procs.values()) {
      if (q.exit) continue;
      const size = this.footprint(q);
      if (size.resident + size.tables >= most.resident + most.tables) {
        victim = q;
        most = size;
      }
    }
    this.kill(
      victim,
      Sig.SIGKILL,
      `out of memory (largest footprint: ${most.resident} resident + ${most.tables} page-table pages; ${why})`,
    );
  }

  /** Resident and page-table pages of `p`, with those of an old image its execve is replacing. */
  private footprint(p: Proc): { resident: number; tables: number } {
    let resident = p.rss;
    let tables = this.tablePageCount(p);
    for (const old of this.detached) {
      if (old.pid !== p.pid) continue;
      resident += old.rss;
      tables += this.tablePageCount(old);
    }
    return { resident, tables };
  }

  /** Page-table pages of `p`, its root included (paged mode; 0 otherwise). */
  private tablePageCount(p: Proc): number {
    if (this.memory.mode !== MmuMode.Paged || p.root === 0) return 0;
    return 1 + tablePages(this.machine.ram, p.root).length;
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
