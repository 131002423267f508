// What vmlab reads from the host: only regular files, up to a stated size, whatever names them
// (a program, an include, a stepper script or stdin file, a trace, a guest's execve); and machine
// sizes within stated bounds. Everything else is one clear line, at once, never an endless read.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliIo, readAllStdin, readUserFile } from "../../cli/io.js";
import { runVmlab } from "../helpers/vmlab.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-host-"));
const file = (name: string, data: string | Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};
const fifo = join(dir, "fifo");
execFileSync("mkfifo", [fifo]);
/** A sparse file just over the 64 MiB limit (no disk blocks written). */
const huge = file("huge.s", "");
truncateSync(huge, 64 * 1024 * 1024 + 1);

const NOT_REGULAR = /not a regular file \(a character device\); vmlab reads only regular files/;

describe("only regular files are read", () => {
  const cases: [string, string, RegExp][] = [
    ["/dev/zero", "/dev/zero", NOT_REGULAR],
    ["a FIFO", fifo, /fifo: not a regular file \(a FIFO\)/],
    ["a directory", dir, /is a directory/],
    ["a file over 64 MiB", huge, /huge\.s: larger than 64 MiB, the most vmlab reads as a program/],
  ];
  for (const [what, path, message] of cases) {
    it(`vmlab run of ${what}: one line, status 1`, async () => {
      const r = await runVmlab(["run", path]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
    });
  }

  it("vmlab asm, step --script, step --stdin and trace refuse /dev/zero and a FIFO", async () => {
    const runs = [
      ["asm", "/dev/zero"],
      ["step", "--script", "/dev/zero", "programs/hello.s"],
      ["step", "--script", file("s.txt", "quit\n"), "--stdin", fifo, "programs/hello.s"],
      ["trace", "/dev/zero"],
      ["disasm", fifo],
    ];
    for (const args of runs) {
      const r = await runVmlab(args);
      expect(r.status, args.join(" ")).toBe(1);
      expect(r.stderr, args.join(" ")).toMatch(
        /^vmlab: .*: not a regular file \(a (character device|FIFO)\)/,
      );
    }
  });

  it("reads a regular file whole, and an endless standard input only up to the limit", () => {
    const bytes = new Uint8Array(3 * 1024 * 1024 + 5).map((_, i) => i & 0xff);
    const read = readUserFile(file("big.bin", bytes));
    expect(Buffer.compare(read, bytes)).toBe(0); // (toEqual is slow on megabytes)
    const endless = { readStdin: (max: number) => new Uint8Array(max) } as CliIo;
    expect(() => readAllStdin(endless, { bytes: 1 << 20, what: "a test input" })).toThrow(
      "standard input: larger than 1 MiB, the most vmlab reads as a test input",
    );
  });

  it("a guest's execve of /dev/zero or a directory gets -EACCES at once", async () => {
    for (const path of ["/dev/zero", dir]) {
      const prog = file(
        "exec.s",
        `        .section .rodata
path:   .asciz  "${path}"
        .text
        .globl  _start
_start: la      a0, path
        li      a1, 0
        li      a2, 0
        li      a7, 221                 # execve
        ecall
        neg     a0, a0                  # exit with the errno
        li      a7, 93
        ecall
`,
      );
      const r = await runVmlab(["run", prog]);
      expect(r.status, path).toBe(13); // EACCES
      expect(r.stderr).toMatch(
        new RegExp(`pid 1 execve ${path}: (not a regular file|is a directory)`),
      );
    }
  });
});

describe(".include", () => {
  it('.include "/dev/zero" is an error at the directive, in vmlab run and vmlab asm', async () => {
    const src = file("inczero.s", '.globl _start\n_start:\n  .include "/dev/zero"\n');
    for (const cmd of ["run", "asm"]) {
      const r = await runVmlab([cmd, src]);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain(
        `${src}:3:12: error: cannot include '/dev/zero': not a regular file (a character device)`,
      );
    }
  });

  it("a nested .include resolves beside the file that contains it, from any directory", async () => {
    const top = join(dir, "nest");
    mkdirSync(join(top, "sub"), { recursive: true });
    writeFileSync(
      join(top, "main.s"),
      '.include "sub/a.inc"\n.globl _start\n_start: li a0, ANSWER\n  li a7, 93\n  ecall\n',
    );
    writeFileSync(join(top, "sub", "a.inc"), '.include "b.inc"\n');
    writeFileSync(join(top, "sub", "b.inc"), ".equ ANSWER, 42\n  .word MISSING\n");
    // The working directory (the repository) holds no b.inc: only the including file's folder does.
    const run = await runVmlab(["run", join(top, "main.s")]);
    expect(run.stderr).toContain(
      `${join(top, "sub", "b.inc")}:2:9: error: undefined symbol 'MISSING'`,
    );
    writeFileSync(join(top, "sub", "b.inc"), ".equ ANSWER, 42\n");
    expect((await runVmlab(["run", join(top, "main.s")])).status).toBe(42);
    const asm = await runVmlab(["asm", join(top, "main.s"), "-o", join(top, "main.elf")]);
    expect(asm.stderr).toBe("");
    expect(asm.status).toBe(0);
  });
});

describe("--ram and --swap have stated upper bounds, checked as the options are read", () => {
  const cases: [string[], RegExp][] = [
    [["--swap", "8g"], /^vmlab: --swap: '8g' is more than 4g, the most allowed\.\n/],
    [["--ram", "3g"], /^vmlab: --ram: '3g' is more than 2g, the most allowed\.\n/],
  ];
  for (const [args, message] of cases) {
    it(args.join(" "), async () => {
      const r = await runVmlab(["run", ...args, "programs/hello.s"]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/internal error/);
    });
  }

  it("--help states both bounds", async () => {
    const r = await runVmlab(["run", "--help"]);
    expect(r.stdout).toMatch(/--ram <size>\s+physical memory \(k\/m\/g suffixes; at most 2g\)/);
    expect(r.stdout).toMatch(/at most 4g\)/);
  });
});
