// Misaligned loads and stores, emulated by the kernel as Linux does: programs/misaligned.s prints
// what qemu-riscv32 prints in every memory scheme (with the invariant checker on); each emulated
// access is counted and traced; a store whose second page faults writes nothing; `--misaligned
// signal` keeps the trap's SIGBUS; a misaligned jump is never emulated.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { processIo } from "../../cli/io.js";
import { loadProgram } from "../../cli/program.js";
import { defaultMachineConfig, Machine } from "../../hw/machine.js";
import { defaultKernelOptions, Kernel } from "../../kernel/kernel.js";
import { decodeMisaligned } from "../../kernel/misaligned.js";
import { expectedStdout, programCases, sourcePath } from "../expected/manifest.js";
import { runVmlab } from "../helpers/vmlab.js";

const SIGBUS_STATUS = 128 + 7;
const SIGSEGV_STATUS = 128 + 11;
/** The misaligned loads and stores programs/misaligned.s makes. */
const MISALIGNED_ACCESSES = 15;

const program = programCases.find((c) => c.name === "misaligned")!;

const dir = mkdtempSync(join(tmpdir(), "vmlab-misaligned-"));
let files = 0;
function source(text: string): string {
  const path = join(dir, `${files++}.s`);
  writeFileSync(path, text);
  return path;
}

const MODES: [string, string[]][] = [
  ["bare", ["--mm", "bare"]],
  ["base-limit", ["--mm", "base-limit"]],
  ["segmented", ["--mm", "segmented"]],
  ["paged", ["--mm", "paged"]],
  [
    "paged, software refill, A/D by trap, 4-entry TLB",
    ["--tlb-refill", "software", "--ad", "trap", "--tlb", "4"],
  ],
  [
    "paged, 2-entry TLB, swapping in 96 KiB of RAM",
    ["--tlb", "2", "--ram", "96k", "--swap", "64k"],
  ],
];

describe("misaligned.s prints what qemu-riscv32 prints", () => {
  for (const [name, flags] of MODES) {
    it(`under ${name}, emulating each of its ${MISALIGNED_ACCESSES} misaligned accesses`, async () => {
      const r = await runVmlab([
        "run",
        "--check",
        "--stats",
        "--json",
        ...flags,
        sourcePath(program),
      ]);
      expect({ stdout: r.stdout, status: r.status }, r.stderr).toEqual({
        stdout: expectedStdout(program),
        status: 0,
      });
      const stats = JSON.parse(r.stderr.trim().split("\n").at(-1)!) as Record<string, number>;
      expect(stats.misalignedEmulated).toBe(MISALIGNED_ACCESSES);
      expect(stats.framesFree, "every frame is free again").toBe(stats.framesFreeAtBoot);
    });
  }
});

describe("--misaligned signal", () => {
  it("kills at the first misaligned load with SIGBUS (status 135)", async () => {
    const r = await runVmlab(["run", "--misaligned", "signal", sourcePath(program)]);
    expect(r.status).toBe(SIGBUS_STATUS);
    expect(r.stderr).toMatch(
      /pid 1 killed: load address misaligned at 0x[0-9a-f]{8}, pc 0x[0-9a-f]{8} \(SIGBUS\)/,
    );
    expect(r.stdout).toBe(`${expectedStdout(program).split("\n")[0]}\n`);
  });

  it("rejects a mode it does not know, in one line", async () => {
    const r = await runVmlab(["run", "--misaligned", "fix", sourcePath(program)]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/--misaligned/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

const LOAD = `
        .data
        .balign 4
val:    .word   0x44332211, 0x88776655
        .text
        .globl  _start
_start:
        la      a1, val
        lw      a0, 1(a1)
        li      a7, 93
        ecall
`;

describe("tracing and counting", () => {
  it("traces each emulation under fault and counts it", async () => {
    const r = await runVmlab(["run", "--trace", "fault", "--stats", source(LOAD)]);
    expect(r.status).toBe(0x55443322 & 0xff);
    expect(r.stderr).toMatch(
      /pid 1 load address misaligned at 0x000110a9: emulating lw byte by byte \(4 loads through the MMU\)/,
    );
    expect(r.stderr).toMatch(/\[stats\] misalignedEmulated +1 access\n/);
  });

  it("is explained in the stepper: the event, each byte's translation, the register", async () => {
    const script = source("step 3\n");
    const r = await runVmlab(["step", source(LOAD), "--script", script]);
    const lines = r.stdout.split("\n");
    const event = lines.findIndex((l) => l.includes("emulating lw byte by byte"));
    expect(event).toBeGreaterThan(0);
    const after = lines.slice(event);
    for (const va of ["0x000110a9", "0x000110aa", "0x000110ab", "0x000110ac"])
      expect(after.some((l) => l.includes(`load ${va} (paged)`))).toBe(true);
    expect(after.some((l) => /a0 +0x00000000 -> 0x55443322/.test(l))).toBe(true);
  });
});

describe("a store across a page boundary whose second page faults", () => {
  // The word at the end of the bss page gets the store's first half; the page after the bss is
  // beyond the break, unmapped: the kernel must check every byte before writing any.
  const STORE = `
        .bss
        .balign 4096
page:   .space  4096
        .text
        .globl  _start
_start:
        la      t0, page
        li      t2, 4092
        add     t0, t0, t2
        li      t1, 0x11111111
        sw      t1, 0(t0)
        li      t1, 0x22222222
        sw      t1, 2(t0)
        li      a7, 93
        ecall
`;

  it("writes none of its bytes, and the process gets SIGSEGV for the second page", () => {
    const machine = new Machine({ ...defaultMachineConfig, ramSize: 1024 * 1024 });
    const messages: string[] = [];
    const host = {
      write: () => {},
      readStdin: () => new Uint8Array(0),
      message: (line: string) => messages.push(line),
    };
    const kernel = new Kernel(machine, host, defaultKernelOptions);
    const image = loadProgram(source(STORE), processIo());
    const page = image.symbols.find((s) => s.name === "page")!.value;
    let word: number | undefined;
    kernel.onExit = () => {
      word = machine.mmu.peek32(page + 4092);
    };
    kernel.spawn(image, ["store"], []);
    kernel.run();
    expect(messages).toEqual([
      expect.stringMatching(/pid 1 killed: store page fault at 0x[0-9a-f]+000 .*\(SIGSEGV\)$/),
    ]);
    expect(word?.toString(16)).toBe("11111111");
    expect(kernel.topLevelExits.get(1)).toMatchObject({ kind: "killed" });
    expect(kernel.counters.misalignedEmulated).toBe(0);
  });

  it("ends with status 139 under vmlab run", async () => {
    const r = await runVmlab(["run", "--check", source(STORE)]);
    expect(r.status).toBe(SIGSEGV_STATUS);
  });
});

describe("what is not emulated", () => {
  it("a jump to a misaligned address is SIGBUS even when emulating", async () => {
    const r = await runVmlab([
      "run",
      source("        .text\n        .globl _start\n_start: la t0, _start\n        jr 2(t0)\n"),
    ]);
    expect(r.status).toBe(SIGBUS_STATUS);
    expect(r.stderr).toMatch(/instruction address misaligned/);
  });

  it("decodes only the loads and stores that can be misaligned", () => {
    expect(decodeMisaligned(0x0015a503)).toEqual({
      store: false,
      size: 4,
      signed: true,
      reg: 10,
      name: "lw",
    });
    expect(decodeMisaligned(0x0015d503)?.name).toBe("lhu");
    expect(decodeMisaligned(0x00a590a3)?.name).toBe("sh");
    expect(decodeMisaligned(0x0015c503), "lbu is never misaligned").toBeUndefined();
    expect(decodeMisaligned(0x00a580a3), "sb is never misaligned").toBeUndefined();
    expect(decodeMisaligned(0x00000013)).toBeUndefined();
  });
});
