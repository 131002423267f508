// Measures external fragmentation: runs every workload (workloads.ts) through your Allocator with
// each of your fit policies, and prints, per workload and policy, the failed requests (no hole
// large enough, though enough memory was free), the mean fragmentation after each request, and
// the largest hole at the end. Run it from this folder:
//     npx tsx measure.ts
// Given; change it as you like to answer the handout's questions.
import { Allocator } from "./allocator.js";
import { bestFit, firstFit, nextFit, worstFit } from "./fit.js";
import { workloads } from "./workloads.js";

const policies = [firstFit, bestFit, worstFit, nextFit];
const pad = (s: string | number, n: number) => String(s).padStart(n);

console.log(
  `${"workload".padEnd(10)} ${"policy".padEnd(6)} ${pad("failed", 7)} ${pad("mean frag", 10)} ${pad("largest hole", 13)}`,
);
for (const w of workloads) {
  for (const policy of policies) {
    const mem = new Allocator({ start: 0, size: w.memory, policy });
    const where = new Map<string, number>();
    let failed = 0;
    let fragSum = 0;
    for (const req of w.requests) {
      if (req.op === "alloc") {
        const r = mem.alloc(req.size, req.id);
        if (r.ok) where.set(req.id, r.start);
        else if (r.reason === "fragmented") failed++;
      } else {
        const start = where.get(req.id);
        if (start !== undefined) mem.free(start);
        where.delete(req.id);
      }
      fragSum += mem.fragmentation();
    }
    const mean = (fragSum / w.requests.length).toFixed(3);
    console.log(
      `${w.name.padEnd(10)} ${policy.name.padEnd(6)} ${pad(failed, 7)} ${pad(mean, 10)} ${pad(`${mem.largestHole() / 1024}K`, 13)}`,
    );
  }
}
