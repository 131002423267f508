// System calls: ecall with the number in a7, arguments in a0..a5, the result (or -errno) in a0.

import { Access } from "../hw/trap.js";
import { Errno, Sys } from "./abi.js";
import type { Kernel } from "./kernel.js";
import { copyIn, copyOut, userRangeOk } from "./uaccess.js";

export type SyscallOutcome = { kind: "return"; value: number } | { kind: "exit"; code: number };

const A0 = 10;
const A7 = 17;
/** The most one read or write moves at a time (Linux caps at 0x7ffff000; smaller keeps us quick). */
const IO_CHUNK = 1 << 20;

type Handler = (k: Kernel, a: Int32Array) => SyscallOutcome;

const ret = (value: number): SyscallOutcome => ({ kind: "return", value });

const handlers: Record<number, Handler> = {
  [Sys.write]: sysWrite,
  [Sys.read]: sysRead,
  [Sys.exit]: (_k, a) => ({ kind: "exit", code: a[A0]! }),
  [Sys.exitGroup]: (_k, a) => ({ kind: "exit", code: a[A0]! }),
  [Sys.getpid]: (k) => ret(k.current?.pid ?? 0),
};

/** Dispatches the syscall in a7; an unknown number returns -ENOSYS. */
export function syscall(k: Kernel, x: Int32Array): SyscallOutcome {
  const h = handlers[x[A7]!];
  return h ? h(k, x) : ret(-Errno.ENOSYS);
}

function sysWrite(k: Kernel, a: Int32Array): SyscallOutcome {
  const fd = a[A0]!;
  const buf = a[A0 + 1]! >>> 0;
  const count = Math.min(a[A0 + 2]! >>> 0, IO_CHUNK);
  if (fd !== 1 && fd !== 2) return ret(-Errno.EBADF);
  const bytes = copyIn(k.machine.mmu, buf, count);
  if (!bytes) return ret(-Errno.EFAULT);
  k.host.write(fd, bytes);
  return ret(count);
}

function sysRead(k: Kernel, a: Int32Array): SyscallOutcome {
  const fd = a[A0]!;
  const buf = a[A0 + 1]! >>> 0;
  const count = Math.min(a[A0 + 2]! >>> 0, IO_CHUNK);
  if (fd !== 0) return ret(-Errno.EBADF);
  if (count === 0) return ret(0);
  // Check the buffer before consuming input, so a bad pointer loses no data.
  if (!userRangeOk(k.machine.mmu, buf, count, Access.Store)) return ret(-Errno.EFAULT);
  const data = k.host.readStdin(count);
  if (!copyOut(k.machine.mmu, buf, data)) return ret(-Errno.EFAULT);
  return ret(data.length);
}
