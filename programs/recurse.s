# recurse.s - deep recursion: 30,000 calls deep (or the depth given as the first argument),
# each call with a 48-byte stack frame, so about 1.4 MiB of stack.
#
# Shows: the stack growing on demand. Under --mm paged it grows a page at a time; under
# --mm segmented the stack segment grows (moving to a larger hole when it must) and the
# faulting store is retried; under --mm base-limit the partition's fixed stack overflows into
# the guard below it and the process is killed for a stack overflow. Each call fills eight words
# of its frame and adds them back up on the way out, so the checksum is right only if every
# frame kept its contents through all the moves.

        .include "lib/runtime.s"

        .equ    DEFAULT_DEPTH, 30000
        .equ    FRAME, 48
        .equ    LOCALS, 8               # words of each frame filled and read back

        .text
        .globl  _start
_start:
        li      s0, DEFAULT_DEPTH
        lw      t0, 0(sp)               # argc
        li      t1, 2
        blt     t0, t1, go
        lw      a0, 8(sp)               # argv[1]
        call    parse_udec
        mv      s0, a0
go:
        mv      a0, s0
        call    rec
        mv      s1, a0
        la      a0, s_depth
        call    print_str
        mv      a0, s0
        call    print_udec
        la      a0, s_sum
        call    print_str
        mv      a0, s1
        call    print_udec
        call    print_nl
        li      a0, 0
        call    exit

# rec(a0 = n) -> a0 = the sum over every level k = 1..n of its locals, word i being
# (k * (i+1)) xor i, computed by recursing n deep (mod 2^32).
rec:
        beqz    a0, rec_done
        addi    sp, sp, -FRAME
        sw      ra, 44(sp)
        sw      s0, 40(sp)
        mv      s0, a0
        li      t0, 0                   # i
        mv      t1, sp                  # &locals[i]
        mv      t2, s0                  # n * (i+1)
rec_fill:
        xor     t3, t2, t0
        sw      t3, 0(t1)
        add     t2, t2, s0
        addi    t1, t1, 4
        addi    t0, t0, 1
        li      t4, LOCALS
        blt     t0, t4, rec_fill
        addi    a0, s0, -1
        call    rec
        mv      t1, sp
        li      t0, LOCALS
rec_sum:
        lw      t3, 0(t1)
        add     a0, a0, t3
        addi    t1, t1, 4
        addi    t0, t0, -1
        bnez    t0, rec_sum
        lw      s0, 40(sp)
        lw      ra, 44(sp)
        addi    sp, sp, FRAME
rec_done:
        ret

        .section .rodata
s_depth: .asciz "recursion depth "
s_sum:   .asciz ", checksum "
