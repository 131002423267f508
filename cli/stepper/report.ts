// How a step reads: the instruction line, then everything that happened in order (each
// translation explained step by step, what the kernel did, the guest's output), then the registers
// the instruction changed.
import { disassemble, type SymbolLookup } from "../../asm/disasm.js";
import { registerName } from "../../asm/isa.js";
import { hex, hex32 } from "../../hw/hex.js";
import { type MmuEvent, MmuMode } from "../../hw/mmu.js";
import { formatKernelEvent, formatMmuEvent } from "../../session/explain.js";
import {
  type Note,
  PC,
  type RegChange,
  type Session,
  type StepReport,
} from "../../session/step/session.js";
import { fieldsOf } from "../../session/view/address.js";
import type { Paint } from "./colour.js";

const INDENT = "    ";

/** One line for one translation step (all of them: TLB, walk, check, A/D, fill, result). */
export function mmuLine(e: MmuEvent): string | undefined {
  return formatMmuEvent(e, { mmu: true, tlb: true });
}

/** A note as a printable line (coloured by kind), or undefined if it shows nothing. */
export function noteLine(n: Note, paint: Paint): string | undefined {
  switch (n.kind) {
    case "mmu": {
      const line = mmuLine(n.e);
      if (line === undefined) return undefined;
      return INDENT + (n.e.kind === "fault" ? paint("red", line) : line);
    }
    case "kernel":
      return INDENT + paint("yellow", `kernel: ${formatKernelEvent(n.e)}`);
    case "guest":
      return guestLine(n.fd, n.line, paint);
    case "message":
      return paint("red", `[vmlab] ${n.line}`);
  }
}

/** A line the guest wrote, marked as the guest's. */
export function guestLine(fd: 1 | 2, line: string, paint: Paint): string {
  return paint("green", fd === 1 ? `guest| ${line}` : `guest stderr| ${line}`);
}

/** The instruction line: a prefix (count or arrow), pid, address, label, encoding, disassembly. */
export function instructionLine(
  prefix: string,
  pid: number,
  pc: number,
  word: number | undefined,
  lookup: SymbolLookup,
  paint: Paint,
): string {
  const label = lookup(pc);
  const where = `${hex32(pc)}${label ? ` <${label}>` : ""}`;
  const code =
    word === undefined
      ? "(not mapped yet)"
      : `${(word >>> 0).toString(16).padStart(8, "0")}  ${disassemble(word, pc, lookup)}`;
  return `${paint("bold", prefix)} pid ${pid}  ${paint("cyan", where)}  ${paint("bold", code)}`;
}

/** The whole printout of one traced step. */
export function formatStep(
  s: Session,
  r: StepReport,
  count: number,
  lookup: SymbolLookup,
  paint: Paint,
): string[] {
  const f = r.fetched;
  const head = f
    ? instructionLine(`[${count}]`, f.pid, f.pc, f.word, lookup, paint)
    : `${paint("bold", "[-]")} no instruction completed`;
  const lines = [head];
  for (const n of r.notes) {
    const line = noteLine(n, paint);
    if (line !== undefined) lines.push(line);
    const split =
      n.kind === "mmu" && n.e.kind === "start" ? splitLine(s, n.e.mode, n.e.va) : undefined;
    if (split !== undefined) lines.push(INDENT + split);
  }
  if (f && r.fromPid !== null && r.fromPid !== f.pid)
    lines.push(
      `${INDENT}context switch: pid ${r.fromPid} -> pid ${f.pid}; changes are against pid ${f.pid}'s saved registers`,
    );
  if (f && r.changes === null) lines.push(`${INDENT}pid ${f.pid} has ended`);
  for (const c of r.changes ?? []) lines.push(INDENT + regChangeLine(c, paint));
  return lines;
}

/**
 * The address a translation starts from, split into the fields the scheme uses (Sv32: VPN[1] |
 * VPN[0] | offset, the indexes the walk below uses at each level; segmented: segment | offset);
 * undefined under bare and base-limit, where the whole address is the offset.
 */
export function splitLine(s: Session, mode: MmuMode, va: number): string | undefined {
  if (mode !== MmuMode.Paged && mode !== MmuMode.Segmented) return undefined;
  const fields = fieldsOf(s, mode, va).map(
    (f) => `${f.name} (bits ${f.hi}-${f.lo}) ${hex(f.value)}`,
  );
  return `  va ${hex32(va)} = ${fields.join(" | ")}`;
}

function regChangeLine(c: RegChange, paint: Paint): string {
  const name = c.reg === PC ? "pc" : registerName(c.reg);
  const note = c.reg === PC ? " (jump)" : "";
  return paint("magenta", `${name.padEnd(4)} ${hex32(c.before)} -> ${hex32(c.after)}${note}`);
}
