# kernmem.s - user code cannot read kernel memory (after xv6's usertests kernmem).
#
# In vmlab the kernel's half of the address space is [0x80000000, 0x100000000): never mapped
# for users, so every access there faults.
#
# Checks: 40 children, each loading a word from 0x80000000 + 50000 * i (i = 0..39, as xv6 does
# from KERNBASE), are all killed with SIGSEGV; so are children loading from 0xc0000000 and from
# 0xfffffffc, and one fetching an instruction at 0x80000000.

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    KERNBASE, USER_TOP
        .equ    STEP, 50000
        .equ    TRIES, 40

        .section .rodata
name:           .asciz "kernmem"
d_sweep:        .asciz "40 children loading from 0x80000000 + 50000 * i are all killed with SIGSEGV"
d_mid:          .asciz "a child loading from 0xc0000000 is killed with SIGSEGV"
d_last:         .asciz "a child loading from 0xfffffffc is killed with SIGSEGV"
d_fetch:        .asciz "a child jumping to 0x80000000 is killed with SIGSEGV"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        li      s0, 0                   # s0 = i
        li      s1, 0                   # s1 = children killed by SIGSEGV
sweep:
        li      t0, TRIES
        bge     s0, t0, swept
        li      t0, STEP
        mul     a1, s0, t0
        li      t0, KERNBASE
        add     a1, a1, t0
        la      a0, load_word_at
        call    run_child
        addi    a0, a0, -SIGSEGV
        seqz    a0, a0
        add     s1, s1, a0
        addi    s0, s0, 1
        j       sweep
swept:
        mv      a0, s1
        li      a1, TRIES
        la      a2, d_sweep
        call    expect_eq

        la      a0, load_word_at
        li      a1, 0xc0000000
        la      a2, d_mid
        call    expect_segv
        la      a0, load_word_at
        li      a1, 0xfffffffc
        la      a2, d_last
        call    expect_segv
        la      a0, jump_to
        li      a1, KERNBASE
        la      a2, d_fetch
        call    expect_segv

        call    finish
