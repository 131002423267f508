# reach.s - (to complete) a workload for measuring TLB reach: it touches N pages (argv[1], default 8), one
# word in each, R times over (argv[2], default 100), always in the same order, and prints
#     touched N pages R times: sum S
# where S is the sum of every word read (page i holds i). Run it with --stats and a TLB of E
# entries: while N fits in the TLB only the first round misses; past E pages, with LRU
# replacement, every touch misses.

        .include "runtime.s"
        .include "lab.s"

        .section .rodata
m_touched:      .asciz "touched "
m_pages:        .asciz " pages "
m_times:        .asciz " times: sum "
m_todo:         .asciz "reach.s: the measuring loop is not written yet\n"

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
        # TODO: get N pages of fresh memory (sbrk, from lab.s), write i into page i, then R
        # times over read one word of every page, in order, adding what you read into s3.
        # Keep the loop small: every instruction fetch also needs the TLB (one page of code).
        la      a0, m_todo
        call    print_str
        li      a0, 1
        call    exit

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
