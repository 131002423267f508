// Small real sessions for the view tests: programs from programs/, booted as `vmlab step` boots
// them, with the defaults of `vmlab run` and any option changed.
import { prepareSetup } from "../../../cli/boot.js";
import { type CliIo, processIo } from "../../../cli/io.js";
import type { MachineOptions } from "../../../session/boot.js";
import { bytesSource } from "../../../session/step/guest-io.js";
import { Session } from "../../../session/step/session.js";

const quietIo: CliIo = {
  ...processIo(),
  stdout: () => {},
  stderr: () => {},
  readStdin: () => new Uint8Array(0),
};

/** `vmlab run`'s defaults (16 MiB of RAM, paged, a 64-entry LRU TLB, no swap). */
export const defaults: MachineOptions = {
  ram: 16 * 1024 * 1024,
  mm: "paged",
  tlb: 64,
  tlbPolicy: "lru",
  tlbRefill: "hardware",
  ad: "hardware",
  maxSteps: 0,
  quantum: 10_000,
  maxProcs: 64,
  forkCopy: false,
  fit: "first",
  swap: 0,
  policy: "clock",
  seed: 1,
  check: false,
};

/** A stepping session on `files` with `opts` changed from the defaults. */
export function session(files: string[], opts: Partial<MachineOptions> = {}): Session {
  const setup = prepareSetup(quietIo, files, [], { ...defaults, ...opts });
  return new Session(setup, bytesSource(new Uint8Array(0)), () => {});
}

/** Steps `s` traced `n` times (fewer if every process ends first). */
export function stepTraced(s: Session, n: number): void {
  for (let i = 0; i < n && s.hasLive(); i++) s.stepTraced();
}
