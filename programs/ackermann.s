# ackermann.s - the Ackermann function: deep, irregular recursion on the stack.
#
# Shows: recursion whose depth depends on the data (A(3,5) nests 255 calls, about 4 KiB of stack,
# so the stack crosses a page boundary), a callee-saved register kept across calls, and a
# "global" register (s11) tracking the lowest stack pointer seen.
# Prints A(m, n) for m = 0..3, n = 0..5, then how deep the stack went.

        .include "lib/runtime.s"

        .equ    MAX_M, 3
        .equ    MAX_N, 5

        .text
        .globl  _start
_start:
        mv      s10, sp             # the stack pointer at entry
        mv      s11, sp             # the lowest stack pointer seen so far
        li      s0, 0               # m
row:
        li      s1, 0               # n
column:
        la      a0, s_a
        call    print_str
        mv      a0, s0
        call    print_udec
        la      a0, s_comma
        call    print_str
        mv      a0, s1
        call    print_udec
        la      a0, s_eq
        call    print_str
        mv      a0, s0
        mv      a1, s1
        call    ack
        call    print_udec
        call    print_nl
        addi    s1, s1, 1
        li      t0, MAX_N
        ble     s1, t0, column
        addi    s0, s0, 1
        li      t0, MAX_M
        ble     s0, t0, row

        la      a0, s_depth
        call    print_str
        sub     a0, s10, s11
        call    print_udec
        la      a0, s_bytes
        call    print_str
        li      a0, 0
        call    exit

# ack(a0 = m, a1 = n) -> a0 = A(m, n):
#   A(0, n) = n + 1;  A(m, 0) = A(m - 1, 1);  A(m, n) = A(m - 1, A(m, n - 1)).
ack:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        bgeu    sp, s11, ack_body
        mv      s11, sp
ack_body:
        bnez    a0, ack_m
        addi    a0, a1, 1
        j       ack_return
ack_m:
        mv      s0, a0
        bnez    a1, ack_mn
        addi    a0, s0, -1
        li      a1, 1
        call    ack
        j       ack_return
ack_mn:
        addi    a1, a1, -1
        call    ack                 # A(m, n - 1), a0 is still m
        mv      a1, a0
        addi    a0, s0, -1
        call    ack
ack_return:
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

        .section .rodata
s_a:     .asciz "A("
s_comma: .asciz ", "
s_eq:    .asciz ") = "
s_depth: .asciz "deepest recursion used "
s_bytes: .asciz " bytes of stack\n"
