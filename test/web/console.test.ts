// The Console pane's text across Back: a checkpoint saves the console with the machine, including
// a character the guest has written only part of when the checkpoint is taken.
import { describe, expect, it } from "vitest";
import { GuestConsole } from "../../web/console.js";

describe("GuestConsole", () => {
  it("a character begun before a checkpoint is finished after going back to it", () => {
    const c = new GuestConsole();
    c.write(1, Uint8Array.from([0x61, 0xe2, 0x82])); // "a" and two bytes of "€"
    const saved = c.save();
    c.write(1, Uint8Array.from([0xac, 0x0a]));
    expect(c.lines.map((l) => l.text)).toEqual(["a€"]);
    c.restore(saved);
    c.write(1, Uint8Array.from([0xac, 0x0a]));
    expect(c.lines.map((l) => l.text)).toEqual(["a€"]);
  });
});
