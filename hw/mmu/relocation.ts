// Relocation: the translation schemes without page tables. Bare passes addresses through;
// base-limit adds the base register after checking the offset against the limit; segmented picks
// a segment register by the address's top bits and does the same with that segment (a grows-down
// segment counts back from its base). Each caches a whole 4 KiB page's relocation in the fast
// tables when the page lies entirely inside the bounds, so the CPU's next access there is one read.
import { PAGE_SHIFT, PAGE_SIZE, type Ram } from "../ram.js";
import { type Access, accessFault, FaultReason } from "../trap.js";
import type { Segment } from "./config.js";
import type { Translation } from "./events.js";
import { NO_TLB_SLOT } from "./fast.js";
import { permissionFor } from "./walk.js";

export class Relocation {
  base = 0;
  limit = 0;
  readonly segments: Segment[];
  readonly segmentBits: number;
  /** Segmented mode: the VA width whose top segmentBits bits pick the segment (default 32). */
  addressBits = 32;
  private readonly ram: Ram;

  constructor(ram: Ram, segmentBits: number) {
    this.ram = ram;
    this.segmentBits = segmentBits;
    this.segments = Array.from({ length: 1 << segmentBits }, () => ({
      base: 0,
      limit: 0,
      growsDown: false,
      perms: 0,
    }));
  }

  /** Physical = virtual, inside RAM. */
  translateBare(va: number, access: Access, size: number, run: Translation): number {
    if (va + size > this.ram.size) return run.fail(accessFault(access), FaultReason.BusError);
    run.install(va >>> PAGE_SHIFT, va >>> PAGE_SHIFT, access, NO_TLB_SLOT);
    return va;
  }

  /** base + va if va + size is within the limit (and RAM). */
  translateBaseLimit(va: number, access: Access, size: number, run: Translation): number {
    const { base, limit } = this;
    run.trace?.({ kind: "relocate", base, limit, offset: va });
    if (va + size > limit) return run.fail(accessFault(access), FaultReason.Limit);
    const pa = base + va;
    if (pa + size > this.ram.size) return run.fail(accessFault(access), FaultReason.BusError);
    const vpn = va >>> PAGE_SHIFT;
    const pageEnd = (vpn + 1) * PAGE_SIZE;
    if (base % PAGE_SIZE === 0 && pageEnd <= limit && base + pageEnd <= this.ram.size) {
      run.install(vpn, (base + vpn * PAGE_SIZE) / PAGE_SIZE, access, NO_TLB_SLOT);
    }
    return pa;
  }

  /** Through the segment the top address bits select: bounds, then its R/W/X permission. */
  translateSegmented(va: number, access: Access, size: number, run: Translation): number {
    const segSize = 2 ** (this.addressBits - this.segmentBits);
    const index = Math.floor(va / segSize);
    const seg = this.segments[index];
    const offset = va % segSize;
    if (!seg) return run.fail(accessFault(access), FaultReason.Limit);
    run.trace?.({ kind: "relocate", base: seg.base, limit: seg.limit, offset, segment: index });
    const inside = seg.growsDown
      ? segSize - offset <= seg.limit && offset + size <= segSize
      : offset + size <= seg.limit;
    if (!inside) return run.fail(accessFault(access), FaultReason.Limit);
    if ((seg.perms & permissionFor(access)) === 0) {
      return run.fail(accessFault(access), FaultReason.NoPermission);
    }
    const pa = seg.growsDown ? seg.base - (segSize - offset) : seg.base + offset;
    if (pa < 0 || pa + size > this.ram.size) {
      return run.fail(accessFault(access), FaultReason.BusError);
    }
    this.installSegmentPage(va, pa, seg, segSize, access, run);
    return pa;
  }

  /** Caches a segmented translation if its whole 4 KiB page is inside the segment and RAM. */
  private installSegmentPage(
    va: number,
    pa: number,
    seg: Segment,
    segSize: number,
    access: Access,
    run: Translation,
  ): void {
    if (segSize < PAGE_SIZE) return;
    const inPage = va % PAGE_SIZE;
    const pagePa = pa - inPage;
    if (pagePa % PAGE_SIZE !== 0 || pagePa + PAGE_SIZE > this.ram.size) return;
    const first = (va - inPage) % segSize;
    const ok = seg.growsDown ? segSize - first <= seg.limit : first + PAGE_SIZE <= seg.limit;
    if (ok) run.install(va >>> PAGE_SHIFT, pagePa / PAGE_SIZE, access, NO_TLB_SLOT);
  }
}
