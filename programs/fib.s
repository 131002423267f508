# fib.s - naive recursive Fibonacci: calls, returns and stack frames.
#
# Shows: the ilp32 calling convention (argument and result in a0, ra and a callee-saved s
# register spilled to a 16-byte stack frame), deep call trees (fib(24) makes 150049 calls), and
# printing numbers with the runtime. Prints fib(n) for n = 0..24.

        .include "lib/runtime.s"

        .equ    LAST, 24

        .text
        .globl  _start
_start:
        li      s0, 0               # n
loop:
        la      a0, s_fib
        call    print_str
        mv      a0, s0
        call    print_udec
        la      a0, s_eq
        call    print_str
        mv      a0, s0
        call    fib
        call    print_udec
        call    print_nl
        addi    s0, s0, 1
        li      t0, LAST
        ble     s0, t0, loop
        li      a0, 0
        call    exit

# fib(a0 = n) -> a0 = fib(n), computed as fib(n-1) + fib(n-2) with fib(0) = 0, fib(1) = 1.
fib:
        li      t0, 2
        blt     a0, t0, fib_small
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        addi    a0, s0, -1
        call    fib
        mv      s1, a0              # fib(n-1)
        addi    a0, s0, -2
        call    fib
        add     a0, a0, s1
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
fib_small:
        ret

        .section .rodata
s_fib:  .asciz  "fib("
s_eq:   .asciz  ") = "
