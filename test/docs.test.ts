// Every example in a ```sh block of the README, docs/ and the lab handouts runs, so the docs cannot
// rot: renamed flags, missing files or changed subcommands fail here. Each markdown file's examples
// run in order in a fresh scratch folder that looks like the repository (test/helpers/
// scratch-repo.ts), with the files the examples make (`printf ... > file`) made the same way and
// pipes and here-documents fed to vmlab's stdin (test/helpers/shell-subset.ts). A vmlab command
// must not end with a user error (1), a usage error (2) or an internal error (70); a guest may end
// as it likes (e.g. 132 for SIGILL). Commands that are not vmlab (npm, npx tsc, $EDITOR, cd) are
// reported as skipped.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ScratchRepo } from "./helpers/scratch-repo.js";
import { type Step, shellExamples } from "./helpers/shell-subset.js";

const REPOSITORY = dirname(dirname(fileURLToPath(import.meta.url)));

/** The markdown files whose examples run: README.md, docs/*.md, labs/<lab>/README.md. */
function documents(): string[] {
  const inFolder = (dir: string) =>
    readdirSync(join(REPOSITORY, dir))
      .filter((f) => f.endsWith(".md"))
      .map((f) => `${dir}/${f}`);
  const labs = readdirSync(join(REPOSITORY, "labs"), { withFileTypes: true })
    .filter(
      (d) => d.isDirectory() && readdirSync(join(REPOSITORY, "labs", d.name)).includes("README.md"),
    )
    .map((d) => `labs/${d.name}/README.md`);
  return ["README.md", ...inFolder("docs"), ...labs];
}

/** What vmlab prints when a command, not the guest, went wrong. */
const CLI_ERROR = /internal error|unknown option|unknown command|missing required|is not one of/;
/** Exit statuses of vmlab itself: user error, usage error, internal error. */
const VMLAB_ERRORS = [1, 2, 70];

/**
 * `args` of a `vmlab lab grade` with --in-process added: the grading worker costs a second per
 * command and is tested in test/labs/cli.test.ts; what rots in a handout is the command line.
 */
function gradeInProcess(args: readonly string[]): readonly string[] {
  return args[0] === "lab" && args[1] === "grade" ? [...args, "--in-process"] : args;
}

/** Throws unless every command in `input` is echoed after a stepper prompt in `stdout`. */
function expectStepperRan(input: string, stdout: string): void {
  for (const command of input.split("\n").map((l) => l.trim())) {
    if (command === "" || command.startsWith("#")) continue;
    expect(stdout, `the stepper never read '${command}'`).toContain(`) ${command}\n`);
  }
}

/** One test per step; `earlier` are the steps before it in the same file. */
function defineStep(scratch: () => ScratchRepo, step: Step, earlier: Step[]): void {
  const name = `line ${step.line}: ${step.text}`;
  switch (step.kind) {
    case "skip":
      it.skip(`${name} (not run: ${step.reason})`, () => {});
      return;
    case "invalid":
      it(name, () => expect.fail(`line ${step.line}: ${step.reason}`));
      return;
    case "shell":
      it(name, () => scratch().runShell(step));
      return;
    case "vmlab":
      it(name, async () => {
        const r = await scratch().runVmlab({ ...step, args: gradeInProcess(step.args) }, earlier);
        expect(r.stderr).not.toMatch(CLI_ERROR);
        expect(VMLAB_ERRORS, r.stderr).not.toContain(r.status);
        if (step.stdin.from === "none" && !step.args.includes("--script")) return;
        expect(r.input, "the example feeds it, but its input is empty").not.toBe("");
        expect(r.stdout, "it was given input but printed nothing").not.toBe("");
        if (step.args[0] === "step") expectStepperRan(r.input, r.stdout);
      });
  }
}

for (const file of documents()) {
  const steps = shellExamples(readFileSync(join(REPOSITORY, file), "utf8"));
  if (steps.every((s) => s.kind === "skip")) continue;
  // In order, one at a time: later steps use the files earlier ones made, and each chdirs.
  describe.sequential(`${file} examples`, () => {
    let scratch: ScratchRepo | undefined;
    beforeAll(() => {
      scratch = ScratchRepo.create(REPOSITORY);
    });
    afterAll(() => scratch?.remove());
    steps.forEach((step, i) => {
      defineStep(() => scratch!, step, steps.slice(0, i));
    });
  });
}

describe("the docs' shell subset", () => {
  const sh = (...lines: string[]) => shellExamples(["```sh", ...lines, "```"].join("\n"));

  it("reads lists, continuations, pipes, redirections and quoted here-documents", () => {
    const steps = sh(
      "printf 'a\\nb\\n' > in.txt && npx vmlab run \\",
      "  p.s -- 1; vmlab quiz x -s 1 > out.txt   # a comment",
      "echo go | npx vmlab step p.s",
      "vmlab step p.s < in.txt",
      "vmlab step p.s <<'EOF'",
      "x/4i $pc",
      "EOF",
      "npm ci && $EDITOR p.s",
    );
    expect(steps.map((s) => [s.line, s.kind])).toEqual([
      [2, "shell"],
      [2, "vmlab"],
      [2, "vmlab"],
      [4, "vmlab"],
      [5, "vmlab"],
      [6, "vmlab"],
      [9, "skip"],
      [9, "skip"],
    ]);
    expect(steps[1]).toMatchObject({ args: ["run", "p.s", "--", "1"], stdin: { from: "none" } });
    expect(steps[2]).toMatchObject({ stdout: { path: "out.txt", append: false } });
    expect(steps[3]).toMatchObject({ stdin: { from: "pipe", command: "echo go" } });
    expect(steps[4]).toMatchObject({ stdin: { from: "file", path: "in.txt" } });
    expect(steps[5]).toMatchObject({ stdin: { from: "heredoc", body: "x/4i $pc\n" } });
  });

  it("fails an example outside the subset, naming why", () => {
    const reasons = [
      sh("vmlab step p.s <<EOF", "step", "EOF"),
      sh("printf 'step\\n' > /tmp/s.txt"),
      sh("vmlab step p.s --script ../s.txt"),
      sh("cd work && vmlab run p.s"),
      sh("vmlab run p.s | head"),
      sh("vmlab run p.s || true"),
      sh("vmlab run $PROG"),
    ].map((steps) => steps.find((s) => s.kind === "invalid")?.reason);
    expect(reasons).toEqual([
      expect.stringMatching(/unquoted/),
      expect.stringMatching(/inside the repository/),
      expect.stringMatching(/inside the repository/),
      expect.stringMatching(/after a cd/),
      expect.stringMatching(/piped on/),
      expect.stringMatching(/not supported/),
      expect.stringMatching(/expand/),
    ]);
  });

  it("names the line that is not run when a later vmlab command needs its file", async () => {
    const steps = sh("cp programs/hello.s mine.s", "vmlab run mine.s");
    const scratch = ScratchRepo.create(REPOSITORY);
    try {
      await expect(
        scratch.runVmlab(steps[1] as Extract<Step, { kind: "vmlab" }>, steps.slice(0, 1)),
      ).rejects.toThrow(
        "line 3 needs mine.s, which only line 2 (`cp programs/hello.s mine.s`, not run",
      );
    } finally {
      scratch.remove();
    }
  });

  it("fails docs/stepper.md's --script example if the printf line before it is deleted", async () => {
    const text = readFileSync(join(REPOSITORY, "docs/stepper.md"), "utf8");
    const steps = shellExamples(text.replace(/^printf .* > session\.txt\n/m, ""));
    const script = steps.find((s) => s.kind === "vmlab" && s.args.includes("--script"));
    expect(steps.some((s) => s.kind === "shell")).toBe(false);
    const scratch = ScratchRepo.create(REPOSITORY);
    try {
      const r = await scratch.runVmlab(script as Extract<Step, { kind: "vmlab" }>, []);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/session\.txt/);
    } finally {
      scratch.remove();
    }
  });
});
