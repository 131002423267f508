// Drives the whole `vmlab` command in-process, as a user would from a shell, with captured streams.
import { type CliIo, openUserFile, readUserFile, writeUserFile } from "../../cli/io.js";
import { main } from "../../cli/main.js";

export interface VmlabResult {
  status: number;
  stdout: string;
  stderr: string;
  stdoutBytes: Uint8Array;
}

/** Runs `vmlab ...args` with `stdin` as its standard input; never touches the real streams. */
export async function runVmlab(
  args: readonly string[],
  stdin: Uint8Array | string = "",
): Promise<VmlabResult> {
  const out: Uint8Array[] = [];
  const err: Uint8Array[] = [];
  const enc = new TextEncoder();
  let input = typeof stdin === "string" ? enc.encode(stdin) : stdin;
  const io: CliIo = {
    stdout: (d) => out.push(typeof d === "string" ? enc.encode(d) : d.slice()),
    stderr: (d) => err.push(typeof d === "string" ? enc.encode(d) : d.slice()),
    readStdin(max) {
      const chunk = input.subarray(0, max);
      input = input.subarray(chunk.length);
      return chunk;
    },
    readFile: readUserFile,
    writeFile: writeUserFile,
    createWriter: openUserFile,
  };
  const status = await main(withStepLimit(args), io);
  const stdoutBytes = concat(out);
  const dec = new TextDecoder();
  return { status, stdout: dec.decode(stdoutBytes), stderr: dec.decode(concat(err)), stdoutBytes };
}

/**
 * Tests set their own instruction limit (`vmlab run` has none, and an in-process run cannot be
 * interrupted): 5e9 unless the command line gives one; a later --max-steps wins.
 */
function withStepLimit(args: readonly string[]): readonly string[] {
  if (args[0] !== "run") return args;
  return ["run", "--max-steps", String(TEST_MAX_STEPS), ...args.slice(1)];
}

const TEST_MAX_STEPS = 5_000_000_000;

/** The counters `vmlab run --stats --json` prints last on stderr (the ones tests read). */
export interface RunStats {
  majorFaults: number;
  swapOuts: number;
  evictions: number;
  framesFree: number;
  framesFreeAtBoot: number;
}

/** `vmlab run --stats --json ...args`, with the stats line parsed. */
export async function runWithStats(
  args: readonly string[],
): Promise<VmlabResult & { stats: RunStats }> {
  const r = await runVmlab(["run", "--stats", "--json", ...args]);
  const stats = JSON.parse(r.stderr.trim().split("\n").at(-1)!) as RunStats;
  return { ...r, stats };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}
