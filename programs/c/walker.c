/*
 * walker.c: touches pages in a pattern chosen on the command line, to watch a working set
 * against a page-replacement policy (`vmlab run --ram ... --swap ... --policy ... --stats`).
 *
 *   walker [pages [window [passes [step]]]]    (default 64 pages, window 16, 4 passes, step 16)
 *
 * The region is `pages` pages of heap, straight from sbrk: the kernel hands them out zero-filled
 * and on demand, so a page costs nothing until it is first touched (calloc would touch them all
 * to clear them). A window of `window` consecutive pages slides over it,
 * `step` pages at a time; at each position every page in the window is touched `passes` times
 * (a read and a write of one word). So the working set is `window` pages at any moment: with at
 * least that many frames free, each page faults in once per position it is new at; with fewer,
 * the policy decides how often the walker faults. step = window gives disjoint phases,
 * step = 1 a smoothly moving working set, window = pages a loop over everything.
 *
 * Each touch adds 1 to a counter in the page, so the sum of the counters must equal the number
 * of touches: a page that lost a write (swapped out dirty and not written back) shows up there.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define PAGE_SIZE 4096
#define WORDS_PER_PAGE (PAGE_SIZE / sizeof(uint32_t))
#define MAX_PAGES 16384 /* 64 MiB */

static long arg(int argc, char **argv, int i, long fallback)
{
    return argc > i ? strtol(argv[i], NULL, 10) : fallback;
}

/* Page n's counter: a word whose place in the page depends on n. */
static volatile uint32_t *counter(volatile uint32_t *region, long n)
{
    return &region[n * WORDS_PER_PAGE + n % WORDS_PER_PAGE];
}

int main(int argc, char **argv)
{
    long pages = arg(argc, argv, 1, 64);
    long window = arg(argc, argv, 2, 16);
    long passes = arg(argc, argv, 3, 4);
    long step = arg(argc, argv, 4, window);
    if (pages < 1 || pages > MAX_PAGES || window < 1 || window > pages || passes < 1 ||
        step < 1) {
        fprintf(stderr, "usage: walker [pages (1-%d) [window (1-pages) [passes [step]]]]\n",
                MAX_PAGES);
        return 2;
    }
    char *base = sbrk((pages + 1) * PAGE_SIZE); /* one page extra, to start on a boundary */
    if (base == (void *)-1) {
        fprintf(stderr, "walker: no memory for %ld pages\n", pages);
        return 1;
    }
    /* volatile: each touch is a real load and store, never merged across passes. */
    volatile uint32_t *region =
        (volatile uint32_t *)(((uintptr_t)base + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1));

    unsigned long touches = 0, positions = 0;
    for (long first = 0;; first += step) {
        long last = first + window > pages ? pages : first + window;
        for (long pass = 0; pass < passes; pass++) {
            for (long p = first; p < last; p++) {
                *counter(region, p) += 1;
                touches++;
            }
        }
        positions++;
        if (last == pages)
            break;
    }

    unsigned long total = 0;
    for (long p = 0; p < pages; p++)
        total += *counter(region, p);
    printf("%ld pages, window %ld, step %ld, %ld passes: %lu window positions, %lu touches\n",
           pages, window, step, passes, positions, touches);
    printf("counters sum to %lu: %s\n", total, total == touches ? "no write lost" : "WRITES LOST");
    return total != touches;
}
