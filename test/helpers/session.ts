// Small real stepping sessions for tests: programs booted as `vmlab step` boots them, with the
// defaults of `vmlab run` and any option changed.
import { writeFileSync } from "node:fs";
import { prepareSetup } from "../../cli/boot.js";
import { type CliIo, processIo } from "../../cli/io.js";
import { DEFAULT_MACHINE_OPTIONS, type MachineOptions } from "../../session/boot.js";
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
