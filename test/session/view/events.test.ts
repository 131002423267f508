// The Events pane's data: the last traced steps' notes in the words of `--trace` and the stepper.
import { describe, expect, it } from "vitest";
import { eventsView } from "../../../session/view/events.js";
import { session, stepTraced, traceLines } from "./helpers.js";

const FORK_UNDER_PRESSURE = "programs/pressure/forkpt.s";
const TINY = { ram: 128 * 1024, swap: 1024 * 1024 };

describe("eventsView", () => {
  it("1. each step's kernel and MMU lines are the `--trace` lines, in order (fork under swap)", async () => {
    const s = session([FORK_UNDER_PRESSURE], TINY);
    const lines: string[] = [];
    while (s.hasLive()) {
      s.stepTraced();
      const step = eventsView(s, 1).steps[0]!;
      lines.push(
        ...step.lines
          .filter((l) => l.kind !== "guest" && l.kind !== "message")
          .map((l) => `[trace] ${l.text}`),
      );
    }
    const traced = await traceLines("mmu,tlb,fault,syscall,sched,swap,alloc", [
      "--ram",
      "128k",
      "--swap",
      "1m",
      FORK_UNDER_PRESSURE,
    ]);
    // The CLI also traces the frames allocated while booting, before the first step.
    const boot = traced.indexOf(lines[0]!);
    expect(traced.slice(0, boot).every((l) => / allocated as /.test(l))).toBe(true);
    expect(lines).toEqual(traced.slice(boot));
  });

  it("2. categories, alarms and the step they belong to", () => {
    const s = session(["programs/hello.s"]);
    stepTraced(s, 5);
    const v = eventsView(s, 3);
    expect(v.steps.map((x) => x.position)).toEqual([3, 4, 5]);
    const all = eventsView(s, 32).steps;
    expect(all.map((x) => x.position)).toEqual([1, 2, 3, 4, 5]);
    const first = all[0]!;
    expect(first.pid).toBe(1);
    expect(first.pc).toBe(s.setup.images[0]!.entry);
    const byText = (t: string) => first.lines.find((l) => l.text.includes(t))!;
    expect(byText("-> instruction page fault")).toMatchObject({
      kind: "mmu",
      category: "mmu",
      alarm: true,
    });
    expect(byText("tlb: vpn")).toMatchObject({ kind: "mmu", category: "tlb", alarm: false });
    expect(byText("tlb fill")).toMatchObject({ category: "tlb" });
    expect(byText("instruction page fault at")).toMatchObject({
      kind: "kernel",
      category: "fault",
      alarm: false,
    });
    expect(byText("run pid 1")).toMatchObject({ kind: "kernel", category: "sched" });
  });

  it("3. guest output is a line of its own; after a quiet run there are no steps", () => {
    const s = session(["programs/hello.s"]);
    let guest: string | undefined;
    while (s.hasLive() && !guest) {
      s.stepTraced();
      guest = eventsView(s, 1).steps[0]!.lines.find((l) => l.kind === "guest")?.text;
    }
    expect(guest).toBe("Hello from vmlab!");
    const s2 = session(["programs/hello.s"]);
    stepTraced(s2, 2);
    s2.runQuiet(1);
    expect(eventsView(s2, 32).steps).toEqual([]);
  });
});
