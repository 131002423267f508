// The README's map for readers ("What is inside"): every concept of the course has a row, and every
// file the table links to exists, so a rename in kernel/ or hw/ cannot leave the map pointing at
// nothing. Paths in code spans of docs/kernel.md and the lab handouts that name kernel/ files must
// exist too (they are how students find the code), and so must the kernel modules their code
// examples import.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const REPOSITORY = dirname(dirname(fileURLToPath(import.meta.url)));

/** The concepts the course teaches, each a row of the table. */
const CONCEPTS = [
  "Memory map",
  "Allocation",
  "Deallocation",
  "Protection and isolation",
  "Paging",
  "Segmentation",
  "TLB",
  "Page-fault handling",
  "Swap and replacement",
];

/** The rows of the first table after the "What is inside" heading, as [concept, cell] pairs. */
function mapRows(readme: string): [string, string][] {
  const section = readme.split(/^## What is inside$/m)[1]?.split(/^## /m)[0] ?? "";
  return section
    .split("\n")
    .filter((line) => line.startsWith("| ") && !line.startsWith("| ---"))
    .slice(1)
    .map((line) => {
      const [concept = "", cell = ""] = line.slice(1, -1).split(" | ");
      return [concept.trim(), cell.trim()];
    });
}

/** The relative targets of the markdown links in `text`, without #fragments. */
function linkTargets(text: string): string[] {
  return [...text.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)].map((m) => m[1]!);
}

describe("README map", () => {
  const readme = readFileSync(join(REPOSITORY, "README.md"), "utf8");
  const rows = mapRows(readme);

  it("has a row for every concept", () => {
    expect(rows.map(([c]) => c)).toEqual(expect.arrayContaining(CONCEPTS));
  });

  it("links every row to a file that exists", () => {
    for (const [concept, cell] of rows) {
      const targets = linkTargets(cell);
      expect(targets.length, concept).toBeGreaterThan(0);
      for (const t of targets)
        expect(existsSync(join(REPOSITORY, t)), `${concept}: ${t}`).toBe(true);
    }
  });

  it("names only kernel/ files that exist in docs/kernel.md and the lab handouts", () => {
    const docs = [
      "docs/kernel.md",
      "docs/contiguous.md",
      "docs/instructors.md",
      "docs/replacement.md",
    ];
    const labs = ["contiguous", "faults", "pagetable", "replacement", "tlb"].map(
      (l) => `labs/${l}/README.md`,
    );
    for (const doc of [...docs, ...labs]) {
      const text = readFileSync(join(REPOSITORY, doc), "utf8");
      for (const m of text.matchAll(/`(kernel\/[\w/.-]+\.ts)`/g))
        expect(existsSync(join(REPOSITORY, m[1]!)), `${doc}: ${m[1]}`).toBe(true);
      // Imports in code examples, relative to the document: "../kernel/contiguous/fits.js".
      for (const m of text.matchAll(/from "(\.\.\/[\w/.-]*kernel\/[\w/.-]+)\.js"/g)) {
        const source = join(REPOSITORY, dirname(doc), `${m[1]}.ts`);
        expect(existsSync(source), `${doc}: ${m[1]}.js`).toBe(true);
      }
    }
  });
});
