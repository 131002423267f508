// `--mm bare`: no translation at all (physical = virtual), as on a machine without an MMU. The
// program is loaded at its linked addresses in physical memory and the stack ends at the top of
// RAM. One process only, and nothing protects memory: this is the baseline the other schemes
// improve on.

import { hex32 } from "../hw/hex.js";
import type { Machine } from "../hw/machine.js";
import { MmuMode } from "../hw/mmu.js";
import type { Ram } from "../hw/ram.js";
import { Errno } from "./abi.js";
import { pageUp } from "./aspace.js";
import type { ExecArgs, MemoryModel } from "./memory.js";
import type { FaultResult } from "./paging/context.js";
import type { Proc } from "./proc.js";
import { buildInitialStack } from "./stack.js";

export class BareMemory implements MemoryModel {
  readonly mode = MmuMode.Bare;
  private readonly machine: Machine;
  readonly ram: Ram;
  private readonly stackLimit: number;
  private loaded = false;

  constructor(machine: Machine, stackLimit: number) {
    this.machine = machine;
    this.ram = machine.ram;
    this.stackLimit = stackLimit;
  }

  exec(p: Proc, a: ExecArgs): string | undefined {
    if (this.loaded) return "bare mode runs one program (use --mm paged for several processes)";
    const ram = this.machine.ram;
    let end = 0;
    for (const s of a.image.segments) {
      if (s.vaddr + s.memsz > ram.size) {
        return `segment at ${hex32(s.vaddr)} (${s.memsz} bytes) does not fit in ${ram.size / 1024} KiB of RAM (bare mode loads at the linked address): raise --ram`;
      }
      end = Math.max(end, s.vaddr + s.memsz);
    }
    const room = Math.min(this.stackLimit, ram.size - pageUp(end));
    const stack = buildInitialStack(
      { top: ram.size, argv: a.argv, envp: a.envp, entry: a.image.entry, random: a.random },
      room,
    );
    if (!stack)
      return `no room for the stack between the program's end (${hex32(end)}) and the top of RAM: raise --ram`;
    for (const s of a.image.segments) {
      ram.writeBytes(s.vaddr, s.data);
      ram.zero(s.vaddr + s.data.length, s.memsz - s.data.length);
    }
    ram.writeBytes(stack.sp, stack.bytes);
    p.brkStart = p.brk = pageUp(end);
    p.stackLow = ram.size - room;
    p.regs.fill(0);
    p.regs[2] = stack.sp;
    p.pc = a.image.entry;
    this.loaded = true;
    return undefined;
  }

  activate(): void {
    this.machine.mmu.setMode(MmuMode.Bare);
  }

  fork(): boolean {
    return false;
  }

  release(): void {}

  fault(): FaultResult {
    return { ok: false, reason: "no memory there" };
  }

  userPa(_p: Proc, va: number): number {
    return va < this.machine.ram.size ? va : -1;
  }

  brk(p: Proc, addr: number): number {
    if (addr >= p.brkStart && addr <= p.stackLow) p.brk = addr;
    return p.brk;
  }

  mmap(): number {
    return -Errno.ENOMEM;
  }

  munmap(): number {
    return -Errno.EINVAL;
  }

  mprotect(): number {
    return -Errno.ENOMEM;
  }
}
