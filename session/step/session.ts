// The stepper's engine: one booted machine, stepped one instruction at a time with every event
// captured, or run quietly; and replay, which makes `back` exact. The machine is deterministic, so
// running from an earlier state with the same inputs (programs, options, seed, and the guest's
// recorded stdin) reproduces every later state exactly. The earlier state is a checkpoint the
// session took as its quiet runs went (../timeline.ts), restored into the same objects; before
// the first checkpoint (and in a session keeping none) it is a fresh boot.
import type { ElfImage } from "../../hw/elf.js";
import type { MmuEvent } from "../../hw/mmu.js";
import type { TlbEntryView } from "../../hw/tlb.js";
import { Access } from "../../hw/trap.js";
import { FrameUse } from "../../kernel/frames.js";
import type { KernelHost } from "../../kernel/host.js";
import { ProcState } from "../../kernel/proc.js";
import type { KernelEvent } from "../../kernel/trace.js";
import { Checkpoint } from "../checkpoint.js";
import { type Recordable, Timeline, type TimelineOptions } from "../timeline.js";
import { GuestLines, type StdinReader, StdinRecording, type StdinSource } from "./guest-io.js";
import { boot, type StepSetup, type World } from "./setup.js";

/** Something that happened during a step, in order. */
export type Note =
  | { kind: "mmu"; e: MmuEvent }
  | { kind: "kernel"; e: KernelEvent }
  | { kind: "guest"; fd: 1 | 2; line: string }
  | { kind: "message"; line: string };

/** The instruction a step completed: who ran it, where, and its encoding. */
export interface Fetched {
  pid: number;
  /** The program the process runs (for symbols). */
  program: string;
  pc: number;
  word: number;
}

/** A register (or the pc) the instruction changed. */
export interface RegChange {
  /** 0..31, or 32 for the pc. */
  reg: number;
  before: number;
  after: number;
}

/** Everything one traced step did, for the printer. */
export interface StepReport {
  notes: Note[];
  /** The completed instruction; null when none completed (the last processes ended). */
  fetched: Fetched | null;
  /** The process on the CPU before the step (null before the first one). */
  fromPid: number | null;
  /** Registers of the process that ran, changed by the step; null if it has ended. */
  changes: RegChange[] | null;
}

/** A TLB entry a traced step overwrote or invalidated, as it was, and how many notes came before. */
export interface Evicted {
  at: number;
  entry: TlbEntryView;
  /** Its LRU stamp then. */
  lastUse: number;
}

/** One traced step as the history keeps it. */
export interface StepRecord {
  /** The session's position after the step. */
  position: number;
  report: StepReport;
  /** TLB entries the step replaced or flushed, in order (a fill's victim comes just before it). */
  evicted: Evicted[];
}

/** The fewest instructions a quiet run's piece must run to set the checkpoint interval. */
const RATE_PIECE = 100_000;

/** How many traced steps the history keeps (the browser's Events pane shows these). */
export const HISTORY_STEPS = 32;

/** RegChange.reg of the pc. */
export const PC = 32;
/** What a frame holds, in words, by FrameUse code. */
const FRAME_USE_NAMES: Record<FrameUse, string> = {
  [FrameUse.Free]: "free",
  [FrameUse.Kernel]: "kernel",
  [FrameUse.PageTable]: "page table",
  [FrameUse.User]: "user page",
  [FrameUse.Shared]: "shared page",
  [FrameUse.Partition]: "partition",
};

interface Regs {
  x: Int32Array;
  pc: number;
}

export interface SessionOptions {
  /**
   * The checkpoints replay starts from (their interval and budget), or false to keep none and
   * replay from the boot (the browser's engine keeps its own timeline).
   */
  checkpoints?: TimelineOptions | false;
}

/** One stepping session: the machine now, how to step it, and how to rebuild an earlier state. */
export class Session implements Recordable {
  readonly setup: StepSetup;
  world: World;
  /** True once the kernel found nothing left to run (that last look counts as one step). */
  ended = false;
  /**
   * The latest traced steps, oldest first and one after another (at most HISTORY_STEPS); a quiet
   * run or a replay empties it.
   */
  readonly history: StepRecord[] = [];
  /** Every program image by path (spawned, or loaded by execve), for symbols. */
  readonly images = new Map<string, ElfImage>();
  /** Checkpoints along the run, the boot's first; null if the session keeps none. */
  readonly timeline: Timeline | null;
  private readonly stdin: StdinRecording;
  /** The boot's place in the recorded stdin (a property, so checkpoints record it). */
  private stdinReader: StdinReader;
  private readonly live: (n: Note) => void;
  private sink: (n: Note) => void;
  private lines: GuestLines;
  /** Before this position no checkpoint falls due, as long as the run goes forward. */
  private checkpointDueAt = 0;

  /**
   * Boots the first machine. `live` receives what happens during quiet runs
   * (guest output, kernel messages, process exits) as it happens.
   */
  constructor(
    setup: StepSetup,
    stdin: StdinSource,
    live: (n: Note) => void,
    options: SessionOptions = {},
  ) {
    this.setup = setup;
    this.stdin = new StdinRecording(stdin);
    this.stdinReader = this.stdin.reader();
    this.live = live;
    this.sink = live;
    this.lines = this.guestLines();
    for (const [i, f] of setup.files.entries()) this.images.set(f, setup.images[i]!);
    this.world = this.bootWorld();
    // No checkpoint of the boot: booting again is cheaper than the first look at every page of
    // a fresh RAM (60 ms for 16 MiB here, where a boot takes 3 ms).
    this.timeline = options.checkpoints === false ? null : new Timeline(options.checkpoints);
  }

  private guestLines(): GuestLines {
    return new GuestLines((fd, line) => this.sink({ kind: "guest", fd, line }));
  }

  private bootWorld(): World {
    const host: KernelHost = {
      write: (fd, bytes) => this.lines.write(fd, bytes),
      readStdin: (max) => this.stdinReader.read(max),
      message: (line) => this.sink({ kind: "message", line }),
    };
    return boot(this.setup, host, (path, image) => this.images.set(path, image));
  }

  /**
   * The session's state now, restorable into it. Left out: what never changes (the setup, the
   * program images), the stdin recording (input read after a checkpoint stays recorded when the
   * session goes back to it; the reader's place is recorded), the history (a restore empties it),
   * the timeline itself, and caches: the MMU's fast tables and their bookkeeping (12 MiB that
   * only cache what the TLB allows; a restore wipes them, which changes no count, see
   * hw/mmu/fast.ts) and the compiled code (see restore). `base`: an earlier checkpoint, whose
   * copies of pages that have not changed since are shared.
   */
  checkpoint(base?: Checkpoint): Checkpoint {
    const { cpu, mmu } = this.world.machine;
    const fast = mmu.fast;
    const leftOut: object[] = [fast.fetch, fast.load, fast.store, ...fast.bookkeeping];
    leftOut.push(cpu.codeWords);
    if (cpu.compiledCode !== null) leftOut.push(cpu.compiledCode);
    leftOut.push(this.setup, ...this.images.values(), this.stdin, this.history);
    if (this.timeline !== null) leftOut.push(this.timeline);
    return new Checkpoint(this, base, new Set(leftOut));
  }

  /**
   * Puts the session back as `checkpoint` (taken by checkpoint()) found it, with the MMU's fast
   * tables empty, the history empty and no tracer listening.
   */
  restore(checkpoint: Checkpoint): void {
    const code = this.world.machine.cpu.compiledCode;
    checkpoint.restore();
    // The world the checkpoint recorded (a replay from a fresh boot may have replaced it since).
    const { machine, kernel } = this.world;
    machine.mmu.fast.wipe();
    // The compiled code stays, as after the kernel wrote memory (hw/compile/engine.ts): each chunk
    // is compared with memory before it runs again, so replay after a restore need not warm up
    // anew. That needs the code the CPU holds to be the one its codeWords describe (they are left
    // out together); if the checkpoint put back another (or none), all of it goes.
    if (machine.cpu.compiledCode === code) machine.cpu.memoryChanged();
    else machine.cpu.forgetCompiledCode();
    // A quiet run may have been listening for exits when the checkpoint was taken.
    kernel.tracer = null;
    this.checkpointDueAt = 0;
    this.history.length = 0;
  }

  /**
   * Where the run is, in steps: instructions completed, plus one once the kernel has found nothing
   * left to run. Replaying to any earlier position reproduces it exactly.
   */
  get position(): number {
    return this.world.machine.cpu.instret + (this.ended ? 1 : 0);
  }

  /** True while some process can still run. */
  hasLive(): boolean {
    for (const p of this.world.kernel.procs.values()) if (p.state !== ProcState.Zombie) return true;
    return false;
  }

  /** Runs one instruction with tracing on and returns everything that happened. */
  stepTraced(): StepReport {
    const kernel = this.world.kernel;
    const before = this.snapshot();
    const fromPid = kernel.current?.pid ?? null;
    const notes: Note[] = [];
    const evicted: Evicted[] = [];
    const fetch = this.traceInto(notes);
    const tlb = this.world.machine.mmu.tlb;
    const onInvalidate = tlb.onInvalidate;
    tlb.onInvalidate = (i) => {
      evicted.push({ at: notes.length, entry: tlb.entry(i), lastUse: tlb.stamps[i + 1]! });
      onInvalidate(i);
    };
    let ran = false;
    try {
      ran = this.advance(1);
    } finally {
      tlb.onInvalidate = onInvalidate;
      this.untrace();
    }
    const fetched = ran ? fetch.last : null;
    const prior = fetched ? before.get(fetched.pid) : undefined;
    const after = fetched ? this.regsOf(fetched.pid) : undefined;
    const changes = prior && after ? diffRegs(prior, after) : null;
    const report = { notes, fetched, fromPid, changes };
    this.remember({ position: this.position, report, evicted });
    return report;
  }

  /** Adds a traced step to the history, dropping the oldest beyond HISTORY_STEPS. */
  private remember(r: StepRecord): void {
    this.history.push(r);
    if (this.history.length > HISTORY_STEPS) this.history.shift();
  }

  /** Connects every tracer to `notes`; the result tracks the last completed fetch. */
  private traceInto(notes: Note[]): { last: Fetched | null } {
    const { machine, kernel } = this.world;
    const fetch: { last: Fetched | null; pending: number | null } = { last: null, pending: null };
    this.sink = (n) => notes.push(n);
    kernel.singleStep = true;
    machine.mmu.setTracer((e) => {
      notes.push({ kind: "mmu", e });
      if (e.kind === "start") fetch.pending = e.access === Access.Fetch ? e.va : null;
      if (e.kind === "done" && fetch.pending !== null) {
        const word = machine.ram.peek32(e.pa) ?? 0;
        const p = kernel.current;
        fetch.last = { pid: p?.pid ?? 0, program: p?.name ?? "", pc: fetch.pending, word };
        fetch.pending = null;
      }
    });
    kernel.tracer = (e) => notes.push({ kind: "kernel", e });
    const f = kernel.frames;
    f.onChange = (op, ppn) =>
      kernel.emit({
        kind: "frame",
        op,
        ppn,
        use: FRAME_USE_NAMES[f.use[ppn] as FrameUse] ?? "?",
        pid: f.pid[ppn]!,
      });
    return fetch;
  }

  /** Disconnects the tracers and sends what the guest writes to the live receiver again. */
  private untrace(): void {
    const { machine, kernel } = this.world;
    machine.mmu.setTracer(null);
    kernel.tracer = null;
    kernel.frames.onChange = null;
    kernel.singleStep = false;
    this.lines.flush();
    this.sink = this.live;
  }

  /**
   * Runs one instruction without tracing (guest output and exits go to the live receiver);
   * false if none completed because nothing is left to run.
   */
  stepQuiet(): boolean {
    return this.runQuiet(1);
  }

  /**
   * Runs up to `n` instructions at full speed; false if the processes ended first. A line the
   * guest has not finished waits for flushGuest(). The history of traced steps is emptied.
   */
  runQuiet(n: number): boolean {
    const kernel = this.world.kernel;
    this.history.length = 0;
    kernel.tracer = (e) => {
      if (e.kind === "exit") this.live({ kind: "kernel", e });
    };
    try {
      return this.runUntraced(n);
    } finally {
      kernel.tracer = null;
    }
  }

  /**
   * Runs up to `n` instructions untraced (as advance), in pieces after which the timeline takes
   * a checkpoint when one is due.
   */
  private runUntraced(n: number): boolean {
    const timeline = this.timeline;
    // No checkpoint falls due within the run (most runs, checked ones step by step): no timing.
    if (timeline === null || this.position + n < this.checkpointDueAt) return this.advance(n);
    const cpu = this.world.machine.cpu;
    const end = cpu.instret + n;
    let ok: boolean;
    do {
      const from = cpu.instret;
      const start = performance.now();
      ok = this.advance(Math.min(end - from, timeline.interval));
      if (timeline.due(this.position)) {
        // The speed, from a piece long enough to tell (a checked run steps one at a time); 0
        // (unknown) leaves the interval as it is.
        const ran = cpu.instret - from;
        const perMs = ran >= RATE_PIECE ? ran / Math.max(performance.now() - start, 1) : 0;
        timeline.take(this, undefined, perMs);
      }
    } while (ok && cpu.instret < end);
    this.checkpointDueAt = timeline.dueAt(this.position);
    return ok;
  }

  /** Prints any line the guest has begun but not ended (at the end of a command). */
  flushGuest(): void {
    this.lines.flush();
  }

  private advance(n: number): boolean {
    if (this.ended) return false;
    const cpu = this.world.machine.cpu;
    const start = cpu.instret;
    const ok = this.world.kernel.step(n);
    if (!ok) this.ended = true;
    return ok && cpu.instret > start;
  }

  /**
   * Rebuilds the state at `position` (see there): back to the last checkpoint at or before the
   * quiet part, then a silent run to it (taking checkpoints as it goes); a position one past the
   * last instruction is the state after the kernel found nothing left to run. A position the run
   * cannot reach stops where everything ended. The last `traced` steps (at most HISTORY_STEPS)
   * run traced, so the history holds them again; nothing is sent to the receiver. Returns the
   * step the replay started from (0: a fresh boot).
   */
  replayTo(position: number, traced = 0): number {
    const mute = () => {};
    const quiet = Math.max(0, position - Math.min(traced, HISTORY_STEPS));
    const from = this.rewind(quiet);
    this.sink = mute;
    if (quiet > this.position) this.runUntraced(quiet - this.position);
    while (this.position < position && !this.ended) {
      this.stepTraced();
      this.sink = mute;
    }
    this.lines.flush();
    this.sink = this.live;
    return from;
  }

  /**
   * Back to the last checkpoint at or before `position`; without one, a fresh boot (a new world,
   * stdin read from the start, no partial output line). Checkpoints taken before still restore
   * the world they recorded. Returns the position it went back to.
   */
  private rewind(position: number): number {
    const mark = this.timeline?.before(position);
    if (mark) {
      this.restore(mark.checkpoint);
      return mark.position;
    }
    this.ended = false;
    this.history.length = 0;
    this.checkpointDueAt = 0;
    this.stdinReader = this.stdin.reader();
    this.lines = this.guestLines();
    this.world = this.bootWorld();
    return 0;
  }

  /** Registers and pc of every live process, as they are now. */
  private snapshot(): Map<number, Regs> {
    const out = new Map<number, Regs>();
    for (const pid of this.world.kernel.procs.keys()) {
      const r = this.regsOf(pid);
      if (r) out.set(pid, { x: r.x.slice(), pc: r.pc });
    }
    return out;
  }

  /** A process's registers: the CPU's if it is on the CPU, else its saved ones; undefined if gone. */
  regsOf(pid: number): Regs | undefined {
    const { machine, kernel } = this.world;
    if (kernel.current?.pid === pid) return { x: machine.cpu.x, pc: machine.cpu.pc >>> 0 };
    const p = kernel.procs.get(pid);
    if (!p || p.state === ProcState.Zombie) return undefined;
    return { x: p.regs, pc: p.pc >>> 0 };
  }
}

function diffRegs(before: Regs, after: Regs): RegChange[] {
  const out: RegChange[] = [];
  for (let r = 1; r < 32; r++) {
    const b = before.x[r]! >>> 0;
    const a = after.x[r]! >>> 0;
    if (a !== b) out.push({ reg: r, before: b, after: a });
  }
  if (after.pc !== (before.pc + 4) >>> 0) out.push({ reg: PC, before: before.pc, after: after.pc });
  return out;
}
