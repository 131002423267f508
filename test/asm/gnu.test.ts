// Differential test against GNU as + ld: every fixture and every guest program in programs/ is
// built by both; the bytes of .text, .rodata and .data must be identical when our sections are
// put at GNU's addresses, and our default layout must be GNU's own.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { assemble, formatDiagnostic } from "../../asm/assembler.js";
import { type ElfFile, readElf } from "../../asm/elf-reader.js";
import { writeElf } from "../../asm/elf-writer.js";
import type { SectionAddresses } from "../../asm/link.js";
import { SECTION_KINDS, SECTION_NAMES } from "../../asm/program.js";
import {
  besideIncluder,
  describeWithBinutils,
  gnuBuild,
  readIfExists,
  scratchFile,
} from "./helpers.js";
import { randomProgram } from "./random-program.js";

/** GNU sections our output sections stand for; others (.eh_frame from .cfi_*, .comment) we lack. */
const MODELED = /^\.(text|rodata|srodata|sdata2?|data1?|sbss|bss)(\.|$)/;
const SHT_NOBITS = 8;
const SHF_ALLOC = 2;

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
  return assemble(readIfExists(path)!, path, { readInclude: besideIncluder });
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
      const mine = parse(writeElf(r.program, gnuLayout(gnu)));
      compareMemory(path, gnu, mine);
      compareSymbols(path, gnu, mine);
      if (gnu.sections.every((s) => (s.flags & SHF_ALLOC) === 0 || MODELED.test(s.name))) {
        compareDefaultLayout(path, gnu, parse(writeElf(r.program)));
      }
    });
  }
});

describeWithBinutils("byte-identical to GNU as + ld on random programs", () => {
  for (let seed = 1; seed <= 12; seed++) {
    it(`random program ${seed}`, () => {
      const path = scratchFile(`random-${seed}.s`, randomProgram(seed * 7919, 300));
      const gnu = parse(gnuBuild(path));
      const r = ours(path);
      if (!r.ok) expect.fail(r.errors.map((d) => formatDiagnostic(d)).join("\n"));
      compareMemory(path, gnu, parse(writeElf(r.program)));
      compareDefaultLayout(path, gnu, parse(writeElf(r.program)));
    });
  }
});

/** Our sections at the addresses where GNU ld put the sections of the same names. */
function gnuLayout(gnu: ElfFile): SectionAddresses {
  const layout: SectionAddresses = {};
  for (const kind of SECTION_KINDS) {
    const s = gnu.sections.find(
      (x) => x.name === SECTION_NAMES[kind] && (x.flags & SHF_ALLOC) !== 0,
    );
    if (s !== undefined) layout[kind] = s.addr;
  }
  return layout;
}

/** The contents of a loaded section, where it is loaded. */
interface Span {
  addr: number;
  bytes: Uint8Array;
}

/** Every loaded section with contents that matches `include`. */
function memory(elf: ElfFile, include: (name: string) => boolean): Span[] {
  return elf.sections
    .filter((s) => (s.flags & SHF_ALLOC) !== 0 && s.type !== SHT_NOBITS && include(s.name))
    .map((s) => ({ addr: s.addr, bytes: s.bytes }));
}

/** The byte at `addr` in `spans`, or undefined where none has one. */
function byteAt(spans: Span[], addr: number): number | undefined {
  for (const s of spans)
    if (addr >= s.addr && addr < s.addr + s.bytes.length) return s.bytes[addr - s.addr];
  return undefined;
}

/**
 * Every byte GNU placed in a section we model is at the same address in our output, with the same
 * value; and every byte we placed elsewhere is padding between GNU's sections (zero).
 */
function compareMemory(path: string, gnu: ElfFile, mine: ElfFile): void {
  const theirs = memory(gnu, (name) => MODELED.test(name));
  const ours = memory(mine, () => true);
  const diffs: string[] = [];
  for (const { addr, bytes } of theirs) {
    for (let i = 0; i < bytes.length && diffs.length < 10; i++) {
      const b = byteAt(ours, addr + i);
      if (b !== bytes[i]) diffs.push(`${(addr + i).toString(16)}: GNU ${bytes[i]}, ours ${b}`);
    }
  }
  for (const { addr, bytes } of ours) {
    for (let i = 0; i < bytes.length && diffs.length < 10; i++) {
      if (bytes[i] !== 0 && byteAt(theirs, addr + i) === undefined)
        diffs.push(`${(addr + i).toString(16)}: ours ${bytes[i]}, GNU has nothing`);
    }
  }
  expect(diffs, `${path}: bytes differ`).toEqual([]);
  expect(ours.reduce((n, s) => n + s.bytes.length, 0)).toBeGreaterThan(0);
}

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
  expect(gnuLayout(mine), `${path}: default layout`).toEqual(gnuLayout(gnu));
  expect(mine.entry, `${path}: entry`).toBe(gnu.entry);
}
