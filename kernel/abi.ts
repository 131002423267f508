// The guest ABI: Linux rv32 syscall numbers, errno values and signals (asm-generic numbering).

export const Sys = {
  read: 63,
  write: 64,
  exit: 93,
  exitGroup: 94,
  waitid: 95,
  schedYield: 124,
  kill: 129,
  getpid: 172,
  getppid: 173,
  brk: 214,
  munmap: 215,
  clone: 220,
  execve: 221,
  mmap: 222,
  mprotect: 226,
  wait4: 260,
} as const;

export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EINTR: 4,
  E2BIG: 7,
  ENOEXEC: 8,
  EBADF: 9,
  ECHILD: 10,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  ENODEV: 19,
  EINVAL: 22,
  ENAMETOOLONG: 36,
  ENOSYS: 38,
} as const;

export const Signal = {
  SIGILL: 4,
  SIGTRAP: 5,
  SIGBUS: 7,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGTERM: 15,
  SIGCHLD: 17,
  SIGXCPU: 24,
} as const;
export type Signal = (typeof Signal)[keyof typeof Signal];

const signalNames: Record<number, string> = {
  4: "SIGILL",
  5: "SIGTRAP",
  7: "SIGBUS",
  9: "SIGKILL",
  11: "SIGSEGV",
  15: "SIGTERM",
  17: "SIGCHLD",
  24: "SIGXCPU",
};

export function signalName(sig: number): string {
  return signalNames[sig] ?? `signal ${sig}`;
}

/** Auxiliary vector keys placed on the initial stack. */
export const Auxv = {
  AT_NULL: 0,
  AT_PHDR: 3,
  AT_PAGESZ: 6,
  AT_ENTRY: 9,
  AT_UID: 11,
  AT_EUID: 12,
  AT_GID: 13,
  AT_EGID: 14,
  AT_RANDOM: 25,
} as const;
