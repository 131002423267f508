// The shareable link: program (bundled name or compressed source), settings that differ from the
// defaults, seed and position survive a round trip through the URL's hash; nonsense falls back to
// the defaults rather than failing.
import { describe, expect, it } from "vitest";
import {
  decodeLink,
  defaultSettings,
  encodeLink,
  type LinkState,
  machineOptions,
} from "../../web/settings.js";

describe("web links", () => {
  it("1: a bundled program with a 4-entry TLB at step 1234", async () => {
    const state: LinkState = {
      program: { kind: "bundled", path: "programs/sieve.s" },
      settings: { ...defaultSettings, tlb: 4, seed: 9, mm: "segmented", ram: 512 * 1024 },
      position: 1234,
    };
    const hash = await encodeLink(state);
    expect(hash).toBe("#p=programs%2Fsieve.s&tlb=4&seed=9&mm=segmented&ram=512k&at=1234");
    expect(await decodeLink(hash, "programs/hello.s")).toEqual(state);
  });

  it("2: an edited source travels compressed and comes back byte for byte", async () => {
    const text = `  .globl _start\n_start:\n${"  addi a0, a0, 1 # é\n".repeat(200)}  ecall\n`;
    const state: LinkState = {
      program: { kind: "source", text },
      settings: defaultSettings,
      position: 0,
    };
    const hash = await encodeLink(state);
    expect(hash).toMatch(/^#src=[A-Za-z0-9_-]+$/);
    expect(hash.length).toBeLessThan(text.length / 10);
    expect(await decodeLink(hash, "programs/hello.s")).toEqual(state);
  });

  it("3: nonsense falls back to the defaults", async () => {
    const state = await decodeLink(
      "#src=%%%&tlb=-3&ram=big&mm=flat&ad=never&at=x",
      "programs/hello.s",
    );
    expect(state).toEqual({
      program: { kind: "bundled", path: "programs/hello.s" },
      settings: defaultSettings,
      position: 0,
    });
  });

  it("4: ways 0 means fully associative, as the CLI's default", () => {
    expect(machineOptions(defaultSettings).tlbWays).toBeUndefined();
    expect(machineOptions({ ...defaultSettings, tlbWays: 2 }).tlbWays).toBe(2);
  });
});
