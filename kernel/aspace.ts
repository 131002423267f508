// A process's virtual address space as the kernel describes it: a sorted list of regions, each a
// page-aligned range with permissions and a source for its contents. The page table (in RAM)
// holds only what has been touched; the regions say what may be.
import { PAGE_SIZE } from "../hw/ram.js";

export const RegionKind = {
  Text: "text",
  Data: "data",
  Heap: "heap",
  Stack: "stack",
  Mmap: "mmap",
} as const;
export type RegionKind = (typeof RegionKind)[keyof typeof RegionKind];

/** Frames of a MAP_SHARED mapping, shared by every region (in any process) that maps it. */
export class SharedObject {
  /** Page index within the object -> frame number. */
  readonly pages = new Map<number, number>();
  /** Regions referring to this object; its frames are freed when the last goes. */
  users = 0;
}

export interface Region {
  start: number;
  end: number;
  /** PTE_R | PTE_W | PTE_X. */
  perm: number;
  kind: RegionKind;
  /** Bytes of the program image for this region, loaded lazily: file data at virtual `va`. */
  image?: { va: number; data: Uint8Array };
  /** For MAP_SHARED: the object, and the object page that `start` maps. */
  shared?: { object: SharedObject; firstPage: number };
}

export function pageDown(n: number): number {
  return n - (n % PAGE_SIZE);
}

export function pageUp(n: number): number {
  return Math.ceil(n / PAGE_SIZE) * PAGE_SIZE;
}

export class AddressSpace {
  readonly regions: Region[] = [];

  /** The region containing `va`, if any. */
  find(va: number): Region | undefined {
    for (const r of this.regions) if (va >= r.start && va < r.end) return r;
    return undefined;
  }

  /** True if no region intersects [start, end). */
  isFree(start: number, end: number): boolean {
    return this.regions.every((r) => r.end <= start || r.start >= end);
  }

  /** Adds a region that overlaps none (a kernel bug otherwise). */
  add(r: Region): void {
    if (!this.isFree(r.start, r.end))
      throw new Error(`AddressSpace.add: ${r.kind} region overlaps another`);
    if (r.shared) r.shared.object.users++;
    this.regions.push(r);
    this.regions.sort((a, b) => a.start - b.start);
  }

  /**
   * Cuts [start, end) out of every region, splitting those that straddle it; returns the pieces
   * cut out (their pages still need unmapping). Shared-object users are adjusted.
   */
  remove(start: number, end: number): Region[] {
    const cut: Region[] = [];
    const kept: Region[] = [];
    for (const r of this.regions) {
      if (r.end <= start || r.start >= end) {
        kept.push(r);
        continue;
      }
      if (r.start < start) kept.push(slice(r, r.start, start));
      if (r.end > end) kept.push(slice(r, end, r.end));
      cut.push(slice(r, Math.max(r.start, start), Math.min(r.end, end)));
    }
    for (const r of kept) if (r.shared) r.shared.object.users++;
    for (const r of this.regions) if (r.shared) r.shared.object.users--;
    this.regions.length = 0;
    this.regions.push(...kept.sort((a, b) => a.start - b.start));
    return cut;
  }

  /** Sets the permission of [start, end), splitting regions at the edges. */
  protect(start: number, end: number, perm: number): void {
    const pieces = this.remove(start, end);
    for (const p of pieces) this.add({ ...p, perm });
  }

  /** True if every page of [start, end) is inside some region. */
  covers(start: number, end: number): boolean {
    let at = start;
    for (const r of this.regions) {
      if (r.end <= at) continue;
      if (r.start > at) return false;
      at = r.end;
      if (at >= end) return true;
    }
    return at >= end;
  }

  /** The highest free range of `len` bytes inside [low, high), or undefined. */
  findFreeTopDown(len: number, low: number, high: number): number | undefined {
    let top = high;
    for (let i = this.regions.length - 1; i >= -1; i--) {
      const r = this.regions[i];
      const bottom = r ? Math.max(r.end, low) : low;
      if (r && r.start >= top) continue;
      if (top - bottom >= len) return top - len;
      if (!r) break;
      top = Math.min(top, r.start);
    }
    return undefined;
  }

  /** A deep copy for fork: the same regions, sharing image bytes and shared objects. */
  clone(): AddressSpace {
    const c = new AddressSpace();
    for (const r of this.regions) c.add({ ...r });
    return c;
  }
}

/** The part [start, end) of a region, keeping its image and shared-object offsets right. */
function slice(r: Region, start: number, end: number): Region {
  const out: Region = { ...r, start, end };
  if (r.shared)
    out.shared = {
      object: r.shared.object,
      firstPage: r.shared.firstPage + (start - r.start) / PAGE_SIZE,
    };
  return out;
}
