// `vmlab lab start`: a working folder for a lab — the starter files, the support files the lab's
// programs include, `vmlab.ts` linking the folder to the student kit, and a package.json and
// tsconfig.json so that `npx tsc -p <folder>` type-checks the student's code as strictly as
// vmlab's own. Never overwrites a file the student may have written.
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve, sep } from "node:path";
import { KIT_LINK, writeKitLink } from "./load.js";
import { labDir, packageRoot } from "./paths.js";
import type { LabDefinition } from "./types.js";

/** Why a folder cannot be used (already holds the lab's files, is a file, ...). */
export class StartError extends Error {
  override name = "StartError";
}

/** What start wrote. */
export interface StartResult {
  readonly dir: string;
  /** Files copied from the starter (the student's to complete), then the others written. */
  readonly starter: readonly string[];
  readonly support: readonly string[];
}

/** Copies `lab`'s starter into `folder` (created if needed); throws StartError if it is in use. */
export function startLab(lab: LabDefinition, folder: string): StartResult {
  const dir = resolve(folder);
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new StartError(`${folder} is a file, not a folder`);
  const starterDir = labDir(lab.name, "starter");
  const starter = readdirSync(starterDir).filter((f) => f !== KIT_LINK);
  const clash = [...starter, ...(lab.support ?? []).map((s) => s.to)].filter((f) =>
    existsSync(join(dir, f)),
  );
  if (clash.length > 0)
    throw new StartError(
      `${folder} already holds ${clash.join(", ")}: not overwriting your work (choose another folder, or move them away)`,
    );
  mkdirSync(dir, { recursive: true });
  for (const f of starter) copyFileSync(join(starterDir, f), join(dir, f));
  const support: string[] = [];
  for (const s of lab.support ?? []) {
    copyFileSync(join(packageRoot(), s.from), join(dir, s.to));
    support.push(s.to);
  }
  writeKitLink(dir, true);
  support.push(KIT_LINK);
  if (!existsSync(join(dir, "package.json"))) {
    writeFileSync(
      join(dir, "package.json"),
      `${JSON.stringify({ type: "module", private: true }, null, 2)}\n`,
    );
    support.push("package.json");
  }
  if (!existsSync(join(dir, "tsconfig.json"))) {
    writeFileSync(join(dir, "tsconfig.json"), tsconfigFor(dir));
    support.push("tsconfig.json");
  }
  return { dir, starter, support };
}

/** A tsconfig with vmlab's own strictness, for `npx tsc -p <folder>`. */
function tsconfigFor(dir: string): string {
  const types = join(packageRoot(), "node_modules", "@types");
  const rel = (p: string) => relative(dir, p).split(sep).join("/");
  const hasNode = existsSync(join(types, "node"));
  const options = {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2022"],
    ...(hasNode ? { types: ["node"], typeRoots: [rel(types)] } : { types: [] }),
    strict: true,
    noUncheckedIndexedAccess: true,
    exactOptionalPropertyTypes: true,
    verbatimModuleSyntax: true,
    erasableSyntaxOnly: true,
    skipLibCheck: true,
    noEmit: true,
  };
  return `${JSON.stringify({ compilerOptions: options, include: ["*.ts"] }, null, 2)}\n`;
}
