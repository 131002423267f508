/*
 * spinlock.c: forked processes share one MAP_SHARED page and count to a total under a spinlock.
 *
 *   spinlock [workers [rounds [nolock]]]     (default 4 workers, 2000 rounds each)
 *
 * Each worker adds 1 to the shared counter `rounds` times. The increment is a load, some work,
 * and a store: a worker preempted between the two (vmlab switches processes every --quantum
 * instructions) would overwrite the others' updates. The lock makes the read-modify-write
 * indivisible. acquire() is an atomic swap (amoswap.w.aq, from the A extension, which is why
 * this file alone is built with -march=rv32ima): swap 1 into the lock word; whoever gets 0 back
 * holds the lock, everyone else yields the CPU and tries again.
 *
 * With the argument `nolock` the workers skip the lock, and under vmlab the total comes out
 * short (lost updates). The parent waits for every worker, so the output is fixed.
 */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "vmlab.h"

#define DEFAULT_WORKERS 4
#define DEFAULT_ROUNDS 2000
#define MAX_WORKERS 16
#define WORK 8 /* loop iterations inside the critical section */

struct shared {
    int lock; /* 0 free, 1 held */
    int counter;
};

static void acquire(int *lock)
{
    while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE) != 0)
        sched_yield();
}

static void release(int *lock)
{
    __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

/* counter += 1, the slow way: a window between the load and the store. */
static void increment(struct shared *s)
{
    int v = *(volatile int *)&s->counter;
    for (volatile int i = 0; i < WORK; i++) {
    }
    *(volatile int *)&s->counter = v + 1;
}

static void worker(struct shared *s, int rounds, int locked)
{
    for (int i = 0; i < rounds; i++) {
        if (locked)
            acquire(&s->lock);
        increment(s);
        if (locked)
            release(&s->lock);
    }
    exit(0);
}

int main(int argc, char **argv)
{
    int workers = argc > 1 ? atoi(argv[1]) : DEFAULT_WORKERS;
    int rounds = argc > 2 ? atoi(argv[2]) : DEFAULT_ROUNDS;
    int locked = !(argc > 3 && strcmp(argv[3], "nolock") == 0);
    if (workers < 1 || workers > MAX_WORKERS || rounds < 0) {
        fprintf(stderr, "usage: spinlock [workers (1-%d) [rounds [nolock]]]\n", MAX_WORKERS);
        return 2;
    }
    struct shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
                            -1, 0);
    if (s == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    int started = 0;
    for (; started < workers; started++) {
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork"); /* wait for the workers already started, then report */
            break;
        }
        if (pid == 0)
            worker(s, rounds, locked);
    }
    int failed = workers - started, status;
    for (int w = 0; w < started; w++) {
        if (wait(&status) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    int expected = workers * rounds;
    printf("%d workers x %d rounds %s the lock: counter = %d (expected %d)\n", workers, rounds,
           locked ? "with" : "without", s->counter, expected);
    if (failed)
        printf("%d workers failed or never started\n", failed);
    return failed || s->counter != expected;
}
