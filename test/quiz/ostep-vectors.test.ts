// `vmlab quiz` against the OSTEP homework simulators: every case of the shared vectors
// (../shared/vectors/ostep beside the repository, produced by running the simulators with python3)
// must print exactly the expected bytes, through the whole CLI, in-process.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

const vectorDir = fileURLToPath(new URL("../../../shared/vectors/ostep/", import.meta.url));

interface VectorCase {
  kind: string;
  args: string[];
  file: string;
}

function readCases(): VectorCase[] {
  const lines = readFileSync(`${vectorDir}cases.tsv`, "utf8").split("\n").slice(1);
  return lines
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const [kind = "", args = "", file = ""] = l.split("\t");
      return { kind, args: args.split(/\s+/).filter((a) => a !== ""), file };
    });
}

describe("vmlab quiz matches the OSTEP simulators byte for byte", () => {
  const cases = readCases();
  it("has all 35 shared cases", () => expect(cases).toHaveLength(35));
  for (const c of cases) {
    it(c.file, async () => {
      const expected = readFileSync(`${vectorDir}${c.file}`);
      const r = await runVmlab(["quiz", c.kind, ...c.args]);
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(expected.toString("utf8"));
      expect(Buffer.compare(Buffer.from(r.stdoutBytes), expected)).toBe(0);
    });
  }
});
