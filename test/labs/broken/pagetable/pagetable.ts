// A student's pagetable lab, written from the handout, with two deliberate bugs (marked BUG) for
// the grader's tests: each must cost exactly the points of the tests it touches.
//   BUG 1: unmapPages never frees the frames          -> "unmapPages: ..." fails
//   BUG 2: vmprint leaves the COW mark out             -> "vmprint: ..." fails
import {
  type FrameTable,
  FrameUse,
  makePte,
  NO_FRAME,
  PAGE_SIZE,
  PTE_COW,
  PTE_SWAP,
  PTE_V,
  pteFlagString,
  ptePpn,
  type Ram,
  vpnIndex,
} from "./vmlab.js";

const NO_PTE = -1;

function pteAt(tablePpn: number, index: number): number {
  return tablePpn * PAGE_SIZE + index * 4;
}

function read(ram: Ram, pa: number): number {
  return ram.i32[pa >>> 2]! >>> 0;
}

export function walk(
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
  alloc: boolean,
  pid: number,
): number {
  const l1 = pteAt(root, vpnIndex(va, 1));
  const pde = read(ram, l1);
  if (pde & PTE_V) return pteAt(ptePpn(pde), vpnIndex(va, 0));
  if (!alloc) return NO_PTE;
  const table = frames.alloc(FrameUse.PageTable, pid);
  if (table === NO_FRAME) return NO_PTE;
  ram.zero(table * PAGE_SIZE, PAGE_SIZE);
  ram.i32[l1 >>> 2] = makePte(table, PTE_V);
  return pteAt(table, vpnIndex(va, 0));
}

export function mapPage(
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
  ppn: number,
  flags: number,
  pid: number,
): boolean {
  const pte = walk(ram, frames, root, va, true, pid);
  if (pte === NO_PTE) return false;
  if (read(ram, pte) & PTE_V) throw new Error(`mapPage: remap of ${va.toString(16)}`);
  ram.i32[pte >>> 2] = makePte(ppn, flags | PTE_V);
  return true;
}

export function mapPages(
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
  size: number,
  pa: number,
  flags: number,
  pid: number,
): boolean {
  const first = va - (va % PAGE_SIZE);
  const end = va + size;
  let ppn = pa / PAGE_SIZE;
  for (let a = first; a < end; a += PAGE_SIZE, ppn++) {
    if (!mapPage(ram, frames, root, a, ppn, flags, pid)) {
      unmapPages(ram, frames, root, first, (a - first) / PAGE_SIZE, false);
      return false;
    }
  }
  return true;
}

export function unmapPage(ram: Ram, frames: FrameTable, root: number, va: number): number {
  const pte = walk(ram, frames, root, va, false, 0);
  if (pte === NO_PTE) return 0;
  const old = read(ram, pte);
  ram.i32[pte >>> 2] = 0;
  return old;
}

export function unmapPages(
  ram: Ram,
  frames: FrameTable,
  root: number,
  va: number,
  npages: number,
  _free: boolean,
): void {
  for (let i = 0; i < npages; i++) unmapPage(ram, frames, root, va + i * PAGE_SIZE); // BUG 1
}

const hex8 = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

export function vmprint(ram: Ram, root: number): string {
  let out = `page table 0x${(root * PAGE_SIZE).toString(16)}\n`;
  for (let i = 0; i < 1024; i++) {
    const pde = read(ram, pteAt(root, i));
    if ((pde & PTE_V) === 0) continue;
    out += ` ..${i}: pte ${hex8(pde)} pa 0x${(ptePpn(pde) * PAGE_SIZE).toString(16)}\n`;
    for (let j = 0; j < 1024; j++) {
      const pte = read(ram, pteAt(ptePpn(pde), j));
      if (pte === 0) continue;
      const va = hex8(i * 0x40_0000 + j * PAGE_SIZE);
      let what = "invalid";
      if (pte & PTE_V)
        what = `pa 0x${(ptePpn(pte) * PAGE_SIZE).toString(16)} [${pteFlagString(pte)}]`; // BUG 2
      else if (pte & PTE_SWAP) what = `on swap, slot ${pte >>> 10}`;
      out += ` .. ..${j}: pte ${hex8(pte)} va ${va} ${what}\n`;
    }
  }
  void PTE_COW;
  return out;
}
