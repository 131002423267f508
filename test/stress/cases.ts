// One seed of the pressure stress test: its program, the reference run and every pressured run,
// judged. Shared by the runner (run.ts, in worker threads) and the vitest slice.
import { type GeneratedProgram, generate, generateCrowd, type Scale } from "./gen.js";
import {
  flagsOf,
  judge,
  type Problem,
  pressureConfigs,
  REFERENCE,
  type RunConfig,
  type RunOutcome,
  runProgram,
} from "./harness.js";

export interface CaseResult {
  seed: number;
  /** "reference" for the 16 MiB run, else the index into pressureConfigs. */
  config: number | "reference";
  flags: string[];
  problems: Problem[];
  outcome: Pick<RunOutcome, "status" | "stdout" | "ms" | "majorFaults" | "instructions">;
}

/** Every tenth seed is a crowd (more processes than RAM holds page tables for). */
export function isCrowdSeed(seed: number): boolean {
  return seed % 10 === 0;
}

/** The program and its runs for a seed: the reference first, then every pressured configuration. */
export function seedCase(
  seed: number,
  scale: Scale,
  exec = true,
): { program: GeneratedProgram; configs: RunConfig[] } {
  const program = isCrowdSeed(seed) ? generateCrowd(seed) : generate(seed, scale, exec);
  return { program, configs: [REFERENCE, ...pressureConfigs(program)] };
}

/** Runs configuration `i` of the seed's list (0 is the reference). */
export function runCase(program: GeneratedProgram, configs: RunConfig[], i: number): CaseResult {
  const c = configs[i]!;
  const o = runProgram(program, c);
  return {
    seed: program.seed,
    config: i === 0 ? "reference" : i - 1,
    flags: flagsOf(c),
    problems: judge(program, o),
    outcome: {
      status: o.status,
      stdout: o.stdout,
      ms: o.ms,
      majorFaults: o.majorFaults,
      instructions: o.instructions,
    },
  };
}
