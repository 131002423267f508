// `npx tsx bench/view.ts`: how long session/view's snapshot() takes, and how long the browser
// pays to post it (structuredClone, as postMessage does), on 64 MiB machines part-way through real
// programs. The browser builds a snapshot after every traced step, so it should stay well under a
// frame (aim: < 2 ms). Prints one line per machine: median and 90th percentile of each. A
// benchmark, never a test.
import { readRegularFile } from "../host/files.js";
import { DEFAULT_MACHINE_OPTIONS, type MachineOptions } from "../session/boot.js";
import { bytesSource } from "../session/step/guest-io.js";
import { Session } from "../session/step/session.js";
import { prepareSetup } from "../session/step/setup.js";
import { snapshot } from "../session/view/index.js";

const MiB = 1024 * 1024;
const RUNS = 300;
/** Traced steps before measuring, as the browser's Events pane keeps them. */
const DEPTH = 16;

const machine: MachineOptions = { ...DEFAULT_MACHINE_OPTIONS, ram: 64 * MiB };

const CASES: { name: string; file: string; at: number; opts?: Partial<MachineOptions> }[] = [
  { name: "sieve.s", file: "programs/sieve.s", at: 50_000 },
  { name: "usertests/cow.s (fork)", file: "programs/usertests/cow.s", at: 200_000 },
  { name: "kbench/forks.s (fork x200)", file: "programs/kbench/forks.s", at: 3_000 },
  {
    name: "swap/forkswap.s, 8m swap",
    file: "programs/swap/forkswap.s",
    at: 200_000,
    opts: { swap: 8 * MiB },
  },
  { name: "sort.s, segmented", file: "programs/sort.s", at: 20_000, opts: { mm: "segmented" } },
  { name: "swap/bigtouch.s (4 MiB touched)", file: "programs/swap/bigtouch.s", at: 6_000_000 },
  {
    name: "bigtouch.s, 8m swap (1024 queued)",
    file: "programs/swap/bigtouch.s",
    at: 6_000_000,
    opts: { swap: 8 * MiB },
  },
  { name: "sieve.s, 4094-entry TLB", file: "programs/sieve.s", at: 50_000, opts: { tlb: 4094 } },
];

/** Median and 90th percentile of `f` in milliseconds over RUNS calls (after a warm-up). */
function timeOf(f: () => unknown): { median: number; p90: number } {
  for (let i = 0; i < RUNS / 10; i++) f();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[RUNS >> 1]!, p90: ms[Math.floor(RUNS * 0.9)]! };
}

/** A session on `file`, run quietly to `at` and then DEPTH traced steps. */
function sessionAt(file: string, at: number, opts: Partial<MachineOptions> = {}): Session {
  const read = (path: string) => readRegularFile(path);
  const r = prepareSetup(read, [file], [], { ...machine, ...opts });
  if (!r.ok) throw new Error(`${file}: ${r.error}`);
  const s = new Session(r.setup, bytesSource(new Uint8Array(0)), () => {});
  s.runQuiet(at);
  for (let i = 0; i < DEPTH && s.hasLive(); i++) s.stepTraced();
  return s;
}

const f = (n: number) => n.toFixed(3).padStart(7);
console.log(`snapshot(session, ${DEPTH}) on 64 MiB machines, ms (median / p90), ${RUNS} runs each`);
for (const c of CASES) {
  const s = sessionAt(c.file, c.at, c.opts);
  const snap = snapshot(s, DEPTH);
  const build = timeOf(() => snapshot(s, DEPTH));
  const post = timeOf(() => structuredClone(snap));
  const bytes = JSON.stringify(snap).length;
  const where = `step ${s.position}, ${s.world.kernel.procs.size} processes, ${snap.memory.runs.length} frame runs`;
  console.log(
    `${c.name.padEnd(34)} build ${f(build.median)} / ${f(build.p90)}   post ${f(post.median)} / ${f(post.p90)}   ${(bytes / 1024).toFixed(0).padStart(4)} KiB JSON   (${where})`,
  );
}
