// Small real stepping sessions for tests: programs booted as `vmlab step` boots them, with the
// defaults of `vmlab run` and any option changed.
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { prepareSetup } from "../../cli/boot.js";
import { type CliIo, processIo } from "../../cli/io.js";
import { DEFAULT_MACHINE_OPTIONS, type MachineOptions } from "../../session/boot.js";
import { collectStats } from "../../session/stats.js";
import { bytesSource } from "../../session/step/guest-io.js";
import { Session } from "../../session/step/session.js";

const quietIo: CliIo = {
  ...processIo(),
  stdout: () => {},
  stderr: () => {},
  readStdin: () => new Uint8Array(0),
};

/** `vmlab run`'s defaults (16 MiB of RAM, paged, a 64-entry LRU TLB, no swap). */
export const defaults: MachineOptions = { ...DEFAULT_MACHINE_OPTIONS };

/** A stepping session on `files` with `opts` changed from the defaults; `stdin` is the guest's. */
export function session(files: string[], opts: Partial<MachineOptions> = {}, stdin = ""): Session {
  const setup = prepareSetup(quietIo, files, [], { ...defaults, ...opts });
  return new Session(setup, bytesSource(new TextEncoder().encode(stdin)), () => {});
}

/** Everything observable about the session's machine and kernel, as one comparable value. */
export function machineState(s: Session) {
  const { machine, kernel } = s.world;
  const tlb = machine.mmu.tlb;
  return {
    position: s.position,
    ram: createHash("sha256").update(machine.ram.u8).digest("hex"),
    x: [...machine.cpu.x],
    pc: machine.cpu.pc,
    satp: machine.mmu.satp,
    tlb: tlb.contents(),
    stamps: tlb.contents().map((e) => tlb.stamps[e.index + 1]),
    frames: [...kernel.frames.use, ...kernel.frames.pid, ...kernel.frames.refs],
    procs: [...kernel.procs.values()].map((p) => ({ ...p, regs: [...p.regs], space: undefined })),
    current: kernel.current?.pid,
    stats: collectStats(machine, kernel),
  };
}

/** Steps `s` traced `n` times (fewer if every process ends first). */
export function stepTraced(s: Session, n: number): void {
  for (let i = 0; i < n && s.hasLive(); i++) s.stepTraced();
}

/** Writes a program that prints "go" and then counts in a0 forever; returns its path. */
export function writeEndless(path: string): string {
  writeFileSync(
    path,
    `        .section .rodata
go:     .ascii  "go\\n"
        .text
        .globl  _start
_start: li      a0, 1
        la      a1, go
        li      a2, 3
        li      a7, 64                  # write
        ecall
        li      a0, 0
spin:   addi    a0, a0, 1
        j       spin
`,
  );
  return path;
}
