// Page-replacement replay speed: 1,000,000 references to 1,000 pages drawn uniformly (OSTEP's
// paging-policy.py -m 1000, scaled up; about 90% misses with 100 frames, so every policy's victim
// path runs on most references) through each built-in policy with 100 frames. The time covers
// replay() whole: numbering the pages, the next-use pass, and the run. A benchmark, not a test.
// Run alone: `node dist/bench/trace.js [--json]` after `npm run build`.
import { pathToFileURL } from "node:url";
import { Prng } from "../hw/prng.js";
import { policyFactories } from "../kernel/replace/policy.js";
import { replay } from "../kernel/replace/replay.js";

export interface TraceBenchResult {
  policy: string;
  refs: number;
  seconds: number;
}

const REFS = 1_000_000;
const PAGES = 1_000;
const FRAMES = 100;
const WARM_UP_REFS = 50_000;

/** Replays the uniform trace through every registered policy; one result per policy. */
export function benchTrace(): TraceBenchResult[] {
  const trace = uniformTrace(REFS, PAGES, 1);
  const warmUp = uniformTrace(WARM_UP_REFS, PAGES, 2);
  return policyFactories().map((factory) => {
    const rng = new Prng(3);
    const options = { frames: FRAMES, tickEvery: FRAMES, random: (n: number) => rng.below(n) };
    replay(warmUp, factory.create(), options); // let the JIT settle
    const t0 = performance.now();
    replay(trace, factory.create(), options);
    return { policy: factory.name, refs: REFS, seconds: (performance.now() - t0) / 1000 };
  });
}

function uniformTrace(refs: number, pages: number, seed: number): { pages: Int32Array } {
  const prng = new Prng(seed);
  const out = new Int32Array(refs);
  for (let i = 0; i < refs; i++) out[i] = prng.below(pages);
  return { pages: out };
}

function main(): void {
  const results = benchTrace();
  if (process.argv.includes("--json")) {
    console.log(JSON.stringify({ node: process.version, results }, null, 2));
    return;
  }
  console.log(`replay: ${REFS} references to ${PAGES} pages (uniform), ${FRAMES} frames`);
  for (const r of results) {
    const rate = r.refs / r.seconds / 1e6;
    console.log(
      `${r.policy.padEnd(16)} ${r.seconds.toFixed(3).padStart(7)} s ${rate.toFixed(2).padStart(6)} M refs/s`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href)
  main();
