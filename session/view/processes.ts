// The Processes pane: every process in the table (zombies too, until reaped) with its state,
// address-space id, page-table root or blocks, regions and memory use.
import { MmuMode } from "../../hw/mmu.js";
import { PTE_R, PTE_W, PTE_X } from "../../hw/sv32.js";
import { signalName } from "../../kernel/abi.js";
import type { Region } from "../../kernel/aspace.js";
import type { Proc, ProcessExit } from "../../kernel/proc.js";
import { focus } from "../step/inspect.js";
import type { Session } from "../step/session.js";
import type { ProcessesView, ProcessRow, RegionRow } from "./types.js";

/** Every process in the table, by pid, and which one is running and which is in focus. */
export function processesView(s: Session): ProcessesView {
  const { kernel } = s.world;
  const current = kernel.current?.pid ?? null;
  const focused = focus(s)?.pid ?? null;
  const procs = [...kernel.procs.values()].sort((a, b) => a.pid - b.pid);
  return { rows: procs.map((p) => rowOf(s, p, current, focused)), current, focus: focused };
}

function rowOf(s: Session, p: Proc, current: number | null, focused: number | null): ProcessRow {
  const paged = s.world.kernel.memory.mode === MmuMode.Paged;
  return {
    pid: p.pid,
    ppid: p.ppid,
    name: p.name,
    state: p.state,
    running: p.pid === current,
    focus: p.pid === focused,
    asid: p.asid,
    rootPpn: paged && p.root !== 0 ? p.root : null,
    pc: s.regsOf(p.pid)?.pc ?? p.pc >>> 0,
    rss: p.rss,
    rssPeak: p.rssPeak,
    instructions: p.instructions,
    brk: p.brk,
    blocks: p.blocks.map((b) => ({ base: b.base, size: b.size })),
    regions: p.space.regions.map(regionRow),
    exit: p.exit ? exitWords(p.exit) : null,
  };
}

function regionRow(r: Region): RegionRow {
  return { kind: r.kind, start: r.start, end: r.end, perm: permString(r.perm), shared: !!r.shared };
}

/** PTE_R | PTE_W | PTE_X bits as "rwx" with "-" for a clear bit. */
export function permString(perm: number): string {
  const bit = (b: number, c: string) => ((perm & b) !== 0 ? c : "-");
  return bit(PTE_R, "r") + bit(PTE_W, "w") + bit(PTE_X, "x");
}

/** How a process ended, in the words of its exit event: "exit(3)" or the signal's name. */
function exitWords(e: ProcessExit): string {
  return e.kind === "exited" ? `exit(${e.code})` : signalName(e.signal);
}
