// Helpers shared by the assembler tests: assemble-or-fail, the words of .text, and access to the
// GNU tools (skipping, with an install hint, where they are absent).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import {
  type AsmDiagnostic,
  type AsmProgram,
  assemble,
  formatDiagnostic,
  type IncludedFile,
} from "../../asm/assembler.js";
import { link } from "../../asm/link.js";
import { describeIfTools } from "../helpers/gnu.js";

/** Assembles `source`, failing the test with every diagnostic if it does not assemble. */
export function asm(source: string, file = "test.s"): AsmProgram {
  const r = assemble(source, file, { readInclude: besideIncluder });
  if (!r.ok) expect.fail(r.errors.map((d) => formatDiagnostic(d)).join("\n"));
  return r.program;
}

/** The errors of a source that must not assemble. */
export function errorsOf(source: string, file = "test.s"): AsmDiagnostic[] {
  const r = assemble(source, file);
  if (r.ok) expect.fail(`expected errors, but it assembled:\n${source}`);
  return r.errors;
}

/** An include reader like the CLI's: a path is relative to the including file, as found. */
export function besideIncluder(path: string, from: string): IncludedFile | undefined {
  const file = join(dirname(from), path);
  const text = readIfExists(file);
  return text === undefined ? undefined : { file, text };
}

export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The 32-bit words of .text after linking at the default addresses. */
export function textWords(source: string): number[] {
  const linked = link(asm(source));
  if (!linked.ok) expect.fail(linked.errors.map((d) => formatDiagnostic(d)).join("\n"));
  const text = linked.image.sections.find((s) => s.kind === "text")!;
  const words: number[] = [];
  for (let i = 0; i + 4 <= text.size; i += 4) {
    words.push(
      (text.bytes[i]! |
        (text.bytes[i + 1]! << 8) |
        (text.bytes[i + 2]! << 16) |
        (text.bytes[i + 3]! << 24)) >>>
        0,
    );
  }
  return words;
}

// ---- GNU binutils ----

export const GNU_AS = "riscv64-unknown-elf-as";
export const GNU_LD = "riscv64-unknown-elf-ld";
export const GNU_OBJDUMP = "riscv64-unknown-elf-objdump";
export const GNU_READELF = "riscv64-unknown-elf-readelf";
export const GNU_MISSING =
  "needs the GNU RISC-V binutils: apt-get install -y binutils-riscv64-unknown-elf";

function runs(tool: string): boolean {
  return spawnSync(tool, ["--version"], { stdio: "ignore", timeout: 10_000 }).status === 0;
}

export const hasBinutils: boolean = [GNU_AS, GNU_LD, GNU_OBJDUMP, GNU_READELF].every(runs);

/** A describe block that is skipped, saying why, when the GNU tools are not installed. */
export function describeWithBinutils(name: string, body: () => void): void {
  describeIfTools(name, hasBinutils, GNU_MISSING, body);
}

/** Runs a tool; returns its stdout, or throws with its stderr. */
export function tool(command: string, args: readonly string[]): string {
  const r = spawnSync(command, args, {
    encoding: "utf8",
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(" ")} failed:\n${r.stderr}${r.stdout}`);
  return r.stdout;
}

let scratch: string | undefined;

/** A temporary directory for this test file, removed at exit. */
export function scratchDir(): string {
  if (scratch === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-asm-"));
    scratch = dir;
    process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

let serial = 0;

/**
 * Builds `sourcePath` with GNU as + ld (no relaxation, so la/call stay 8 bytes) and returns the
 * executable's bytes. `.include` paths are relative to the source's directory.
 */
export function gnuBuild(sourcePath: string): Uint8Array {
  const stem = join(scratchDir(), `gnu-${serial++}`);
  tool(GNU_AS, [
    "-march=rv32ima",
    "-mabi=ilp32",
    "-mno-relax",
    "-I",
    dirname(sourcePath),
    "-o",
    `${stem}.o`,
    sourcePath,
  ]);
  tool(GNU_LD, ["-m", "elf32lriscv", "--no-relax", "-o", `${stem}.elf`, `${stem}.o`]);
  return new Uint8Array(readFileSync(`${stem}.elf`));
}

/** Writes bytes to a scratch file and returns its path. */
export function scratchFile(name: string, data: Uint8Array | string): string {
  const path = join(scratchDir(), `${serial++}-${name}`);
  writeFileSync(path, data);
  return path;
}
