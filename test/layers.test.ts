// The layers, as design.md draws them: hw/ at the bottom, then kernel/ and asm/, quiz/, session/
// (UI-free, Node-free), host/ (the Node file reader), and the front ends cli/, labs/, bench/ and
// web/ (the browser's, on session/ like the others) on top; nothing but tests imports cli/ or web/. Every .ts file's import specifiers are read (with TypeScript's own pre-processor, so
// comments and strings do not count) and checked against the table of forbidden imports.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
/** The folders holding vmlab's TypeScript. */
const LAYERS = [
  "hw",
  "kernel",
  "asm",
  "quiz",
  "session",
  "host",
  "cli",
  "labs",
  "bench",
  "web",
  "test",
];
/** Layers nothing but their own files and the tests may import. */
const FRONT_ENDS = ["cli", "web"];

/** What each layer must not import (beyond the rule that only tests import cli/ and web/). */
const FORBIDDEN: Record<string, readonly string[]> = {
  hw: LAYERS.filter((l) => l !== "hw"),
  kernel: ["cli", "session", "host", "labs", "bench", "quiz", "asm", "test"],
  asm: ["kernel", "cli", "session", "host", "labs", "bench", "test"],
  quiz: ["cli", "session", "host", "labs", "bench", "test"],
  session: ["cli", "host", "labs", "bench", "test"],
  host: ["cli", "labs", "bench", "test"],
  labs: ["cli", "bench", "test"],
  bench: ["cli", "labs", "test"],
  cli: ["bench", "test"],
  web: ["host", "labs", "bench", "test"],
  test: [],
};

/** The top folder a specifier in `file` reaches (undefined for packages and node: modules). */
function targetLayer(file: string, spec: string): string | undefined {
  if (spec.startsWith("vmlab/")) return spec.split("/")[1];
  if (!spec.startsWith(".")) return undefined;
  const target = normalize(join(dirname(file), spec));
  return target.startsWith("..") ? "(outside the package)" : target.split(sep)[0];
}

/** The forbidden imports of one file (path relative to the root), as "file -> specifier" lines. */
function forbiddenImports(file: string, text: string): string[] {
  const layer = file.split(sep)[0]!;
  const banned = FORBIDDEN[layer] ?? [];
  const specs = ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
  return specs
    .filter((spec) => {
      const target = targetLayer(file, spec);
      if (target === undefined || target === layer) return false;
      return banned.includes(target) || (FRONT_ENDS.includes(target) && layer !== "test");
    })
    .map((spec) => `${file} -> ${spec}`);
}

/** Every .ts and .tsx file under the layer folders, relative to the root. */
function sourceFiles(): string[] {
  return LAYERS.flatMap((layer) =>
    readdirSync(join(ROOT, layer), { recursive: true, encoding: "utf8" })
      .filter((f) => /\.tsx?$/.test(f) && !f.split(sep).includes("node_modules"))
      .map((f) => join(layer, f)),
  );
}

describe("layers", () => {
  it("no .ts file imports across a forbidden boundary", () => {
    const files = sourceFiles();
    expect(files.length).toBeGreaterThan(100);
    const bad = files.flatMap((f) => forbiddenImports(f, readFileSync(join(ROOT, f), "utf8")));
    expect(bad).toEqual([]);
  });

  it("the check catches each kind of forbidden import", () => {
    const cases: [string, string][] = [
      [join("hw", "cpu.ts"), 'import { Kernel } from "../kernel/kernel.js";'],
      [join("kernel", "paging.ts"), 'import type { Session } from "../session/step/session.js";'],
      [join("kernel", "elf.ts"), 'export { readElf } from "../asm/elf-reader.js";'],
      [join("asm", "assembler.ts"), 'const k = await import("../kernel/kernel.js");'],
      [join("quiz", "index.ts"), 'import { UserError } from "../cli/io.js";'],
      [join("session", "boot.ts"), 'import { readRegularFile } from "../host/files.js";'],
      [join("bench", "main.ts"), 'import { loadProgram } from "../cli/program.js";'],
      [join("labs", "grader", "harness.ts"), 'import { bootKernel } from "../../cli/boot.js";'],
      [join("labs", "grader", "kit.ts"), 'export * from "vmlab/cli/io";'],
      [join("web", "worker.ts"), 'import { processIo } from "../cli/io.js";'],
      [join("web", "engine.ts"), 'import { readRegularFile } from "../host/files.js";'],
      [join("cli", "web.ts"), 'import { Engine } from "../web/engine.js";'],
      [
        join("session", "view", "index.ts"),
        'import type { Snapshot } from "../../web/protocol.js";',
      ],
    ];
    for (const [file, line] of cases) expect(forbiddenImports(file, line)).toHaveLength(1);
  });

  it("allowed imports pass, and comments do not count", () => {
    const cases: [string, string][] = [
      [join("kernel", "kernel.ts"), 'import { Machine } from "../hw/machine.js";'],
      [join("session", "boot.ts"), 'import { Kernel } from "../kernel/kernel.js";'],
      [join("cli", "run.ts"), 'import { bootKernel } from "../session/boot.js";'],
      [join("test", "x.test.ts"), 'import { processIo } from "../cli/io.js";'],
      [join("web", "worker.ts"), 'import { Session } from "../session/step/session.js";'],
      [join("web", "panes", "views.tsx"), 'import { hex32 } from "../../hw/hex.js";'],
      [join("test", "web", "x.test.ts"), 'import { Engine } from "../../web/engine.js";'],
      [join("hw", "cpu.ts"), '// import { Kernel } from "../kernel/kernel.js";'],
    ];
    for (const [file, line] of cases) expect(forbiddenImports(file, line)).toEqual([]);
  });
});
