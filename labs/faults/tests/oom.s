# oom.s - running out of memory in a page fault kills only the process that faulted: a child
# touches more heap pages than the machine has free frames and is killed; the parent reports how
# it ended, then uses 16 pages of its own. (Run with 1 MiB of RAM.)

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .equ    GREEDY_PAGES, 236

        .section .rodata
m_child:        .asciz "greedy child ended with "
m_sum:          .asciz "parent: 16 pages hold "

        .text
        .globl  _start
_start:
        call    fork
        beqz    a0, greedy
        call    wait_child
        mv      a1, a0
        la      a0, m_child
        call    print_line
        li      a0, 16 * PAGE_SIZE
        call    sbrk
        mv      s0, a0
        li      t0, 0
        li      t3, PAGE_SIZE
parent_loop:
        mul     t1, t0, t3
        add     t1, s0, t1
        sw      t0, 0(t1)
        addi    t0, t0, 1
        li      t2, 16
        blt     t0, t2, parent_loop
        li      t0, 0
        li      a1, 0
parent_sum:
        mul     t1, t0, t3
        add     t1, s0, t1
        lw      t2, 0(t1)
        add     a1, a1, t2
        addi    t0, t0, 1
        li      t2, 16
        blt     t0, t2, parent_sum
        la      a0, m_sum
        call    print_line
        li      a0, 0
        call    exit

greedy:
        li      a0, GREEDY_PAGES * PAGE_SIZE
        call    sbrk
        mv      s0, a0
        li      t0, 0
        li      t3, PAGE_SIZE
greedy_loop:
        mul     t1, t0, t3
        add     t1, s0, t1
        sw      t0, 0(t1)
        addi    t0, t0, 1
        li      t2, GREEDY_PAGES
        blt     t0, t2, greedy_loop
        li      a0, 0
        call    exit
