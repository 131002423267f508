# maxvaplus.s - the end of user space is exact: 0x7fffffff is the last user byte, and every
# address from 0x80000000 up faults, for the program and for system calls (after xv6's usertests
# MAXVAplus and copyout/copyin at MAXVA).
#
# Checks: 31 children storing a byte to 0x80000000 + 2^k (k = 0..30), and one storing to
# 0x80000000 itself, are all killed with SIGSEGV; a child storing to 0x7fffffff (the top of its
# stack) exits normally; write(1, 0x80000000, 1) gives -EFAULT, and so do write(1, 0x7fffffff, 2)
# and read(0, 0x7fffffff, 2), whose second byte is the first kernel address; write(1,
# 0x7fffffff, 1) of the one user byte works (the test sees it on stdout: the byte is written
# there first, as a newline).

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    LAST_USER_BYTE, USER_TOP - 1

        .section .rodata
name:           .asciz "maxvaplus"
d_sweep:        .asciz "31 children storing to 0x80000000 + 2^k are all killed with SIGSEGV"
d_base:         .asciz "a child storing to 0x80000000 is killed with SIGSEGV"
d_last_store:   .asciz "a child storing to 0x7fffffff exits 0"
d_w_kernel:     .asciz "write(1, 0x80000000, 1) gives -EFAULT"
d_w_cross:      .asciz "write(1, 0x7fffffff, 2) gives -EFAULT"
d_r_cross:      .asciz "read(0, 0x7fffffff, 2) gives -EFAULT"
d_w_last:       .asciz "write(1, 0x7fffffff, 1) writes the last user byte"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        li      s0, 0                   # s0 = k
        li      s1, 0                   # s1 = children killed by SIGSEGV
sweep:
        li      t0, 31
        bge     s0, t0, swept
        li      t0, 1
        sll     a1, t0, s0
        li      t0, USER_TOP
        add     a1, a1, t0
        la      a0, store_at
        call    run_child
        addi    a0, a0, -SIGSEGV
        seqz    a0, a0
        add     s1, s1, a0
        addi    s0, s0, 1
        j       sweep
swept:
        mv      a0, s1
        li      a1, 31
        la      a2, d_sweep
        call    expect_eq
        la      a0, store_at
        li      a1, USER_TOP
        la      a2, d_base
        call    expect_segv
        la      a0, store_at
        li      a1, LAST_USER_BYTE
        li      a2, 0
        la      a3, d_last_store
        call    expect_status

        li      a0, STDOUT
        li      a1, USER_TOP
        li      a2, 1
        li      a7, SYS_WRITE
        ecall
        li      a1, -EFAULT
        la      a2, d_w_kernel
        call    expect_eq
        li      a0, STDOUT
        li      a1, LAST_USER_BYTE
        li      a2, 2
        li      a7, SYS_WRITE
        ecall
        li      a1, -EFAULT
        la      a2, d_w_cross
        call    expect_eq
        li      a0, STDIN
        li      a1, LAST_USER_BYTE
        li      a2, 2
        li      a7, SYS_READ
        ecall
        li      a1, -EFAULT
        la      a2, d_r_cross
        call    expect_eq
        li      t0, LAST_USER_BYTE
        li      t1, 10                  # '\n'
        sb      t1, 0(t0)
        li      a0, STDOUT
        li      a1, LAST_USER_BYTE
        li      a2, 1
        li      a7, SYS_WRITE
        ecall
        li      a1, 1
        la      a2, d_w_last
        call    expect_eq

        call    finish
