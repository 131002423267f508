/*
 * vmlab.c: the C library's view of the kernel. picolibc leaves the operating system to the
 * program: this file gives it stdin/stdout/stderr, read/write, sbrk (for malloc) and _exit, and
 * gives programs the POSIX calls vmlab serves (fork, waitpid, mmap, ...), each on the inline
 * ecall wrappers in vmlab.h. A failing call returns -1 and sets errno, as a C library does.
 */
#include "vmlab.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio-bufio.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

/* Linux errno values that picolibc numbers differently (1..34 are the same in both). */
#define LINUX_ENAMETOOLONG 36
#define LINUX_ENOSYS 38
#define LINUX_MAX_ERRNO 4095

/* The C library's errno for a kernel result `r` that is -errno. */
static int errno_from_linux(long r)
{
    long e = -r;
    if (e == LINUX_ENOSYS)
        return ENOSYS;
    if (e == LINUX_ENAMETOOLONG)
        return ENAMETOOLONG;
    return e <= ERANGE ? (int)e : EIO;
}

/* True when a raw result is an error (-4095..-1), as Linux's C libraries decide it. */
static int is_error(long r)
{
    return (unsigned long)r > (unsigned long)-LINUX_MAX_ERRNO - 1;
}

/* A raw result as a C library returns it: itself, or -1 with errno set. */
static long posix_result(long r)
{
    if (!is_error(r))
        return r;
    errno = errno_from_linux(r);
    return -1;
}

ssize_t read(int fd, void *buf, size_t count)
{
    return posix_result(sys_read(fd, buf, count));
}

ssize_t write(int fd, const void *buf, size_t count)
{
    return posix_result(sys_write(fd, buf, count));
}

/* vmlab has no close or lseek: the standard streams are all there is. */
int close(int fd)
{
    (void)fd;
    errno = EBADF;
    return -1;
}

off_t lseek(int fd, off_t offset, int whence)
{
    (void)fd, (void)offset, (void)whence;
    errno = ESPIPE;
    return -1;
}

void _exit(int status)
{
    sys_exit_group(status);
}

pid_t getpid(void)
{
    return sys_getpid();
}

pid_t getppid(void)
{
    return sys_getppid();
}

pid_t fork(void)
{
    return posix_result(sys_fork());
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    return posix_result(sys_execve(path, argv, envp));
}

int kill(pid_t pid, int sig)
{
    return posix_result(sys_kill(pid, sig));
}

int sched_yield(void)
{
    return posix_result(sys_sched_yield());
}

int waitid(int idtype, int id, struct vmlab_siginfo *info, int options)
{
    return posix_result(sys_waitid(idtype, id, info, options));
}

/*
 * waitpid on waitid, as C libraries for rv32 Linux do (there is no wait4 there). pid -1 or 0
 * waits for any child (vmlab has one process group, so "any in my group" is any); another
 * group (pid < -1) has no children: ECHILD. *status is encoded as wait(2) does: exit code << 8,
 * or the signal. With WNOHANG and no child ended yet, returns 0.
 */
pid_t waitpid(pid_t pid, int *status, int options)
{
    struct vmlab_siginfo info = {0};
    if (pid < -1) {
        errno = ECHILD;
        return -1;
    }
    int any = pid == -1 || pid == 0;
    if (waitid(any ? P_ALL : P_PID, any ? 0 : pid, &info, WEXITED | options) < 0)
        return -1;
    if (info.si_pid != 0 && status)
        *status = info.si_code == CLD_EXITED ? (info.si_status & 0xff) << 8 : info.si_status & 0x7f;
    return info.si_pid;
}

pid_t wait(int *status)
{
    return waitpid(-1, status, 0);
}

void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t offset)
{
    if (offset % VMLAB_PAGE_SIZE != 0) {
        errno = EINVAL;
        return MAP_FAILED;
    }
    long r = sys_mmap(addr, len, prot, flags, fd, offset / VMLAB_PAGE_SIZE);
    return (void *)posix_result(r);
}

int munmap(void *addr, size_t len)
{
    return posix_result(sys_munmap(addr, len));
}

int mprotect(void *addr, size_t len, int prot)
{
    return posix_result(sys_mprotect(addr, len, prot));
}

/* 0 if the break is now `addr`, -1 with ENOMEM if the kernel refused (Linux's brk(2)). */
int brk(void *addr)
{
    if ((void *)sys_brk(addr) != addr) {
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

/*
 * Moves the break by `incr` bytes and returns the old break (the start of the new memory), or
 * (void *)-1 with ENOMEM. malloc calls it; the kernel's brk(0) gives the starting break.
 */
void *sbrk(ptrdiff_t incr)
{
    static char *cur;
    if (!cur)
        cur = (char *)sys_brk(0);
    char *old = cur;
    if (incr != 0 && brk(old + incr) < 0)
        return (void *)-1;
    cur = old + incr;
    return old;
}

/*
 * The standard streams: picolibc's buffered I/O on fds 0, 1 and 2. stdout and stderr are line
 * buffered (a whole line goes out in one write), so output from forked processes interleaves by
 * lines; everything still buffered is written at exit (flush_streams).
 */
#define STREAM_BUFFER 256
static char in_buf[STREAM_BUFFER], out_buf[STREAM_BUFFER], err_buf[STREAM_BUFFER];
static struct __file_bufio in_file =
    FDEV_SETUP_BUFIO(0, in_buf, STREAM_BUFFER, read, write, lseek, close, __SRD, 0);
static struct __file_bufio out_file =
    FDEV_SETUP_BUFIO(1, out_buf, STREAM_BUFFER, read, write, lseek, close, __SWR, __BLBF);
static struct __file_bufio err_file =
    FDEV_SETUP_BUFIO(2, err_buf, STREAM_BUFFER, read, write, lseek, close, __SWR, __BLBF);
FILE *const stdin = &in_file.xfile.cfile.file;
FILE *const stdout = &out_file.xfile.cfile.file;
FILE *const stderr = &err_file.xfile.cfile.file;

/* Run by exit() (through picolibc's __libc_fini_array) and after main returns. */
__attribute__((destructor)) static void flush_streams(void)
{
    fflush(stdout);
    fflush(stderr);
}
