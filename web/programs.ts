// The programs bundled into the app: every runnable assembly file in programs/ (one that defines
// _start; the rest are libraries for .include), and the prebuilt C executables. The session reads
// them through a FileReader over this table, so `.include` and execve work as in the CLI.
import type { FileReader } from "../session/program.js";
import type { ProgramGroup } from "./view.js";

const sources = import.meta.glob<string>("../programs/**/*.s", {
  query: "?raw",
  import: "default",
  eager: true,
});
const executables = import.meta.glob<string>("../programs/c/bin/*.elf", {
  query: "?base64",
  import: "default",
  eager: true,
});

/** Where the files live in the session's file system: paths as the CLI sees them from the repo. */
const PREFIX = "../";

/** Every bundled file by path (`programs/hello.s`), as bytes. */
const files = new Map<string, Uint8Array>();
const encoder = new TextEncoder();
for (const [key, text] of Object.entries(sources)) files.set(pathOf(key), encoder.encode(text));
for (const [key, b64] of Object.entries(executables)) files.set(pathOf(key), fromBase64(b64));

function pathOf(globKey: string): string {
  return globKey.startsWith(PREFIX) ? globKey.slice(PREFIX.length) : globKey;
}

function fromBase64(b64: string): Uint8Array {
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

const START_LABEL = /^\s*_start\s*:/m;

/** The runnable programs, grouped by folder (the top level first), each group sorted. */
export function programGroups(): ProgramGroup[] {
  const groups = new Map<string, string[]>();
  for (const [path, text] of Object.entries(sources)) {
    if (!START_LABEL.test(text)) continue;
    add(groups, pathOf(path));
  }
  for (const path of Object.keys(executables)) add(groups, pathOf(path));
  return [...groups.entries()]
    .map(([name, paths]) => ({ name, paths: paths.sort() }))
    .sort((a, b) =>
      a.name === "programs" ? -1 : b.name === "programs" ? 1 : a.name < b.name ? -1 : 1,
    );
}

function add(groups: Map<string, string[]>, path: string): void {
  const name = path.slice(0, path.lastIndexOf("/"));
  const list = groups.get(name) ?? [];
  list.push(path);
  groups.set(name, list);
}

/** The text of a bundled assembly file, or undefined (an executable, or no such file). */
export function sourceText(path: string): string | undefined {
  return sources[PREFIX + path];
}

/** A FileReader over the bundled files (paths as from the repository: `programs/hello.s`). */
export function bundledReader(): FileReader {
  return (path) => {
    const bytes = files.get(path.replace(/^\.\//, ""));
    if (bytes) return { ok: true, bytes };
    return { ok: false, missing: true, message: `${path}: no such file` };
  };
}
