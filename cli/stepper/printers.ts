// The stepper's dumps: registers, memory (virtual and physical), the page table (xv6 vmprint
// style), the TLB, the memory map, the process table and the counters. Each returns lines.
import { disassemble } from "../../asm/disasm.js";
import { registerName } from "../../asm/isa.js";
import { hex, hex32, hexDigits } from "../../hw/hex.js";
import { MmuMode } from "../../hw/mmu.js";
import { makeSatp, pteFlagString } from "../../hw/sv32.js";
import { renderMemoryMap } from "../../kernel/memmap.js";
import { type Proc, ProcState } from "../../kernel/proc.js";
import { collectStats, fixedCounters } from "../../session/stats.js";
import { StepError } from "../../session/step/errors.js";
import { lookupFor, peekWords } from "../../session/step/inspect.js";
import type { Session } from "../../session/step/session.js";
import { paintMemoryMap } from "../paint.js";
import { printStats } from "../stats.js";
import type { Paint } from "./colour.js";

/** All 32 registers of `p` by ABI name, four to a line, after its pc. */
export function regsLines(s: Session, p: Proc): string[] {
  const r = s.regsOf(p.pid);
  if (!r) return [`pid ${p.pid} has ended`];
  const label = lookupFor(s, p)(r.pc);
  const lines = [`pid ${p.pid}  pc ${hex32(r.pc)}${label ? ` <${label}>` : ""}`];
  for (let row = 0; row < 8; row++) {
    const cells = [0, 1, 2, 3].map((c) => {
      const n = row * 4 + c;
      return `${registerName(n).padEnd(4)} ${hex32(r.x[n]!)}`;
    });
    lines.push(cells.join("  "));
  }
  return lines;
}

/** Units per line in x and xp dumps, by unit size. */
const PER_LINE: Record<1 | 2 | 4, number> = { 1: 8, 2: 8, 4: 4 };

/** Lines of a memory dump: address (and label) then the values; unmapped units as "--". */
export function dumpLines(
  start: number,
  values: (number | undefined)[],
  size: 1 | 2 | 4,
  label: (addr: number) => string | undefined,
): string[] {
  const lines: string[] = [];
  const per = PER_LINE[size];
  for (let i = 0; i < values.length; i += per) {
    const addr = (start + i * size) >>> 0;
    const name = label(addr);
    const row = values.slice(i, i + per);
    const cells = row.map((v) =>
      v === undefined ? "-".repeat(2 + size * 2).padStart(2 + size * 2) : hex(v, size * 2),
    );
    const text = row.map((v) => asciiOf(v, size)).join("");
    lines.push(`${hex32(addr)}${name ? ` <${name}>` : ""}:  ${cells.join("  ")}  |${text}|`);
  }
  if (values.includes(undefined)) lines.push("(-- : not mapped: a load there would fault)");
  return lines;
}

/** A unit's bytes as text, in memory order (little-endian): printable ASCII, else '.'; unmapped ' '. */
function asciiOf(v: number | undefined, size: 1 | 2 | 4): string {
  let text = "";
  for (let b = 0; b < size; b++) {
    const byte = v === undefined ? undefined : Math.floor(v / 256 ** b) % 256;
    text +=
      byte === undefined ? " " : byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : ".";
  }
  return text;
}

/** Longest string x/s prints before it gives up on finding the NUL. */
const MAX_STRING = 256;
/** How C writes the common control characters in a string literal. */
const ESCAPES: Record<number, string> = { 9: "\\t", 10: "\\n", 13: "\\r", 34: '\\"', 92: "\\\\" };

/**
 * x/Ns: `count` NUL-terminated strings of `p` from `va`, one after another, C-escaped; a string
 * that reaches unmapped memory or MAX_STRING bytes says so.
 */
export function stringLines(s: Session, p: Proc, va: number, count: number): string[] {
  const lookup = lookupFor(s, p);
  const lines: string[] = [];
  let at = va >>> 0;
  for (let n = 0; n < count; n++) {
    const bytes = peekWords(s, p, at, MAX_STRING + 1, 1);
    const end = bytes.findIndex((b) => b === undefined || b === 0);
    const stop = end < 0 ? MAX_STRING : end;
    const text = bytes
      .slice(0, stop)
      .map((b) => escapeByte(b!))
      .join("");
    const why =
      end < 0
        ? ` ... (no NUL in ${MAX_STRING} bytes)`
        : bytes[end] === undefined
          ? " ... (not mapped)"
          : "";
    const label = lookup(at);
    lines.push(`${hex32(at)}${label ? ` <${label}>` : ""}:  "${text}"${why}`);
    if (end < 0 || bytes[end] === undefined) break;
    at = (at + end + 1) >>> 0;
  }
  return lines;
}

function escapeByte(b: number): string {
  const e = ESCAPES[b];
  if (e !== undefined) return e;
  return b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${hexDigits(b, 2)}`;
}

/** x/N: virtual memory of `p` as its loads would see it. */
export function examineLines(
  s: Session,
  p: Proc,
  va: number,
  count: number,
  size: 1 | 2 | 4,
): string[] {
  return dumpLines(va, peekWords(s, p, va, count, size), size, lookupFor(s, p));
}

/** x/Ni: `count` instructions of `p` from `va`, disassembled. */
export function disassemblyLines(s: Session, p: Proc, va: number, count: number): string[] {
  const lookup = lookupFor(s, p);
  const words = peekWords(s, p, va, count, 4);
  return words.map((w, i) => {
    const pc = (va + 4 * i) >>> 0;
    const label = lookup(pc);
    const code =
      w === undefined ? "(not mapped)" : `${hexDigits(w, 8)}  ${disassemble(w, pc, lookup)}`;
    return `${hex32(pc)}${label ? ` <${label}>` : ""}:  ${code}`;
  });
}

/** xp/N: physical memory; a StepError if the range leaves RAM. */
export function examinePhysicalLines(
  s: Session,
  pa: number,
  count: number,
  size: 1 | 2 | 4,
): string[] {
  const ram = s.world.machine.ram;
  if (pa >= ram.size)
    throw new StepError(`bad physical address ${hex32(pa)}: RAM ends at ${hex32(ram.size)}`);
  if (pa + count * size > ram.size)
    throw new StepError(
      `${count} units from ${hex32(pa)} run past the end of RAM at ${hex32(ram.size)}`,
    );
  const values = Array.from({ length: count }, (_, i) => {
    let v = 0;
    for (let b = size - 1; b >= 0; b--) v = v * 256 + ram.u8[pa + i * size + b]!;
    return v;
  });
  return dumpLines(pa, values, size, () => undefined);
}

/**
 * The page table of `p` as the kernel's vmprint prints it (xv6 style: level-1 entries, then the
 * level-0 entries under each; a lab's own vmprint if one is plugged in), after who it belongs to.
 */
export function pageTableLines(s: Session, p: Proc): string[] {
  const { kernel, machine } = s.world;
  const mode = kernel.memory.mode;
  if (mode !== MmuMode.Paged) return noPageTable(s, mode, p);
  const dump = kernel.options.plugins.pageTable.vmprint(machine.ram, p.root);
  return [
    `pid ${p.pid}, asid ${p.asid}, satp ${hex32(makeSatp(p.root, p.asid))}:`,
    ...dump.trimEnd().split("\n"),
  ];
}

function noPageTable(s: Session, mode: MmuMode, p: Proc): string[] {
  if (mode === MmuMode.Bare) return [`no page table under --mm bare: physical = virtual`];
  const what = mode === MmuMode.BaseLimit ? "base and limit registers" : "segment registers";
  const registers = s.world.kernel.memory.relocationOf?.(p) ?? [];
  const width = Math.max(...registers.map((r) => r.name.length));
  return [
    `no page table under --mm ${mode}; pid ${p.pid}'s ${what} (as the trace shows them):`,
    ...registers.map(
      (r, i) =>
        `  ${i} ${r.name.padEnd(width)}  base ${hex32(r.base)}  limit ${hex32(r.limit)}  ${r.growsDown ? "grows down" : "grows up  "}  (block of ${hex(r.reserved)} bytes reserved)`,
    ),
  ];
}

/** The valid TLB entries with their replacement stamps, after a line describing the TLB. */
export function tlbLines(s: Session): string[] {
  const mmu = s.world.machine.mmu;
  const tlb = mmu.tlb;
  const entries = tlb.contents();
  const shape =
    tlb.ways === tlb.entries
      ? "fully associative"
      : tlb.ways === 1
        ? "direct-mapped"
        : `${tlb.ways}-way`;
  const lines = [
    `TLB: ${tlb.entries} entries, ${shape}, ${tlb.policy}, ${mmu.refill} refill; ${entries.length} valid; current asid ${mmu.asid}`,
  ];
  if (entries.length === 0) return [...lines, "(empty)"];
  lines.push("set  way  vpn      ppn       asid  flags     G  mega  pte @       lru");
  for (const e of entries) {
    const cells = [
      String(e.set).padStart(3),
      String(e.way).padStart(3),
      hex(e.vpn, 5),
      hex(e.ppn, 6),
      String(e.asid).padStart(4),
      pteFlagString(e.flags),
      e.global ? "G" : "-",
      (e.megapage ? "yes" : "-").padEnd(4),
      hex32(e.pteAddr),
      String(tlb.stamps[e.index + 1]),
    ];
    lines.push(cells.join("  "));
  }
  return lines;
}

/** The physical memory map; owners in colour when `paint` is on (as vmlab run --memmap). */
export function memmapLines(s: Session, paint: Paint): string[] {
  return paintMemoryMap(renderMemoryMap(s.world.kernel.frames), paint).trimEnd().split("\n");
}

/** The process table: live processes (the one on the CPU marked *) and how ended ones ended. */
export function procsLines(s: Session): string[] {
  const k = s.world.kernel;
  const lines = ["  pid  ppid  state     asid  pc          rss  instructions  program"];
  for (const p of k.procs.values()) {
    const r = s.regsOf(p.pid);
    lines.push(
      [
        `${k.current === p ? "*" : " "}${String(p.pid).padStart(4)}`,
        String(p.ppid).padStart(4),
        p.state.padEnd(8),
        String(p.asid).padStart(4),
        p.state === ProcState.Zombie ? "-".padEnd(10) : hex32(r?.pc ?? p.pc),
        String(p.rss).padStart(3),
        String(p.instructions).padStart(12),
        p.name,
      ].join("  "),
    );
  }
  for (const [pid, how] of k.topLevelExits)
    lines.push(`  pid ${pid} ended: ${how.kind === "exited" ? `exit(${how.code})` : how.reason}`);
  if (k.procs.size === 0 && k.topLevelExits.size === 0) lines.push("(no processes)");
  return lines;
}

/** The hardware and kernel counters, as `vmlab run --stats` prints them. */
export function statsLines(s: Session): string[] {
  let text = "";
  const capture = {
    stderr: (d: string | Uint8Array) =>
      void (text += typeof d === "string" ? d : new TextDecoder().decode(d)),
  };
  const { machine, kernel } = s.world;
  printStats(capture, collectStats(machine, kernel), false, fixedCounters(machine, kernel));
  return text.trimEnd().split("\n");
}
