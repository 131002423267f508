# stackbuf.s - moves sp 300 KiB down (below segmented's first 256 KiB stack segment) without
# touching the memory, reads stdin into the buffer there and writes it back: the kernel's copy
# into the buffer must grow the stack as the program's own store would.
        .equ    DROP, 300 * 1024
        .equ    BUF, 64
        .text
        .globl  _start
_start: li      t0, DROP
        sub     sp, sp, t0
        li      a0, 0
        mv      a1, sp
        li      a2, BUF
        li      a7, 63                  # read
        ecall
        mv      a2, a0
        li      a0, 1
        mv      a1, sp
        li      a7, 64                  # write
        ecall
        li      a0, 0
        li      a7, 93
        ecall
