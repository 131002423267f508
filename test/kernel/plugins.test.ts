// The pagetable lab's boundary: the kernel reaches page tables only through the plugged
// PageTableOps (kernel/paging/pagetable.ts explains what stays direct). Statically, no kernel/ file
// but pagetable.ts itself imports its walk, mapPage, unmapPage, vmprint or readPte; at run time, a
// plug-in that delegates to the reference sees the fault handler, the kernel's user copies, the
// traversals (fork, munmap, exit) and the swapper all call it, and the run is as without it.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { processIo } from "../../cli/io.js";
import { loadProgram } from "../../cli/program.js";
import { defaultMachineConfig, Machine } from "../../hw/machine.js";
import { defaultKernelOptions, Kernel } from "../../kernel/kernel.js";
import { type PageTableOps, referencePageTable } from "../../kernel/paging/pagetable.js";
import { referencePlugins } from "../../kernel/plugins.js";
import { policyByName } from "../../kernel/replace/policy.js";

const ROOT = join(import.meta.dirname, "..", "..");
const OPERATIONS = new Set(["walk", "mapPage", "unmapPage", "vmprint", "readPte"]);

/** The page-table operations `text` imports by name from paging/pagetable.js. */
function importedOperations(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022);
  return source.statements.flatMap((s) => {
    if (!ts.isImportDeclaration(s) && !ts.isExportDeclaration(s)) return [];
    const spec = s.moduleSpecifier;
    if (!spec || !ts.isStringLiteral(spec) || !spec.text.endsWith("pagetable.js")) return [];
    const clause = ts.isImportDeclaration(s) ? s.importClause?.namedBindings : s.exportClause;
    if (!clause || !(ts.isNamedImports(clause) || ts.isNamedExports(clause))) return [];
    return clause.elements
      .map((e) => (e.propertyName ?? e.name).text)
      .filter((name) => OPERATIONS.has(name));
  });
}

/** Walk calls whose caller is looked up: one in SAMPLE (stack traces are slow; the run is deterministic). */
const SAMPLE = 7;

/** The kernel/ file (e.g. "swap/swap.ts") of the function that called the caller of this one. */
function callerName(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 4;
  const frame = new Error().stack?.split("\n")[3] ?? "";
  Error.stackTraceLimit = limit;
  return /kernel\/([\w/.-]+\.ts)/.exec(frame)?.[1] ?? frame.trim();
}

/** A plug-in that delegates to the reference and records which functions call its walk. */
function spyingPageTable(callers: Set<string>): PageTableOps {
  let calls = 0;
  return {
    ...referencePageTable,
    walk(...args) {
      if (++calls % SAMPLE === 0) callers.add(callerName());
      return referencePageTable.walk(...args);
    },
  };
}

describe("the page-table plug-in boundary", () => {
  it("no kernel/ file but pagetable.ts imports a page-table operation directly", () => {
    const files = readdirSync(join(ROOT, "kernel"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".ts") && f !== join("paging", "pagetable.ts"))
      .map((f) => join("kernel", f));
    const direct = files.flatMap((f) =>
      importedOperations(f, readFileSync(join(ROOT, f), "utf8")).map((op) => `${f}: ${op}`),
    );
    expect(direct).toEqual([]);
    expect(importedOperations("x.ts", 'import { walk, loadPte } from "./pagetable.js";')).toEqual([
      "walk",
    ]);
  });

  it("fork, copy-on-write, swap and exit all walk through the plugged page table", () => {
    const callers = new Set<string>();
    const machine = new Machine({
      ...defaultMachineConfig,
      ramSize: 256 * 1024,
      swapSize: 8 << 20,
    });
    const out: string[] = [];
    const k = new Kernel(
      machine,
      {
        write: (_fd, bytes) => out.push(new TextDecoder().decode(bytes)),
        readStdin: () => new Uint8Array(0),
        message: () => {},
      },
      {
        ...defaultKernelOptions,
        swapPolicy: policyByName("clock")!,
        plugins: { ...referencePlugins, pageTable: spyingPageTable(callers) },
      },
    );
    const path = "programs/swap/forkswap.s";
    k.spawn(loadProgram(path, processIo()), [path], []);
    k.run();
    expect(out.join("")).toBe(
      "child: all words correct: yes\nchild exit status: 0\nparent: all words correct: yes\n",
    );
    expect(k.counters.swapIns).toBeGreaterThan(0);
    expect(k.frames.free).toBe(k.frames.freeAtBoot);
    // The fault handler and user copies, fork, the traversals (munmap, exit), and the swapper.
    const files = ["paging/fault.ts", "paging/cow.ts", "paging/pagetable.ts", "swap/swap.ts"];
    for (const caller of files) expect([...callers], [...callers].join()).toContain(caller);
  });
});
