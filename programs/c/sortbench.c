/*
 * sortbench.c: a benchmark of ordinary C, for timing the emulator on code a compiler wrote
 * (`npm run bench`; issue 16's "C examples").
 *
 *   sortbench [rounds]    (default 60: about 341 million instructions)
 *
 * Each round fills an array of 20,000 integers from a linear congruential generator, sorts it with
 * the C library's qsort (a call through a function pointer for every comparison, into another
 * page of code), and formats every 97th element with snprintf, folding the lengths and values into
 * a checksum that is printed at the end. So the time goes where C programs' time goes: calls and
 * returns across pages, short loops, and the library.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N 20000

static int values[N];

static int compare(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    long rounds = argc > 1 ? strtol(argv[1], NULL, 10) : 60;
    unsigned seed = 12345, sum = 0;
    char text[64];
    for (long round = 0; round < rounds; round++) {
        for (int i = 0; i < N; i++) {
            seed = seed * 1103515245u + 12345u;
            values[i] = (int)(seed >> 8);
        }
        qsort(values, N, sizeof values[0], compare);
        for (int i = 0; i < N; i += 97) {
            snprintf(text, sizeof text, "%d:%x", i, (unsigned)values[i]);
            sum += (unsigned)strlen(text) * (unsigned)values[i];
        }
    }
    printf("%ld rounds, checksum %08x\n", rounds, sum);
    return 0;
}
