// Differential test against GNU as + ld: every fixture and every guest program in programs/ is
// built by both; the bytes of .text, .rodata and .data must be identical when our sections are
// put at GNU's addresses, and our default layout must be GNU's own.
import { readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { expect, it } from "vitest";
import { assemble, formatDiagnostic } from "../../asm/assembler.js";
import { type ElfFile, readElf } from "../../asm/elf-reader.js";
import { writeElf } from "../../asm/elf-writer.js";
import type { SectionAddresses } from "../../asm/link.js";
import { describeWithBinutils, gnuBuild, readIfExists } from "./helpers.js";

const COMPARED = [".text", ".rodata", ".data"] as const;
const PLACED: ReadonlyArray<readonly [string, keyof SectionAddresses]> = [
  [".text", "text"],
  [".rodata", "rodata"],
  [".data", "data"],
  [".bss", "bss"],
];

/** Every .s file under `dir`, recursively (the corpus grows as programs are added). */
function sources(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith(".s") ? [path] : [];
  });
}

const CORPUS = [...sources("test/asm/fixtures"), ...sources("programs")];

function parse(bytes: Uint8Array): ElfFile {
  const r = readElf(bytes);
  if (!r.ok) throw new Error(r.error);
  return r.elf;
}

function ours(path: string): ReturnType<typeof assemble> {
  return assemble(readIfExists(path)!, path, {
    readInclude: (p, from) => readIfExists(join(dirname(from), p)),
  });
}

describeWithBinutils("byte-identical to GNU as + ld", () => {
  it("has a corpus", () => {
    expect(CORPUS.length).toBeGreaterThan(5);
  });

  for (const path of CORPUS) {
    it(path, () => {
      let gnuBytes: Uint8Array;
      try {
        gnuBytes = gnuBuild(path);
      } catch {
        // GNU cannot build it alone (e.g. a library with undefined references): neither can we.
        expect(ours(path).ok, `${path}: GNU rejects it but we assembled it`).toBe(false);
        return;
      }
      const gnu = parse(gnuBytes);
      const r = ours(path);
      if (!r.ok) expect.fail(r.errors.map((d) => formatDiagnostic(d)).join("\n"));
      const layout: SectionAddresses = {};
      for (const [name, kind] of PLACED) {
        const s = gnu.sections.find((x) => x.name === name);
        if (s !== undefined) layout[kind] = s.addr;
      }
      const mine = parse(writeElf(r.program, layout));
      for (const name of COMPARED) {
        const g = gnu.sections.find((s) => s.name === name);
        const m = mine.sections.find((s) => s.name === name);
        expect(m?.size ?? 0, `${path} ${name} size`).toBe(g?.size ?? 0);
        if (g !== undefined)
          expect(Buffer.from(m!.bytes).equals(Buffer.from(g.bytes)), `${path} ${name} bytes`).toBe(
            true,
          );
      }
      compareSymbols(path, gnu, mine);
      compareDefaultLayout(path, gnu, parse(writeElf(r.program)));
    });
  }
});

/** Every symbol we define has GNU's address. */
function compareSymbols(path: string, gnu: ElfFile, mine: ElfFile): void {
  const theirs = new Map(gnu.symbols.map((s) => [s.name, s.value]));
  for (const s of mine.symbols) {
    if (s.type === 4 || !theirs.has(s.name)) continue; // the file symbol
    expect(s.value, `${path}: symbol ${s.name}`).toBe(theirs.get(s.name));
  }
}

/** Without any layout given, sections land where GNU ld put them, and so does the entry point. */
function compareDefaultLayout(path: string, gnu: ElfFile, mine: ElfFile): void {
  for (const [name] of PLACED) {
    const g = gnu.sections.find((s) => s.name === name);
    const m = mine.sections.find((s) => s.name === name);
    expect(m?.addr, `${path}: default address of ${name}`).toBe(g?.addr);
  }
  expect(mine.entry, `${path}: entry`).toBe(gnu.entry);
}
