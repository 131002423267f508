// The translations of a traced step, read back from its MMU events: each starts with a `start`
// event and ends with `done` or `fault`; in between come the TLB lookup, the walk's levels, the
// permission check, an A/D update, a fill, or (base-limit, segmented) the relocation. The address,
// TLB, page-table and memory panes are all built from these.
import type { MmuEvent, Segment } from "../../hw/mmu.js";
import { PAGE_SIZE } from "../../hw/ram.js";
import {
  isLeaf,
  PTE_A,
  PTE_D,
  PTE_G,
  PTE_R,
  PTE_SIZE,
  PTE_U,
  PTE_V,
  PTE_W,
  PTE_X,
} from "../../hw/sv32.js";
import { accessName, FaultReason } from "../../hw/trap.js";
import { PTE_COW, PTE_SWAP } from "../../kernel/paging/pagetable.js";
import { formatMmuEvent } from "../explain.js";
import type { Note, Session, StepRecord } from "../step/session.js";
import type { AccessName, PteBits, SchemeName, Translation, WalkLevel } from "./types.js";

/**
 * The last `depth` traced steps of the session's history, oldest first; empty if the history does
 * not reach the present (a quiet run came after it).
 */
export function recentSteps(s: Session, depth: number): StepRecord[] {
  const h = s.history;
  if (h.length === 0 || h[h.length - 1]!.position !== s.position) return [];
  return h.slice(Math.max(0, h.length - depth));
}

/** The step that brought the session where it is, if it was traced, else undefined. */
export function lastStep(s: Session): StepRecord | undefined {
  return recentSteps(s, 1)[0];
}

/** The MMU event of a note, with the note's index, for notes that are MMU events. */
export function mmuEvents(notes: readonly Note[]): { at: number; e: MmuEvent }[] {
  const out: { at: number; e: MmuEvent }[] = [];
  notes.forEach((n, at) => {
    if (n.kind === "mmu") out.push({ at, e: n.e });
  });
  return out;
}

/** One line for an MMU event, as `--trace mmu,tlb` and the stepper print it. */
export function mmuLine(e: MmuEvent): string {
  return formatMmuEvent(e, { mmu: true, tlb: true }) ?? e.kind;
}

/** The translations in `events`, in order; `segments` tells which segments grow down. */
export function translationsOf(
  events: readonly MmuEvent[],
  segments: readonly Segment[],
): Translation[] {
  const out: Translation[] = [];
  let t: Translation | undefined;
  for (const e of events) {
    if (e.kind === "start") {
      t = newTranslation(accessName[e.access] as AccessName, e.va, e.mode);
      out.push(t);
    }
    if (t) apply(t, e, segments);
  }
  return out;
}

/** A translation of `va` for `access` under `scheme` with nothing known yet (no events seen). */
export function newTranslation(access: AccessName, va: number, scheme: SchemeName): Translation {
  return {
    access,
    va,
    scheme,
    tlbHit: null,
    rootPpn: null,
    levels: [],
    check: null,
    adUpdate: null,
    relocation: null,
    pa: null,
    fault: null,
    walker: null,
    lines: [],
  };
}

/** The start of a fault's trace line ("  -> "), before the words for the fault. */
const FAULT_LINE = /^\s*-> /;

/** Adds one event's facts (and its trace line) to the translation. */
function apply(t: Translation, e: MmuEvent, segments: readonly Segment[]): void {
  t.lines.push(mmuLine(e));
  switch (e.kind) {
    case "tlb":
      t.tlbHit = e.hit;
      return;
    case "recheck":
      // The cached PTE changed since the fill: the hit counts as a miss and the walker runs.
      if (e.pte !== e.cached) t.tlbHit = false;
      return;
    case "walk":
      t.levels.push(walkLevel(e.level, e.index, e.pteAddr, e.pte, e.flags, e.pfn));
      t.rootPpn = t.levels[0]!.tablePpn;
      t.walker = "hardware";
      return;
    case "fill":
      // A fill after the translation trapped is the kernel's software refill of its page.
      if (t.fault !== null) t.walker = "kernel";
      return;
    case "check":
      t.check = { flags: e.flags, verdict: e.reason === FaultReason.None ? "allowed" : e.reason };
      return;
    case "ad":
      t.adUpdate = { pteAddr: e.pteAddr, old: e.old, pte: e.pte };
      return;
    case "relocate": {
      const segment = e.segment ?? null;
      const growsDown = segment !== null && segments[segment]?.growsDown === true;
      t.relocation = { segment, ...pick(e), growsDown, inside: true };
      return;
    }
    case "done":
      t.pa = e.pa;
      return;
    case "fault":
      t.fault = mmuLine(e).replace(FAULT_LINE, "");
      if (t.relocation && e.reason === FaultReason.Limit) t.relocation.inside = false;
      return;
  }
}

function pick(e: { base: number; limit: number; offset: number }) {
  return { base: e.base, limit: e.limit, offset: e.offset };
}

/** A walk level from a PTE the walk read (Sv32 tables: 4-byte PTEs in 4 KiB pages). */
export function walkLevel(
  level: number,
  index: number,
  pteAddr: number,
  pte: number,
  flags: string,
  ppn: number,
): WalkLevel {
  const tablePpn = Math.floor((pteAddr - index * PTE_SIZE) / PAGE_SIZE);
  const kind = (pte & PTE_V) === 0 ? "invalid" : isLeaf(pte) ? "leaf" : "pointer";
  return { level, index, tablePpn, pteAddr, pte, flags, bits: pteBits(pte), ppn, kind };
}

/** The flag bits of an Sv32 PTE, with vmlab's copy-on-write and swap bits. */
export function pteBits(pte: number): PteBits {
  const has = (bit: number) => (pte & bit) !== 0;
  return {
    v: has(PTE_V),
    r: has(PTE_R),
    w: has(PTE_W),
    x: has(PTE_X),
    u: has(PTE_U),
    g: has(PTE_G),
    a: has(PTE_A),
    d: has(PTE_D),
    cow: has(PTE_COW),
    swap: has(PTE_SWAP),
  };
}

/** The translations of a traced step. */
export function stepTranslations(s: Session, r: StepRecord): Translation[] {
  const events = mmuEvents(r.report.notes).map((x) => x.e);
  return translationsOf(events, s.world.machine.mmu.segments);
}
