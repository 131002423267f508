// The page's state beside the worker's answers: what is loaded, the settings, the editor, the mode,
// and the shareable link kept in the URL's hash.
import { signal } from "@preact/signals";
import { busy, MachineClient, machine } from "./client.js";
import {
  decodeLink,
  defaultSettings,
  encodeLink,
  type ProgramChoice,
  type Settings,
} from "./settings.js";

/** The program a link without one opens. */
export const DEFAULT_PROGRAM = "programs/hello.s";

export const client = new MachineClient();
export const choice = signal<ProgramChoice>({ kind: "bundled", path: DEFAULT_PROGRAM });
export const settings = signal<Settings>({ ...defaultSettings });
/** The editor's text while the user edits a program, else null. */
export const editing = signal<string | null>(null);
export const mode = signal<"machine" | "quiz">("machine");
export const helpOpen = signal(false);
/** The furthest position reached since the load (the scrubber's end). */
export const furthest = signal(0);
/** Steps the Step ×N button takes. */
export const stepCount = signal(10);

/** Loads the chosen program with the settings at `position`. */
export function load(position = 0): void {
  furthest.value = position;
  client.send({ type: "load", program: choice.value, settings: settings.value, position });
}

/** Sends a motion command unless the worker is still busy with the last one. */
export function move(
  cmd: { type: "step" | "back"; n: number } | { type: "goto"; position: number },
): void {
  if (busy.value || machine.value?.running) return;
  client.send(cmd);
}

/** Run, or Pause a run. */
export function runOrPause(): void {
  if (machine.value?.running) client.send({ type: "pause" });
  else if (!busy.value) client.send({ type: "run" });
}

/** Restores the state the URL's hash names (program, settings, seed, position). */
export async function openLink(): Promise<void> {
  const state = await decodeLink(location.hash, DEFAULT_PROGRAM);
  choice.value = state.program;
  settings.value = state.settings;
  if (state.program.kind === "source") editing.value = state.program.text;
  load(state.position);
}

let written = "";

/** Writes the current state into the hash (without a history entry per step). */
export async function writeLink(position: number): Promise<void> {
  const hash = await encodeLink({ program: choice.value, settings: settings.value, position });
  if (hash === written) return;
  written = hash;
  history.replaceState(null, "", hash === "#" ? location.pathname + location.search : hash);
}

/** True if the hash changed by the user (pasting a link), not by writeLink. */
export function linkChangedOutside(): boolean {
  return location.hash !== written && !(location.hash === "" && written === "#");
}

/** How long the hash waits for stepping to pause before it is rewritten. */
const LINK_DELAY_MS = 150;
let linkTimer: ReturnType<typeof setTimeout> | undefined;

client.onState = (s) => {
  if (s.position > furthest.value) furthest.value = s.position;
  clearTimeout(linkTimer);
  if (!s.running) linkTimer = setTimeout(() => void writeLink(s.position), LINK_DELAY_MS);
};
