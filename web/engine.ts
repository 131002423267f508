// The machine behind the page, without the messaging: one stepping session and how to move it
// (step, back, jump, run in batches), breakpoints, and the data of the panes this app draws. The
// worker wraps it; tests drive it directly. Every position is reached the same way whichever path
// led there (a rebuild: back to the last checkpoint at least EVENT_STEPS before it — the boot's
// at worst — a quiet run to EVENT_STEPS before it, then traced steps), so Back, a jump and a
// shared link all show identical panes.
import { disassemble } from "../asm/disasm.js";
import { registerName } from "../asm/isa.js";
import type { ElfSegment } from "../hw/elf.js";
import type { Proc } from "../kernel/proc.js";
import type { FileReader } from "../session/program.js";
import { StepError } from "../session/step/errors.js";
import { bytesSource } from "../session/step/guest-io.js";
import { focus, imageOf, lookupFor, peekWords } from "../session/step/inspect.js";
import { HISTORY_STEPS, type Note, PC, Session } from "../session/step/session.js";
import { prepareSetup, type StepSetup } from "../session/step/setup.js";
import { Stops } from "../session/step/stops.js";
import { labelsOf } from "../session/step/symbols.js";
import { Timeline, type TimelineOptions } from "../session/timeline.js";
import { type ConsoleState, GuestConsole } from "./console.js";
import { machineOptions, type ProgramChoice, type Settings, SOURCE_NAME } from "./settings.js";
import type { ConsoleLine, Diagnostic, DisasmLine, RegisterView } from "./view.js";

/** How many traced steps the Events pane (and the last-step panes) look back over. */
export const EVENT_STEPS = HISTORY_STEPS;
/** Instructions shown before and after the current one in the Disassembly pane. */
const DISASM_BEFORE = 8;
const DISASM_AFTER = 16;
const WORD = 4;

/** What loading a program gave: a session, or the error and the assembler's diagnostics. */
export type LoadResult =
  | { ok: true; warnings: Diagnostic[] }
  | { ok: false; error: string; diagnostics: Diagnostic[] };

/** One loaded program and where its run is. */
export class Engine {
  readonly setup: StepSetup;
  session: Session;
  readonly stops = new Stops();
  readonly guest = new GuestConsole();
  /** Checkpoints of the session, each with the console as it was (session/timeline.ts). */
  readonly timeline: Timeline<ConsoleState>;

  private constructor(setup: StepSetup, checkpoints: TimelineOptions) {
    this.setup = setup;
    // The engine keeps the checkpoints itself, the console with each; the session keeps none.
    this.session = new Session(setup, bytesSource(new Uint8Array()), (n) => this.toConsole(n), {
      checkpoints: false,
    });
    // The console reads the guest's bytes as they are written (the session only ever has this one
    // world: positions are reached by restoring checkpoints into it).
    const host = this.session.world.kernel.host;
    const write = host.write.bind(host);
    host.write = (fd, bytes) => {
      this.guest.write(fd, bytes);
      write(fd, bytes);
    };
    this.timeline = new Timeline(checkpoints);
    this.timeline.take(this.session, this.guest.save(), 0);
  }

  /** The Console pane's lines. */
  get console(): ConsoleLine[] {
    return this.guest.lines;
  }

  /**
   * Loads a program with the settings, reading files with `files` (an edited source is named
   * SOURCE_NAME); the engine, or why not (one line plus the assembler's diagnostics).
   * `checkpoints`: their interval and budget, for tests (by default adapted, and 256 MiB).
   */
  static load(
    program: ProgramChoice,
    settings: Settings,
    files: FileReader,
    checkpoints: TimelineOptions = {},
  ): Engine | Extract<LoadResult, { ok: false }> {
    const path = program.kind === "bundled" ? program.path : SOURCE_NAME;
    const edited = program.kind === "source" ? new TextEncoder().encode(program.text) : null;
    const read: FileReader = (p) =>
      edited && p === SOURCE_NAME ? { ok: true, bytes: edited } : files(p);
    try {
      const r = prepareSetup(read, [path], [], machineOptions(settings));
      if (!r.ok) return { ok: false, error: r.error, diagnostics: r.diagnostics.map(diagnostic) };
      return new Engine(r.setup, checkpoints);
    } catch (e) {
      return { ok: false, error: e instanceof Error ? e.message : String(e), diagnostics: [] };
    }
  }

  /** Kernel messages go to the console (the guest's lines come from the host, see above). */
  private toConsole(n: Note): void {
    if (n.kind === "message") this.guest.message(n.line);
  }

  get position(): number {
    return this.session.position;
  }

  /** True while some process can run. */
  get live(): boolean {
    return this.session.hasLive();
  }

  /** Runs up to `n` traced steps (fewer if everything ends); returns how many ran. */
  step(n: number): number {
    let done = 0;
    while (done < n && this.session.hasLive()) {
      const report = this.session.stepTraced();
      for (const note of report.notes) this.toConsole(note);
      done++;
    }
    return done;
  }

  /**
   * Rebuilds the state at `position` (clamped to where the run can reach): back to the last
   * checkpoint at least EVENT_STEPS before it, a quiet run to EVENT_STEPS before it, then traced
   * steps, so the last-step panes have their events.
   */
  goto(position: number): void {
    const quiet = Math.max(0, position - EVENT_STEPS);
    const mark = this.timeline.before(quiet)!;
    this.session.restore(mark.checkpoint);
    this.guest.restore(mark.extra);
    this.advance(quiet - this.session.position);
    this.session.flushGuest();
    this.step(position - this.session.position);
  }

  /** Back `n` steps (to the start at most). */
  back(n: number): void {
    this.goto(Math.max(0, this.position - n));
  }

  /**
   * Runs `n` instructions quietly (fewer if everything ends), in pieces between which the timeline
   * takes its checkpoints.
   */
  private advance(n: number): void {
    const s = this.session;
    const end = s.position + n;
    while (s.position < end && s.hasLive()) {
      const start = performance.now();
      const from = s.position;
      s.runQuiet(Math.min(end - s.position, this.timeline.interval));
      const rate = (s.position - from) / Math.max(performance.now() - start, 1);
      if (this.timeline.due(s.position)) this.timeline.take(s, this.guest.save(), rate);
    }
  }

  /**
   * Runs up to `budget` instructions untraced, stopping at a breakpoint; returns why it stopped
   * early ("breakpoint ..." or "ended"), or undefined if the budget ran out. The last-step panes
   * know nothing of a quiet run (the session's history describes older steps, so it is cleared).
   */
  run(budget: number): string | undefined {
    const s = this.session;
    if (!s.hasLive()) return "ended";
    s.history.length = 0;
    if (this.stops.empty) {
      this.advance(budget);
      s.flushGuest();
      return s.hasLive() ? undefined : "ended";
    }
    let why: string | undefined;
    for (let i = 0; i < budget && why === undefined; i++) {
      s.stepQuiet();
      why = this.stops.checkBreaks(s) ?? (s.hasLive() ? undefined : "ended");
    }
    if (this.timeline.due(s.position)) this.timeline.take(s, this.guest.save(), 0);
    s.flushGuest();
    return why;
  }

  /** Sets a breakpoint at `addr`, or clears the one there. */
  toggleBreak(addr: number): void {
    const b = this.stops.breaks.find((x) => x.addr === addr);
    if (b) this.stops.delete(b.id);
    else this.stops.addBreak(addr, `0x${addr.toString(16)}`);
  }

  /** The focus process's registers, x1..x31 and the pc, with those the last step changed. */
  registers(): { pid: number; regs: RegisterView[] } | null {
    const p = focus(this.session);
    const r = p && this.session.regsOf(p.pid);
    if (!p || !r) return null;
    const last = this.session.history[this.session.history.length - 1];
    const fresh = last?.position === this.position && last.report.fetched?.pid === p.pid;
    const changed = new Set(fresh ? (last.report.changes ?? []).map((c) => c.reg) : []);
    const regs: RegisterView[] = [];
    for (let i = 1; i < 32; i++)
      regs.push({ name: registerName(i), value: r.x[i]! >>> 0, changed: changed.has(i) });
    regs.push({ name: "pc", value: r.pc >>> 0, changed: changed.has(PC) });
    return { pid: p.pid, regs };
  }

  /** The instructions around the focus process's pc, with labels and breakpoints. */
  disassembly(): DisasmLine[] {
    const s = this.session;
    const p = focus(s);
    const r = p && s.regsOf(p.pid);
    if (!p || !r) return [];
    const pc = r.pc >>> 0;
    const lookup = lookupFor(s, p);
    const image = imageOf(s, p);
    const labels = new Map((image ? labelsOf(image) : []).map((l) => [l.address, l.name]));
    const seg = image?.segments.find(
      (g) => g.executable && pc >= g.vaddr && pc < g.vaddr + g.memsz,
    );
    const lo = Math.max(seg?.vaddr ?? pc, pc - DISASM_BEFORE * WORD);
    const hi = Math.min(seg ? seg.vaddr + seg.memsz : pc + WORD, pc + (DISASM_AFTER + 1) * WORD);
    const words = wordsAt(s, p, seg, lo, (hi - lo) / WORD);
    const breaks = new Set(this.stops.breaks.map((b) => b.addr));
    return words.flatMap((word, i) => {
      const addr = lo + i * WORD;
      if (word === undefined) return [];
      const label = labels.get(addr);
      return [
        {
          addr,
          ...(label ? { label } : {}),
          word,
          text: disassemble(word, addr, lookup),
          current: addr === pc,
          breakpoint: breaks.has(addr),
        },
      ];
    });
  }
}

/** `count` instruction words from `va`: from the program file where it has them, else memory. */
function wordsAt(
  s: Session,
  p: Proc,
  seg: ElfSegment | undefined,
  va: number,
  count: number,
): (number | undefined)[] {
  if (seg && va - seg.vaddr + count * WORD <= seg.data.length) {
    const view = new DataView(seg.data.buffer, seg.data.byteOffset + va - seg.vaddr, count * WORD);
    return Array.from({ length: count }, (_, i) => view.getUint32(i * WORD, true));
  }
  try {
    return peekWords(s, p, va, count, WORD);
  } catch (e) {
    if (e instanceof StepError) return [];
    throw e;
  }
}

function diagnostic(d: {
  file: string;
  line: number;
  column: number;
  message: string;
  severity?: string;
}): Diagnostic {
  return {
    file: d.file,
    line: d.line,
    column: d.column,
    message: d.message,
    warning: d.severity === "warning",
  };
}
