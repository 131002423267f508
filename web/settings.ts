// The machine settings the Program pane offers (a subset of `vmlab run`'s options, same names and
// defaults), and the shareable state: program, settings, seed and position in the URL's hash.
import { defaultMachineConfig } from "../hw/machine.js";
import { AdMode, MmuMode, RefillMode } from "../hw/mmu.js";
import { TlbPolicy } from "../hw/tlb.js";
import { FitName } from "../kernel/contiguous/fits.js";
import { defaultKernelOptions } from "../kernel/kernel.js";
import type { MachineOptions } from "../session/boot.js";
import { parseSize, sizeText } from "./format.js";

/** What the Program pane lets the user choose; everything else is `vmlab run`'s default. */
export interface Settings {
  mm: MmuMode;
  /** Physical memory in bytes. */
  ram: number;
  tlb: number;
  /** Ways per set; 0 means fully associative (the CLI's default). */
  tlbWays: number;
  tlbPolicy: TlbPolicy;
  tlbRefill: RefillMode;
  ad: AdMode;
  /** Swap disk in bytes (0: none). */
  swap: number;
  policy: string;
  fit: FitName;
  seed: number;
}

export const MODES = [MmuMode.Bare, MmuMode.BaseLimit, MmuMode.Segmented, MmuMode.Paged] as const;

export const defaultSettings: Settings = {
  mm: MmuMode.Paged,
  ram: defaultMachineConfig.ramSize,
  tlb: defaultMachineConfig.mmu.tlb.entries,
  tlbWays: 0,
  tlbPolicy: TlbPolicy.Lru,
  tlbRefill: RefillMode.Hardware,
  ad: AdMode.Hardware,
  swap: 0,
  policy: "clock",
  fit: FitName.First,
  seed: defaultMachineConfig.seed,
};

/** The session's machine options for the settings (the CLI's defaults for the rest). */
export function machineOptions(s: Settings): MachineOptions {
  return {
    ram: s.ram,
    mm: s.mm,
    tlb: s.tlb,
    ...(s.tlbWays > 0 ? { tlbWays: s.tlbWays } : {}),
    tlbPolicy: s.tlbPolicy,
    tlbRefill: s.tlbRefill,
    ad: s.ad,
    maxSteps: 0,
    quantum: defaultKernelOptions.quantum,
    maxProcs: defaultKernelOptions.maxProcs,
    forkCopy: false,
    fit: s.fit,
    swap: s.swap,
    policy: s.policy,
    seed: s.seed,
    check: false,
  };
}

/** Which program: a bundled one by path, or source the user wrote (named `name`). */
export type ProgramChoice = { kind: "bundled"; path: string } | { kind: "source"; text: string };

/** Everything a shared link restores. */
export interface LinkState {
  program: ProgramChoice;
  settings: Settings;
  /** Steps from the start (see Session.position). */
  position: number;
}

/** The name an edited program gets (the assembler names it in errors). */
export const SOURCE_NAME = "edited.s";

const NUMBER_KEYS = ["tlb", "tlbWays", "seed"] as const;
/** Sizes, written in links as the CLI writes them (512k, 16m). */
const SIZE_KEYS = ["ram", "swap"] as const;
const WORD_KEYS = ["mm", "tlbPolicy", "tlbRefill", "ad", "policy", "fit"] as const;
/** The words each setting may take (the replacement policy is checked when the program loads). */
const WORDS: Record<Exclude<(typeof WORD_KEYS)[number], "policy">, readonly string[]> = {
  mm: MODES,
  tlbPolicy: Object.values(TlbPolicy),
  tlbRefill: Object.values(RefillMode),
  ad: Object.values(AdMode),
  fit: Object.values(FitName),
};

/** The hash for a state: only settings that differ from the defaults are written. */
export async function encodeLink(state: LinkState): Promise<string> {
  const q = new URLSearchParams();
  if (state.program.kind === "bundled") q.set("p", state.program.path);
  else q.set("src", await compress(state.program.text));
  for (const k of [...NUMBER_KEYS, ...WORD_KEYS])
    if (state.settings[k] !== defaultSettings[k]) q.set(k, String(state.settings[k]));
  for (const k of SIZE_KEYS)
    if (state.settings[k] !== defaultSettings[k]) q.set(k, sizeText(state.settings[k]));
  if (state.position > 0) q.set("at", String(state.position));
  return `#${q.toString()}`;
}

/** The state a hash describes; unknown or malformed values fall back to the defaults. */
export async function decodeLink(hash: string, fallback: string): Promise<LinkState> {
  const q = new URLSearchParams(hash.replace(/^#/, ""));
  const src = q.get("src");
  let program: ProgramChoice = { kind: "bundled", path: q.get("p") ?? fallback };
  if (src !== null) {
    const text = await decompress(src);
    if (text !== undefined) program = { kind: "source", text };
  }
  const settings: Settings = { ...defaultSettings };
  for (const k of NUMBER_KEYS) {
    const v = Number(q.get(k));
    if (q.has(k) && Number.isSafeInteger(v) && v >= 0) settings[k] = v;
  }
  for (const k of SIZE_KEYS) {
    const v = parseSize(q.get(k) ?? "");
    if (v !== undefined) settings[k] = v;
  }
  for (const k of WORD_KEYS) {
    const v = q.get(k);
    const allowed = k === "policy" || (v !== null && WORDS[k].includes(v));
    if (v !== null && allowed) (settings as unknown as Record<string, string>)[k] = v;
  }
  const at = Number(q.get("at") ?? 0);
  return { program, settings, position: Number.isSafeInteger(at) && at > 0 ? at : 0 };
}

/** Text deflated and written as base64url (so a pasted program fits in a link). */
async function compress(text: string): Promise<string> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** The text `compress` made, or undefined if the data is damaged. */
async function decompress(data: string): Promise<string | undefined> {
  try {
    const binary = atob(data.replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return await new Response(stream).text();
  } catch {
    return undefined;
  }
}
