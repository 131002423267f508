# spread.s - touches pages far apart, so the page table needs several level-0 tables: the heap
# grows by 12 MiB (given lazily) and the program writes one word every 1 MiB of it, then reads
# them back. Prints the sum. Run it with enough RAM for the commit limit (16 MiB).

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .equ    MIB, 1024 * 1024
        .equ    SPAN, 12 * MIB

        .section .rodata
m_sum:  .asciz "sum of 12 words, 1 MiB apart: "

        .text
        .globl  _start
_start:
        li      a0, SPAN
        call    sbrk
        mv      s0, a0
        li      t0, 0                   # t0 = i
        li      t4, MIB
write_loop:
        mul     t1, t0, t4
        add     t1, s0, t1
        addi    t2, t0, 1
        sw      t2, 0(t1)               # word i = i + 1
        addi    t0, t0, 1
        li      t3, 12
        blt     t0, t3, write_loop
        li      t0, 0
        li      a1, 0
read_loop:
        mul     t1, t0, t4
        add     t1, s0, t1
        lw      t2, 0(t1)
        add     a1, a1, t2
        addi    t0, t0, 1
        li      t3, 12
        blt     t0, t3, read_loop
        la      a0, m_sum
        call    print_line
        li      a0, 0
        call    exit
