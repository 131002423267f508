// `vmlab asm` and `vmlab disasm`, driven in-process as a user would from a shell.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readElf } from "../../asm/elf-reader.js";
import { runVmlab } from "../helpers/vmlab.js";
import { scratchDir } from "./helpers.js";

const HELLO = `
        .section .rodata
msg:    .ascii  "hi\\n"
        .text
        .globl  _start
_start: li      a0, 1
        la      a1, msg
        li      a2, 3
        li      a7, 64
        ecall
        li      a7, 93
        ecall
`;

let n = 0;
/** A fresh directory holding `files`. */
function dirWith(files: Record<string, string | Uint8Array>): string {
  const dir = join(scratchDir(), `cli-${n++}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return dir;
}

describe("vmlab asm", () => {
  it("writes prog.elf beside prog.s by default, silently", async () => {
    const dir = dirWith({ "prog.s": HELLO });
    const r = await runVmlab(["asm", join(dir, "prog.s")]);
    expect(r).toMatchObject({ status: 0, stdout: "", stderr: "" });
    const elf = readElf(new Uint8Array(readFileSync(join(dir, "prog.elf"))));
    expect(elf.ok && elf.elf.entry).toBe(0x10074);
  });

  it("writes where -o says, and places sections where -T says", async () => {
    const dir = dirWith({ "prog.s": HELLO });
    const out = join(dir, "custom.bin");
    const r = await runVmlab([
      "asm",
      join(dir, "prog.s"),
      "-o",
      out,
      "-T",
      ".text=0x80000000",
      "-T",
      "rodata=0x80001000",
    ]);
    expect(r.status).toBe(0);
    const elf = readElf(new Uint8Array(readFileSync(out)));
    if (!elf.ok) throw new Error(elf.error);
    expect(elf.elf.sections.find((s) => s.name === ".text")?.addr).toBe(0x80000000);
    expect(elf.elf.sections.find((s) => s.name === ".rodata")?.addr).toBe(0x80001000);
  });

  it("resolves .include beside the including file", async () => {
    const dir = dirWith({
      "main.s": '.include "defs.inc"\n.globl _start\n_start: li a0, ANSWER\n',
      "defs.inc": ".equ ANSWER, 42\n",
    });
    const r = await runVmlab(["asm", join(dir, "main.s")]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("prints every error as file:line:col, writes nothing, and exits 1", async () => {
    const dir = dirWith({ "bad.s": ".text\naddd a0, a0, 1\naddi a0, a0, 5000\n" });
    const src = join(dir, "bad.s");
    const r = await runVmlab(["asm", src]);
    expect(r.status).toBe(1);
    expect(r.stderr.split("\n").filter((l) => l.includes("error:"))).toEqual([
      `${src}:2:1: error: unknown instruction 'addd'`,
      `${src}:3:14: error: immediate 5000 is out of range for 'addi' (-2048..2047)`,
    ]);
    expect(existsSync(join(dir, "bad.elf"))).toBe(false);
  });

  it("prints warnings but still succeeds", async () => {
    const dir = dirWith({ "w.s": "nop\n" });
    const r = await runVmlab(["asm", join(dir, "w.s")]);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/w\.s:1:1: warning: no _start symbol/);
  });

  it("says in one line what is wrong with the input or the options", async () => {
    const dir = dirWith({ "x.elf": new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]) });
    const cases: Array<[string[], RegExp]> = [
      [["asm", join(dir, "missing.s")], /^vmlab: .*missing\.s: no such file\n$/],
      [["asm", dir], /^vmlab: .*: is a directory, not a program file\n$/],
      [["asm", join(dir, "x.elf")], /^vmlab: .*x\.elf: an ELF file, not assembly source/],
      [["asm", join(dir, "x.s"), "-T", "text=zzz"], /is not SECTION=ADDRESS/],
    ];
    for (const [args, message] of cases) {
      const r = await runVmlab(args);
      expect(r.status, args.join(" ")).not.toBe(0);
      expect(r.stderr, args.join(" ")).toMatch(message);
    }
  });
});

describe("vmlab disasm", () => {
  it("lists code with labels and objdump's notes, and data in hex", async () => {
    const dir = dirWith({ "prog.s": HELLO });
    await runVmlab(["asm", join(dir, "prog.s")]);
    const r = await runVmlab(["disasm", join(dir, "prog.elf")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("prog.elf:     file format elf32-littleriscv");
    expect(r.stdout).toContain(
      "Disassembly of section .text:\n\n00010074 <_start>:\n   10074:\t00100513          \tli\ta0,1\n",
    );
    expect(r.stdout).toMatch(/\taddi\ta1,a1,\d+ # 10094 <msg>\n/);
    expect(r.stdout).toContain("Contents of section .rodata:\n 00010094 <msg>:\n 10094 68690a");
  });

  it("prints real instruction names with --no-aliases", async () => {
    const dir = dirWith({ "prog.s": HELLO });
    const r = await runVmlab(["disasm", "--no-aliases", join(dir, "prog.s")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("\taddi\ta0,zero,1\n");
  });

  it("assembles a .s file first, reporting its errors", async () => {
    const dir = dirWith({ "bad.s": "bogus\n" });
    const r = await runVmlab(["disasm", join(dir, "bad.s")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/bad\.s:1:1: error: unknown instruction 'bogus'/);
  });

  it("says in one line why a file cannot be listed", async () => {
    const x86 = new Uint8Array(64);
    x86.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    x86[18] = 62;
    const rv64 = new Uint8Array(64);
    rv64.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
    rv64[18] = 243;
    const good = await runVmlab([
      "asm",
      join(dirWith({ "p.s": HELLO }), "p.s"),
      "-o",
      join(scratchDir(), "p.elf"),
    ]);
    expect(good.status).toBe(0);
    const truncated = readFileSync(join(scratchDir(), "p.elf")).subarray(0, 200);
    const dir = dirWith({
      "text.txt": "hello",
      "x86.elf": x86,
      "rv64.elf": rv64,
      "short.elf": truncated,
      empty: "",
    });
    const cases: Array<[string, RegExp]> = [
      [join(dir, "missing.elf"), /no such file/],
      [dir, /is a directory/],
      [join(dir, "text.txt"), /not an ELF file/],
      [join(dir, "empty"), /not an ELF file/],
      [join(dir, "x86.elf"), /built for x86-64, not RISC-V/],
      [join(dir, "rv64.elf"), /a 64-bit ELF file/],
      [join(dir, "short.elf"), /truncated ELF file/],
    ];
    for (const [path, message] of cases) {
      const r = await runVmlab(["disasm", path]);
      expect(r.status, path).toBe(1);
      expect(r.stderr, path).toMatch(message);
      expect(r.stderr.trim().split("\n"), path).toHaveLength(1);
      expect(r.stdout, path).toBe("");
    }
  });
});
