# sbrkarg.s - memory just got from sbrk can be handed to system calls before the program has
# touched it; memory given back cannot (after xv6's usertests sbrkarg and rwsbrk).
#
# Checks: read(0, p, 2 pages) into two fresh heap pages the program never touched works (the
# kernel faults them in: it returns the bytes of standard input, 0 at its end); write(1, p, n)
# of what was read returns n (the test feeds a line, which then appears on stdout); the bytes
# after the input read as zeros; a write or read of a buffer that runs past the break, or lies
# wholly above it, gives -EFAULT; after sbrk gives the pages back, write and read on them give
# -EFAULT. vmlab-specific (read of a partly bad buffer fails as a whole; Linux may copy part).

        .include "../lib/runtime.s"
        .include "lib.s"

        .section .rodata
name:           .asciz "sbrkarg"
d_setup:        .asciz "sbrk(2 pages) from a page boundary works"
d_read:         .asciz "read(0, fresh heap, 2 pages) does not fail"
d_write:        .asciz "write(1, fresh heap, n) writes the n bytes read"
d_zero:         .asciz "the rest of the fresh pages reads as zeros"
d_w_past:       .asciz "write of a buffer running past the break gives -EFAULT"
d_r_past:       .asciz "read into a buffer running past the break gives -EFAULT"
d_w_above:      .asciz "write from just above the break gives -EFAULT"
d_shrink:       .asciz "sbrk(-2 pages) gives them back"
d_w_freed:      .asciz "write from the freed pages gives -EFAULT"
d_r_freed:      .asciz "read into the freed pages gives -EFAULT"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        li      a0, 0                   # start at a page boundary
        call    brk
        mv      s1, a0
        call    page_up
        sub     a0, a0, s1
        call    sbrk
        li      a0, 2 * PAGE_SIZE
        call    sbrk
        mv      s0, a0                  # s0 = two fresh pages, never touched
        li      t0, PAGE_SIZE - 1
        and     t0, s0, t0
        seqz    a0, t0
        la      a1, d_setup
        call    check

        li      a0, STDIN
        mv      a1, s0
        li      a2, 2 * PAGE_SIZE
        li      a7, SYS_READ
        ecall
        mv      s1, a0                  # s1 = bytes read
        slti    a0, s1, 0
        seqz    a0, a0
        la      a1, d_read
        call    check
        bgez    s1, 1f
        li      s1, 0
1:      li      a0, STDOUT
        mv      a1, s0
        mv      a2, s1
        li      a7, SYS_WRITE
        ecall
        mv      a1, s1
        la      a2, d_write
        call    expect_eq
        add     a0, s0, s1
        li      a1, 2 * PAGE_SIZE
        sub     a1, a1, s1
        call    count_nonzero
        li      a1, 0
        la      a2, d_zero
        call    expect_eq

        li      t0, 2 * PAGE_SIZE - 8
        add     s2, s0, t0              # s2 = 8 bytes before the break
        li      a0, STDOUT
        mv      a1, s2
        li      a2, 16
        li      a7, SYS_WRITE
        ecall
        li      a1, -EFAULT
        la      a2, d_w_past
        call    expect_eq
        li      a0, STDIN
        mv      a1, s2
        li      a2, 16
        li      a7, SYS_READ
        ecall
        li      a1, -EFAULT
        la      a2, d_r_past
        call    expect_eq
        li      a0, STDOUT
        addi    a1, s2, 8
        li      a2, 1
        li      a7, SYS_WRITE
        ecall
        li      a1, -EFAULT
        la      a2, d_w_above
        call    expect_eq

        li      a0, -2 * PAGE_SIZE
        call    sbrk
        li      t0, 2 * PAGE_SIZE
        add     a1, s0, t0
        la      a2, d_shrink
        call    expect_eq
        li      a0, STDOUT
        mv      a1, s0
        li      a2, 10
        li      a7, SYS_WRITE
        ecall
        li      a1, -EFAULT
        la      a2, d_w_freed
        call    expect_eq
        li      a0, STDIN
        mv      a1, s0
        li      a2, 10
        li      a7, SYS_READ
        ecall
        li      a1, -EFAULT
        la      a2, d_r_freed
        call    expect_eq

        call    finish
