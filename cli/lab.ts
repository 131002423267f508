// `vmlab lab list | start <lab> [dir] | grade <lab> [dir]`: the course labs. `start` copies a
// lab's starter files into a working folder; `grade` runs the lab's tests against the student's
// files there and prints each test with pass/fail, the reason and the points (or writes
// Gradescope's results.json with --json). The labs themselves live in labs/ (see
// docs/instructors.md). They are loaded only when a lab command runs, so `vmlab --help` stays fast.
import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { Command, Option } from "commander";
import { LAB_NAMES } from "../labs/grader/catalog.js";
import type { LabDefinition } from "../labs/grader/types.js";
import { type CliIo, UserError } from "./io.js";
import { parseCount } from "./options.js";
import type { SubcommandFactory } from "./subcommands.js";

interface GradeOptions {
  json?: string | boolean;
  extraTests?: string;
  only?: string;
  timeout: number;
  inProcess: boolean;
}

const DEFAULT_TIMEOUT = 20;

export const labCommand: SubcommandFactory = (io, result) =>
  new Command("lab")
    .addCommand(
      new Command("list").description("the labs, with their points").action(async () => {
        io.stdout(await listLabs());
      }),
    )
    .addCommand(
      new Command("start")
        .description("copy a lab's starter files into a working folder")
        .argument("<lab>", `the lab: ${LAB_NAMES.join(", ")}`)
        .argument("[dir]", "the folder to create or fill (default: ./<lab>)")
        .action(async (name: string, dir: string | undefined) => {
          io.stdout(await start(await lab(name), dir ?? name));
        }),
    )
    .addCommand(
      new Command("grade")
        .description("run a lab's tests against the files in a folder and print the score")
        .argument("<lab>", `the lab: ${LAB_NAMES.join(", ")}`)
        .argument("[dir]", "the folder with your files (default: ./<lab>)")
        .option(
          "--json [file]",
          "write Gradescope's results.json to the file (to stdout, instead of the table, if none)",
        )
        .option("--extra-tests <dir>", "add the tests found in a folder (e.g. hidden ones)")
        .option(
          "--only <names>",
          "run only the tests whose names contain one of these (comma-separated)",
        )
        .addOption(
          new Option(
            "--timeout <seconds>",
            "real time a test may take before it fails as stuck in an endless loop (the only timed limit)",
          )
            .default(DEFAULT_TIMEOUT)
            .argParser((v) => parseCount(v, 1)),
        )
        .option(
          "--in-process",
          "run the tests in vmlab's own thread: no timeout, and your console.log goes to stdout (for debugging)",
          false,
        )
        .action(async (name: string, dir: string | undefined, opts: GradeOptions) => {
          result.status = await grade(io, await lab(name), dir ?? name, opts);
        }),
    );

/** The lab called `name`, or a UserError listing the labs. */
async function lab(name: string): Promise<LabDefinition> {
  const { labByName } = await import("../labs/grader/registry.js");
  const found = labByName(name.toLowerCase());
  if (found) return found;
  throw new UserError(`unknown lab '${name}' (labs: ${LAB_NAMES.join(", ")})`);
}

async function listLabs(): Promise<string> {
  const { labs } = await import("../labs/grader/registry.js");
  const width = Math.max(...labs.map((l) => l.name.length));
  const lines = labs.map((l) => {
    const points = l.tests.reduce((s, t) => s + t.points, 0);
    return `  ${l.name.padEnd(width)}  ${`${l.tests.length} tests, ${points} points`.padEnd(22)}  ${l.summary}`;
  });
  return `${["Labs (handouts in labs/<lab>/README.md):", ...lines, "", "Start one with: vmlab lab start <lab> [dir]"].join("\n")}\n`;
}

async function start(l: LabDefinition, dir: string): Promise<string> {
  const { StartError, startLab } = await import("../labs/grader/start.js");
  const { labDir } = await import("../labs/grader/paths.js");
  let r: ReturnType<typeof startLab>;
  try {
    r = startLab(l, dir);
  } catch (e) {
    if (e instanceof StartError) throw new UserError(e.message);
    throw e;
  }
  const shown = display(r.dir);
  const width = Math.max(...[...r.starter, ...r.support].map((f) => f.length));
  return `${[
    `Started lab ${l.name} in ${shown}:`,
    ...r.starter.map((f) => `  ${f.padEnd(width)}  starter: yours to complete`),
    ...r.support.map((f) => `  ${f.padEnd(width)}  support (written by vmlab; leave it as it is)`),
    "",
    `Handout: ${display(resolve(labDir(l.name, ""), "README.md"))}`,
    `Grade:   vmlab lab grade ${l.name} ${shown}`,
  ].join("\n")}\n`;
}

/** A path as the user would type it: relative to the working directory when inside it. */
function display(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === "" ? "." : rel.startsWith("..") ? path : `./${rel}`;
}

async function grade(
  io: CliIo,
  l: LabDefinition,
  dir: string,
  opts: GradeOptions,
): Promise<number> {
  if (!existsSync(dir))
    throw new UserError(
      `${dir}: no such folder (start the lab with: vmlab lab start ${l.name} ${dir})`,
    );
  if (!statSync(dir).isDirectory()) throw new UserError(`${dir}: not a folder`);
  const { formatReport, gradeLab, gradescopeResults, selectTests } = await import(
    "../labs/grader/engine.js"
  );
  const extraTests = opts.extraTests ? await extra(l, opts.extraTests) : [];
  const only = opts.only
    ?.split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const gradeOpts = { extraTests, ...(only ? { only } : {}) };
  if (only && selectTests(l, gradeOpts).length === 0)
    throw new UserError(
      `--only ${opts.only}: no test of lab ${l.name} matches (vmlab lab grade --help)`,
    );
  const report = opts.inProcess
    ? await gradeLab(l, dir, gradeOpts)
    : await (await import("../labs/grader/isolate.js")).gradeIsolated(l.name, dir, {
        ...(only ? { only } : {}),
        ...(opts.extraTests ? { extraTests: opts.extraTests } : {}),
        timeoutSeconds: opts.timeout,
        onOutput: (text) => io.stderr(text),
      });
  const json = `${JSON.stringify(gradescopeResults(report), null, 2)}\n`;
  if (opts.json === true) io.stdout(json);
  else io.stdout(formatReport({ ...report, dir: display(resolve(dir)) }, `${l.title} (${l.name})`));
  if (typeof opts.json === "string") io.writeFile(opts.json, json);
  return 0;
}

async function extra(l: LabDefinition, dir: string) {
  const { ExtraTestsError, loadExtraTests } = await import("../labs/grader/extra.js");
  try {
    return await loadExtraTests(l, dir);
  } catch (e) {
    if (e instanceof ExtraTestsError) throw new UserError(e.message);
    throw e;
  }
}
