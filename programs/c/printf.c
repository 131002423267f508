/*
 * printf.c: the C library's formatting, running on vmlab. Integers of every size and base,
 * field widths and flags, strings and characters, floating point (soft-float: the RV32IM CPU
 * has no FPU, libgcc does the arithmetic), snprintf into a buffer, and strtol/sscanf going back.
 * The output is fixed, so it must match qemu-riscv32's byte for byte.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void integers(void)
{
    printf("[%d] [%i] [%u] [%d]\n", 42, -42, 3000000000u, INT_MIN);
    printf("[%x] [%X] [%#x] [%o] [%#o]\n", 0xbeefu, 0xbeefu, 255u, 8u, 8u);
    printf("[%5d] [%-5d] [%05d] [%+d] [% d]\n", 42, 42, 42, 42, 42);
    printf("[%.3d] [%8.3d] [%-8.3d|]\n", 7, 7, 7);
    printf("[%hhd] [%hd] [%ld] [%lu]\n", (signed char)200, (short)70000, LONG_MAX, ULONG_MAX);
    printf("[%lld] [%llu] [%llx]\n", LLONG_MIN, ULLONG_MAX, 0x123456789abcdefULL);
    printf("[%" PRId64 "] [%" PRIu32 "] [%zu] [%td]\n", INT64_MIN / 1024, UINT32_MAX,
           sizeof(long long), (ptrdiff_t)-3);
    printf("[%*d] [%-*d] [%.*d]\n", 6, 1, 6, 2, 4, 3);
}

static void strings(void)
{
    printf("[%s] [%10s] [%-10s] [%.3s]\n", "vmlab", "right", "left", "truncated");
    printf("[%c%c%c] [%%] [%5c]\n", 'r', 'v', '3', '2');
}

static void floats(void)
{
    printf("[%f] [%.2f] [%10.4f] [%-10.1f|]\n", 3.14159265, 2.71828, -1.5, 0.05);
    printf("[%e] [%.3E] [%g] [%g] [%g]\n", 123456.789, 0.000123, 100000.0, 1e-5, 0.5);
    printf("[%.0f] [%.0f] [%#.0f] [%a]\n", 0.4, 1.6, 2.0, 1.0);
    double sum = 0;
    for (int i = 1; i <= 1000; i++)
        sum += 1.0 / ((double)i * i);
    printf("sum 1/n^2 (n <= 1000) = %.12f\n", sum);
}

static void buffers(void)
{
    char buf[16];
#pragma GCC diagnostic ignored "-Wformat-truncation" /* truncating is the point */
    int n = snprintf(buf, sizeof buf, "%s-%d-%s", "truncated", 12345, "output");
    printf("snprintf wanted %d bytes, kept \"%s\" (%zu)\n", n, buf, strlen(buf));
    char *end;
    long v = strtol("  -0x7fff rest", &end, 0);
    printf("strtol: %ld, then \"%s\"\n", v, end);
    int a, b;
    char word[8];
    int got = sscanf("12 abc 34", "%d %7s %d", &a, word, &b);
    printf("sscanf: %d fields: %d \"%s\" %d\n", got, a, word, b);
}

int main(void)
{
    integers();
    strings();
    floats();
    buffers();
    return 0;
}
