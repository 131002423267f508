// quiz/optparse.ts parses as Python's optparse does for the OSTEP simulators.
import { describe, expect, it } from "vitest";
import { formatHelp, type OptionSpec, parseOptions } from "../../quiz/optparse.js";

const specs: OptionSpec[] = [
  { short: "-s", long: "--seed", dest: "seed", kind: "int", default: 0n, help: "the random seed" },
  { short: "-a", long: "--asize", dest: "asize", kind: "string", default: "1k", help: "size" },
  {
    short: "-A",
    long: "--addresses",
    dest: "addresses",
    kind: "string",
    default: "-1",
    help: "list",
  },
  { short: "-c", long: "--compute", dest: "solve", kind: "flag", default: false, help: "solve" },
  { long: "--json", dest: "json", kind: "flag", default: false, help: "json", exact: true },
];

describe("parseOptions", () => {
  it("defaults when nothing is given", () => {
    const p = parseOptions(specs, []);
    expect(p.values.get("seed")).toBe(0n);
    expect(p.values.get("asize")).toBe("1k");
    expect(p.values.get("solve")).toBe(false);
  });
  it("clusters, attached values, long forms and abbreviations", () => {
    const p = parseOptions(specs, ["-cs7", "--as=2k", "--addr", "1,2"]);
    expect(p.values.get("solve")).toBe(true);
    expect(p.values.get("seed")).toBe(7n);
    expect(p.values.get("asize")).toBe("2k");
    expect(p.values.get("addresses")).toBe("1,2");
  });
  it("a value may start with '-'; the last occurrence wins", () => {
    const p = parseOptions(specs, ["-s", "-3", "-A", "-1", "-s", "4"]);
    expect(p.values.get("seed")).toBe(4n);
    expect(p.values.get("addresses")).toBe("-1");
  });
  it("other words are collected, and '--' ends the options", () => {
    const p = parseOptions(specs, ["x", "-c", "--", "-s", "9"]);
    expect(p.positional).toEqual(["x", "-s", "9"]);
    expect(p.values.get("seed")).toBe(0n);
  });
  it("-h and --he ask for help", () => {
    expect(parseOptions(specs, ["-h"]).help).toBe(true);
    expect(parseOptions(specs, ["--he"]).help).toBe(true);
  });
  it("exact-only options stay out of abbreviations", () => {
    expect(parseOptions(specs, ["--json"]).values.get("json")).toBe(true);
    expect(() => parseOptions(specs, ["--js"])).toThrow("no such option: --js");
    expect(parseOptions(specs, ["--c"]).values.get("solve")).toBe(true);
  });
  it("words errors as optparse does", () => {
    expect(() => parseOptions(specs, ["-x"])).toThrow("no such option: -x");
    expect(() => parseOptions(specs, ["--a", "1"])).toThrow(
      "ambiguous option: --a (--addresses, --asize?)",
    );
    expect(() => parseOptions(specs, ["-s", "1.5"])).toThrow(
      "option -s: invalid integer value: '1.5'",
    );
    expect(() => parseOptions(specs, ["--seed"])).toThrow("--seed option requires 1 argument");
    expect(() => parseOptions(specs, ["--compute=yes"])).toThrow(
      "--compute option does not take a value",
    );
  });
});

describe("formatHelp", () => {
  it("lays out options with metavars and defaults", () => {
    const text = formatHelp("prog [options]", specs.slice(0, 1));
    expect(text).toBe(
      "Usage: prog [options]\n\nOptions:\n" +
        "  -h, --help            show this help message and exit\n" +
        "  -s SEED, --seed=SEED  the random seed [default: 0]\n",
    );
  });
});
