/*
 * mprotect.c: asking the kernel for pages and changing what they allow. mmap gives PAGES pages
 * of zero-filled anonymous memory; mprotect makes the first one read-only; munmap gives the last
 * one back; bad requests come back as -1 with errno. Finally the program writes to the
 * read-only page, and the kernel kills it with SIGSEGV (a shell shows status 139).
 *
 * Needs --mm paged: under base-limit and segmented mmap has no pages to give (ENOMEM).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "vmlab.h"

#define PAGES 3

static void report(const char *what, int r)
{
    printf("%-34s -> %2d%s%s\n", what, r, r < 0 ? ", errno " : "", r < 0 ? strerror(errno) : "");
}

int main(void)
{
    char *p = mmap(NULL, PAGES * VMLAB_PAGE_SIZE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    printf("mmap: %d pages, page-aligned: %s, zero-filled: %s\n", PAGES,
           (unsigned long)p % VMLAB_PAGE_SIZE == 0 ? "yes" : "no",
           p[0] == 0 && p[PAGES * VMLAB_PAGE_SIZE - 1] == 0 ? "yes" : "no");
    strcpy(p, "written before mprotect");

    report("mprotect(first page, PROT_READ)", mprotect(p, VMLAB_PAGE_SIZE, PROT_READ));
    printf("the read-only page still reads: \"%s\"\n", p);
    report("munmap(last page)", munmap(p + (PAGES - 1) * VMLAB_PAGE_SIZE, VMLAB_PAGE_SIZE));

    report("munmap(p + 1, one page): unaligned", munmap(p + 1, VMLAB_PAGE_SIZE));
    report("mprotect(unaligned)", mprotect(p + 1, VMLAB_PAGE_SIZE, PROT_READ));
    void *none = mmap(NULL, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    report("mmap(length 0)", none == MAP_FAILED ? -1 : 0);

    printf("now writing to the read-only page...\n");
    fflush(stdout);
    p[0] = 'X'; /* SIGSEGV: the process ends here */
    printf("not reached: the write succeeded\n");
    return 0;
}
