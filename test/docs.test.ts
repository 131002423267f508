// Every `vmlab` command shown in a ```sh block of the README and docs/ runs, so the docs cannot
// rot: renamed flags, missing files or changed subcommands fail here. A command must not end with
// a user error (1), a usage error (2) or an internal error (70); a guest may end as it likes
// (e.g. 132 for SIGILL). Files a command writes go to a temporary folder.
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runVmlab } from "./helpers/vmlab.js";

const DOCS = [
  "README.md",
  ...readdirSync("docs")
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
];
/** Options whose value is a file the command writes. */
const OUTPUT_OPTIONS = new Set(["-o", "--output", "--trace-json", "--record"]);

/** The `vmlab ...` commands of a markdown file's sh blocks, with the line each is on. */
function commands(file: string): { line: number; args: string[] }[] {
  const out: { line: number; args: string[] }[] = [];
  let inSh = false;
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((text, i) => {
      if (/^```(sh|bash|shell)\s*$/.test(text.trim())) inSh = true;
      else if (text.trim().startsWith("```")) inSh = false;
      else if (inSh) {
        for (const part of text.replace(/\s#.*$/, "").split(/&&|;/)) {
          const words = part
            .trim()
            .split(/\s+/)
            .filter((w) => w !== "");
          const at = words[0] === "npx" ? 1 : 0;
          if (words[at] !== "vmlab" || words.some((w) => /^[|<>]/.test(w))) continue;
          out.push({
            line: i + 1,
            args: words.slice(at + 1).map((w) => w.replace(/^["']|["']$/g, "")),
          });
        }
      }
    });
  return out;
}

/** Points output files (and later uses of them, by name) into `dir`. */
function redirect(args: string[], dir: string, written: Map<string, string>): string[] {
  return args.map((a, i) => {
    const prev = args[i - 1] ?? "";
    if (OUTPUT_OPTIONS.has(prev) || (args[0] === "lab" && args[1] === "start" && i === 3)) {
      const to = join(dir, a.replace(/[/\\]/g, "_"));
      written.set(a, to);
      return to;
    }
    return written.get(a) ?? a;
  });
}

for (const file of DOCS) {
  const cmds = commands(file);
  if (cmds.length === 0) continue;
  describe(`${file} examples`, () => {
    const dir = mkdtempSync(join(tmpdir(), "vmlab-docs-"));
    const written = new Map<string, string>();
    for (const { line, args } of cmds) {
      it(`line ${line}: vmlab ${args.join(" ")}`, async () => {
        const r = await runVmlab(redirect(args, dir, written));
        expect(r.stderr).not.toMatch(
          /internal error|unknown option|unknown command|missing required|is not one of/,
        );
        expect([1, 2, 70], r.stderr).not.toContain(r.status);
      });
    }
  });
}
