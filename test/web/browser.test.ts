// The visualiser in a real browser: Debian's chromium, headless, driven by playwright-core. The
// app is built once (vite build -> dist/web) and served by `vmlab web`'s server; the tests step
// hello.s, go Back and compare every pane with a fresh replay, run sieve.s to its output, grade a
// quiz, restore a shared link, and check that the page logged no error. Screenshots of each pane go
// to test-artifacts/web/ (not committed). Skipped with a message where chromium is missing; where
// VMLAB_REQUIRE_PEERS=1 (CI) a missing chromium fails instead.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { build } from "vite";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { serveStatic, type WebServer } from "../../cli/web.js";
import { readRegularFile } from "../../host/files.js";
import { hex32 } from "../../hw/hex.js";
import { snapshot } from "../../session/view/index.js";
import { Engine } from "../../web/engine.js";
import { makeQuiz } from "../../web/quiz.js";
import { defaultSettings } from "../../web/settings.js";
import { describeIfTools } from "../helpers/gnu.js";
import { runVmlab } from "../helpers/vmlab.js";

const ROOT = join(import.meta.dirname, "..", "..");
const CHROMIUM = process.env.VMLAB_CHROMIUM ?? "/usr/bin/chromium";
const ARTIFACTS = join(ROOT, "test-artifacts", "web");
/** Every pane, named as issue 14 names them. */
const PANES = [
  "Program", "Registers", "Disassembly", "Address", "TLB", "Page table", "Physical memory",
  "Processes", "Swap", "Events", "Console", "Counters",
]; // biome-ignore format: a list of names

/** How long a page may take to show a state (a loaded machine shares its cores with other tests). */
const SETTLE = { timeout: 20_000, interval: 25 };

let browser: Browser;
let context: BrowserContext;
let server: WebServer;
const problems: string[] = [];

/** A fresh page on `hash`, collecting console errors. */
async function open(hash: string): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(server.url + hash);
  await expect
    .poll(() => page.getByRole("button", { name: "Step", exact: true }).isEnabled(), SETTLE)
    .toBe(true);
  return page;
}

/** Waits until the controls show step `n` and nothing is pending. */
async function atStep(page: Page, n: number): Promise<void> {
  const out = page.getByRole("status", { name: "Step number" });
  await expect.poll(() => out.textContent(), SETTLE).toBe(`step ${n}`);
  await expect
    .poll(() => page.getByRole("button", { name: "Reset" }).isEnabled(), SETTLE)
    .toBe(true);
}

function pane(page: Page, name: string) {
  return page.getByRole("region", { name, exact: true });
}

/** The text of every pane. */
async function paneTexts(page: Page): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of PANES) out[name] = (await pane(page, name).textContent()) ?? "";
  return out;
}

/** Saves a picture of a pane in the artifacts folder (a clip of the page: no scrolling needed). */
async function shoot(page: Page, name: string): Promise<void> {
  const clip = await pane(page, name).boundingBox();
  if (!clip) throw new Error(`pane ${name} is not visible`);
  await page.screenshot({ path: join(ARTIFACTS, `${name.replaceAll(" ", "-")}.png`), clip });
}

async function stepTimes(page: Page, n: number): Promise<void> {
  await page.getByRole("spinbutton", { name: "Steps per Step ×N" }).fill(String(n));
  await page.getByRole("button", { name: `Step ×${n}` }).click();
}

describeIfTools(
  "the visualiser in chromium",
  existsSync(CHROMIUM),
  `needs chromium at ${CHROMIUM}: apt-get install -y chromium (or set VMLAB_CHROMIUM)`,
  () => {
    beforeAll(async () => {
      await build({ configFile: join(ROOT, "web", "vite.config.ts"), logLevel: "silent" });
      server = await serveStatic(join(ROOT, "dist", "web"), 0);
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true });
      // The walk animation off, so panes settle at once; tall enough to show every pane unscrolled.
      context = await browser.newContext({
        reducedMotion: "reduce",
        viewport: { width: 1500, height: 2200 },
      });
      mkdirSync(ARTIFACTS, { recursive: true });
    });

    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    afterEach(async () => {
      for (const page of context.pages()) await page.close();
      expect(problems).toEqual([]);
      problems.length = 0;
    });

    it("1: a step of hello.s shows the TLB miss, the walk's levels and the physical address", async () => {
      const page = await open("#p=programs/hello.s");
      await page.getByRole("button", { name: "Step", exact: true }).click();
      await atStep(page, 1);
      const engine = Engine.load(
        { kind: "bundled", path: "programs/hello.s" },
        defaultSettings,
        readRegularFile,
      ) as Engine;
      engine.step(1);
      const walked = snapshot(engine.session).walk.translations.at(-1)!;
      expect(walked.levels).toHaveLength(2);
      const tlb = await pane(page, "TLB").textContent();
      expect(tlb).toMatch(/fetch 0x[0-9a-f]{8}: vpn 0x[0-9a-f]+ set 0 → miss/);
      const walk = await pane(page, "Page table").textContent();
      expect(walk).toContain("TLB miss → root table at ppn");
      expect(walk).toMatch(/L1 PTE \[\d+\] @ 0x[0-9a-f]{8} = 0x[0-9a-f]{8}/);
      expect(walk).toMatch(/L0 PTE \[\d+\] @ 0x[0-9a-f]{8} = 0x[0-9a-f]{8}/);
      expect(walk).toContain(`physical address ${hex32(walked.pa!)}`);
      expect(await pane(page, "Address").textContent()).toContain(
        `physical address ${hex32(walked.pa!)}`,
      );
      for (const name of PANES) await shoot(page, name);
    });

    it("2: Back 2 shows every pane as a fresh replay to that step does", async () => {
      const page = await open("#p=programs/hello.s");
      await stepTimes(page, 5);
      await atStep(page, 5);
      await page.getByRole("button", { name: "Back" }).click();
      await atStep(page, 4);
      await page.getByRole("button", { name: "Back" }).click();
      await atStep(page, 3);
      const back = await paneTexts(page);
      await expect.poll(() => page.url(), SETTLE).toContain("at=3");
      const fresh = await open(new URL(page.url()).hash);
      await atStep(fresh, 3);
      expect(await paneTexts(fresh)).toEqual(back);
      expect(back.Events).toContain("step 3");
    });

    it("3: Run takes sieve.s to its output in the Console", async () => {
      const expected = await runVmlab(["run", "programs/sieve.s"]);
      const page = await open("#p=programs/sieve.s");
      await page.getByRole("button", { name: "Run" }).click();
      await expect
        .poll(() => pane(page, "Console").locator("pre").textContent(), SETTLE)
        .toBe(expected.stdout);
      await expect.poll(() => page.getByText("every process has ended").count(), SETTLE).toBe(1);
    });

    it("4: the quiz grades a right answer right and a wrong one wrong, as vmlab quiz does", async () => {
      const cli = await runVmlab(["quiz", "relocation", "-s", "1"]);
      const quiz = makeQuiz("relocation", 1, "");
      const page = await open("#p=programs/hello.s");
      await page.getByRole("button", { name: "Quiz" }).click();
      await page.getByRole("combobox", { name: "kind" }).selectOption("relocation");
      await page.getByRole("spinbutton", { name: "seed" }).fill("1");
      await page.getByRole("button", { name: "New problems" }).click();
      await expect.poll(() => page.locator("pre.problem").textContent(), SETTLE).toBe(cli.stdout);
      await page.getByRole("textbox", { name: "Answer 1" }).fill(quiz.problems[0]!.answer);
      await page.getByRole("textbox", { name: "Answer 2" }).fill("0x1");
      await page.getByRole("button", { name: "Check" }).click();
      const grade = (n: number) => page.getByRole("status", { name: `Grade ${n}` }).textContent();
      await expect.poll(() => grade(1), SETTLE).toMatch(/^right — /);
      await expect.poll(() => grade(2), SETTLE).toMatch(/^wrong: .*; answer: /);
      await shoot(page, "Quiz");
    });

    it("5: a shared link restores program, settings, seed and position", async () => {
      const page = await open("#p=programs/sieve.s");
      await page.getByRole("spinbutton", { name: "TLB entries" }).fill("4");
      await page.getByRole("spinbutton", { name: "TLB entries" }).press("Tab");
      await expect.poll(() => pane(page, "TLB").textContent(), SETTLE).toContain("4 entries");
      await page.getByRole("spinbutton", { name: "seed" }).fill("7");
      await page.getByRole("spinbutton", { name: "seed" }).press("Tab");
      await atStep(page, 0);
      await stepTimes(page, 40);
      await atStep(page, 40);
      await expect.poll(() => page.url(), SETTLE).toContain("at=40");
      const link = new URL(page.url()).hash;
      expect(link).toMatch(/tlb=4/);
      expect(link).toMatch(/seed=7/);
      expect(link).toMatch(/at=40/);
      const before = await paneTexts(page);
      const restored = await open(link);
      await atStep(restored, 40);
      expect(await paneTexts(restored)).toEqual(before);
    });

    it("6: an edited program's assembler error is shown at its line", async () => {
      const page = await open("#p=programs/hello.s");
      await page.getByRole("button", { name: "Edit source" }).click();
      const editor = page.getByRole("textbox", { name: "Assembly source" });
      await expect.poll(() => editor.inputValue(), SETTLE).toContain("_start:");
      await editor.fill("  .text\n  .globl _start\n_start:\n  addi a0, a0\n");
      await page.getByRole("button", { name: "Assemble and load" }).click();
      const alert = pane(page, "Program").getByRole("alert");
      await expect
        .poll(() => alert.textContent(), SETTLE)
        .toContain("edited.s: 1 error, nothing run");
      const error = alert.getByRole("button", { name: /^edited\.s:4:\d+: error: / });
      await error.click();
      const selected = await editor.evaluate(
        (t: { value: string; selectionStart: number; selectionEnd: number }) =>
          t.value.slice(t.selectionStart, t.selectionEnd),
      );
      expect(selected).toBe("  addi a0, a0");
    });
  },
);
