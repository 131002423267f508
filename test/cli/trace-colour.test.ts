// Colour in `vmlab run --memmap` and `--trace`: forced with --color always (the escapes checked),
// never without a terminal by default, and NO_COLOR or --color never turns it off on one.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliIo, openUserFile, readUserFile, writeUserFile } from "../../cli/io.js";
import { main } from "../../cli/main.js";
import { stderrPaint } from "../../cli/paint.js";
import { runVmlab } from "../helpers/vmlab.js";

const ESC = "\x1b[";
const RED = "\x1b[31m";
const BLUE = "\x1b[34m";
const RESET = "\x1b[0m";

/** `vmlab args` in-process with stderr a terminal (or not), returning stderr. */
async function onTerminal(args: string[], terminal: boolean): Promise<string> {
  let err = "";
  const io: CliIo = {
    stdout: () => {},
    stderr: (d) => {
      err += typeof d === "string" ? d : new TextDecoder().decode(d);
    },
    readStdin: () => new Uint8Array(0),
    readFile: readUserFile,
    writeFile: writeUserFile,
    createWriter: openUserFile,
    isTerminal: (stream) => terminal && stream === "stderr",
  };
  await main(["run", "--max-steps", "1000000", ...args], io);
  return err;
}

describe("--color always", () => {
  it("1. colours the memory map by owner: pid 1's pages blue, as the stepper's memmap", async () => {
    const r = await runVmlab(["run", "--color", "always", "--memmap", "programs/hello.s"]);
    expect(r.status).toBe(0);
    const row = r.stderr.split("\n").find((l) => l.startsWith("0x00000000  "))!;
    expect(row).toContain(`${BLUE}1${RESET}`);
    expect(row.startsWith(`0x00000000  ${ESC}1mKKKK`), row).toBe(true); // the kernel's frames bold
    expect(r.stderr).toContain("legend: . free"); // the legend stays plain text
  });

  it("2. colours trace lines: a fault red, a syscall cyan, the indent left plain", async () => {
    const r = await runVmlab([
      "run",
      "--color",
      "always",
      "--trace",
      "mmu,fault,syscall",
      "programs/hello.s",
    ]);
    expect(r.stderr).toContain(`[trace]   ${RED}-> instruction page fault (not mapped)${RESET}\n`);
    expect(r.stderr).toContain(`[trace] ${RED}pid 1 instruction page fault at 0x00010074`);
    expect(r.stderr).toContain(`[trace] \x1b[36mpid 1 write(1, 0x10098, 18) = 18${RESET}\n`);
  });

  it("2b. leaves files plain: --trace-json and --stats carry no escape", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "vmlab-colour-")), "t.jsonl");
    const r = await runVmlab([
      "run",
      "--color",
      "always",
      "--trace",
      "fault",
      "--trace-json",
      out,
      "--stats",
      "programs/hello.s",
    ]);
    expect(r.stderr).toContain(RED);
    expect(readFileSync(out, "utf8")).not.toContain(ESC);
    expect(r.stderr.split("\n").filter((l) => l.startsWith("[stats]") && l.includes(ESC))).toEqual(
      [],
    );
  });
});

describe("no colour unless asked for or on a terminal", () => {
  it("3. by default, with stderr not a terminal (in-process), no escape at all", async () => {
    const r = await runVmlab(["run", "--memmap", "--trace", "fault,syscall", "programs/hello.s"]);
    expect(r.stderr).toContain("[vmlab] physical memory");
    expect(r.stderr).not.toContain(ESC);
  });

  it("4. the real command with stderr a pipe: no escape", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "cli/bin.ts", "run", "--memmap", "--trace", "fault", "programs/hello.s"],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "" } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("[vmlab] physical memory");
    expect(r.stderr).not.toContain(ESC);
  });

  it("5. on a terminal: colour by default, none with --color never", async () => {
    const args = ["--memmap", "--trace", "fault", "programs/hello.s"];
    expect(await onTerminal(args, true)).toContain(RED);
    expect(await onTerminal(["--color", "never", ...args], true)).not.toContain(ESC);
    expect(await onTerminal(args, false)).not.toContain(ESC);
  });

  it("6. NO_COLOR (set and not empty) turns auto off; --color always still colours", () => {
    const terminal = { isTerminal: () => true };
    expect(stderrPaint("auto", terminal, {}).on).toBe(true);
    expect(stderrPaint("auto", terminal, { NO_COLOR: "1" }).on).toBe(false);
    expect(stderrPaint("auto", terminal, { NO_COLOR: "" }).on).toBe(true);
    expect(stderrPaint("always", terminal, { NO_COLOR: "1" }).on).toBe(true);
    expect(stderrPaint("never", terminal, {}).on).toBe(false);
    expect(stderrPaint("auto", {}, {}).on).toBe(false);
  });

  it("7. an unknown --color value is refused in one line", async () => {
    const r = await runVmlab(["run", "--color", "sometimes", "programs/hello.s"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr.split("\n")[0]).toBe(
      "vmlab: --color: 'sometimes' is not one of auto, always, never.",
    );
  });
});
