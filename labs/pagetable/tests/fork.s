# fork.s - a parent and a forked child write the same pages and each sees its own values:
# fork copies the page table (walk with alloc in the child's new table), copy-on-write splits
# the pages on the first store. Prints what each side sees; the child exits with 7.

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .equ    PAGES, 3

        .section .rodata
m_parent:       .asciz "parent sum "
m_child:        .asciz "child sum "
m_status:       .asciz "child exited with "
m_data:         .asciz "data word "

        .data
        .balign 4
word:   .word   1000

        .text
        .globl  _start
_start:
        li      a0, PAGES * PAGE_SIZE
        call    sbrk
        mv      s0, a0                  # s0 = three heap pages
        li      a0, 1
        call    fill                    # page i holds 1 * (i + 1) in its first and last word
        call    fork
        beqz    a0, child
        call    wait_child
        mv      a1, a0
        la      a0, m_status
        call    print_line
        call    sum
        mv      a1, a0
        la      a0, m_parent
        call    print_line
        la      t0, word
        lw      a1, 0(t0)
        la      a0, m_data
        call    print_line
        li      a0, 0
        call    exit

child:
        li      a0, 100
        call    fill
        la      t0, word
        li      t1, 2000
        sw      t1, 0(t0)
        call    sum
        mv      a1, a0
        la      a0, m_child
        call    print_line
        li      a0, 7
        call    exit

# fill(a0 = k): page i of s0 gets k * (i + 1) in its first and last word.
fill:
        li      t0, 0
        mv      t1, s0
fill_loop:
        addi    t0, t0, 1
        mul     t2, a0, t0
        sw      t2, 0(t1)
        li      t3, PAGE_SIZE - 4
        add     t3, t1, t3
        sw      t2, 0(t3)
        li      t3, PAGE_SIZE
        add     t1, t1, t3
        li      t3, PAGES
        blt     t0, t3, fill_loop
        ret

# sum() -> a0 = the sum of the first and last words of the pages of s0.
sum:
        li      a0, 0
        li      t0, 0
        mv      t1, s0
sum_loop:
        lw      t2, 0(t1)
        add     a0, a0, t2
        li      t3, PAGE_SIZE - 4
        add     t3, t1, t3
        lw      t2, 0(t3)
        add     a0, a0, t2
        li      t3, PAGE_SIZE
        add     t1, t1, t3
        addi    t0, t0, 1
        li      t3, PAGES
        blt     t0, t3, sum_loop
        ret
