// session/boot.ts's DEFAULT_MACHINE_OPTIONS (what the benchmarks and the tests boot with) are the
// defaults `vmlab run --help` shows: one set of defaults, checked against the option parser.
import { expect, it } from "vitest";
import { processIo } from "../../cli/io.js";
import { runCommand } from "../../cli/run.js";
import { DEFAULT_MACHINE_OPTIONS } from "../../session/boot.js";

it("DEFAULT_MACHINE_OPTIONS are vmlab run's option defaults", () => {
  const run = runCommand(processIo(), { status: 0, argv: [] });
  for (const [name, value] of Object.entries(DEFAULT_MACHINE_OPTIONS)) {
    const option = run.options.find((o) => o.attributeName() === name);
    expect(option, `vmlab run has --${name}`).toBeDefined();
    expect(option!.defaultValue, name).toEqual(value);
  }
});
