// The C examples (programs/c): each committed ELF, run by `vmlab run` under every memory scheme
// it supports, prints exactly what qemu-riscv32 printed (test/expected/c/*.out) and ends with the
// same status. Where the cross compiler, picolibc, make and qemu-riscv32 are installed, the
// examples are also rebuilt into a temporary folder and must come out byte-identical to the
// committed ELFs (so bin/ is what the sources say), and qemu must still print the expected files.
// Without those tools the peer part is skipped with a message; VMLAB_REQUIRE_PEERS=1 (CI) turns
// the skip into a failure, and VMLAB_NO_PEERS=1 skips on purpose.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  C_PROGRAMS_DIR,
  type CProgramCase,
  cProgramCases,
  cPrograms,
  elfPath,
  expectedStdout,
  type MemoryScheme,
} from "./expected/c/manifest.js";
import { runQemu } from "./helpers/gnu.js";
import { runVmlab } from "./helpers/vmlab.js";

const GCC = "riscv64-unknown-elf-gcc";
const PEERS_HINT =
  "needs make, qemu-user, gcc-riscv64-unknown-elf and picolibc-riscv64-unknown-elf: apt-get install -y make qemu-user gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf";

/** The manifest's case called `name`. */
function caseNamed(name: string): CProgramCase {
  const c = cProgramCases.find((x) => x.name === name);
  if (!c) throw new Error(`no C example case named ${name}`);
  return c;
}

function runVmlabCase(c: CProgramCase, scheme: MemoryScheme, args = c.args ?? []) {
  const options = ["--mm", scheme, ...(c.vmlabOptions ?? [])];
  return runVmlab(["run", ...options, elfPath(c), "--", ...args], c.stdin ?? "");
}

describe("C examples under vmlab", () => {
  for (const c of cProgramCases) {
    for (const scheme of c.schemes) {
      it(`${c.name} under --mm ${scheme} prints what qemu-riscv32 printed`, async () => {
        const r = await runVmlabCase(c, scheme);
        expect({ stdout: r.stdout, status: r.status }, r.stderr).toEqual({
          stdout: expectedStdout(c),
          status: c.status,
        });
      });
    }
  }

  it("fork-cow under --mm bare (one process only) reports fork's error and exits 1", async () => {
    const forkCow = caseNamed("fork-cow");
    const r = await runVmlabCase(forkCow, "bare");
    const firstLine = expectedStdout(forkCow).split("\n")[0];
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(`${firstLine}\n`);
    expect(r.stderr).toMatch(/^fork: \S/m); // perror's "fork: <strerror(errno)>"
  });

  it("spinlock without the lock loses updates to vmlab's preemption (and says so)", async () => {
    const r = await runVmlabCase(caseNamed("spinlock"), "paged", ["4", "2000", "nolock"]);
    const m = /without the lock: counter = (\d+) \(expected 8000\)/.exec(r.stdout);
    expect(m, r.stdout + r.stderr).not.toBeNull();
    expect(Number(m![1])).toBeLessThan(8000);
    expect(r.status).toBe(1);
  });

  it("every example in programs/c has a committed ELF, a Makefile entry and a test case", () => {
    const sources = readdirSync(C_PROGRAMS_DIR)
      .filter((f) => f.endsWith(".c"))
      .map((f) => f.slice(0, -2))
      .sort();
    const elfs = readdirSync(join(C_PROGRAMS_DIR, "bin"))
      .filter((f) => f.endsWith(".elf"))
      .map((f) => f.slice(0, -4))
      .sort();
    const makefile = readFileSync(join(C_PROGRAMS_DIR, "Makefile"), "utf8");
    const listed = /^EXAMPLES := (.*)$/m.exec(makefile)?.[1]?.trim().split(/\s+/).sort();
    expect(elfs).toEqual(sources);
    expect(listed).toEqual(sources);
    expect([...cPrograms].sort()).toEqual(sources);
  });
});

/** The tools the peer checks need that are not installed; empty when all are. */
function missingPeers(): string[] {
  const runs = (cmd: string, args: string[]) =>
    spawnSync(cmd, args, { stdio: "ignore", timeout: 10_000 }).status === 0;
  const missing = ["make", GCC, "qemu-riscv32"].filter((t) => !runs(t, ["--version"]));
  if (!missing.includes(GCC)) {
    const specs = spawnSync(GCC, ["-print-file-name=picolibc.specs"], { encoding: "utf8" });
    if (!existsSync(specs.stdout.trim())) missing.push("picolibc");
  }
  return missing;
}

const missing = process.env.VMLAB_NO_PEERS ? ["(VMLAB_NO_PEERS is set)"] : missingPeers();
const requirePeers = process.env.VMLAB_REQUIRE_PEERS === "1";
if (missing.length > 0 && !requirePeers) {
  console.warn(
    `skipping the C examples' rebuild and qemu checks (missing: ${missing.join(", ")}): ${PEERS_HINT}`,
  );
}

describe.skipIf(missing.length > 0 && !requirePeers)("C examples: rebuilt and under qemu", () => {
  let out = "";
  let build = { status: 0 as number | null, log: "" };

  beforeAll(() => {
    if (missing.length > 0) return;
    out = mkdtempSync(join(tmpdir(), "vmlab-c-"));
    const r = spawnSync("make", ["-s", "-j2", "-C", C_PROGRAMS_DIR, `OUT=${out}`], {
      encoding: "utf8",
      timeout: 120_000,
    });
    build = { status: r.status, log: `${r.stdout}${r.stderr}${r.error?.message ?? ""}` };
  }, 120_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it("the peers are installed (VMLAB_REQUIRE_PEERS=1)", () => {
    expect(missing, PEERS_HINT).toEqual([]);
  });

  it("`make -C programs/c` rebuilds every committed ELF byte for byte", () => {
    expect(build.status, build.log).toBe(0);
    const built = readdirSync(out).filter((f) => f.endsWith(".elf"));
    expect(built.sort()).toEqual(cPrograms.map((p) => `${p}.elf`).sort());
    for (const p of cPrograms) {
      const committed = readFileSync(join(C_PROGRAMS_DIR, "bin", `${p}.elf`));
      const rebuilt = readFileSync(join(out, `${p}.elf`));
      expect(Buffer.compare(rebuilt, committed), `${p}.elf differs: run make c-programs`).toBe(0);
    }
  });

  for (const c of cProgramCases) {
    it(`${c.name}: qemu-riscv32 prints the expected output and status`, () => {
      const r = runQemu(elfPath(c), c.args ?? [], c.stdin ?? "");
      expect({ stdout: r.stdout, status: r.status }, r.stderr).toEqual({
        stdout: expectedStdout(c),
        status: c.status,
      });
    });
  }
});
