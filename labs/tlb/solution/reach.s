# reach.s - a workload for measuring TLB reach: it touches N pages (argv[1], default 8), one
# word in each, R times over (argv[2], default 100), always in the same order, and prints
#     touched N pages R times: sum S
# where S is the sum of every word read (page i holds i). Run it with --stats and a TLB of E
# entries: while N fits in the TLB only the first round misses; past E pages, with LRU
# replacement, every touch misses.

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .section .rodata
m_touched:      .asciz "touched "
m_pages:        .asciz " pages "
m_times:        .asciz " times: sum "

        .text
        .globl  _start
_start:
        li      s0, 8                           # s0 = N
        li      s1, 100                         # s1 = R
        lw      s3, 0(sp)                       # argc
        li      t0, 2
        blt     s3, t0, args_done
        lw      a0, 8(sp)
        call    parse_udec
        mv      s0, a0
        li      t0, 3
        blt     s3, t0, args_done
        lw      a0, 12(sp)
        call    parse_udec
        mv      s1, a0
args_done:
        li      t0, PAGE_SIZE
        mul     a0, s0, t0
        call    sbrk
        mv      s2, a0                          # s2 = the pages
        li      t0, 0                           # page i holds i
        mv      t1, s2
        li      t2, PAGE_SIZE
fill:
        bge     t0, s0, filled
        sw      t0, 0(t1)
        add     t1, t1, t2
        addi    t0, t0, 1
        j       fill
filled:
        li      s3, 0                           # s3 = the sum
        li      t3, 0                           # t3 = round
        li      t2, PAGE_SIZE
round:
        bge     t3, s1, report
        mv      t1, s2
        li      t0, 0
touch:
        bge     t0, s0, round_done
        lw      t4, 0(t1)
        add     s3, s3, t4
        add     t1, t1, t2
        addi    t0, t0, 1
        j       touch
round_done:
        addi    t3, t3, 1
        j       round

report:
        la      a0, m_touched
        call    print_str
        mv      a0, s0
        call    print_udec
        la      a0, m_pages
        call    print_str
        mv      a0, s1
        call    print_udec
        la      a0, m_times
        call    print_str
        mv      a0, s3
        call    print_udec
        call    print_nl
        li      a0, 0
        call    exit
