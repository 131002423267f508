/*
 * vmlab.h: the system calls vmlab serves, for C programs built with picolibc.
 *
 * Two layers:
 *   sys_NAME(...)  inline ecall wrappers, one per call in docs/programs.md's table. Each returns
 *                  what the kernel put in a0: the result, or a negative Linux errno (-12 is
 *                  -ENOMEM). Nothing is hidden: this is the guest ABI itself.
 *   NAME(...)      the usual POSIX functions (fork, waitpid, mmap, ...), defined in rt/vmlab.c
 *                  on top of sys_NAME: -1 with errno set on failure, as a C library does.
 *                  picolibc's own headers declare read, write, fork, execve, getpid, kill,
 *                  wait, waitpid; this header declares the rest (picolibc has no
 *                  <sys/mman.h>).
 *
 * Every program here also runs under qemu-riscv32 (Linux's rv32 user ABI), which is how the tests
 * check them. wait4 is vmlab's convenience (rv32 Linux has none): waitpid uses waitid instead.
 */
#ifndef VMLAB_H
#define VMLAB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* System-call numbers: Linux rv32, the asm-generic table. */
#define SYS_read 63
#define SYS_write 64
#define SYS_exit 93
#define SYS_exit_group 94
#define SYS_waitid 95
#define SYS_sched_yield 124
#define SYS_kill 129
#define SYS_getpid 172
#define SYS_getppid 173
#define SYS_brk 214
#define SYS_munmap 215
#define SYS_clone 220
#define SYS_execve 221
#define SYS_mmap 222 /* rv32's mmap2: the offset counts 4096-byte pages */
#define SYS_mprotect 226
#define SYS_wait4 260 /* vmlab only: qemu-riscv32 answers -ENOSYS */

/* mmap's prot and flags (Linux values). */
#define PROT_NONE 0x0
#define PROT_READ 0x1
#define PROT_WRITE 0x2
#define PROT_EXEC 0x4
#define MAP_SHARED 0x01
#define MAP_PRIVATE 0x02
#define MAP_FIXED 0x10
#define MAP_ANONYMOUS 0x20
#define MAP_ANON MAP_ANONYMOUS
#define MAP_FAILED ((void *)-1)

/* waitid's idtype and options; clone's only flag vmlab accepts (fork semantics). */
#define P_ALL 0
#define P_PID 1
#define WEXITED 4
#define WNOWAIT 0x01000000
#define CLONE_SIGCHLD 17 /* SIGCHLD as the exit signal, nothing shared: fork */
#define CLD_EXITED 1
#define CLD_KILLED 2

#define VMLAB_PAGE_SIZE 4096

/*
 * The part of Linux's siginfo_t that waitid fills for a child (rv32 layout, 128 bytes in all):
 * signo = SIGCHLD, code = CLD_EXITED or CLD_KILLED, status = the exit code or the signal.
 */
struct vmlab_siginfo {
    int si_signo;
    int si_errno;
    int si_code;
    int si_pid;
    int si_uid;
    int si_status;
    int pad[26];
};

/* ecall with the number in a7 and arguments in a0..a5; the result comes back in a0. */
static inline long vmlab_syscall6(long nr, long x0, long x1, long x2, long x3, long x4, long x5)
{
    register long a0 __asm__("a0") = x0;
    register long a1 __asm__("a1") = x1;
    register long a2 __asm__("a2") = x2;
    register long a3 __asm__("a3") = x3;
    register long a4 __asm__("a4") = x4;
    register long a5 __asm__("a5") = x5;
    register long a7 __asm__("a7") = nr;
    __asm__ volatile("ecall"
                     : "+r"(a0)
                     : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                     : "memory");
    return a0;
}

#define vmlab_syscall0(nr) vmlab_syscall6((nr), 0, 0, 0, 0, 0, 0)
#define vmlab_syscall1(nr, a) vmlab_syscall6((nr), (long)(a), 0, 0, 0, 0, 0)
#define vmlab_syscall2(nr, a, b) vmlab_syscall6((nr), (long)(a), (long)(b), 0, 0, 0, 0)
#define vmlab_syscall3(nr, a, b, c) \
    vmlab_syscall6((nr), (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define vmlab_syscall4(nr, a, b, c, d) \
    vmlab_syscall6((nr), (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* Bytes read (0 at end of input) or -errno. */
static inline long sys_read(int fd, void *buf, size_t count)
{
    return vmlab_syscall3(SYS_read, fd, buf, count);
}

/* Bytes written or -errno. */
static inline long sys_write(int fd, const void *buf, size_t count)
{
    return vmlab_syscall3(SYS_write, fd, buf, count);
}

/* Ends this process (exit) or, the same here, the whole thread group (exit_group). */
static inline __attribute__((noreturn)) void sys_exit(int status)
{
    vmlab_syscall1(SYS_exit, status);
    __builtin_unreachable();
}

static inline __attribute__((noreturn)) void sys_exit_group(int status)
{
    vmlab_syscall1(SYS_exit_group, status);
    __builtin_unreachable();
}

/* 0, or -errno; fills *info for the child found (all zero with WNOHANG and none ended). */
static inline long sys_waitid(int idtype, int id, struct vmlab_siginfo *info, int options)
{
    return vmlab_syscall4(SYS_waitid, idtype, id, info, options);
}

/* 0: the caller goes to the back of the run queue. */
static inline long sys_sched_yield(void)
{
    return vmlab_syscall0(SYS_sched_yield);
}

/* 0 or -errno; signal 0 only checks that pid exists. */
static inline long sys_kill(int pid, int sig)
{
    return vmlab_syscall2(SYS_kill, pid, sig);
}

static inline long sys_getpid(void)
{
    return vmlab_syscall0(SYS_getpid);
}

/* The parent's pid (0 once the parent has ended). */
static inline long sys_getppid(void)
{
    return vmlab_syscall0(SYS_getppid);
}

/* The new break, or the unchanged one if refused; 0 asks for the current break. */
static inline long sys_brk(void *addr)
{
    return vmlab_syscall1(SYS_brk, addr);
}

/* 0 or -errno; addr must be page-aligned. */
static inline long sys_munmap(void *addr, size_t len)
{
    return vmlab_syscall2(SYS_munmap, addr, len);
}

/* clone with fork semantics: the child's pid in the parent, 0 in the child, or -errno. */
static inline long sys_fork(void)
{
    return vmlab_syscall2(SYS_clone, CLONE_SIGCHLD, 0);
}

/* Does not return on success; -errno otherwise. */
static inline long sys_execve(const char *path, char *const argv[], char *const envp[])
{
    return vmlab_syscall3(SYS_execve, path, argv, envp);
}

/* The address mapped, or -errno (-4095..-1). pgoff counts pages, not bytes. */
static inline long sys_mmap(void *addr, size_t len, int prot, int flags, int fd, long pgoff)
{
    return vmlab_syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, pgoff);
}

/* 0 or -errno; addr must be page-aligned. */
static inline long sys_mprotect(void *addr, size_t len, int prot)
{
    return vmlab_syscall3(SYS_mprotect, addr, len, prot);
}

/* vmlab only: the child's pid, 0 with WNOHANG, or -errno; *status as wait(2) encodes it. */
static inline long sys_wait4(int pid, int *status, int options)
{
    return vmlab_syscall4(SYS_wait4, pid, status, options, 0);
}

/* POSIX functions picolibc does not declare (defined in rt/vmlab.c). */
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset);
int munmap(void *addr, size_t len);
int mprotect(void *addr, size_t len, int prot);
int waitid(int idtype, int id, struct vmlab_siginfo *info, int options);
int brk(void *addr);
int sched_yield(void); /* <sched.h> declares it only for POSIX threads */
pid_t wait(int *status);
pid_t waitpid(pid_t pid, int *status, int options);

#endif /* VMLAB_H */
