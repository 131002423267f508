# wild.s - stores to 0x50000000: in segment 1 (the stack's), but far below the stack limit.
        .text
        .globl  _start
_start: li      t0, 0x50000000
        sw      t0, 0(t0)
        li      a0, 0
        li      a7, 93
        ecall
