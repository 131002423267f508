// `vmlab trace <file>`: replays a page-reference trace through replacement policies and reports
// hits and misses. With one policy and one frame count it ends with OSTEP's FINALSTATS line, and
// -v prints each access as OSTEP's paging-policy.py -c does; with several it prints a table.
// Formats and the replay itself: kernel/replace/trace.ts and kernel/replace/replay.ts.
import { Command, InvalidArgumentError, Option } from "commander";
import { type PolicyFactory, policyFactories, policyFactory } from "../kernel/replace/policy.js";
import {
  type ReplayAccess,
  ReplayError,
  type ReplayStats,
  replay,
} from "../kernel/replace/replay.js";
import {
  type ParsedTrace,
  parseTrace,
  TRACE_FORMAT_TEXT,
  TraceFormat,
  TraceSyntaxError,
} from "../kernel/replace/trace.js";
import { scaledDraw } from "../quiz/kind.js";
import { pyD, pyFixed, pyListStr, pyS } from "../quiz/python.js";
import { PyRandom } from "../quiz/random.js";
import { type CliIo, readAllStdin, TRACE_LIMIT, UserError } from "./io.js";
import { parseChoice, parseCount, parseSize } from "./options.js";
import type { SubcommandFactory } from "./subcommands.js";

const FORMATS = ["auto", ...Object.values(TraceFormat)] as const;
type FormatChoice = (typeof FORMATS)[number];

export interface TraceOptions {
  policy: PolicyFactory[];
  frames: number[];
  seed: number;
  pageSize: number;
  format: FormatChoice;
  tick?: number;
  verbose: boolean;
  json: boolean;
}

/** One replay: a policy with a number of frames, and what came of it. */
interface Run {
  readonly policy: string;
  readonly frames: number;
  /** References between ticks, for policies that tick; undefined for the others. */
  readonly tick: number | undefined;
  readonly stats: ReplayStats;
  /** Each access with the policy's order after it (kept for --json -v only). */
  readonly accesses: AccessRecord[];
}

interface AccessRecord {
  page: number;
  write: boolean;
  hit: boolean;
  victim: number | null;
  memory: number[];
}

/** The example traces vmlab ships (programs/traces/; docs/replacement.md says what each shows). */
const EXAMPLES_HELP = `
Example traces (programs/traces/ in the vmlab folder; docs/replacement.md says what each shows):
  belady.txt    Belady's anomaly: FIFO misses more with 4 frames than with 3 (-C 3,4)
  loop.txt      a loop one page larger than memory: LRU and FIFO miss every time (-C 4)
  scan.txt      a hot set between the steps of a scan: recency is fooled, OPT is not (-C 4)
  shift.txt     a working set that shifts and comes back: misses bunch at the shifts (-C 3,4 -v)
  locality.txt  a locality mix: LRU, Clock and aging come close to OPT (-p all -C 4,8)`;

export const traceCommand: SubcommandFactory = (io, result) =>
  new Command("trace")
    .argument(
      "<file>",
      "the trace ('-' for stdin): page numbers one per line, an OSTEP comma-separated list, " +
        "'R|W address' lines, or valgrind lackey output",
    )
    .addOption(
      new Option("-p, --policy <names>", `comma-separated, or 'all': ${policyNames()}`)
        .default([policyFactory("fifo")!], "fifo")
        .argParser(parsePolicies),
    )
    .addOption(
      new Option("-C, --frames <n>", "page frames (OSTEP's -C); a list like 3,4 or a range 1-8")
        .default([3], "3")
        .argParser(parseFrames),
    )
    .addOption(
      new Option("-s, --seed <n>", "seed of the random policy (draws as OSTEP's RAND with -s)")
        .default(0)
        .argParser((s) => parseCount(s, 0)),
    )
    .addOption(
      new Option("--page-size <size>", "bytes per page, for traces of addresses")
        .default(4096, "4k")
        .argParser(parsePageSize),
    )
    .addOption(
      new Option("--format <format>", `trace format: ${FORMATS.join(" | ")}`)
        .default("auto", "auto")
        .argParser(parseChoice(FORMATS)),
    )
    .addOption(
      new Option(
        "--tick <n>",
        "references between ticks of the aging policy, 0 for none (default: the number of frames)",
      ).argParser((s) => parseCount(s, 0)),
    )
    .option("-v, --verbose", "print every access as OSTEP's paging-policy.py -c does", false)
    .option("--json", "print the results (and with -v every access) as JSON", false)
    .addHelpText("after", EXAMPLES_HELP)
    .action((file: string, opts: TraceOptions) => {
      runTrace(io, file, opts);
      result.status = 0;
    });

/** Replays the trace in `file` ('-': stdin) as `opts` says and prints the report on stdout. */
export function runTrace(io: CliIo, file: string, opts: TraceOptions): void {
  const name = file === "-" ? "<stdin>" : file;
  const trace = readTrace(io, file, name, opts);
  const distinct = new Set(trace.pages).size;
  const out = new Output(io);
  const single = opts.policy.length * opts.frames.length === 1;
  if (!opts.json) out.line(header(name, trace, distinct));
  const runs: Run[] = [];
  for (const factory of opts.policy) {
    for (const frames of opts.frames) {
      const run = replayOne(trace, factory, frames, opts, (title) => {
        if (opts.json) return undefined;
        if (!single && opts.verbose) out.line("");
        if (single || opts.verbose) out.line(title);
        if (!opts.verbose) return undefined;
        out.line("");
        return (line) => out.line(line);
      });
      if (opts.verbose && !opts.json && !single) {
        out.line("");
        out.line(finalStats(run.stats));
      }
      runs.push(run);
    }
  }
  if (opts.json) out.line(JSON.stringify(jsonReport(name, trace, distinct, runs), null, 2));
  else if (single) printSummary(out, runs[0]!);
  else printTable(out, runs);
  out.flush();
}

function readTrace(io: CliIo, file: string, name: string, opts: TraceOptions): ParsedTrace {
  const bytes = file === "-" ? readAllStdin(io, TRACE_LIMIT) : io.readFile(file, TRACE_LIMIT);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new UserError(`${name}: not a text file`);
  }
  let trace: ParsedTrace;
  try {
    const format = opts.format === "auto" ? undefined : opts.format;
    trace = parseTrace(text, { pageSize: opts.pageSize, format });
  } catch (e) {
    if (e instanceof TraceSyntaxError) throw new UserError(`${name}:${e.line}: ${e.message}`);
    throw e;
  }
  if (trace.pages.length === 0) throw new UserError(`${name}: no page references in the trace`);
  return trace;
}

/**
 * Replays with one policy and frame count. `begin` gets the run's title and returns where to
 * print each access in OSTEP's format (undefined: nowhere); with --json -v the accesses are kept.
 */
function replayOne(
  trace: ParsedTrace,
  factory: PolicyFactory,
  frames: number,
  opts: TraceOptions,
  begin: (title: string) => ((line: string) => void) | undefined,
): Run {
  const policy = factory.create();
  const rng = new PyRandom(opts.seed);
  const tick = policy.tick === undefined ? undefined : (opts.tick ?? frames);
  const accesses: AccessRecord[] = [];
  const ends = ostepEnds(factory.name);
  const print = begin(runTitle(factory.name, frames, tick, opts.seed));
  let onAccess: ((a: ReplayAccess) => void) | undefined;
  if (print !== undefined) {
    onAccess = (a) => print(accessLine(a, ends, policy.order()));
  } else if (opts.verbose && opts.json) {
    onAccess = (a) =>
      accesses.push({
        page: a.page,
        write: a.write,
        hit: a.hit,
        victim: a.victim ?? null,
        memory: policy.order(),
      });
  }
  let stats: ReplayStats;
  try {
    stats = replay(trace, policy, {
      frames,
      tickEvery: tick ?? 0,
      random: (n) => scaledDraw(n, rng.random()),
      ...(onAccess ? { onAccess } : {}),
    });
  } catch (e) {
    if (e instanceof ReplayError) throw new UserError(`trace: policy ${e.message}`);
    throw e;
  }
  return { policy: factory.name, frames, tick, stats, accesses };
}

function header(name: string, trace: ParsedTrace, distinct: number): string {
  const n = trace.pages.length;
  const writes = trace.writes === undefined ? "" : ` (${plural(trace.writeCount, "write")})`;
  return `trace ${name}: ${plural(n, "reference")}${writes} to ${plural(distinct, "page")} (${TRACE_FORMAT_TEXT[trace.format]})`;
}

function runTitle(policy: string, frames: number, tick: number | undefined, seed: number): string {
  let title = `policy ${policy}, ${plural(frames, "frame")}`;
  if (tick !== undefined)
    title += tick === 0 ? ", no ticks" : `, a tick every ${plural(tick, "reference")}`;
  if (policy === "random") title += `, seed ${seed}`;
  return title;
}

/** The counts of the only run, and OSTEP's FINALSTATS line last. */
function printSummary(out: Output, run: Run): void {
  const s = run.stats;
  out.line("");
  out.line(`hits       ${s.hits}`);
  out.line(`misses     ${s.misses} (${s.compulsory} compulsory)`);
  out.line(`evictions  ${s.evictions} (${s.writebacks} dirty, written back)`);
  out.line(`hit rate   ${hitRate(s)}%`);
  out.line("");
  out.line(finalStats(s));
}

/** Several runs: one row each. */
function printTable(out: Output, runs: Run[]): void {
  const rows = [
    ["policy", "frames", "hits", "misses", "hit rate", "evictions", "writebacks"],
    ...runs.map((r) => [
      r.policy,
      String(r.frames),
      String(r.stats.hits),
      String(r.stats.misses),
      `${hitRate(r.stats)}%`,
      String(r.stats.evictions),
      String(r.stats.writebacks),
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  out.line("");
  for (const row of rows) {
    out.line(
      row
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
        .join("  "),
    );
  }
}

function jsonReport(name: string, trace: ParsedTrace, distinct: number, runs: Run[]) {
  return {
    trace: {
      file: name,
      format: trace.format,
      references: trace.pages.length,
      writes: trace.writeCount,
      pages: distinct,
    },
    runs: runs.map((r) => ({
      policy: r.policy,
      frames: r.frames,
      ...(r.tick === undefined ? {} : { tick: r.tick }),
      ...r.stats,
      hitRate: (100 * r.stats.hits) / r.stats.references,
      ...(r.accesses.length > 0 ? { accesses: r.accesses } : {}),
    })),
  };
}

function hitRate(s: ReplayStats): string {
  return pyFixed((100.0 * s.hits) / (s.hits + s.misses), 2);
}

/** paging-policy.py's labels for the two ends of its memory list. */
function ostepEnds(policy: string): readonly [string, string] {
  if (policy === "fifo") return ["FirstIn", "Lastin "];
  if (policy === "lru" || policy === "mru") return ["LRU", "MRU"];
  return ["Left ", "Right"];
}

/** One access as paging-policy.py -c prints it. */
function accessLine(
  a: ReplayAccess,
  [left, right]: readonly [string, string],
  memory: number[],
): string {
  return (
    `Access: ${pyD(a.page)}  ${a.hit ? "HIT " : "MISS"} ${left} -> ${pyS(pyListStr(memory), 12)} <- ` +
    `${right} Replaced:${a.victim === undefined ? "-" : a.victim} [Hits:${a.hits} Misses:${a.misses}]`
  );
}

/** paging-policy.py's last line. */
function finalStats(s: ReplayStats): string {
  return `FINALSTATS hits ${s.hits}   misses ${s.misses}   hitrate ${hitRate(s)}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function policyNames(): string {
  return policyFactories()
    .map((f) => f.name)
    .join(", ");
}

/** "lru", "FIFO,lru,opt" or "all" -> the factories (case-insensitive, aliases too). */
function parsePolicies(text: string): PolicyFactory[] {
  if (text.trim().toLowerCase() === "all") return [...policyFactories()];
  return text.split(",").map((name) => {
    const f = policyFactory(name);
    if (f === undefined)
      throw new InvalidArgumentError(`'${name.trim()}' is not a policy (${policyNames()}).`);
    return f;
  });
}

/** "3", "3,4", "1-8" or "1-4,8,16" -> frame counts, each >= 1. */
function parseFrames(text: string): number[] {
  const frames: number[] = [];
  for (const item of text.split(",")) {
    const range = /^\s*(\w+)\s*-\s*(\w+)\s*$/.exec(item);
    if (range) {
      const lo = parseCount(range[1]!, 1);
      const hi = parseCount(range[2]!, 1);
      if (hi < lo) throw new InvalidArgumentError(`'${item.trim()}' is an empty range.`);
      if (hi - lo >= 10_000)
        throw new InvalidArgumentError(`'${item.trim()}' is too long a range.`);
      for (let n = lo; n <= hi; n++) frames.push(n);
    } else {
      frames.push(parseCount(item, 1));
    }
  }
  return frames;
}

function parsePageSize(text: string): number {
  const size = parseSize(text);
  if (size < 1 || !Number.isInteger(Math.log2(size)))
    throw new InvalidArgumentError(`'${text}' is not a power of two.`);
  return size;
}

/** Buffers lines and writes them in large pieces (a verbose replay prints a line per access). */
class Output {
  private readonly io: CliIo;
  private parts: string[] = [];

  constructor(io: CliIo) {
    this.io = io;
  }

  line(text: string): void {
    this.parts.push(text, "\n");
    if (this.parts.length >= 8192) this.flush();
  }

  flush(): void {
    if (this.parts.length > 0) this.io.stdout(this.parts.join(""));
    this.parts = [];
  }
}
