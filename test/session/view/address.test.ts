// The Address pane's data: the current access's virtual address split for the active scheme (Sv32,
// segmented, base-limit, bare), and any address the user types, translated without side effects.
import { describe, expect, it } from "vitest";
import { addressOf, currentAddress } from "../../../session/view/address.js";
import type { AddressView } from "../../../session/view/types.js";
import { runVmlab } from "../../helpers/vmlab.js";
import { session, stepTraced } from "./helpers.js";

const HELLO = "programs/hello.s";
const SP = 2;

/** The address put back together from its fields. */
function joined(v: AddressView): number {
  return v.fields.reduce((va, f) => va + f.value * 2 ** f.lo, 0);
}

/** The first `-> pa` of `vmlab run --trace mmu` on `args`. */
async function firstPa(args: string[]): Promise<number> {
  const r = await runVmlab(["run", "--trace", "mmu", ...args]);
  const line = r.stderr.split("\n").find((l) => l.startsWith("[trace]   -> pa "))!;
  return Number(line.slice("[trace]   -> pa ".length));
}

describe("currentAddress", () => {
  it("1. Sv32: the first fetch of hello.s is VPN[1] | VPN[0] | offset, at the pa --trace prints", async () => {
    const s = session([HELLO]);
    expect(currentAddress(s)).toBeNull();
    stepTraced(s, 1);
    const v = currentAddress(s)!;
    const entry = s.setup.images[0]!.entry;
    expect(v).toMatchObject({ va: entry, scheme: "paged", access: "fetch", pid: 1, fault: null });
    expect(v.fields).toEqual([
      { name: "VPN[1]", hi: 31, lo: 22, value: entry >>> 22 },
      { name: "VPN[0]", hi: 21, lo: 12, value: (entry >>> 12) & 0x3ff },
      { name: "offset", hi: 11, lo: 0, value: entry & 0xfff },
    ]);
    expect(v.pa).toBe(await firstPa([HELLO]));
    expect(v.relocation).toBeNull();
  });

  it("2. segmented: segment | offset, relocated by the code segment's base", async () => {
    const s = session([HELLO], { mm: "segmented" });
    stepTraced(s, 1);
    const v = currentAddress(s)!;
    const code = s.world.kernel.procs.get(1)!.blocks[0]!;
    expect(v.fields.map((f) => [f.name, f.hi, f.lo, f.value])).toEqual([
      ["segment", 31, 30, 0],
      ["offset", 29, 0, v.va],
    ]);
    expect(v.relocation).toEqual({
      segment: 0,
      base: code.base,
      limit: s.world.machine.mmu.segments[0]!.limit,
      offset: v.va,
      growsDown: false,
      inside: true,
    });
    expect(v.pa).toBe(code.base + v.va);
    expect(v.pa).toBe(await firstPa(["--mm", "segmented", HELLO]));
  });

  it("3. base-limit: the whole address is the offset, checked against the limit and added to the base", async () => {
    const s = session([HELLO], { mm: "base-limit" });
    stepTraced(s, 1);
    const v = currentAddress(s)!;
    const part = s.world.kernel.procs.get(1)!.blocks[0]!;
    expect(v.fields).toEqual([{ name: "offset", hi: 31, lo: 0, value: v.va }]);
    expect(v.relocation).toMatchObject({
      segment: null,
      base: part.base,
      limit: part.size,
      inside: true,
    });
    expect(v.pa).toBe(part.base + v.va);
    expect(v.pa).toBe(await firstPa(["--mm", "base-limit", HELLO]));
  });

  it("4. bare: physical = virtual", () => {
    const s = session([HELLO], { mm: "bare" });
    stepTraced(s, 1);
    const v = currentAddress(s)!;
    expect(v.fields).toEqual([{ name: "address", hi: 31, lo: 0, value: v.va }]);
    expect(v.pa).toBe(v.va);
  });

  it("5. the current access is the step's last: a store after its fetch", () => {
    const s = session(["programs/sort.s"]);
    let store: AddressView | null = null;
    for (let i = 0; i < 500 && !store; i++) {
      s.stepTraced();
      const v = currentAddress(s);
      if (v?.access === "store") store = v;
    }
    expect(store).not.toBeNull();
    expect(store!.pa! % 4096).toBe(store!.va % 4096);
  });
});

describe("addressOf", () => {
  it("6. any typed address: fields put back together give it again, for every scheme", () => {
    for (const mm of ["paged", "segmented", "base-limit", "bare"] as const) {
      const s = session([HELLO], { mm, ram: 2 * 1024 * 1024 });
      stepTraced(s, 1);
      for (const va of [0, 0x10074, 0x7fff_fff0, 0x8000_0000, 0xffff_ffff, 0x1234_5678])
        expect(joined(addressOf(s, va))).toBe(va);
    }
  });

  it("7. Sv32: a mapped address translates, an unmapped one faults, and nothing changes", () => {
    const s = session([HELLO]);
    stepTraced(s, 1);
    const { machine, kernel } = s.world;
    const before = {
      tlb: machine.mmu.tlb.contents(),
      stats: machine.stats(),
      counters: { ...kernel.counters },
    };
    const entry = s.setup.images[0]!.entry;
    expect(addressOf(s, entry, "fetch")).toMatchObject({ pa: currentAddress(s)!.pa, fault: null });
    expect(addressOf(s, 0x4000_0000)).toMatchObject({
      pa: null,
      fault: "load page fault (not mapped)",
    });
    expect(addressOf(s, entry, "store")).toMatchObject({
      pa: null,
      fault: "store page fault (no permission)",
    });
    expect({
      tlb: machine.mmu.tlb.contents(),
      stats: machine.stats(),
      counters: { ...kernel.counters },
    }).toEqual(before);
  });

  it("8. segmented: the stack is in the grows-down segment 1; beyond its limit is a limit fault", () => {
    const s = session([HELLO], { mm: "segmented" });
    stepTraced(s, 1);
    const sp = s.regsOf(1)!.x[SP]! >>> 0;
    const stack = s.world.kernel.procs.get(1)!.blocks[1]!;
    const v = addressOf(s, sp, "store");
    expect(v.relocation).toMatchObject({ segment: 1, growsDown: true, inside: true });
    expect(v.pa).toBe(stack.base + stack.size - (0x8000_0000 - sp));
    const below = addressOf(s, 0x8000_0000 - stack.size - 4, "load");
    expect(below).toMatchObject({ pa: null, fault: "load access fault (limit)" });
    expect(below.relocation!.inside).toBe(false);
  });

  it("9. base-limit: at or beyond the limit is a limit fault", () => {
    const s = session([HELLO], { mm: "base-limit" });
    stepTraced(s, 1);
    const limit = s.world.machine.mmu.limit;
    expect(addressOf(s, limit - 4).pa).toBe(s.world.machine.mmu.base + limit - 4);
    const v = addressOf(s, limit);
    expect(v).toMatchObject({ pa: null, fault: "load access fault (limit)" });
    expect(v.relocation!.inside).toBe(false);
  });

  it("10. when every process has ended there is no process to look in", () => {
    const s = session([HELLO]);
    while (s.hasLive()) s.stepTraced();
    expect(addressOf(s, 0x10074)).toMatchObject({
      pid: null,
      pa: null,
      fault: "no process is left",
    });
  });
});
