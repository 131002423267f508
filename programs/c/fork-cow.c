/*
 * fork-cow.c: fork gives the child a copy of the parent's memory, at the same virtual addresses.
 * Under --mm paged the copy is lazy (copy-on-write): parent and child share every frame until
 * one of them writes a page, and only that page is copied. The child here reads all of `table`
 * (DATA_PAGES pages) but writes only CHILD_WRITES of them; the parent writes none of it after
 * the fork, so `vmlab run --stats` shows one COW copy per page of it written (plus the pages of
 * the stack, the heap and stdio's buffer, which the child writes too).
 *
 * The child's changes never reach the parent: each prints the sum it sees. The parent waits
 * for the child first, so the output order is fixed (and the same under qemu-riscv32).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE_SIZE 4096
#define DATA_PAGES 8
#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(int))
#define CHILD_WRITES 2
#define CHILD_STATUS 7

/* volatile: every load and store below really happens (the compiler may not skip any). */
static volatile int table[DATA_PAGES * WORDS_PER_PAGE] __attribute__((aligned(PAGE_SIZE)));

static long sum(const volatile int *a, size_t n)
{
    long s = 0;
    for (size_t i = 0; i < n; i++)
        s += a[i];
    return s;
}

static void child(pid_t parent, volatile int *heap)
{
    printf("child: my parent is the process that forked me: %s\n",
           getppid() == parent ? "yes" : "no");
    printf("child: before writing, table sums to %ld, heap[0] = %d\n",
           sum(table, DATA_PAGES * WORDS_PER_PAGE), heap[0]);
    for (size_t i = 0; i < CHILD_WRITES * WORDS_PER_PAGE; i++)
        table[i] = -table[i];
    heap[0] = -1;
    printf("child: after negating %d pages, table sums to %ld, heap[0] = %d\n", CHILD_WRITES,
           sum(table, DATA_PAGES * WORDS_PER_PAGE), heap[0]);
    exit(CHILD_STATUS);
}

int main(void)
{
    volatile int *heap = malloc(sizeof(int));
    *heap = 42;
    for (size_t i = 0; i < DATA_PAGES * WORDS_PER_PAGE; i++)
        table[i] = (int)i;
    printf("parent: table (%d pages) sums to %ld, heap[0] = %d\n", DATA_PAGES,
           sum(table, DATA_PAGES * WORDS_PER_PAGE), *heap);

    pid_t me = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid == 0)
        child(me, heap);

    int status;
    if (waitpid(pid, &status, 0) != pid) {
        perror("waitpid");
        return 1;
    }
    printf("parent: child exited with status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    printf("parent: table still sums to %ld, heap[0] = %d\n",
           sum(table, DATA_PAGES * WORDS_PER_PAGE), *heap);
    return 0;
}
