// System calls: ecall with the number in a7, arguments in a0..a5, the result (or -errno) in a0.
// A handler returns the value for a0, BLOCK to sleep and run the ecall again when woken, or
// NO_RESULT when a0 must stay as it is (exit, a successful execve).
//
// Unlike the other kernel pieces, which name a narrow context (TrapContext, SchedContext,
// VmContext, ...), the system calls are handed the whole Kernel: between them they reach the
// memory model, the process table, the scheduler's queue, the host's streams, the program loader
// and the tracer (fork, execve and wait4 need most of it at once).
import { Access } from "../hw/trap.js";
import { Errno, Signal, Sys, signalName } from "./abi.js";
import { AddressSpace } from "./aspace.js";
import type { Kernel } from "./kernel.js";
import type { ExecArgs } from "./memory.js";
import { type Proc, type ProcessExit, ProcState } from "./proc.js";
import { copyIn, copyInStr, copyInWord, copyOut, copyOutWords } from "./protection.js";

const A0 = 10;
const A7 = 17;
const BLOCK = Symbol("block");
const NO_RESULT = Symbol("no result");
type Result = number | typeof BLOCK | typeof NO_RESULT;
type Handler = (k: Kernel, p: Proc, a: Int32Array) => Result;

/** The most one read or write moves at a time. */
const IO_CHUNK = 1 << 20;
const PATH_MAX = 4096;
const ARG_MAX = 128 * 1024;
const WNOHANG = 1;
const WEXITED = 4;
const WNOWAIT = 0x0100_0000;
const P_ALL = 0;
const P_PID = 1;
const CLD_EXITED = 1;
const CLD_KILLED = 2;
/** Signals whose default action is to do nothing. */
const IGNORED_SIGNALS = new Set([
  Signal.SIGCHLD,
  18 /* SIGCONT */,
  23 /* SIGURG */,
  28 /* SIGWINCH */,
]);

const arg = (a: Int32Array, i: number) => a[A0 + i]!;
const uarg = (a: Int32Array, i: number) => a[A0 + i]! >>> 0;

const handlers: Record<number, Handler> = {
  [Sys.read]: sysRead,
  [Sys.write]: sysWrite,
  [Sys.exit]: sysExit,
  [Sys.exitGroup]: sysExit,
  [Sys.getpid]: (_k, p) => p.pid,
  [Sys.getppid]: (_k, p) => p.ppid,
  [Sys.schedYield]: (k) => {
    k.yieldNow = true;
    return 0;
  },
  [Sys.brk]: (k, p, a) => k.memory.brk(p, uarg(a, 0)),
  [Sys.mmap]: (k, p, a) => k.memory.mmap(p, uarg(a, 0), uarg(a, 1), arg(a, 2), arg(a, 3)),
  [Sys.munmap]: (k, p, a) => k.memory.munmap(p, uarg(a, 0), uarg(a, 1)),
  [Sys.mprotect]: (k, p, a) => k.memory.mprotect(p, uarg(a, 0), uarg(a, 1), arg(a, 2)),
  [Sys.clone]: sysClone,
  [Sys.execve]: sysExecve,
  [Sys.wait4]: sysWait4,
  [Sys.waitid]: sysWaitid,
  [Sys.kill]: sysKill,
};

/** Names for traces, from the numbers in Sys. */
const syscallNames: Record<number, string> = Object.fromEntries(
  Object.entries(Sys).map(([name, nr]) => [
    nr,
    name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`),
  ]),
);

/** Serves the ecall at `epc` made by the running process `p`; unknown numbers get -ENOSYS. */
export function syscall(k: Kernel, p: Proc, epc: number): void {
  const cpu = k.machine.cpu;
  const x = cpu.x;
  cpu.pc = (epc + 4) | 0;
  const nr = x[A7]!;
  const args = k.tracer ? Array.from(x.subarray(A0, A0 + 6), (v) => v >>> 0) : [];
  // A call that ends the process is traced before it runs: its line precedes the frees it causes.
  const ends = nr === Sys.exit || nr === Sys.exitGroup;
  if (k.tracer && ends) traceSyscall(k, p, nr, args, NO_RESULT);
  const h = handlers[nr];
  const r = h ? h(k, p, x) : -Errno.ENOSYS;
  if (k.tracer && !ends) traceSyscall(k, p, nr, args, r);
  if (r === BLOCK) {
    cpu.pc = epc;
    p.state = ProcState.Blocked;
  } else if (r !== NO_RESULT && !p.exit) {
    x[A0] = r;
  }
}

/** Sends the tracer the syscall event for call `nr` with `args` (a0..a5) and its result. */
function traceSyscall(k: Kernel, p: Proc, nr: number, args: number[], r: Result): void {
  k.emit({
    kind: "syscall",
    pid: p.pid,
    name: syscallNames[nr] ?? `syscall ${nr}`,
    args,
    result: r === BLOCK ? "blocked" : r === NO_RESULT ? "none" : r,
  });
}

function sysExit(k: Kernel, p: Proc, a: Int32Array): Result {
  k.exit(p, { kind: "exited", code: arg(a, 0) & 0xff });
  return NO_RESULT;
}

function sysWrite(k: Kernel, p: Proc, a: Int32Array): Result {
  const fd = arg(a, 0);
  const count = Math.min(uarg(a, 2), IO_CHUNK);
  if (fd !== 1 && fd !== 2) return -Errno.EBADF;
  const bytes = copyIn(k.memory, p, uarg(a, 1), count);
  if (!bytes) return -Errno.EFAULT;
  k.host.write(fd, bytes);
  return count;
}

function sysRead(k: Kernel, p: Proc, a: Int32Array): Result {
  const buf = uarg(a, 1);
  const count = Math.min(uarg(a, 2), IO_CHUNK);
  if (arg(a, 0) !== 0) return -Errno.EBADF;
  if (count === 0) return 0;
  // Make sure the whole buffer is writable before taking input, so a bad pointer loses no data.
  for (let at = buf; at < buf + count; at = (at | 0xfff) + 1) {
    if (k.memory.userPa(p, at, Access.Store) < 0) return -Errno.EFAULT;
  }
  const data = k.host.readStdin(count);
  return copyOut(k.memory, p, buf, data) ? data.length : -Errno.EFAULT;
}

/** clone with fork semantics only: flags may hold just the exit signal (SIGCHLD). */
function sysClone(k: Kernel, p: Proc, a: Int32Array): Result {
  if ((arg(a, 0) & ~0xff) !== 0) return -Errno.EINVAL;
  if (k.procs.size >= k.options.maxProcs) return -Errno.EAGAIN;
  const child = k.newProcess(p.pid, p.name);
  if (!child) return -Errno.EAGAIN;
  if (!k.memory.fork(p, child)) {
    k.memory.release(child);
    k.exit(child, { kind: "exited", code: 0 });
    k.forget(child);
    return -Errno.ENOMEM;
  }
  const cpu = k.machine.cpu;
  child.regs.set(cpu.x);
  child.regs[A0] = 0;
  if (uarg(a, 1) !== 0) child.regs[2] = arg(a, 1);
  child.pc = cpu.pc;
  k.makeRunnable(child);
  return child.pid;
}

function sysExecve(k: Kernel, p: Proc, a: Int32Array): Result {
  const path = copyInStr(k.memory, p, uarg(a, 0), PATH_MAX);
  if (path === "fault") return -Errno.EFAULT;
  if (path === "too long") return -Errno.ENAMETOOLONG;
  const argv = readStringArray(k, p, uarg(a, 1));
  const envp = readStringArray(k, p, uarg(a, 2));
  if (typeof argv === "number") return argv;
  if (typeof envp === "number") return envp;
  const image = k.loadProgram(path);
  if (typeof image === "string") {
    k.host.message(`pid ${p.pid} execve ${path}: ${image}`);
    if (image.includes("no such file")) return -Errno.ENOENT;
    // As Linux: a directory, device or FIFO is not executable (and is never read).
    if (/not a regular file|is a directory/.test(image)) return -Errno.EACCES;
    return -Errno.ENOEXEC;
  }
  return replaceImage(k, p, path, { image, argv, envp, random: k.randomBytes() });
}

/**
 * execve's second half: builds the new image for `p` and frees the old one only once the new one
 * is complete; on failure the old one is put back (-ENOMEM). While the new image is built the old
 * one is detached from `p` but still listed in `k.detached`, so the swapper can evict its pages
 * (they may be all there is to evict) and keeps its resident count.
 */
function replaceImage(k: Kernel, p: Proc, path: string, args: ExecArgs): Result {
  const previous: Proc = { ...p, regs: p.regs.slice() };
  k.detached.add(previous);
  p.root = 0;
  p.blocks = [];
  p.space = new AddressSpace();
  p.rss = 0;
  const error = k.memory.exec(p, args);
  k.detached.delete(previous);
  if (p.exit) {
    // The OOM killer chose this process while exec faulted its stack in: its new image went
    // with it; the old one goes too.
    k.memory.release(previous);
    return NO_RESULT;
  }
  if (error) {
    k.memory.release({ ...p });
    const { blocks, root, space, rss, brkStart, brk, stackLow, pc } = previous;
    Object.assign(p, { blocks, root, space, rss, brkStart, brk, stackLow, pc });
    p.regs.set(previous.regs);
    k.host.message(`pid ${p.pid} execve ${path}: ${error}`);
    return -Errno.ENOMEM;
  }
  k.memory.release(previous);
  p.name = path;
  k.current = null;
  k.switchTo(p);
  return NO_RESULT;
}

/** A NULL-terminated array of string pointers (argv, envp); -errno on a bad pointer or size. */
function readStringArray(k: Kernel, p: Proc, va: number): string[] | number {
  const out: string[] = [];
  if (va === 0) return out;
  let total = 0;
  for (let i = 0; ; i++) {
    const ptr = copyInWord(k.memory, p, va + i * 4);
    if (ptr === null) return -Errno.EFAULT;
    if (ptr === 0) return out;
    const s = copyInStr(k.memory, p, ptr, ARG_MAX);
    if (s === "fault") return -Errno.EFAULT;
    total += s.length + 5;
    if (s === "too long" || total > ARG_MAX) return -Errno.E2BIG;
    out.push(s);
  }
}

/** Finds a child of `p` matching `pid` (-1 = any) that has ended, without reaping it. */
function waitable(k: Kernel, p: Proc, pid: number): Proc | "none" | "running" {
  let any = false;
  for (const c of k.procs.values()) {
    if (c.ppid !== p.pid || (pid !== -1 && c.pid !== pid)) continue;
    any = true;
    if (c.state === ProcState.Zombie) return c;
  }
  return any ? "running" : "none";
}

/** wait(2)'s status word: exit code in bits 15..8, or the signal in bits 6..0. */
function waitStatus(e: ProcessExit): number {
  return e.kind === "exited" ? (e.code & 0xff) << 8 : e.signal & 0x7f;
}

function sysWait4(k: Kernel, p: Proc, a: Int32Array): Result {
  const pid = arg(a, 0) <= 0 ? -1 : arg(a, 0);
  const found = waitable(k, p, pid);
  if (found === "none") return -Errno.ECHILD;
  if (found === "running") return arg(a, 2) & WNOHANG ? 0 : BLOCK;
  const status = uarg(a, 1);
  if (status !== 0 && !copyOutWords(k.memory, p, status, [waitStatus(found.exit!)]))
    return -Errno.EFAULT;
  k.forget(found);
  return found.pid;
}

function sysWaitid(k: Kernel, p: Proc, a: Int32Array): Result {
  const [idtype, id, infop, options] = [arg(a, 0), arg(a, 1), uarg(a, 2), arg(a, 3)];
  if ((options & WEXITED) === 0 || (idtype !== P_ALL && idtype !== P_PID)) return -Errno.EINVAL;
  const found = waitable(k, p, idtype === P_PID ? id : -1);
  if (found === "none") return -Errno.ECHILD;
  if (found === "running") {
    if ((options & WNOHANG) === 0) return BLOCK;
    return infop !== 0 && !copyOut(k.memory, p, infop, new Uint8Array(32)) ? -Errno.EFAULT : 0;
  }
  const e = found.exit!;
  const info = [
    Signal.SIGCHLD,
    0,
    e.kind === "exited" ? CLD_EXITED : CLD_KILLED,
    found.pid,
    0,
    e.kind === "exited" ? e.code : e.signal,
  ];
  if (infop !== 0 && !copyOutWords(k.memory, p, infop, info)) return -Errno.EFAULT;
  if ((options & WNOWAIT) === 0) k.forget(found);
  return 0;
}

function sysKill(k: Kernel, p: Proc, a: Int32Array): Result {
  const [pid, sig] = [arg(a, 0), arg(a, 1)];
  if (sig < 0 || sig > 64) return -Errno.EINVAL;
  if (pid <= 0) return -Errno.EINVAL;
  const target = k.procs.get(pid);
  if (!target) return -Errno.ESRCH;
  if (sig === 0 || target.exit || IGNORED_SIGNALS.has(sig as Signal)) return 0;
  k.counters.killed++;
  k.host.message(`pid ${pid} killed by pid ${p.pid} (${signalName(sig)})`);
  k.exit(target, { kind: "killed", signal: sig as Signal, reason: `killed by pid ${p.pid}` });
  return target === p ? NO_RESULT : 0;
}
