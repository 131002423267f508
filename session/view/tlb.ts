// The TLB pane: every entry (set, way, ASID, VPN, PPN, flags, LRU age), what the last step's
// lookups did: hit (which entry), miss, fill (which entry) and the victim the fill evicted; and
// the entries the step flushed (sfence.vma: a process ended, a page was unmapped, copied or
// swapped out).

import { pteFlagString } from "../../hw/sv32.js";
import type { Tlb, TlbEntryView } from "../../hw/tlb.js";
import { accessName } from "../../hw/trap.js";
import type { Session, StepRecord } from "../step/session.js";
import { lastStep, mmuEvents } from "./translations.js";
import type { AccessName, TlbLookup, TlbRow, TlbView } from "./types.js";

/** The whole TLB now, and the lookups of the last traced step (empty if unknown). */
export function tlbView(s: Session): TlbView {
  const mmu = s.world.machine.mmu;
  const tlb = mmu.tlb;
  const ages = agesOf(tlb);
  const rows = Array.from({ length: tlb.entries }, (_, i) => rowOf(tlb, i, ages[i]!));
  const step = lastStep(s);
  return {
    entries: tlb.entries,
    ways: tlb.ways,
    sets: tlb.sets,
    policy: tlb.policy,
    refill: mmu.refill,
    asid: mmu.asid,
    rows,
    lookups: step ? lookupsOf(step, tlb.ways) : [],
    flushed: step ? flushedBy(step) : [],
  };
}

/** The entries the step invalidated other than fill victims, in order. */
function flushedBy(step: StepRecord): TlbRow[] {
  const notes = step.report.notes;
  const isFill = (at: number, index: number) => {
    const n = notes[at];
    return n?.kind === "mmu" && n.e.kind === "fill" && n.e.index === index;
  };
  return step.evicted
    .filter((v) => !isFill(v.at, v.entry.index))
    .map((v) => rowFrom(v.entry, true, v.lastUse, -1));
}

/** Entry `i` as a row; `age` is its LRU rank in its set (-1 if invalid). */
function rowOf(tlb: Tlb, i: number, age: number): TlbRow {
  const valid = tlb.valid[i] === 1;
  return rowFrom(tlb.entry(i), valid, tlb.stamps[i + 1]!, valid ? age : -1);
}

/** Each entry's rank by last use among the valid entries of its set: 0 = most recent. */
function agesOf(tlb: Tlb): number[] {
  const ages = new Array<number>(tlb.entries).fill(-1);
  for (let set = 0; set < tlb.sets; set++) {
    const first = set * tlb.ways;
    const valid: number[] = [];
    for (let i = first; i < first + tlb.ways; i++) if (tlb.valid[i] === 1) valid.push(i);
    valid.sort((a, b) => tlb.stamps[b + 1]! - tlb.stamps[a + 1]! || a - b);
    valid.forEach((i, rank) => {
      ages[i] = rank;
    });
  }
  return ages;
}

/**
 * The TLB lookups of a step in order. A fill (by the walker, or by the kernel's software refill
 * after a TlbMiss trap) belongs to the latest lookup that missed; its victim is the entry the step
 * evicted from the filled slot just before the fill.
 */
function lookupsOf(step: StepRecord, ways: number): TlbLookup[] {
  const out: TlbLookup[] = [];
  let access: AccessName = "fetch";
  let va = 0;
  for (const { at, e } of mmuEvents(step.report.notes)) {
    if (e.kind === "start") [access, va] = [accessName[e.access] as AccessName, e.va];
    if (e.kind === "tlb") out.push(lookup(access, va, e, ways));
    if (e.kind === "recheck" && e.pte !== e.cached) stale(out.at(-1));
    if (e.kind !== "fill") continue;
    const missed = lastOf(out, (l) => !l.hit && l.fillIndex === null);
    if (!missed) continue;
    missed.fillIndex = e.index;
    missed.victim = victimOf(step, e.index, at);
  }
  return out;
}

/** A hit whose cached PTE turned out stale on the re-check: the MMU counts it as a miss. */
function stale(l: TlbLookup | undefined): void {
  if (!l) return;
  l.hit = false;
  l.hitIndex = null;
}

function lookup(
  access: AccessName,
  va: number,
  e: { vpn: number; asid: number; set: number; way: number; hit: boolean },
  ways: number,
): TlbLookup {
  const hitIndex = e.hit ? e.set * ways + e.way : null;
  const base = { access, va, vpn: e.vpn, asid: e.asid, set: e.set, hit: e.hit };
  return { ...base, hitIndex, fillIndex: null, victim: null };
}

/**
 * What slot `index` held before the fill at note `at` overwrote it, or null if it was empty (the
 * TLB invalidates the old entry right before the fill is reported, with no note in between).
 */
function victimOf(step: StepRecord, index: number, at: number): TlbRow | null {
  const ev = lastOf(step.evicted, (v) => v.entry.index === index && v.at === at);
  return ev ? rowFrom(ev.entry, true, ev.lastUse, -1) : null;
}

/** The last element of `list` that satisfies `ok`, or undefined. */
function lastOf<T>(list: readonly T[], ok: (x: T) => boolean): T | undefined {
  for (let i = list.length - 1; i >= 0; i--) if (ok(list[i]!)) return list[i];
  return undefined;
}

/** A row from a decoded entry, its validity, LRU stamp and age (a literal: spreads cost 10 us here). */
function rowFrom(e: TlbEntryView, valid: boolean, lastUse: number, age: number): TlbRow {
  return {
    index: e.index,
    set: e.set,
    way: e.way,
    valid,
    asid: e.asid,
    vpn: e.vpn,
    ppn: e.ppn,
    global: e.global,
    megapage: e.megapage,
    flags: pteFlagString(e.flags),
    pte: e.pte,
    pteAddr: e.pteAddr,
    lastUse,
    age,
  };
}
