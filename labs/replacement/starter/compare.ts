// Compares page-replacement policies on the traces (traces.ts): your Clock and aging against
// FIFO, LRU and OPT, for several numbers of frames, by misses (page faults). Run it from this
// folder:
//     npx tsx compare.ts
// Given; change it as you like to answer the handout's questions.
import { AgingPolicy } from "./aging.js";
import { ClockPolicy } from "./clock.js";
import { traces } from "./traces.js";
import { fifoPolicy, lruPolicy, optPolicy, type ReplacementPolicy, replay } from "./vmlab.js";

/** References between two ticks (the aging policy's clock interrupt). */
const TICK_EVERY = 8;

const policies: [string, () => ReplacementPolicy][] = [
  ["fifo", () => fifoPolicy.create()],
  ["lru", () => lruPolicy.create()],
  ["opt", () => optPolicy.create()],
  ["clock", () => new ClockPolicy()],
  ["aging", () => new AgingPolicy()],
];

const frameCounts = [3, 4, 6, 8, 12];
console.log(
  `misses per trace, policy and number of frames (a tick every ${TICK_EVERY} references)`,
);
for (const trace of traces) {
  console.log(`\n${trace.name}: ${trace.about} (${trace.pages.length} references)`);
  console.log(`  ${"frames".padEnd(8)}${frameCounts.map((f) => String(f).padStart(7)).join("")}`);
  for (const [name, make] of policies) {
    const misses = frameCounts.map((frames) => {
      const stats = replay(trace, make(), { frames, tickEvery: TICK_EVERY, random: () => 0 });
      return String(stats.misses).padStart(7);
    });
    console.log(`  ${name.padEnd(8)}${misses.join("")}`);
  }
}
