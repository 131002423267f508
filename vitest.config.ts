import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    // Vitest's default for `run` is one worker fewer than the cores: a single worker on the
    // 2-core machines we develop and test on. The test files are CPU-bound and independent, so
    // use every core.
    maxWorkers: Math.max(availableParallelism(), 2),
    // One module graph per worker, not per test file: the files share no mutable state (the
    // lab grader's cache of reference runs is meant to be shared), and re-importing the
    // emulator, kernel, assembler and CLI for each of 85 files cost 40 s of the suite's time.
    isolate: false,
    // As the vmlab command runs (cli/bin.ts): compiled guest code on V8's baseline compiler only.
    execArgv: ["--liftoff-only"],
  },
});
