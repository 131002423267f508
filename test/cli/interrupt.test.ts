// `vmlab run` has no instruction limit unless asked for one; Ctrl-C (SIGINT) stops a run between
// batches of instructions, says on stderr where each process stopped and how many instructions
// ran, and exits 130 (128 + SIGINT).
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliIo, openUserFile, readUserFile, writeUserFile } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import { writeEndless } from "../helpers/session.js";
import { runVmlab } from "../helpers/vmlab.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-int-"));
/** Prints "go" (so a watcher knows it runs), then counts in a0 forever. */
const endless = writeEndless(join(dir, "endless.s"));

/** The last line of stderr of each kind, checked. */
const REPORT =
  /^\[vmlab\] interrupted \(Ctrl-C\) after (\d+) instructions in all\n\[vmlab\] pid 1 \(.*endless\.s\) stopped at pc 0x000100[0-9a-f]{2} after (\d+) instructions\n/;

describe("no default instruction limit; Ctrl-C stops a run", () => {
  it("--max-steps defaults to no limit, as --help says", async () => {
    const r = await runVmlab(["run", "--help"]);
    const help = r.stdout.replace(/\s+/g, " ");
    expect(help).toMatch(
      /--max-steps <n> stop after n instructions .* Ctrl-C stops a run at any time\) \(default: 0, no limit\)/,
    );
  });

  it("in-process: a SIGINT handler's flag stops the run at the next batch, status 130", async () => {
    let stderr = "";
    let handler: (() => void) | undefined;
    let released = false;
    const io: CliIo = {
      stdout: () => {},
      stderr: (d) => {
        stderr += typeof d === "string" ? d : new TextDecoder().decode(d);
      },
      readStdin: () => new Uint8Array(0),
      readFile: readUserFile,
      writeFile: writeUserFile,
      createWriter: openUserFile,
      onInterrupt(h) {
        handler = h;
        setTimeout(() => handler?.(), 200); // as if the user pressed Ctrl-C after 0.2 s
        return () => {
          released = true;
        };
      },
    };
    const status = await main(["run", "--stats", endless], io);
    expect(status).toBe(130);
    expect(released).toBe(true);
    const m = REPORT.exec(stderr);
    expect(m, stderr).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(1000);
    expect(m![2]).toBe(m![1]); // one process ran every instruction
    expect(stderr).toMatch(/\[stats\] instructions +\d+/);
  });

  it("a real SIGINT to `vmlab run` on an endless loop: exit 130 and where it stopped", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "cli/bin.ts", "run", endless], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const started = new Promise<void>((resolve) =>
      child.stdout.on("data", (d: Buffer) => {
        if (d.toString().includes("go")) resolve();
      }),
    );
    const ended = new Promise<number | null>((resolve) =>
      child.on("exit", (code) => resolve(code)),
    );
    await started;
    await new Promise((r) => setTimeout(r, 300));
    child.kill("SIGINT");
    const code = await ended;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(REPORT);
  }, 20_000);
});
