// The Page table pane: the last walk level by level (root PPN -> L1 PTE -> L0 PTE -> physical
// address), every translation of the last step for the animation, and the focused process's table
// as a tree (only valid and swapped entries), read from RAM without changing anything.

import { WalkResult, walkTable } from "../../hw/mmu/walk.js";
import { MmuMode } from "../../hw/mmu.js";
import { PAGE_SIZE } from "../../hw/ram.js";
import { isLeaf, PTE_SIZE, PTE_V, pteFlagString, ptePpn, VPN_BITS } from "../../hw/sv32.js";
import { loadPte, PTE_SWAP, swapSlot } from "../../kernel/paging/pagetable.js";
import { type Proc, ProcState } from "../../kernel/proc.js";
import { focus } from "../step/inspect.js";
import type { Session, StepRecord } from "../step/session.js";
import { lastStep, pteBits, stepTranslations, walkLevel } from "./translations.js";
import type { PageTableTree, PtLeafNode, PtTableNode, Translation, WalkView } from "./types.js";

/** Entries per Sv32 table (2^10). */
const TABLE_ENTRIES = 1 << VPN_BITS;
/** Bytes one level-1 entry spans (4 MiB). */
const L1_SPAN = TABLE_ENTRIES * PAGE_SIZE;

/** The last traced step's translations and its last walk (all empty if the step is unknown). */
export function walkView(s: Session): WalkView {
  const step = lastStep(s);
  const translations = step ? stepTranslations(s, step) : [];
  const p = step ? stepProcess(s, step) : undefined;
  for (const t of translations) if (t.walker === "kernel" && p) kernelWalk(s, p, t);
  const walked = translations.filter((t) => t.levels.length > 0);
  return { walk: walked.at(-1) ?? null, translations };
}

/** The live process whose instruction the step ran (or that is on the CPU), if any. */
function stepProcess(s: Session, step: StepRecord): Proc | undefined {
  const { kernel } = s.world;
  const pid = step.report.fetched?.pid ?? kernel.current?.pid;
  const p = pid === undefined ? undefined : kernel.procs.get(pid);
  return p && p.state !== ProcState.Zombie && p.root !== 0 ? p : undefined;
}

/**
 * A software refill's walk: the levels the kernel read, re-read from `p`'s tables as they are
 * after the step (with the A bit the refill set), changing nothing.
 */
function kernelWalk(s: Session, p: Proc, t: Translation): void {
  const { machine } = s.world;
  const onRead = (level: number, index: number, pteAddr: number, pte: number) =>
    t.levels.push(walkLevel(level, index, pteAddr, pte, pteFlagString(pte), ptePpn(pte)));
  walkTable(machine.mmu.format, machine.ram, p.root * PAGE_SIZE, t.va, new WalkResult(), onRead);
  t.rootPpn = t.levels[0]?.tablePpn ?? null;
}

/**
 * The page table of process `pid` (default: the focus process) as a tree; null if the kernel does
 * not page or there is no such live process.
 */
export function pageTableTree(s: Session, pid?: number): PageTableTree | null {
  const { kernel, machine } = s.world;
  if (kernel.memory.mode !== MmuMode.Paged) return null;
  const p = pid === undefined ? focus(s) : kernel.procs.get(pid);
  if (!p || p.state === ProcState.Zombie || p.root === 0) return null;
  const tables: PtTableNode[] = [];
  for (let i1 = 0; i1 < TABLE_ENTRIES; i1++) {
    const pteAddr = p.root * PAGE_SIZE + i1 * PTE_SIZE;
    const pte = loadPte(machine.ram, pteAddr);
    if ((pte & PTE_V) !== 0) tables.push(tableNode(s, i1, pteAddr, pte));
  }
  return { pid: p.pid, asid: p.asid, rootPpn: p.root, tables };
}

/** A valid level-1 entry: a megapage leaf, or a pointer with its level-0 table's entries. */
function tableNode(s: Session, i1: number, pteAddr: number, pte: number): PtTableNode {
  const megapage = isLeaf(pte);
  const ppn = ptePpn(pte);
  const node = { index: i1, va: i1 * L1_SPAN, pteAddr, pte, flags: pteFlagString(pte), ppn };
  return { ...node, megapage, entries: megapage ? [] : leafNodes(s, ppn, i1 * L1_SPAN) };
}

/** The valid or swapped entries of the level-0 table in frame `table`, mapping from `base`. */
function leafNodes(s: Session, table: number, base: number): PtLeafNode[] {
  const out: PtLeafNode[] = [];
  forEachInTable(s, table, base, (va, pte, pteAddr) => {
    const valid = (pte & PTE_V) !== 0;
    const ppn = valid ? ptePpn(pte) : null;
    const slot = valid ? null : swapSlot(pte);
    const flags = pteFlagString(pte);
    out.push({
      index: (va - base) / PAGE_SIZE,
      va,
      pteAddr,
      pte,
      flags,
      bits: pteBits(pte),
      ppn,
      slot,
    });
  });
  return out;
}

/**
 * Calls `visit` for every leaf PTE (valid, or on swap) of every live process, in pid and address
 * order, reading RAM only (for the memory and swap panes).
 */
export function forEachLeaf(s: Session, visit: (p: Proc, va: number, pte: number) => void): void {
  const ram = s.world.machine.ram;
  for (const p of s.world.kernel.procs.values()) {
    if (p.state === ProcState.Zombie || p.root === 0) continue;
    for (let i1 = 0; i1 < TABLE_ENTRIES; i1++) {
      const pde = loadPte(ram, p.root * PAGE_SIZE + i1 * PTE_SIZE);
      if ((pde & PTE_V) === 0) continue;
      if (isLeaf(pde)) visit(p, i1 * L1_SPAN, pde);
      else forEachInTable(s, ptePpn(pde), i1 * L1_SPAN, (va, pte) => visit(p, va, pte));
    }
  }
}

/** Calls `visit` for each valid or swapped entry of the level-0 table in frame `table`. */
function forEachInTable(
  s: Session,
  table: number,
  base: number,
  visit: (va: number, pte: number, pteAddr: number) => void,
): void {
  const ram = s.world.machine.ram;
  for (let i0 = 0; i0 < TABLE_ENTRIES; i0++) {
    const pteAddr = table * PAGE_SIZE + i0 * PTE_SIZE;
    const pte = loadPte(ram, pteAddr);
    if ((pte & (PTE_V | PTE_SWAP)) !== 0) visit(base + i0 * PAGE_SIZE, pte, pteAddr);
  }
}
