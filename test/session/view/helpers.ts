// Small real sessions for the view tests: programs from programs/, booted as `vmlab step` boots
// them, with the defaults of `vmlab run` and any option changed; and what `vmlab run` traces.
import { runVmlab } from "../../helpers/vmlab.js";

export { defaults, session, stepTraced } from "../../helpers/session.js";

/** The `[trace] ` lines `vmlab run --trace <categories> ...args` prints, in order. */
export async function traceLines(categories: string, args: string[]): Promise<string[]> {
  const r = await runVmlab(["run", "--trace", categories, ...args]);
  if (r.status !== 0) throw new Error(`vmlab run exited with ${r.status}: ${r.stderr.slice(-200)}`);
  return r.stderr.split("\n").filter((l) => l.startsWith("[trace] "));
}
