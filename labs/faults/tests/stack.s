# stack.s - the stack grows on demand: a recursion of depth N (argv[1], default 160) with
# 256-byte frames needs N/16 pages of stack below the first. Each level stores its depth in its
# frame; the unwinding adds them up. Prints the sum, N*(N+1)/2.

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .section .rodata
m_sum:  .asciz "sum of depths "

        .text
        .globl  _start
_start:
        li      s0, 160
        lw      t0, 0(sp)                       # argc
        li      t1, 2
        blt     t0, t1, run
        lw      a0, 8(sp)                       # argv[1]
        call    parse_udec
        mv      s0, a0
run:
        mv      a0, s0
        call    deep
        mv      a1, a0
        la      a0, m_sum
        call    print_line
        li      a0, 0
        call    exit

# deep(a0 = n) -> a0 = n + (n-1) + ... + 1, with a 256-byte frame per level.
deep:
        addi    sp, sp, -256
        sw      ra, 252(sp)
        sw      a0, 0(sp)
        sw      a0, 128(sp)
        beqz    a0, deep_done
        addi    a0, a0, -1
        call    deep
        lw      t0, 128(sp)
        add     a0, a0, t0
deep_done:
        lw      ra, 252(sp)
        addi    sp, sp, 256
        ret
