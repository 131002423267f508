// A fresh temporary folder that looks like the repository to relative paths (its programs/, labs/
// and docs/ are symlinks to the repository's), in which the docs test runs the steps of a
// markdown file's examples in order: vmlab in-process with the folder as working directory,
// printf/echo/cat through /bin/sh. Nothing it runs depends on /tmp contents it did not make.
import { execFileSync } from "node:child_process";
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import type { StdinSource, Step } from "./shell-subset.js";
import { runVmlab, type VmlabResult } from "./vmlab.js";

/** The repository folders doc examples read, linked into each scratch folder. */
export const REPOSITORY_INPUTS = ["programs", "labs", "docs"] as const;

type VmlabStep = Extract<Step, { kind: "vmlab" }>;
type ShellStep = Extract<Step, { kind: "shell" }>;
type SkipStep = Extract<Step, { kind: "skip" }>;

/** What a vmlab step did, and the commands it was given: its --script file, else its stdin. */
export interface VmlabStepResult extends VmlabResult {
  readonly input: string;
}

export class ScratchRepo {
  /** The folder; a path without symlinks, so that checks can compare real paths. */
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** A new scratch folder with `inputs` of `repository` linked in. */
  static create(repository: string, inputs: readonly string[] = REPOSITORY_INPUTS): ScratchRepo {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), "vmlab-docs-")));
    for (const name of inputs) symlinkSync(resolve(repository, name), join(dir, name), "dir");
    return new ScratchRepo(dir);
  }

  /** Deletes the folder (the repository behind the links is left alone). */
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Runs a printf/echo/cat `> file` with /bin/sh here; throws unless it wrote its file. */
  runShell(step: ShellStep): void {
    this.checkWritable(step.creates);
    this.sh(step.text);
    if (!existsSync(join(this.dir, step.creates)))
      throw new Error(`line ${step.line}: \`${step.text}\` did not create ${step.creates}`);
  }

  /**
   * Runs a vmlab step in-process with this folder as working directory (restored afterwards),
   * its stdin fed as the example says and its stdout written to its `>` file, if any. `earlier`
   * are the steps before it, so that a file only a step that is not run could make is named.
   */
  async runVmlab(step: VmlabStep, earlier: readonly Step[]): Promise<VmlabStepResult> {
    this.checkDependencies(step, earlier);
    if (step.stdout) this.checkWritable(step.stdout.path);
    const stdin = this.stdinOf(step.stdin);
    const home = process.cwd();
    let r: VmlabResult;
    process.chdir(this.dir);
    try {
      r = await runVmlab(step.args, stdin);
    } finally {
      process.chdir(home);
    }
    if (step.stdout) {
      const file = join(this.dir, step.stdout.path);
      (step.stdout.append ? appendFileSync : writeFileSync)(file, r.stdoutBytes);
    }
    const script = step.args[step.args.indexOf("--script") + 1];
    const input = step.args.includes("--script") && script ? this.textOf(script) : stdin;
    return { ...r, input: new TextDecoder().decode(input) };
  }

  /** The bytes a step's stdin source gives. */
  private stdinOf(source: StdinSource): Uint8Array {
    switch (source.from) {
      case "none":
        return new Uint8Array(0);
      case "pipe":
        return this.sh(source.command);
      case "heredoc":
        return new TextEncoder().encode(source.body);
      case "file":
        return new Uint8Array(readFileSync(join(this.dir, source.path)));
    }
  }

  /** The stdout of `command` run by /bin/sh in this folder; throws with its stderr if it fails. */
  private sh(command: string): Uint8Array {
    try {
      return new Uint8Array(execFileSync("/bin/sh", ["-c", command], { cwd: this.dir }));
    } catch (e) {
      const stderr = String((e as { stderr?: unknown }).stderr ?? e).trim();
      throw new Error(`/bin/sh -c ${JSON.stringify(command)} failed: ${stderr}`);
    }
  }

  /** The contents of `path` in this folder; empty if there is no such file. */
  private textOf(path: string): Uint8Array {
    const file = join(this.dir, path);
    return existsSync(file) ? new Uint8Array(readFileSync(file)) : new Uint8Array(0);
  }

  /** Throws if the step names a missing path that only a skipped step mentions (and so might make). */
  private checkDependencies(step: VmlabStep, earlier: readonly Step[]): void {
    const skipped = earlier.filter((s): s is SkipStep => s.kind === "skip");
    const named = [...step.args, ...(step.stdin.from === "file" ? [step.stdin.path] : [])];
    for (const word of named) {
      if (existsSync(join(this.dir, word))) continue;
      const maker = skipped.find((s) => s.names.includes(word));
      if (maker)
        throw new Error(
          `line ${step.line} needs ${word}, which only line ${maker.line} (\`${maker.text}\`, not run by the docs test: ${maker.reason}) could make`,
        );
    }
  }

  /** Throws unless `path` is inside this folder itself, not behind a link into the repository. */
  private checkWritable(path: string): void {
    const folder = dirname(join(this.dir, path));
    if (!existsSync(folder)) throw new Error(`${path}: its folder does not exist`);
    if (relative(this.dir, realpathSync(folder)).startsWith(".."))
      throw new Error(`${path}: a doc example writes through a link, into the repository's files`);
  }
}
