// session/paths.ts resolves `.include` without node:path; it must agree with node:path's posix
// functions on every path built from awkward pieces (repeated slashes, ".", "..", trailing "/").
import { posix } from "node:path";
import { describe, expect, it } from "vitest";
import { dirname, isAbsolute, join, normalize } from "../../session/paths.js";

const PIECES = ["", "/", "//", ".", "..", "a", "b", "a/", "/a", "../x", "./", "x//y", "lib/../c.s"];

/** Every path of three pieces, and the pieces themselves. */
function triples(): [string, string, string][] {
  return PIECES.flatMap((x) =>
    PIECES.flatMap((y) => PIECES.map((z) => [x, y, z] as [string, string, string])),
  );
}

describe("session/paths.ts agrees with node:path (posix)", () => {
  it("dirname, normalize and isAbsolute of every three-piece path", () => {
    for (const [x, y, z] of triples()) {
      const p = x + y + z;
      expect([p, dirname(p)]).toEqual([p, posix.dirname(p)]);
      expect([p, normalize(p)]).toEqual([p, posix.normalize(p)]);
      expect([p, isAbsolute(p)]).toEqual([p, posix.isAbsolute(p)]);
    }
  });

  it("join of every three pieces", () => {
    for (const parts of triples())
      expect([parts, join(...parts)]).toEqual([parts, posix.join(...parts)]);
  });
});
