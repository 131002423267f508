// `vmlab quiz` against the OSTEP homework simulators, byte for byte, through the whole CLI
// in-process: the reference vectors (test/vectors/ostep) and our own
// extra ones (test/quiz/vectors), both produced by running the simulators with python3.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

interface VectorCase {
  kind: string;
  args: string[];
  file: string;
  status: number;
}

/** Reads cases.tsv: kind, args (split on blanks), expected file, and an optional exit status. */
function readCases(dir: string): VectorCase[] {
  const lines = readFileSync(`${dir}cases.tsv`, "utf8").split("\n").slice(1);
  return lines
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [kind = "", args = "", file = "", status = "0"] = l.split("\t");
      return {
        kind,
        args: args.split(/\s+/).filter((a) => a !== ""),
        file,
        status: Number(status),
      };
    });
}

function checkAll(dir: string, count: number): void {
  const cases = readCases(dir);
  it(`has all ${count} cases`, () => expect(cases).toHaveLength(count));
  for (const c of cases) {
    it(c.file, async () => {
      const expected = readFileSync(`${dir}${c.file}`);
      const r = await runVmlab(["quiz", c.kind, ...c.args]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(c.status);
      expect(r.stdout).toBe(expected.toString("utf8"));
      expect(Buffer.compare(Buffer.from(r.stdoutBytes), expected)).toBe(0);
    });
  }
}

describe("reference OSTEP vectors (test/vectors/ostep)", () => {
  checkAll(fileURLToPath(new URL("../vectors/ostep/", import.meta.url)), 35);
});

describe("extra OSTEP vectors (test/quiz/vectors)", () => {
  checkAll(fileURLToPath(new URL("./vectors/", import.meta.url)), 139);
});
