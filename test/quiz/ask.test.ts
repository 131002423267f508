// `vmlab quiz KIND --ask` with piped answers, `--explain`, and `--check -` (answers on stdin).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { type CliIo, stdinLines } from "../../cli/io.js";
import { runVmlab } from "../helpers/vmlab.js";

/** relocation -s 0: every answer right (addresses in both bases, two ways to say "violation"). */
const RELOCATION_RIGHT = "0x3230\n12683\nsegfault\n0x00003220\nviolation\n";

describe("--ask", () => {
  it("all answers right: each says right with why, the score, status 0", async () => {
    const r = await runVmlab(["quiz", "relocation", "-s", "0", "--ask"], RELOCATION_RIGHT);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Base   : 0x00003082 (decimal 12418)");
    expect(r.stdout).toContain("5 question(s). Answer each on one line: the physical address");
    expect(r.stdout).toContain(
      "Question 1 of 5: VA 0x000001ae (decimal 430)\nyour answer> 0x3230\n" +
        "  right: 430 < limit 472, so PA = base 12418 + 430 = 12848\n",
    );
    expect(r.stdout.match(/^ {2}right: /gm)).toHaveLength(5);
    expect(r.stdout).toMatch(/\nScore: 5 of 5 right\n$/);
  });

  it("wrong answers say why and give the answer with its explanation: status 1", async () => {
    const r = await runVmlab(["quiz", "relocation", "-s", "0", "--ask"], "0x3231\n\nfault\n");
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(
      "your answer> 0x3231\n  wrong (wrong address); the answer is 0x00003230: " +
        "430 < limit 472, so PA = base 12418 + 430 = 12848\n",
    );
    expect(r.stdout).toContain("your answer> \n  wrong (no answer); the answer is 0x0000318b");
    expect(r.stdout).toContain("your answer> fault\n  right: 523 >= limit 472");
    expect(r.stdout).toContain("(end of input)\n2 question(s) unanswered\n");
    expect(r.stdout).toMatch(/Score: 1 of 5 right\n$/);
  });

  it("skips comment lines, reads CRLF, and a last line without a newline", async () => {
    const r = await runVmlab(
      ["quiz", "policy", "-s", "0", "-n", "3", "--ask"],
      "# my answers\r\nmiss\r\nmiss -\r\nmiss",
    );
    expect(r.stdout).toMatch(/Score: 3 of 3 right\n$/);
    expect(r.status).toBe(0);
  });

  it("a wrong victim in policy", async () => {
    const r = await runVmlab(
      ["quiz", "policy", "-s", "0", "-n", "4", "-C", "3", "--ask"],
      "miss\nmiss\nmiss\nmiss 7\n",
    );
    expect(r.stdout).toContain("your answer> miss 7\n  wrong (wrong victim");
    expect(r.status).toBe(1);
  });

  it("a huge or binary answer is echoed escaped and cut, and graded wrong", async () => {
    const huge = "7".repeat(5000);
    const r = await runVmlab(["quiz", "relocation", "-s", "0", "--ask"], `\x1b[31m1\n${huge}\n`);
    expect(r.stdout).not.toContain("\x1b");
    expect(r.stdout).toContain("your answer> \\x1b[31m1\n");
    expect(r.stdout).toContain(`your answer> ${"7".repeat(80)}... (5000 characters)\n`);
    expect(r.stdout).toContain("wrong (an answer of 5000 characters)");
    expect(r.stdout.length).toBeLessThan(5000);
    expect(r.status).toBe(1);
  });

  it("refuses -c (the answers) and --check or --json with it: status 2", async () => {
    for (const extra of [["-c"], ["--check", "-"], ["--json"]]) {
      const r = await runVmlab(["quiz", "relocation", "--ask", ...extra], RELOCATION_RIGHT);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(
        /^vmlab: quiz relocation: .*(cannot go with it|exclude each other)\n/,
      );
    }
  });
});

describe("--explain", () => {
  it("prints OSTEP's -c text unchanged, then the worked answers", async () => {
    const plain = await runVmlab(["quiz", "paging-linear", "-s", "3", "-c"]);
    const expected = readFileSync("test/vectors/ostep/014-paging-linear.txt", "utf8");
    expect(plain.stdout).toBe(expected);
    const r = await runVmlab(["quiz", "paging-linear", "-s", "3", "-c", "--explain"]);
    expect(r.status).toBe(0);
    expect(r.stdout.startsWith(expected)).toBe(true);
    const worked = r.stdout.slice(expected.length);
    expect(worked).toMatch(
      /^\nWorked answers:\n {2}1\. VA 0x[0-9a-f]{8} \(decimal \d+\): \S+\n {5}\S/,
    );
    expect(worked.match(/^ {2}\d\. /gm)).toHaveLength(5);
  });

  it("adds why under each --check line", async () => {
    const r = await runVmlab(
      ["quiz", "relocation", "-s", "0", "--check", "-", "--explain"],
      "0x3231\n",
    );
    expect(r.stdout).toContain(
      "1: WRONG  VA 0x000001ae (decimal 430): 0x3231 -- wrong address; answer: 0x00003230\n" +
        "          why: 430 < limit 472, so PA = base 12418 + 430 = 12848\n",
    );
  });
});

describe("--check -", () => {
  it("reads the answers from stdin", async () => {
    const r = await runVmlab(["quiz", "relocation", "-s", "0", "--check", "-"], RELOCATION_RIGHT);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/5 of 5 right\n$/);
  });
  it("an empty stdin answers nothing: status 1", async () => {
    const r = await runVmlab(["quiz", "relocation", "-s", "0", "--check", "-"], "");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/0 of 5 right\n$/);
  });
});

describe("stdinLines", () => {
  /** A CliIo whose stdin gives `chunks` one read each. */
  const chunked = (chunks: Uint8Array[]): CliIo =>
    ({ readStdin: () => chunks.shift() ?? new Uint8Array(0) }) as unknown as CliIo;

  it("joins lines across reads, even inside a UTF-8 character", () => {
    const bytes = new TextEncoder().encode("a\né b\nc");
    const read = stdinLines(
      chunked([bytes.subarray(0, 3), bytes.subarray(3, 6), bytes.subarray(6)]),
    );
    expect([read(), read(), read(), read()]).toEqual(["a", "é b", "c", undefined]);
  });
  it("keeps blank lines and ends after the last newline", () => {
    const read = stdinLines(chunked([new TextEncoder().encode("\n\nx\n")]));
    expect([read(), read(), read(), read()]).toEqual(["", "", "x", undefined]);
  });
});

describe("help", () => {
  it("vmlab quiz KIND -h and vmlab quiz --help name --ask, --explain and --check -", async () => {
    const kind = await runVmlab(["quiz", "tlb", "-h"]);
    for (const o of ["--ask", "--explain", "--check FILE"]) expect(kind.stdout).toContain(o);
    expect(kind.stdout).toContain("- reads stdin");
    expect((await runVmlab(["quiz", "--help"])).stdout).toContain(
      "[--explain] [--json | --check FILE | --ask]",
    );
  });
});
