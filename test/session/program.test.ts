// session/program.ts and session/boot.ts with no file system at all: an in-memory reader, as a
// browser front end would pass. Loading problems come back as values; options and starts that
// cannot work are SessionErrors.
import { describe, expect, it } from "vitest";
import {
  bootKernel,
  DEFAULT_MACHINE_OPTIONS,
  type MachineOptions,
  machineConfig,
} from "../../session/boot.js";
import { SessionError } from "../../session/errors.js";
import { type FileReader, loadProgram } from "../../session/program.js";

const HELLO = `
        .section .rodata
msg:    .ascii  "hi\\n"
        .text
        .globl  _start
_start: li a0, 1
        la a1, msg
        li a2, 3
        li a7, 64
        ecall
        .include "exit.s"
`;
const EXIT = "        li a0, 7\n        li a7, 93\n        ecall\n";

/** A reader over a map of path to text; `unreadable` paths exist but cannot be read. */
function memoryReader(files: Record<string, string>, unreadable: string[] = []): FileReader {
  return (path) => {
    if (unreadable.includes(path))
      return { ok: false, missing: false, message: `${path}: permission denied` };
    const text = files[path];
    if (text === undefined) return { ok: false, missing: true, message: `${path}: no such file` };
    return { ok: true, bytes: new TextEncoder().encode(text) };
  };
}

/** vmlab run's defaults on a small machine, checked after every trap. */
const defaults: MachineOptions = {
  ...DEFAULT_MACHINE_OPTIONS,
  ram: 1024 * 1024,
  tlb: 16,
  maxSteps: 100_000,
  maxProcs: 8,
  check: true,
};

describe("loadProgram through an injected reader", () => {
  it("assembles a source, finding its include beside it", () => {
    const read = memoryReader({ "src/hello.s": HELLO, "src/exit.s": EXIT });
    const r = loadProgram("src/hello.s", read);
    expect(r.ok && r.image.entry).toBeGreaterThan(0);
  });

  it("looks for an include in the given folders after the including file's own", () => {
    const read = memoryReader({ "src/hello.s": HELLO, "lib/exit.s": EXIT });
    expect(loadProgram("src/hello.s", read).ok).toBe(false);
    expect(loadProgram("src/hello.s", read, { dirs: ["lib"] }).ok).toBe(true);
  });

  it("a missing include is a diagnostic naming the line; an unreadable one says why", () => {
    const missing = loadProgram("hello.s", memoryReader({ "hello.s": HELLO }));
    expect(missing).toMatchObject({ ok: false, error: "hello.s: 1 error, nothing run" });
    expect(!missing.ok && missing.diagnostics[0]?.line).toBe(11);
    const read = memoryReader({ "hello.s": HELLO, "exit.s": EXIT }, ["exit.s"]);
    const unreadable = loadProgram("hello.s", read);
    expect(!unreadable.ok && unreadable.diagnostics[0]?.message).toMatch(/permission denied/);
  });

  it("a missing, empty or foreign file is a one-line error", () => {
    const read = memoryReader({ "empty.s": "", "notes.txt": "hello" });
    expect(loadProgram("gone.s", read)).toMatchObject({ ok: false, error: "gone.s: no such file" });
    expect(loadProgram("empty.s", read)).toMatchObject({ ok: false, error: "empty.s: empty file" });
    expect(loadProgram("notes.txt", read)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^notes.txt: not a program vmlab can run/),
    });
  });
});

describe("bootKernel from options", () => {
  it("boots, spawns and runs a program read from memory", () => {
    const read = memoryReader({ "hello.s": HELLO, "exit.s": EXIT });
    const r = loadProgram("hello.s", read);
    if (!r.ok) throw new Error(r.error);
    let out = "";
    const host = {
      write: (_fd: 1 | 2, b: Uint8Array) => void (out += new TextDecoder().decode(b)),
      readStdin: () => new Uint8Array(0),
      message: () => {},
    };
    const programs = { files: ["hello.s"], images: [r.image], args: [] };
    const { kernel, pids } = bootKernel(read, programs, defaults, host);
    kernel.run();
    expect(out).toBe("hi\n");
    expect(kernel.topLevelExits.get(pids[0]!)).toMatchObject({ kind: "exited", code: 7 });
  });

  it("options it cannot honour are SessionErrors naming the option", () => {
    expect(() => machineConfig({ ...defaults, maxProcs: 600 })).toThrow(SessionError);
    expect(() => machineConfig({ ...defaults, ram: 3 })).toThrow(/^--ram 3: /);
    const read = memoryReader({});
    const none = { files: [], images: [], args: [] };
    const host = { write: () => {}, readStdin: () => new Uint8Array(0), message: () => {} };
    expect(() =>
      bootKernel(read, none, { ...defaults, swap: 65536, policy: "nope" }, host),
    ).toThrow(/--policy: unknown policy 'nope'/);
  });
});
