# nowrite.s - memory a process may not write (or read, or run) kills it with SIGSEGV (after
# xv6's usertests nowrite and OS/161's badcall/faulter tests).
#
# Checks, each in a forked child that the parent waits for: a store to address 0 (page 0 is
# never mapped), to the program's own text, to its .rodata, to 0x80000000 (the first kernel
# address), to 0xfffff000 (the last page), and to an unmapped address in the middle of user
# space; a load from address 0; a jump to a .data word that holds a `ret` (data is not
# executable) and a jump to address 0. Each child must end killed by SIGSEGV (wait status 11).
# Finally the text is unchanged: a faulting store has no effect.

        .include "../lib/runtime.s"
        .include "lib.s"

        .section .rodata
name:           .asciz "nowrite"
d_null:         .asciz "a store to address 0 kills the child with SIGSEGV"
d_text:         .asciz "a store to the text segment kills the child with SIGSEGV"
d_rodata:       .asciz "a store to .rodata kills the child with SIGSEGV"
d_kernel:       .asciz "a store to 0x80000000 kills the child with SIGSEGV"
d_top:          .asciz "a store to 0xfffff000 kills the child with SIGSEGV"
d_hole:         .asciz "a store to unmapped 0x40000000 kills the child with SIGSEGV"
d_null_load:    .asciz "a load from address 0 kills the child with SIGSEGV"
d_exec_data:    .asciz "a jump into .data (not executable) kills the child with SIGSEGV"
d_exec_null:    .asciz "a jump to address 0 kills the child with SIGSEGV"
d_text_same:    .asciz "the text is unchanged after the stores that faulted"

        .data
        .balign 4
data_ret:
        ret                             # code in a data page: must not run

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin
        la      t0, _start
        lw      s0, 0(t0)               # s0 = the first instruction word

        la      a0, store_at
        li      a1, 0
        la      a2, d_null
        call    expect_segv

        la      a0, store_at
        la      a1, _start
        la      a2, d_text
        call    expect_segv

        la      a0, store_at
        la      a1, name
        la      a2, d_rodata
        call    expect_segv

        la      a0, store_at
        li      a1, 0x80000000
        la      a2, d_kernel
        call    expect_segv

        la      a0, store_at
        li      a1, 0xfffff000
        la      a2, d_top
        call    expect_segv

        la      a0, store_at
        li      a1, 0x40000000
        la      a2, d_hole
        call    expect_segv

        la      a0, load_at
        li      a1, 0
        la      a2, d_null_load
        call    expect_segv

        la      a0, jump_to
        la      a1, data_ret
        la      a2, d_exec_data
        call    expect_segv

        la      a0, jump_to
        li      a1, 0
        la      a2, d_exec_null
        call    expect_segv

        la      t0, _start
        lw      a0, 0(t0)
        mv      a1, s0
        la      a2, d_text_same
        call    expect_eq

        call    finish
