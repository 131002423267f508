// kernel/ imports in one direction: no module reaches itself through the imports it runs. Every
// import and export-from of each kernel/ .ts file is read with TypeScript's parser; `import type`
// and `export type` are left out, as they are erased before anything runs (syscall.ts, which is
// handed the whole Kernel, names it that way).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, sep } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..", "..");

/** The kernel/ modules `file` (relative to the root) imports at run time, as root-relative paths. */
function runtimeImports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022);
  const out: string[] = [];
  for (const s of source.statements) {
    if (!ts.isImportDeclaration(s) && !ts.isExportDeclaration(s)) continue;
    const spec = s.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.startsWith(".")) continue;
    const typeOnly = ts.isImportDeclaration(s) ? s.importClause?.isTypeOnly : s.isTypeOnly;
    if (typeOnly) continue;
    out.push(normalize(join(dirname(file), spec.text)).replace(/\.js$/, ".ts"));
  }
  return out.filter((f) => f.startsWith(`kernel${sep}`));
}

/** One import cycle in `graph` as "a -> b -> a", or undefined if there is none (depth-first). */
function findCycle(graph: ReadonlyMap<string, readonly string[]>): string | undefined {
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (f: string): string | undefined => {
    const at = path.indexOf(f);
    if (at >= 0) return [...path.slice(at), f].join(" -> ");
    if (done.has(f)) return undefined;
    path.push(f);
    for (const g of graph.get(f) ?? []) {
      const cycle = visit(g);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(f);
    return undefined;
  };
  for (const f of graph.keys()) {
    const cycle = visit(f);
    if (cycle) return cycle;
  }
  return undefined;
}

/** The run-time import graph of kernel/. */
function kernelGraph(): Map<string, string[]> {
  const files = readdirSync(join(ROOT, "kernel"), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => join("kernel", f));
  return new Map(
    files.map((f) => [f, runtimeImports(f, readFileSync(join(ROOT, f), "utf8"))] as const),
  );
}

describe("kernel imports", () => {
  it("kernel/ has no import cycle", () => {
    const graph = kernelGraph();
    expect(graph.size).toBeGreaterThan(40);
    expect(findCycle(graph)).toBeUndefined();
  });

  it("the check finds a cycle through a value import, not through `import type`", () => {
    const a = join("kernel", "a.ts");
    const b = join("kernel", "b.ts");
    const fromB = 'import { x } from "./b.js";';
    expect(
      findCycle(
        new Map([
          [a, runtimeImports(a, fromB)],
          [b, runtimeImports(b, 'export { y } from "./a.js";')],
        ]),
      ),
    ).toBe(`${a} -> ${b} -> ${a}`);
    expect(
      findCycle(
        new Map([
          [a, runtimeImports(a, fromB)],
          [b, runtimeImports(b, 'import type { Y } from "./a.js";')],
        ]),
      ),
    ).toBeUndefined();
  });
});
