// Where vmlab's own files are: the package root (with labs/ and programs/), found from this
// module's location, which is labs/grader/ in a checkout and dist/labs/grader/ once compiled.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let root: string | undefined;

/** The directory holding vmlab's package.json; throws if it cannot be found (a broken install). */
export function packageRoot(): string {
  if (root !== undefined) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && isVmlab(pkg)) {
      root = dir;
      return dir;
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("packageRoot: cannot find vmlab's package.json");
    dir = up;
  }
}

function isVmlab(pkg: string): boolean {
  try {
    return (JSON.parse(readFileSync(pkg, "utf8")) as { name?: unknown }).name === "vmlab";
  } catch {
    return false;
  }
}

/** labs/<lab>/<part> under the package root. */
export function labDir(lab: string, part: "starter" | "solution" | "tests" | ""): string {
  return join(packageRoot(), "labs", lab, part);
}

/**
 * The student kit module to import from a lab folder: the TypeScript source when the checkout has
 * it (so editors see the types), else the compiled module next to this one.
 */
export function kitPath(preferSource: boolean): string {
  const source = join(packageRoot(), "labs", "grader", "kit.ts");
  if (preferSource && existsSync(source)) return source;
  const here = fileURLToPath(import.meta.url);
  return join(dirname(here), here.endsWith(".ts") ? "kit.ts" : "kit.js");
}
