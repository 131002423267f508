// `npm run stress -- --seeds N [--from S] [--jobs J] [--scale small|normal] [--no-exec] [--save DIR]
// [--quiet]`:
// the long run of the pressure stress test. Each seed is one generated program, run at 16 MiB
// (the reference) and under every replacement policy x TLB refill x A/D mode at 128-512 KiB with
// swap and --check. Runs happen in worker threads, so a run that hangs inside the kernel (where
// no watchdog can see it) is ended from outside and reported, and the rest go on.
//
// Prints each failing run (seed, `vmlab run` flags, what was wrong), then one line per distinct
// problem with its count and smallest reproducer, then `N passed, M failed`; exits 1 on failures.
// --save DIR writes each distinct problem's reproducer (the program and a README with the command).
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker } from "node:worker_threads";
import { type CaseResult, runCase, seedCase } from "./cases.js";
import type { Scale } from "./gen.js";
import { flagsOf } from "./harness.js";

interface Job {
  seed: number;
  scale: Scale;
  /** False: programs without exec children (to look past an exec bug). */
  exec: boolean;
  /** First configuration to run (after a worker was ended for hanging). */
  from: number;
}

type FromWorker =
  | { kind: "start"; seed: number; config: number; flags: string[] }
  | { kind: "result"; result: CaseResult }
  | { kind: "done"; seed: number };

/** Host-side limit of one run: the in-kernel watchdog gives up after 60 s, this is the backstop. */
const HOST_TIMEOUT_MS = 120_000;

if (!isMainThread) worker();
else await main();

/** A worker: runs the jobs it is sent, reporting each run as it starts and ends. */
function worker(): void {
  const port = parentPort!;
  port.on("message", (job: Job) => {
    const { program, configs } = seedCase(job.seed, job.scale, job.exec);
    for (let i = job.from; i < configs.length; i++) {
      port.postMessage({
        kind: "start",
        seed: job.seed,
        config: i,
        flags: [],
      } satisfies FromWorker);
      port.postMessage({
        kind: "result",
        result: runCase(program, configs, i),
      } satisfies FromWorker);
    }
    port.postMessage({ kind: "done", seed: job.seed } satisfies FromWorker);
  });
}

interface Args {
  seeds: number;
  from: number;
  jobs: number;
  scale: Scale;
  save?: string;
  exec: boolean;
  quiet: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seeds: 20, from: 1, jobs: 2, scale: "normal", exec: true, quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const count = () => {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`${a}: expected a whole number, got '${v}'`);
      return Number(v);
    };
    if (a === "--seeds") args.seeds = count();
    else if (a === "--from") args.from = count();
    else if (a === "--jobs") args.jobs = Math.max(1, count());
    else if (a === "--save") args.save = value();
    else if (a === "--quiet") args.quiet = true;
    else if (a === "--no-exec") args.exec = false;
    else if (a === "--scale") {
      const v = value();
      if (v !== "small" && v !== "normal")
        throw new Error(`--scale: expected small or normal, got '${v}'`);
      args.scale = v;
    } else
      throw new Error(
        `unknown option '${a}' (expected --seeds N --from S --jobs J --scale small|normal --no-exec --save DIR --quiet)`,
      );
  }
  return args;
}

async function main(): Promise<void> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`stress: ${(e as Error).message}`);
    process.exit(2);
  }
  const results = await runAll(args);
  const failed = results.filter((r) => r.problems.length > 0);
  for (const r of failed) if (!args.quiet) printFailure(r);
  summarize(results, args);
  if (failed.length > 0 && !args.save)
    console.log("(--save DIR writes each problem's program, expected output and command)");
  console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length > 0 ? 1 : 0);
}

/** Runs every seed on `jobs` workers; a worker silent for too long is replaced. */
function runAll(args: Args): Promise<CaseResult[]> {
  const queue: Job[] = [];
  for (let s = args.from; s < args.from + args.seeds; s++)
    queue.push({ seed: s, scale: args.scale, exec: args.exec, from: 0 });
  const results: CaseResult[] = [];
  let active = 0;
  const started = Date.now();
  return new Promise((resolve) => {
    const spawn = () => {
      const job = queue.shift();
      if (!job) {
        if (active === 0) resolve(results);
        return;
      }
      active++;
      const w = startWorker();
      let current = { seed: job.seed, config: job.from, running: false };
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          void w.terminate();
          results.push(hungResult(current.seed, current.config, args.scale, args.exec));
          queue.unshift({
            seed: current.seed,
            scale: args.scale,
            exec: args.exec,
            from: current.config + 1,
          });
          active--;
          spawn();
        }, HOST_TIMEOUT_MS);
      };
      w.on("message", (m: FromWorker) => {
        if (m.kind === "start") {
          current = { seed: m.seed, config: m.config, running: true };
          arm();
        } else if (m.kind === "result") {
          results.push(m.result);
        } else {
          const next = queue.shift();
          if (next) {
            current = { seed: next.seed, config: next.from, running: true };
            w.postMessage(next);
            if (next.seed % 50 === 0)
              console.error(
                `[stress] seed ${next.seed} (${results.length} runs, ${((Date.now() - started) / 1000).toFixed(0)} s)`,
              );
          } else {
            clearTimeout(timer);
            void w.terminate();
            active--;
            if (active === 0) resolve(results);
          }
        }
      });
      w.on("error", (e) => {
        clearTimeout(timer);
        if (!current.running) {
          console.error(`stress: a worker could not start: ${e.message}`);
          process.exit(2);
        }
        results.push({
          ...hungResult(current.seed, current.config, args.scale, args.exec),
          problems: [{ kind: "host error", detail: String(e), message: String(e) }],
        });
        active--;
        queue.unshift({
          seed: current.seed,
          scale: args.scale,
          exec: args.exec,
          from: current.config + 1,
        });
        spawn();
      });
      w.postMessage(job);
      arm();
    };
    for (let i = 0; i < args.jobs; i++) spawn();
  });
}

/** A worker running this file; TypeScript is loaded through tsx's API, as in the main thread. */
function startWorker(): Worker {
  const cjs = createRequire(import.meta.url).resolve("tsx/esm/api");
  const tsx = pathToFileURL(cjs.replace(/\.cjs$/, ".mjs")).href;
  const self = import.meta.url;
  const code = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); })`;
  return new Worker(code, { eval: true });
}

function hungResult(seed: number, config: number, scale: Scale, exec: boolean): CaseResult {
  const { configs } = seedCase(seed, scale, exec);
  const message = `hang: no answer from the run after ${HOST_TIMEOUT_MS / 1000} s (the kernel spins without trapping)`;
  return {
    seed,
    config: config === 0 ? "reference" : config - 1,
    flags: runFlags(configs, config),
    problems: [{ kind: "hang", detail: message, message }],
    outcome: { status: -1, stdout: "", ms: HOST_TIMEOUT_MS, majorFaults: 0, instructions: 0 },
  };
}

function runFlags(configs: ReturnType<typeof seedCase>["configs"], i: number): string[] {
  const c = configs[i];
  return c ? flagsOf(c) : [];
}

function printFailure(r: CaseResult): void {
  console.log(
    `FAIL seed ${r.seed} (${r.config === "reference" ? "reference" : `config ${r.config}`}): vmlab run ${r.flags.join(" ")} stress-${r.seed}.s`,
  );
  for (const p of r.problems) console.log(`  ${p.kind}: ${p.message.replace(/\n/g, "\n    ")}`);
}

/** One line per distinct problem: how often, and the smallest program that shows it. */
function summarize(results: CaseResult[], args: Args): void {
  const byProblem = new Map<
    string,
    { count: number; seeds: Set<number>; best: CaseResult; size: number }
  >();
  for (const r of results) {
    for (const p of r.problems) {
      const key = `${p.kind}: ${p.detail}`;
      const size = seedCase(r.seed, args.scale, args.exec).program.source.length;
      const e = byProblem.get(key);
      if (!e) byProblem.set(key, { count: 1, seeds: new Set([r.seed]), best: r, size });
      else {
        e.count++;
        e.seeds.add(r.seed);
        if (size < e.size) Object.assign(e, { best: r, size });
      }
    }
  }
  if (byProblem.size === 0) return;
  console.log(`\n${byProblem.size} distinct problems:`);
  let n = 0;
  for (const [key, e] of [...byProblem].sort((a, b) => b[1].count - a[1].count)) {
    n++;
    console.log(`  [${n}] ${e.count} runs, ${e.seeds.size} seeds: ${key}`);
    console.log(
      `      smallest: seed ${e.best.seed}: vmlab run ${e.best.flags.join(" ")} stress-${e.best.seed}.s`,
    );
    if (args.save) saveReproducer(args, n, key, e.best);
  }
}

function saveReproducer(args: Args, n: number, key: string, r: CaseResult): void {
  const dir = join(args.save!, `problem-${n}`);
  mkdirSync(dir, { recursive: true });
  const { program } = seedCase(r.seed, args.scale, args.exec);
  writeFileSync(join(dir, `stress-${r.seed}.s`), program.source);
  writeFileSync(join(dir, "expected.out"), program.expectedStdout);
  writeFileSync(
    join(dir, "README"),
    `${key}\n\nFrom the repository root:\n  vmlab run ${r.flags.join(" ")} ${dir}/stress-${r.seed}.s\n\n${r.problems.map((p) => `${p.kind}: ${p.message}`).join("\n")}\n`,
  );
}
