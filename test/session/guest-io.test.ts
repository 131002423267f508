// The stepper's guest output is cut into lines by GuestLines, which keeps a character the guest
// has written part of (so that a checkpoint records it, test/session/snapshots.test.ts). However
// the bytes are split into writes, the lines must read as the whole output decodes at once.
import { describe, expect, it } from "vitest";
import { GuestLines } from "../../session/step/guest-io.js";

const SAMPLES: [string, number[]][] = [
  ["ASCII", [...Buffer.from("hello\nworld\n")]],
  ["two-, three- and four-byte characters", [...Buffer.from("é€😀\nnaïve\n")]],
  ["a byte that begins no character at the end (C0)", [0x61, 0xc0]],
  ["bytes that begin no character (C1, F5, F8, FF)", [0xc1, 0x0a, 0xf5, 0xf8, 0x62, 0xff]],
  ["stray continuation bytes", [0x80, 0xbf, 0x0a, 0x63]],
  ["a truncated sequence before a newline", [0xe2, 0x82, 0x0a, 0x64]],
];

/** The lines GuestLines emits for `bytes` written in the pieces cut at `cuts`, then flushed. */
function lines(bytes: number[], cuts: number[]): string[] {
  const out: string[] = [];
  const g = new GuestLines((_fd, line) => out.push(line));
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    g.write(1, Uint8Array.from(bytes.slice(from, to)));
    from = to;
  }
  g.flush();
  return out;
}

describe("GuestLines", () => {
  for (const [name, bytes] of SAMPLES)
    it(`${name}: every split into three writes reads as the whole`, () => {
      const whole = new TextDecoder("utf-8", { ignoreBOM: true }).decode(Uint8Array.from(bytes));
      const expected = whole.split("\n");
      if (expected.at(-1) === "") expected.pop();
      for (let a = 0; a <= bytes.length; a++)
        for (let b = a; b <= bytes.length; b++) expect(lines(bytes, [a, b])).toEqual(expected);
    });
});
