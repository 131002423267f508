/*
 * malloc-stress.c: picolibc's malloc, growing the heap with brk, under a seeded random mix of
 * malloc, free and realloc. Every block is filled with a byte derived from its slot and
 * generation; before a block is freed or resized its contents are checked, so two blocks that
 * overlap, or a realloc that loses data, show up as a corruption count above 0.
 *
 *   malloc-stress [operations [seed]]     (default 3000 operations, seed 1)
 *
 * Prints the operation counts, the corruptions found and a checksum of everything checked.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 128
#define SMALL_MAX 300     /* most blocks are small ... */
#define LARGE_MAX 8000    /* ... one in LARGE_ONE_IN spans pages */
#define LARGE_ONE_IN 32
#define FNV_PRIME 16777619u

struct block {
    unsigned char *p;
    size_t size;
    unsigned char tag;
};

static struct block slots[SLOTS];
static uint32_t rng_state;
static uint32_t checksum = 2166136261u; /* FNV-1a over every byte checked */
static unsigned long corruptions;

/* A 32-bit LCG (Numerical Recipes' constants): the same sequence everywhere. */
static uint32_t rng(void)
{
    rng_state = rng_state * 1664525u + 1013904223u;
    return rng_state >> 8;
}

static size_t random_size(void)
{
    if (rng() % LARGE_ONE_IN == 0)
        return 1 + rng() % LARGE_MAX;
    return 1 + rng() % SMALL_MAX;
}

/* Checks that the first `n` bytes of a block still hold its tag; adds them to the checksum. */
static void check(const struct block *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (b->p[i] != b->tag)
            corruptions++;
        checksum = (checksum ^ b->p[i]) * FNV_PRIME;
    }
}

int main(int argc, char **argv)
{
    long ops = argc > 1 ? strtol(argv[1], NULL, 10) : 3000;
    rng_state = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 1;
    unsigned long mallocs = 0, frees = 0, reallocs = 0, failed = 0;
    size_t live = 0, peak = 0;

    for (long op = 0; op < ops; op++) {
        struct block *b = &slots[rng() % SLOTS];
        if (!b->p) {
            b->size = random_size();
            b->p = malloc(b->size);
            mallocs++;
            if (!b->p) {
                failed++;
                continue;
            }
            b->tag = (unsigned char)(op * 7 + 1);
            memset(b->p, b->tag, b->size);
            live += b->size;
        } else if (rng() % 3 == 0) {
            size_t n = random_size();
            unsigned char *q = realloc(b->p, n);
            reallocs++;
            if (!q) {
                failed++;
                continue;
            }
            b->p = q;
            check(b, b->size < n ? b->size : n);
            memset(b->p, b->tag, n);
            live = live - b->size + n;
            b->size = n;
        } else {
            check(b, b->size);
            free(b->p);
            frees++;
            live -= b->size;
            b->p = NULL;
        }
        if (live > peak)
            peak = live;
    }
    for (int i = 0; i < SLOTS; i++) {
        if (slots[i].p) {
            check(&slots[i], slots[i].size);
            free(slots[i].p);
            frees++;
        }
    }
    printf("%lu mallocs, %lu reallocs, %lu frees, %lu failed\n", mallocs, reallocs, frees, failed);
    printf("peak live data %zu bytes\n", peak);
    printf("corruptions %lu, checksum %08lx\n", corruptions, (unsigned long)checksum);
    return corruptions != 0;
}
