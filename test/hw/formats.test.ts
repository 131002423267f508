// The textbook page-table formats on the real walker: OSTEP's linear table (paging-linear) and
// small multi-level table (paging-multilevel) translate the homework problems in
// test/vectors/ostep (files 011-019, answers printed with -c) to the expected answers; the
// walk of each multi-level translation shows the same PDE and PTE the simulator printed.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { WalkResult, walkTable } from "../../hw/mmu/walk.js";
import { AdMode, Mmu, type MmuEvent, MmuMode, RefillMode } from "../../hw/mmu.js";
import { Prng } from "../../hw/prng.js";
import {
  checkFormat,
  checkLinearFormat,
  encodePte,
  FormatName,
  LINEAR_VALID,
  leafFlags,
  linearFormat,
  OSTEP_MULTILEVEL,
  type PageTableFormat,
  SV32,
  tableIndex,
} from "../../hw/ptformat.js";
import { Ram } from "../../hw/ram.js";
import { PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X, vpnIndex } from "../../hw/sv32.js";
import { Access, Cause, FaultReason } from "../../hw/trap.js";

const vectorDir = fileURLToPath(new URL("../vectors/ostep/", import.meta.url));
const read = (file: string) => readFileSync(`${vectorDir}${file}`, "utf8");

/** OSTEP's size arguments: 16k, 1m, 128. */
function parseSize(s: string): number {
  const units: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
  const m = /^(\d+)([kmg]?)$/.exec(s.trim());
  if (!m) throw new Error(`bad size ${s}`);
  return Number(m[1]) * (units[m[2]!] ?? 1);
}

function arg(text: string, name: string): string {
  const m = new RegExp(`^ARG ${name} (.*)$`, "m").exec(text);
  if (!m) throw new Error(`no ARG ${name}`);
  return m[1]!;
}

function newMmu(ram: Ram, format: PageTableFormat): Mmu {
  const mmu = new Mmu(
    ram,
    {
      tlb: { entries: 4, ways: 2, policy: "lru" },
      refill: RefillMode.Hardware,
      ad: AdMode.Hardware,
      segmentBits: 2,
      format,
    },
    new Prng(1),
  );
  mmu.setMode(MmuMode.Paged);
  return mmu;
}

interface LinearProblem {
  asize: number;
  psize: number;
  pageSize: number;
  table: number[];
  /** va -> physical address, or the VPN that is not valid. */
  trace: { va: number; pa?: number; invalidVpn?: number }[];
}

function parseLinear(text: string): LinearProblem {
  const table = [...text.matchAll(/^ {2}(?:\[\s*\d+\]\s+)?0x([0-9a-f]{8})$/gm)].map((m) =>
    Number.parseInt(m[1]!, 16),
  );
  const trace = [
    ...text.matchAll(
      /VA 0x([0-9a-f]+) \(decimal:\s+\d+\) -->\s+(?:([0-9a-f]{8}) \(decimal\s+\d+\) \[VPN \d+\]|Invalid \(VPN (\d+) not valid\))/g,
    ),
  ].map((m) => {
    const va = Number.parseInt(m[1]!, 16);
    return m[2] ? { va, pa: Number.parseInt(m[2], 16) } : { va, invalidVpn: Number(m[3]) };
  });
  return {
    asize: parseSize(arg(text, "address space size")),
    psize: parseSize(arg(text, "phys mem size")),
    pageSize: parseSize(arg(text, "page size")),
    table,
    trace,
  };
}

describe("linear page tables: OSTEP paging-linear vectors", () => {
  for (const file of [
    "011-paging-linear.txt",
    "012-paging-linear.txt",
    "013-paging-linear.txt",
    "014-paging-linear.txt",
    "015-paging-linear.txt",
    "016-paging-linear.txt",
  ]) {
    it(file, () => {
      const p = parseLinear(read(file));
      expect(p.table.length).toBe(p.asize / p.pageSize);
      expect(p.trace.length).toBeGreaterThan(0);
      // Physical memory first, then the table in the page after it.
      const tableBytes = p.table.length * 4;
      const ram = new Ram(Math.ceil((p.psize + tableBytes) / 4096) * 4096);
      p.table.forEach((pte, i) => {
        ram.i32[(p.psize + i * 4) >>> 2] = pte;
      });
      const mmu = newMmu(ram, linearFormat(p.asize, p.pageSize));
      mmu.setPageTable(p.psize / p.pageSize);
      for (const pass of ["walk", "tlb"]) {
        for (const { va, pa, invalidVpn } of p.trace) {
          const name = `${file} ${pass}: va 0x${va.toString(16)}`;
          const got = mmu.translate(va, Access.Load, 0, 1);
          if (pa !== undefined) {
            expect(got, name).toBe(pa);
          } else {
            expect(got, name).toBeLessThan(0);
            expect(mmu.faultCause, name).toBe(Cause.LoadPageFault);
            expect(mmu.faultReason, name).toBe(FaultReason.NotMapped);
            const events: MmuEvent[] = [];
            mmu.translateQuietly(va, Access.Load, (e) => events.push(e));
            expect(
              events.find((e) => e.kind === "walk"),
              name,
            ).toMatchObject({
              level: 0,
              index: invalidVpn,
              pteAddr: p.psize + invalidVpn! * 4,
            });
          }
        }
      }
    });
  }
});

interface MultilevelStep {
  va: number;
  pde: [index: number, contents: number];
  pte?: [index: number, contents: number];
  pa?: number;
  value?: number;
  fault?: "directory" | "table";
}

function parseMultilevel(text: string): {
  memory: Uint8Array;
  pdbr: number;
  steps: MultilevelStep[];
} {
  const memory = new Uint8Array(4096);
  for (const m of text.matchAll(/^page\s+(\d+):([0-9a-f]{64})$/gm)) {
    memory.set(Buffer.from(m[2]!, "hex"), Number(m[1]) * 32);
  }
  const pdbr = Number(/^PDBR: (\d+)/m.exec(text)![1]);
  const steps = text
    .split(/^Virtual Address /m)
    .slice(1)
    .map((block): MultilevelStep => {
      const va = Number.parseInt(/^0x([0-9a-f]+):/.exec(block)![1]!, 16);
      const entry = (kind: string): [number, number] | undefined => {
        const m = new RegExp(`${kind} index:0x([0-9a-f]+) .* ${kind} contents:0x([0-9a-f]+)`).exec(
          block,
        );
        return m ? [Number.parseInt(m[1]!, 16), Number.parseInt(m[2]!, 16)] : undefined;
      };
      const ok = /Translates to Physical Address 0x([0-9a-f]+) --> Value: 0x([0-9a-f]+)/.exec(
        block,
      );
      const fault = /Fault \(page (directory|table) entry not valid\)/.exec(block);
      const step: MultilevelStep = { va, pde: entry("pde")! };
      const pte = entry("pte");
      if (pte) step.pte = pte;
      if (ok) {
        step.pa = Number.parseInt(ok[1]!, 16);
        step.value = Number.parseInt(ok[2]!, 16);
      }
      if (fault) step.fault = fault[1] as "directory" | "table";
      return step;
    });
  return { memory, pdbr, steps };
}

describe("multi-level page tables: OSTEP paging-multilevel vectors", () => {
  for (const file of [
    "017-paging-multilevel.txt",
    "018-paging-multilevel.txt",
    "019-paging-multilevel.txt",
  ]) {
    it(file, () => {
      const { memory, pdbr, steps } = parseMultilevel(read(file));
      expect(steps.length).toBe(10);
      const ram = new Ram(4096);
      ram.writeBytes(0, memory);
      const mmu = newMmu(ram, OSTEP_MULTILEVEL);
      mmu.setPageTable(pdbr);
      for (const s of steps) {
        const name = `${file}: va 0x${s.va.toString(16)}`;
        const events: MmuEvent[] = [];
        mmu.setTracer((e) => events.push(e));
        const pa = mmu.translate(s.va, Access.Load, 0, 1);
        mmu.setTracer(null);
        const walks = events.filter((e) => e.kind === "walk");
        expect(walks[0], name).toMatchObject({ level: 1, index: s.pde[0], pte: s.pde[1] });
        expect(walks[0]?.pteAddr, name).toBe(pdbr * 32 + s.pde[0]);
        if (s.pte)
          expect(walks[1], name).toMatchObject({ level: 0, index: s.pte[0], pte: s.pte[1] });
        expect(walks.length, name).toBe(s.pte ? 2 : 1);
        if (s.fault) {
          expect(pa, name).toBeLessThan(0);
          expect(mmu.faultReason, name).toBe(FaultReason.NotMapped);
          expect(walks.at(-1)?.level, name).toBe(s.fault === "directory" ? 1 : 0);
        } else {
          expect(pa, name).toBe(s.pa);
          expect(ram.u8[pa], name).toBe(s.value);
          // The TLB now answers without a walk.
          const before = mmu.counters.walkReads;
          expect(mmu.translate(s.va, Access.Load, 0, 1), name).toBe(s.pa);
          expect(mmu.counters.walkReads, name).toBe(before);
        }
      }
    });
  }
});

describe("format descriptors", () => {
  it("Sv32's table index is the spec's VPN[i]", () => {
    for (const va of [0, 0x0040_3abc, 0xffff_ffff, 0x8765_4321]) {
      for (const level of [0, 1]) expect(tableIndex(SV32, va, level)).toBe(vpnIndex(va, level));
    }
  });

  it("a textbook leaf grants what its format has no bits for", () => {
    const granted = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;
    expect(leafFlags(OSTEP_MULTILEVEL, 0x85)).toBe(granted);
    expect(leafFlags(OSTEP_MULTILEVEL, 0x05)).toBe(granted & ~PTE_V);
    const linear = linearFormat(16384, 4096);
    expect(encodePte(linear, 6, PTE_V | PTE_R)).toBe((LINEAR_VALID | 6) >>> 0);
    expect(encodePte(OSTEP_MULTILEVEL, 0x21, PTE_V)).toBe(0xa1);
    expect(encodePte(SV32, 0x21, PTE_V | PTE_R)).toBe((0x21 << 10) | PTE_V | PTE_R);
  });

  it("an address beyond the format's address space is a page fault", () => {
    const ram = new Ram(65536);
    const fmt = linearFormat(16384, 4096);
    const mmu = newMmu(ram, fmt);
    expect(mmu.translate(0x4000, Access.Store, 0)).toBeLessThan(0);
    expect([mmu.faultCause, mmu.faultReason]).toEqual([
      Cause.StorePageFault,
      FaultReason.OutOfRange,
    ]);
    const w = new WalkResult();
    expect(walkTable(fmt, ram, 0, 0x4000, w)).toBe(FaultReason.OutOfRange);
    expect(w.reads).toBe(0);
  });

  const linearChecks: [number, number, string | undefined][] = [
    [16384, 4096, undefined],
    [2 ** 32, 4096, undefined],
    [16384, 3000, "page size must be a power of two of at least 4 bytes (got 3000)"],
    [10000, 1024, "address-space size must be a power of two up to 4g (got 10000)"],
    [1024, 4096, "the address space must hold at least one page"],
    [2 ** 32, 4, "a linear table may have at most 2^24 entries"],
  ];
  for (const [asize, page, problem] of linearChecks) {
    it(`linear ${asize}/${page}: ${problem ?? "ok"}`, () => {
      expect(checkLinearFormat(asize, page)).toBe(problem);
    });
  }

  it("a descriptor whose bits do not add up is refused", () => {
    const bad: PageTableFormat = { ...OSTEP_MULTILEVEL, indexBits: [5, 4] };
    expect(checkFormat(bad)).toMatch(/add up/);
    expect(checkFormat({ ...SV32, indexBits: [5, 5, 10], vaBits: 32 })).toMatch(/two-level/);
    expect(checkFormat(SV32)).toBeUndefined();
    expect(() => newMmu(new Ram(4096), bad)).toThrow(RangeError);
    expect(SV32.name).toBe(FormatName.Sv32);
  });
});
