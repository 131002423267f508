# bench/matmul.s - benchmark: repeated multiplication of 100x100 integer matrices.
#
# Shows: a tight inner loop of loads, mul and add walking a row of A and a column of B (stride
# N*4 bytes), for timing the emulator: about 100 million instructions with ROUNDS = 14. Each
# round computes P = A x B and then uses P as the next A; values wrap modulo 2^32, as C's
# unsigned arithmetic would. At the end a checksum of the last product is printed.

        .equ    ROUNDS, 14          # the knob: instructions grow linearly with it
        .equ    N, 100              # the matrices are N x N words
        .equ    SEED, 12345

        .include "../lib/runtime.s"

        .bss
        .balign 4
mat_a:  .space  N * N * 4
mat_b:  .space  N * N * 4
mat_p:  .space  N * N * 4

        .text
        .globl  _start
_start:
        # Fill A and B with small signed numbers from a linear congruential generator.
        li      t0, SEED
        li      t1, 1103515245
        li      t2, 12345
        la      t3, mat_a
        li      t4, N * N * 2       # A and B are adjacent
fill:
        mul     t0, t0, t1
        add     t0, t0, t2
        srai    t5, t0, 24          # -128..127
        sw      t5, 0(t3)
        addi    t3, t3, 4
        addi    t4, t4, -1
        bnez    t4, fill

        la      s0, mat_a           # A
        la      s1, mat_b           # B
        la      s2, mat_p           # P
        li      s3, ROUNDS
        li      s4, N * 4           # bytes per row
round:
        mv      t0, s0              # &A[i][0]
        mv      t6, s2              # &P[i][j]
        li      a6, N               # rows left
row:
        mv      t1, s1              # &B[0][j]
        li      a7, N               # columns left
column:
        mv      t2, t0              # walks A[i][k]
        mv      t3, t1              # walks B[k][j]
        add     a5, t0, s4          # end of row i
        li      a4, 0               # sum
inner:
        lw      a2, 0(t2)
        lw      a3, 0(t3)
        mul     a2, a2, a3
        add     a4, a4, a2
        addi    t2, t2, 4
        add     t3, t3, s4
        bltu    t2, a5, inner
        sw      a4, 0(t6)
        addi    t6, t6, 4
        addi    t1, t1, 4
        addi    a7, a7, -1
        bnez    a7, column
        add     t0, t0, s4
        addi    a6, a6, -1
        bnez    a6, row
        mv      t0, s0              # the product becomes the next A
        mv      s0, s2
        mv      s2, t0
        addi    s3, s3, -1
        bnez    s3, round

        # checksum = sum over k of A[k] * (k + 1), modulo 2^32.
        li      t0, 0
        li      t1, N * N
        mv      t2, s0
        li      t3, 1
sum:
        lw      t4, 0(t2)
        mul     t4, t4, t3
        add     t0, t0, t4
        addi    t2, t2, 4
        addi    t3, t3, 1
        ble     t3, t1, sum
        mv      s5, t0

        la      a0, s_size
        call    print_str
        li      a0, N
        call    print_udec
        la      a0, s_rounds
        call    print_str
        li      a0, ROUNDS
        call    print_udec
        call    print_nl
        la      a0, s_checksum
        call    print_str
        mv      a0, s5
        call    print_hex
        call    print_nl
        li      a0, 0
        call    exit

        .section .rodata
s_size:     .asciz "matrix size "
s_rounds:   .asciz ", rounds "
s_checksum: .asciz "checksum: "
