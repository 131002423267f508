// The stepper at a terminal: Ctrl-C stops a running continue/until/next/step at an instruction
// boundary and says where (a script ends with 130, as a shell reports SIGINT), long runs show
// their progress on a terminal, the session opens with one line, and Tab completes commands,
// labels and registers (no match lists nothing).
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliIo, openUserFile, readUserFile, writeUserFile } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import { makePaint } from "../../cli/stepper/colour.js";
import type { StepContext } from "../../cli/stepper/control.js";
import { complete, openingLine, Pacer } from "../../cli/stepper/driver.js";
import { Stops } from "../../session/step/stops.js";
import { session, writeEndless } from "../helpers/session.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-step-int-"));
/** Prints "go" (so a watcher knows it runs), then counts in a0 forever. */
const endless = writeEndless(join(dir, "endless.s"));
const script = join(dir, "cmds.txt");
writeFileSync(script, "continue\nregs\n");

/** A CliIo capturing output whose Ctrl-C arrives `after` ms after the handler is installed. */
function ioWithCtrlC(after: number): { io: CliIo; out: () => string; err: () => string } {
  let out = "";
  let err = "";
  const text = (d: string | Uint8Array) =>
    typeof d === "string" ? d : new TextDecoder().decode(d);
  const io: CliIo = {
    stdout: (d) => {
      out += text(d);
    },
    stderr: (d) => {
      err += text(d);
    },
    readStdin: () => new Uint8Array(0),
    readFile: readUserFile,
    writeFile: writeUserFile,
    createWriter: openUserFile,
    onInterrupt(handler) {
      const timer = setTimeout(handler, after);
      return () => clearTimeout(timer);
    },
  };
  return { io, out: () => out, err: () => err };
}

const STOPPED =
  /stopped: interrupted \(Ctrl-C\) \((\d+) instructions run\)\n=> pid 1 {2}0x000100[0-9a-f]{2} <spin(\+0x4)?>/;

describe("Ctrl-C stops a running stepper command", () => {
  it("continue on an endless loop: stopped where it was, the script ends with 130", async () => {
    const { io, out } = ioWithCtrlC(300);
    const status = await main(["step", endless, "--script", script, "--run-limit", "1e15"], io);
    expect(status).toBe(130);
    const m = STOPPED.exec(out());
    expect(m, out()).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(10_000);
    expect(out()).not.toContain(") regs"); // `regs` never ran: the script ended
    expect(out()).toContain("guest| go");
  });

  it("continue with a watchpoint (every instruction checked) stops too", async () => {
    const watched = join(dir, "watch.txt");
    writeFileSync(watched, "watch $sp\ncontinue\n");
    const { io, out } = ioWithCtrlC(300);
    const status = await main(["step", endless, "--script", watched, "--run-limit", "1e15"], io);
    expect(status).toBe(130);
    expect(out()).toMatch(STOPPED);
  });

  it("step N (traced) stops between steps", async () => {
    const many = join(dir, "many.txt");
    writeFileSync(many, "step 100000000\n");
    const { io, out } = ioWithCtrlC(300);
    expect(await main(["step", endless, "--script", many], io)).toBe(130);
    expect(out()).toMatch(/stopped: interrupted \(Ctrl-C\) after \d+ steps\n$/);
  });

  it("a real SIGINT to `vmlab step --script`: exit 130 and where it stopped", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "cli/bin.ts", "step", endless, "--script", script, "--run-limit", "1e15"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    const started = new Promise<void>((resolve) =>
      child.stdout.on("data", (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes("guest| go")) resolve();
      }),
    );
    const ended = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    await started;
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    expect(await ended).toBe(130);
    expect(stdout).toMatch(STOPPED);
  }, 20_000);
});

describe("the terminal's view", () => {
  const ctx = (): StepContext => ({
    s: session(["programs/hello.s"]),
    stops: new Stops(),
    paint: makePaint(false),
    out: () => {},
    runLimit: 1000,
  });

  it("opens with one line: the programs, the scheme, where pid 1 is, and how to get help", () => {
    expect(openingLine(ctx())).toBe(
      "vmlab step: hello.s paged, pid 1 at _start — type help (Tab completes, Ctrl-C stops a run)",
    );
  });

  it("Tab: commands on an empty line or in the first word; labels and registers after one", () => {
    const c = ctx();
    expect(complete(c, "")[0]).toContain("continue");
    expect(complete(c, "")[0].length).toBeGreaterThan(20);
    expect(complete(c, "con")).toEqual([["cont", "continue"], "con"]);
    expect(complete(c, "break _st")).toEqual([["_start"], "_st"]);
    expect(complete(c, "x/4w $s")[0]).toEqual(expect.arrayContaining(["$sp", "$s0", "$s11"]));
    expect(complete(c, "help st")[0]).toEqual(["stats", "step", "stepi"]);
    expect(complete(c, "zzz")).toEqual([[], "zzz"]);
    expect(complete(c, "break nosuchlabel")).toEqual([[], "nosuchlabel"]);
  });

  it("progress on a terminal after a while, erased before the next output", async () => {
    const shown: string[] = [];
    const pacer = new Pacer((t) => shown.push(t));
    let interrupted = true;
    await pacer.around(async () => {
      const until = performance.now() + 700;
      while (performance.now() < until) interrupted = await pacer.pace(12345);
    });
    expect(interrupted).toBe(false);
    expect(shown.some((t) => t === "\r12345 instructions so far (Ctrl-C stops)")).toBe(true);
    expect(shown.at(-1)).toBe("\r\x1b[K");
  });

  it("listens for Ctrl-C only while a command paces itself (any other still ends the process)", async () => {
    const events: string[] = [];
    const pacer = new Pacer(null, () => {
      events.push("listen");
      return () => events.push("release");
    });
    await pacer.around(async () => {
      events.push("quick command");
    });
    expect(events).toEqual(["quick command"]);
    await pacer.around(async () => {
      await pacer.pace(1);
      await pacer.pace(2);
      events.push("paced");
    });
    expect(events).toEqual(["quick command", "listen", "paced", "release"]);
  });
});
