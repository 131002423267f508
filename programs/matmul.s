# matmul.s - integer matrix multiplication, C = A x B, then C x C.
#
# Shows: two-dimensional arrays stored row by row, address arithmetic (row * columns + column,
# scaled by 4 with slli), a triple loop with mul/add, a function taking six arguments (a0..a5),
# and signed results. A is 4x3, B is 3x4, so C is 4x4; then D = C x C.

        .include "lib/runtime.s"

        .section .rodata
        .balign 4
mat_a:  .word   1, 2, 3
        .word   -4, 5, -6
        .word   7, -8, 9
        .word   0, 1, -1
mat_b:  .word   2, 0, -1, 3
        .word   1, 1, 0, -2
        .word   -3, 4, 2, 1
s_c:    .asciz  "C = A x B:\n"
s_d:    .asciz  "D = C x C:\n"
s_trace: .asciz "trace(D) = "

        .bss
        .balign 4
mat_c:  .space  4 * 4 * 4
mat_d:  .space  4 * 4 * 4

        .text
        .globl  _start
_start:
        la      a0, mat_a
        la      a1, mat_b
        la      a2, mat_c
        li      a3, 4
        li      a4, 3
        li      a5, 4
        call    matmul
        la      a0, s_c
        call    print_str
        la      a0, mat_c
        call    print_matrix

        la      a0, mat_c
        la      a1, mat_c
        la      a2, mat_d
        li      a3, 4
        li      a4, 4
        li      a5, 4
        call    matmul
        la      a0, s_d
        call    print_str
        la      a0, mat_d
        call    print_matrix

        la      a0, s_trace
        call    print_str
        la      t0, mat_d
        lw      a0, 0(t0)
        lw      t1, 20(t0)          # D[1][1]: (1 * 4 + 1) * 4
        add     a0, a0, t1
        lw      t1, 40(t0)
        add     a0, a0, t1
        lw      t1, 60(t0)
        add     a0, a0, t1
        call    print_dec
        call    print_nl
        li      a0, 0
        call    exit

# matmul(a0 = A, a1 = B, a2 = C, a3 = n, a4 = m, a5 = p): C = A x B where A is n x m,
# B is m x p and C is n x p, all row-major arrays of words. C must not overlap A or B.
matmul:
        li      t0, 0               # i
matmul_row:
        li      t1, 0               # j
matmul_column:
        li      t2, 0               # k
        li      t3, 0               # sum
matmul_inner:
        mul     t4, t0, a4          # A[i][k] is at A + (i * m + k) * 4
        add     t4, t4, t2
        slli    t4, t4, 2
        add     t4, a0, t4
        lw      t4, 0(t4)
        mul     t5, t2, a5          # B[k][j] is at B + (k * p + j) * 4
        add     t5, t5, t1
        slli    t5, t5, 2
        add     t5, a1, t5
        lw      t5, 0(t5)
        mul     t4, t4, t5
        add     t3, t3, t4
        addi    t2, t2, 1
        blt     t2, a4, matmul_inner
        mul     t4, t0, a5          # C[i][j] is at C + (i * p + j) * 4
        add     t4, t4, t1
        slli    t4, t4, 2
        add     t4, a2, t4
        sw      t3, 0(t4)
        addi    t1, t1, 1
        blt     t1, a5, matmul_column
        addi    t0, t0, 1
        blt     t0, a3, matmul_row
        ret

# print_matrix(a0 = a 4x4 matrix of words): prints it, one row per line.
print_matrix:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        li      s1, 0               # element index
print_matrix_loop:
        slli    t0, s1, 2
        add     t0, s0, t0
        lw      a0, 0(t0)
        call    print_dec
        addi    s1, s1, 1
        andi    t0, s1, 3
        bnez    t0, print_matrix_space
        call    print_nl
        j       print_matrix_next
print_matrix_space:
        call    print_space
print_matrix_next:
        li      t0, 16
        blt     s1, t0, print_matrix_loop
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
