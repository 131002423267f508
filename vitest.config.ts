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
  },
});
