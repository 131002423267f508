// Loading a student's work: each TypeScript module is imported where it is with tsx (a fresh
// module instance per grading, so edits are always seen); programs (.s) are used where they are.
// The folder's `vmlab.ts` links it to the student kit; if it is missing or points nowhere (a
// folder made on another machine), it is written again — the only change grading makes.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { kitPath } from "./paths.js";
// Imported for its file: so that the compiler builds the kit next to this module, for the links.
import "./kit.js";
import type { LabDefinition } from "./types.js";

/** The file that links a lab folder to the kit; written by vmlab, never graded. */
export const KIT_LINK = "vmlab.ts";

/** A student's folder, loaded. */
export interface StudentWork {
  /** The folder, absolute. */
  readonly dir: string;
  /** Exports of each module that loaded. */
  readonly modules: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Why a student file could not be used, by file name. */
  readonly problems: ReadonlyMap<string, string>;
  /** Absolute paths of the program files that exist. */
  readonly programs: ReadonlyMap<string, string>;
}

/**
 * Loads `lab`'s student files from `dir` (which must exist). A missing file, a syntax error or an
 * exception while a module loads is recorded in `problems`, never thrown.
 */
export async function loadStudentWork(lab: LabDefinition, folder: string): Promise<StudentWork> {
  const dir = resolve(folder);
  const modules = new Map<string, Record<string, unknown>>();
  const problems = new Map<string, string>();
  const programs = new Map<string, string>();
  for (const f of lab.files) {
    const path = join(dir, f.name);
    if (!existsSync(path)) problems.set(f.name, `${f.name} is missing from ${dir}`);
    else if (f.kind === "program") programs.set(f.name, path);
  }
  const wanted = lab.files.filter((f) => f.kind === "module" && !problems.has(f.name));
  if (wanted.length === 0) return { dir, modules, problems, programs };
  if (!kitLinkWorks(dir)) {
    try {
      writeKitLink(dir, false);
    } catch (e) {
      const why = `cannot write ${KIT_LINK} into ${dir} (${(e as { code?: string }).code ?? e}): copy your files to a folder you can write`;
      for (const f of wanted) problems.set(f.name, why);
      return { dir, modules, problems, programs };
    }
  }
  const { tsImport } = await importTsx();
  for (const f of wanted) {
    try {
      const m = (await tsImport(pathToFileURL(join(dir, f.name)).href, {
        parentURL: import.meta.url,
        tsconfig: false,
      })) as Record<string, unknown>;
      modules.set(f.name, m);
    } catch (e) {
      problems.set(f.name, `${f.name} does not load: ${describeLoadError(e, dir)}`);
    }
  }
  return { dir, modules, problems, programs };
}

type TsImport = (
  specifier: string,
  options: { parentURL: string; tsconfig: false },
) => Promise<unknown>;

/** tsx's programmatic import, loaded only when a lab is graded (it is large). */
async function importTsx(): Promise<{ tsImport: TsImport }> {
  try {
    return (await import("tsx/esm/api")) as { tsImport: TsImport };
  } catch (e) {
    throw new Error(
      `grading needs the tsx package to load TypeScript (npm install tsx): ${String(e)}`,
    );
  }
}

/** True if `dir/vmlab.ts` exists and the module it re-exports exists too. */
function kitLinkWorks(dir: string): boolean {
  const link = join(dir, KIT_LINK);
  if (!existsSync(link)) return false;
  const m = /from\s+"([^"]+)"/.exec(readFileSync(link, "utf8"));
  if (!m) return false;
  const spec = m[1]!;
  const target = spec.startsWith("file:")
    ? fileURLToPath(spec)
    : isAbsolute(spec)
      ? spec
      : join(dir, spec);
  return existsSync(target) || existsSync(target.replace(/\.js$/, ".ts"));
}

/**
 * Writes `dir/vmlab.ts`, re-exporting the kit by a path relative to `dir`. `forEditors` prefers
 * the kit's TypeScript source, so an editor shows the types (lab start); grading may use the
 * compiled kit of the running vmlab.
 */
export function writeKitLink(dir: string, forEditors: boolean): void {
  const kit = kitPath(forEditors).replace(/\.ts$/, ".js");
  let spec = relative(dir, kit).split(sep).join("/");
  if (/^[a-zA-Z]:/.test(spec) || spec.startsWith("/")) spec = pathToFileURL(kit).href;
  else if (!spec.startsWith(".")) spec = `./${spec}`;
  writeFileSync(
    join(dir, KIT_LINK),
    `// Links this lab folder to vmlab's student kit (labs/grader/kit.ts). Written by vmlab; do not edit.\nexport * from "${spec}";\n`,
  );
}

/** A load failure in a few lines, with paths shown relative to the student's folder. */
function describeLoadError(e: unknown, dir: string): string {
  const text =
    e instanceof Error ? `${e.name === "Error" ? "" : `${e.name}: `}${e.message}` : String(e);
  const short = shortPaths(text, dir);
  // esbuild (under tsx) counts columns from 0; vmlab, editors and the assembler count from 1.
  const syntax = /^(\S+):(\d+):(\d+): ERROR: (.*)$/m.exec(short);
  if (syntax) {
    const [, file, line, column, message] = syntax;
    return `syntax error at ${file}:${line}:${Number(column) + 1}: ${message}`;
  }
  return short.split("\n").slice(0, 6).join("\n");
}

/** `text` with the folder's absolute paths and file URLs shortened to names inside it. */
export function shortPaths(text: string, dir: string): string {
  const prefix = `${dir}${sep}`;
  return text.split(pathToFileURL(prefix).href).join("").split(prefix).join("");
}
