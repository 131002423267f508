// The quiz's answers come from the real hardware model: each problem is set up in an emulated RAM
// and MMU of its own and translated with the MMU's side-effect-free path, so what the quiz says
// is what vmlab's hardware does.
import { AdMode, Mmu, type MmuEvent, MmuMode, RefillMode } from "../hw/mmu.js";
import { Prng } from "../hw/prng.js";
import { linearFormat, OSTEP_MULTILEVEL, type PageTableFormat } from "../hw/ptformat.js";
import { PAGE_SIZE, Ram } from "../hw/ram.js";
import { TlbPolicy } from "../hw/tlb.js";
import { Access } from "../hw/trap.js";

/** A translation answer: the physical address, or the hardware's reason for faulting. */
export type HwTranslation = { ok: true; pa: number } | { ok: false; reason: string };

/** A machine with `bytes` of RAM (rounded up to whole 4 KiB pages) and an MMU using `format`. */
function machine(bytes: number, format?: PageTableFormat): { ram: Ram; mmu: Mmu } {
  const ram = new Ram(Math.max(PAGE_SIZE, Math.ceil(bytes / PAGE_SIZE) * PAGE_SIZE));
  const config = {
    tlb: { entries: 1, ways: 1, policy: TlbPolicy.Lru },
    refill: RefillMode.Hardware,
    ad: AdMode.Hardware,
    segmentBits: 2,
    ...(format ? { format } : {}),
  };
  return { ram, mmu: new Mmu(ram, config, new Prng(1)) };
}

function answer(mmu: Mmu, va: number, explain?: (e: MmuEvent) => void): HwTranslation {
  const r = mmu.translateQuietly(va, Access.Load, explain);
  return r.ok ? { ok: true, pa: r.pa } : { ok: false, reason: r.reason };
}

/** Base-and-bounds through the MMU's base-limit mode, in a physical memory of `physBytes`. */
export function hwBaseLimit(
  va: number,
  base: number,
  limit: number,
  physBytes: number,
): HwTranslation {
  const { mmu } = machine(Math.max(physBytes, base + limit));
  mmu.setMode(MmuMode.BaseLimit);
  mmu.setBaseLimit(base, limit);
  return answer(mmu, va);
}

/**
 * A linear page table (OSTEP's format: valid bit 31, PFN below) through the MMU's walker: the
 * table is written into RAM at physical page 0 and walked from there.
 */
export function hwLinear(
  va: number,
  ptes: readonly number[],
  addressSpace: number,
  pageSize: number,
): HwTranslation {
  // The walker needs at least one index bit: a one-page space is walked as two pages, the
  // second invalid (no VA reaches it).
  const format = linearFormat(Math.max(addressSpace, 2 * pageSize), pageSize);
  const tableBytes = ptes.length * 4;
  const { ram, mmu } = machine(tableBytes, format);
  ptes.forEach((pte, i) => {
    ram.i32[i] = pte | 0;
  });
  mmu.setMode(MmuMode.Paged);
  mmu.setPageTable(0);
  // The answer is the walk's, not a RAM access: the quiz's physical memory may be larger than
  // the table we hold, so take the leaf's PFN from the walk and add the offset.
  let pfn = -1;
  const r = answer(mmu, va, (e) => {
    if (e.kind === "walk") pfn = e.pfn;
  });
  if (r.ok || (r.reason === "bus error" && pfn >= 0))
    return { ok: true, pa: pfn * pageSize + (va % pageSize) };
  return r;
}

/** One level of a walk as the MMU reported it. */
export interface HwWalkLevel {
  index: number;
  addr: number;
  entry: number;
  pfn: number;
}

/**
 * OSTEP's two-level small tables (32-byte pages, 1-byte entries) through the MMU's walker over
 * the simulator's 4 KiB physical memory; returns each level the walker read, and the result.
 */
export function hwMultilevel(
  va: number,
  memory: Uint8Array,
  pdbr: number,
): { levels: HwWalkLevel[]; result: HwTranslation } {
  const { ram, mmu } = machine(memory.length, OSTEP_MULTILEVEL);
  ram.writeBytes(0, memory);
  mmu.setMode(MmuMode.Paged);
  mmu.setPageTable(pdbr);
  const levels: HwWalkLevel[] = [];
  const result = answer(mmu, va, (e) => {
    if (e.kind === "walk")
      levels.push({ index: e.index, addr: e.pteAddr, entry: e.pte, pfn: e.pfn });
  });
  return { levels, result };
}
