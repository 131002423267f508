# lazy.s - memory is promised at once and given page by page on first touch: the heap grows by
# 64 pages and a .bss array spans 8, but only a few of those pages are touched; untouched pages
# read as zero (the read itself gives the page). Prints what it read back.

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .equ    HEAP_PAGES, 64
        .equ    BSS_PAGES, 8

        .section .rodata
m_heap:         .asciz "heap: touched pages hold "
m_zero:         .asciz "heap: an untouched page reads "
m_bss:          .asciz "bss: first and last word hold "
m_bsszero:      .asciz "bss: the middle reads "

        .bss
        .balign 4096
array:  .space  BSS_PAGES * PAGE_SIZE

        .text
        .globl  _start
_start:
        li      a0, HEAP_PAGES * PAGE_SIZE
        call    sbrk
        mv      s0, a0
        li      t0, 11
        sw      t0, 0(s0)                       # page 0
        li      t1, 17 * PAGE_SIZE + 100
        add     t1, s0, t1
        li      t0, 22
        sw      t0, 0(t1)                       # page 17
        li      t1, HEAP_PAGES * PAGE_SIZE - 4
        add     t1, s0, t1
        li      t0, 33
        sw      t0, 0(t1)                       # the last page
        lw      a1, 0(s0)
        li      t1, 17 * PAGE_SIZE + 100
        add     t1, s0, t1
        lw      t2, 0(t1)
        add     a1, a1, t2
        li      t1, HEAP_PAGES * PAGE_SIZE - 4
        add     t1, s0, t1
        lw      t2, 0(t1)
        add     a1, a1, t2
        la      a0, m_heap
        call    print_line
        li      t1, 40 * PAGE_SIZE + 8
        add     t1, s0, t1
        lw      a1, 0(t1)
        la      a0, m_zero
        call    print_line

        la      s1, array
        li      t0, 5
        sw      t0, 0(s1)
        li      t1, BSS_PAGES * PAGE_SIZE - 4
        add     t1, s1, t1
        li      t0, 6
        sw      t0, 0(t1)
        lw      a1, 0(s1)
        lw      t2, 0(t1)
        add     a1, a1, t2
        la      a0, m_bss
        call    print_line
        li      t1, 4 * PAGE_SIZE
        add     t1, s1, t1
        lw      a1, 0(t1)
        la      a0, m_bsszero
        call    print_line
        li      a0, 0
        call    exit
