// The Processes pane's data: every process with its state, ASID, table root or blocks, regions
// and how it ended.
import { describe, expect, it } from "vitest";
import { processesView } from "../../../session/view/processes.js";
import { session, stepTraced } from "./helpers.js";

const FORK_UNDER_PRESSURE = "programs/pressure/forkpt.s";

describe("processesView", () => {
  it("1. hello.s: one process, running and in focus, with its text, data and stack regions", () => {
    const s = session(["programs/hello.s"]);
    stepTraced(s, 1);
    const v = processesView(s);
    expect(v.current).toBe(1);
    expect(v.focus).toBe(1);
    expect(v.rows).toHaveLength(1);
    const p = s.world.kernel.procs.get(1)!;
    expect(v.rows[0]).toMatchObject({
      pid: 1,
      ppid: 0,
      name: "programs/hello.s",
      state: "runnable",
      running: true,
      focus: true,
      asid: p.asid,
      rootPpn: p.root,
      pc: s.world.machine.cpu.pc,
      blocks: [],
      exit: null,
    });
    expect(v.rows[0]!.regions.map((r) => [r.kind, r.perm])).toEqual([
      ["text", "r-x"],
      ["stack", "rw-"],
    ]);
  });

  it("2. before the first step no process is on the CPU; the focus is pid 1", () => {
    const s = session(["programs/hello.s"]);
    const v = processesView(s);
    expect(v).toMatchObject({ current: null, focus: 1 });
    expect(v.rows[0]).toMatchObject({ running: false, focus: true, pc: s.setup.images[0]!.entry });
  });

  it("3. fork: the child has its own ASID and table, the blocked parent waits, and the ended child is a zombie", () => {
    const s = session([FORK_UNDER_PRESSURE], { ram: 128 * 1024, swap: 1024 * 1024 });
    let forked = false;
    let zombie = false;
    while (s.hasLive()) {
      s.stepQuiet();
      const v = processesView(s);
      if (v.rows.length < 2) continue;
      const [parent, child] = v.rows;
      expect(child!.ppid).toBe(parent!.pid);
      if (child!.state === "zombie") {
        expect(child!.exit).toBe("exit(0)");
        zombie = true;
        continue;
      }
      forked = true;
      expect(child!.asid).not.toBe(parent!.asid);
      expect(child!.rootPpn).not.toBe(parent!.rootPpn);
      expect(child!.regions).toEqual(parent!.regions);
      expect(v.rows.filter((r) => r.running).map((r) => r.pid)).toEqual(
        v.current === null ? [] : [v.current],
      );
      if (parent!.state === "blocked") expect(child!.state).toBe("runnable");
    }
    expect(forked).toBe(true);
    expect(zombie).toBe(true);
  });

  it("4. base-limit: the partition is the process's one block; no page table", () => {
    const s = session(["programs/hello.s"], { mm: "base-limit" });
    stepTraced(s, 1);
    const row = processesView(s).rows[0]!;
    expect(row.rootPpn).toBeNull();
    expect(row.blocks).toEqual([
      { base: s.world.machine.mmu.base, size: s.world.machine.mmu.limit },
    ]);
  });
});
