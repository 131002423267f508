// Looking at a process without disturbing anything: which process the commands are about, its
// registers, and side-effect-free translations and reads of its virtual memory. A process that is
// not on the CPU has its translation registers loaded for the look only, then put back (that
// touches no counter, TLB entry or page-table bit).
import type { SymbolLookup } from "../../asm/disasm.js";
import type { ElfImage } from "../../hw/elf.js";
import { type MmuEvent, MmuMode, type QuietResult } from "../../hw/mmu.js";
import { makeSatp } from "../../hw/sv32.js";
import { Access } from "../../hw/trap.js";
import { type Proc, ProcState } from "../../kernel/proc.js";
import { StepError } from "./errors.js";
import type { Session } from "./session.js";
import { symbolLookup } from "./symbols.js";

/** The process commands look at: the one on the CPU, else the lowest live pid; undefined if none. */
export function focus(s: Session): Proc | undefined {
  const k = s.world.kernel;
  if (k.current && k.current.state !== ProcState.Zombie) return k.current;
  const live = [...k.procs.values()].filter((p) => p.state !== ProcState.Zombie);
  return live.sort((a, b) => a.pid - b.pid)[0];
}

/** The focus process, or a StepError saying there is none. */
export function needFocus(s: Session): Proc {
  const p = focus(s);
  if (!p) throw new StepError("no process is left (every program has ended; try back)");
  return p;
}

/** A live process by pid, or a StepError. */
export function needProc(s: Session, pid: number): Proc {
  const p = s.world.kernel.procs.get(pid);
  if (!p || p.state === ProcState.Zombie) throw new StepError(`no live process with pid ${pid}`);
  return p;
}

/** Runs `look` with `p`'s address space in the MMU, putting the registers back afterwards. */
export function withSpace<T>(s: Session, p: Proc, look: () => T): T {
  const { kernel, machine } = s.world;
  const mmu = machine.mmu;
  if (kernel.current === p) return look();
  const saved = { mode: mmu.mode, satp: mmu.satp, base: mmu.base, limit: mmu.limit };
  const mode = kernel.memory.mode;
  if (mode === MmuMode.Segmented)
    throw new StepError(
      `pid ${p.pid} is not on the CPU, so its segments are not loaded (step first)`,
    );
  try {
    mmu.setMode(mode);
    if (mode === MmuMode.Paged) mmu.setSatp(makeSatp(p.root, p.asid));
    if (mode === MmuMode.BaseLimit)
      mmu.setBaseLimit(p.blocks[0]?.base ?? 0, p.blocks[0]?.size ?? 0);
    return look();
  } finally {
    mmu.setMode(saved.mode);
    mmu.setSatp(saved.satp);
    mmu.setBaseLimit(saved.base, saved.limit);
  }
}

/** What translating `va` for `access` in `p` would give now, changing nothing. */
export function translateIn(
  s: Session,
  p: Proc,
  va: number,
  access: Access,
  explain?: (e: MmuEvent) => void,
): QuietResult {
  const mmu = s.world.machine.mmu;
  return withSpace(s, p, () => mmu.translateQuietly(va >>> 0, access, explain));
}

/** `count` little-endian words from `va` in `p` as a load sees them (undefined where unmapped). */
export function peekWords(
  s: Session,
  p: Proc,
  va: number,
  count: number,
  size: 1 | 2 | 4,
): (number | undefined)[] {
  const mmu = s.world.machine.mmu;
  return withSpace(s, p, () =>
    Array.from({ length: count }, (_, i) =>
      peekUnit(mmu.peek8.bind(mmu), (va + i * size) >>> 0, size),
    ),
  );
}

function peekUnit(
  peek8: (va: number) => number | undefined,
  va: number,
  size: number,
): number | undefined {
  let value = 0;
  for (let i = size - 1; i >= 0; i--) {
    const b = peek8((va + i) >>> 0);
    if (b === undefined) return undefined;
    value = value * 256 + b;
  }
  return value;
}

/** The process's pc and the instruction word there (undefined if its page is not mapped yet). */
export function instructionAt(s: Session, p: Proc): { pc: number; word: number | undefined } {
  const pc = s.regsOf(p.pid)?.pc ?? p.pc >>> 0;
  const r = translateIn(s, p, pc, Access.Fetch);
  return { pc, word: r.ok ? s.world.machine.ram.peek32(r.pa) : undefined };
}

/** The program image a process runs (by the path it was started or exec'd with). */
export function imageOf(s: Session, p: Proc | undefined): ElfImage | undefined {
  return (p && s.images.get(p.name)) ?? s.setup.images[0];
}

/** Address names for the process's program. */
export function lookupFor(s: Session, p: Proc | undefined): SymbolLookup {
  return symbolLookup(imageOf(s, p));
}

/** The images to search for a label: the focus process's program first, then the others. */
export function imagesFor(s: Session): ElfImage[] {
  const first = imageOf(s, focus(s));
  const rest = [...s.images.values()].filter((i) => i !== first);
  return first ? [first, ...rest] : rest;
}
