// Issue 16, "Fast start": `vmlab --help` loads no subcommand's file and none of the emulator's
// layers (hw, kernel, asm, session, quiz, labs); only the subcommand the command line names is
// loaded. Checked by the modules a real `vmlab` process loads (a module-loading hook reports each
// one), not by timing. And `vmlab --help` lists every subcommand as its own file defines it; and
// the bundle `npm run build` makes (cli/bundle.ts) works as the sources do.
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Help } from "commander";
import { describe, expect, it } from "vitest";
import { processIo } from "../../cli/io.js";
import { vmlabCommand } from "../../cli/main.js";
import { subcommands } from "../../cli/subcommands.js";
import { runVmlab } from "../helpers/vmlab.js";

/** A hook that prints `loaded: <url>` on stderr for every module the process loads. */
const HOOKS = `export async function load(url, context, next) {
  if (url.startsWith("file:")) process.stderr.write("loaded: " + url + "\\n");
  return next(url, context);
}`;
const REGISTER = `import { register } from "node:module";
register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(HOOKS)}`)});`;

/** The files of the repository (as `hw/cpu.ts`) that `vmlab <args>` loads, and its stdout. */
function loadedBy(args: string[]): { files: string[]; stdout: string } {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", "--import", `data:text/javascript,${encodeURIComponent(REGISTER)}`].concat([
      "cli/bin.ts",
      ...args,
    ]),
    { encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
  );
  expect(r.status, r.stderr).toBe(0);
  const root = new URL("../../", import.meta.url).href;
  const files = [...r.stderr.matchAll(/^loaded: (\S+)$/gm)]
    .map((m) => m[1]!)
    .filter((url) => url.startsWith(root) && !url.includes("/node_modules/"))
    .map((url) => url.slice(root.length));
  return { files, stdout: r.stdout };
}

/** Files `vmlab --help` must not load: the layers below the CLI (but one error class), and the subcommands. */
function heavy(file: string): boolean {
  if (file === "session/errors.ts") return false; // main.ts reports SessionErrors
  if (/^(hw|kernel|asm|session|quiz|labs|web)\//.test(file)) return true;
  return subcommands.some((s) => file === `cli/${s.name}.ts`);
}

describe("vmlab loads only what the command line needs", () => {
  it("vmlab --help lists every subcommand without loading any of them", () => {
    const { files, stdout } = loadedBy(["--help"]);
    expect(stdout).toContain("Commands:");
    expect(files).toContain("cli/main.ts"); // the hook does see our modules
    expect(files.filter(heavy)).toEqual([]);
  });

  it("vmlab run --help loads run and the machine, but no other subcommand", () => {
    const { files, stdout } = loadedBy(["run", "--help"]);
    expect(stdout).toContain("Usage: vmlab run [options] <program...>");
    expect(files).toContain("cli/run.ts");
    expect(files).toContain("hw/machine.ts");
    expect(files).not.toContain("cli/trace.ts");
    expect(files).not.toContain("cli/quiz.ts");
  });

  it("vmlab --help's list is what the subcommands' own files define", async () => {
    const result = { status: 0, argv: [] };
    const listed = await vmlabCommand(processIo(), result, new Set());
    const loaded = await vmlabCommand(processIo(), result, new Set(subcommands.map((s) => s.name)));
    expect(listed.helpInformation()).toEqual(loaded.helpInformation());
    for (const sub of subcommands) {
      const cmd = loaded.commands.find((c) => c.name() === sub.name)!;
      const term = new Help().subcommandTerm(cmd); // commander's own, from the definition
      expect(term, `${sub.name}'s usage in cli/subcommands.ts`).toBe(
        `${sub.name} ${sub.usage}`.trim(),
      );
    }
  });
});

describe("the bundle npm run build makes", () => {
  it("prints the sources' help, and runs and quizzes as they do", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-bundle-"));
    const built = spawnSync(process.execPath, ["--import", "tsx", "cli/bundle.ts", dir], {
      encoding: "utf8",
    });
    expect(built.status, built.stderr).toBe(0);
    for (const args of [["--help"], ["run", "programs/hello.s"], ["quiz", "tlb", "-s", "3"]]) {
      const bundled = spawnSync(process.execPath, [join(dir, "bin.js"), ...args], {
        encoding: "utf8",
      });
      const sources = await runVmlab(args);
      expect(sources.stdout).not.toBe("");
      expect(bundled.stdout, `vmlab ${args.join(" ")}`).toBe(sources.stdout);
      expect(bundled.stderr).toBe(sources.stderr);
      expect(bundled.status).toBe(sources.status);
    }
  });
});
