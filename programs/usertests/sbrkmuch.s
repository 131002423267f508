# sbrkmuch.s - the heap grows by megabytes, shrinks, and grows again (after xv6's usertests
# sbrkmuch).
#
# Checks: sbrk(6 MiB) returns the old break; a byte written at the start of every one of its
# 1536 pages reads back, and so do its first and last bytes; sbrk(-4 MiB) returns the old break
# and really gives the memory back (a child loading the last byte of the freed part is killed
# with SIGSEGV) while the 2 MiB below keep their contents; sbrk(4 MiB) grows it again and every
# page of it reads as zeros (re-allocated memory is not the old memory); a child that has just
# used the heap's last page and then shrinks the heap itself faults on its next load of it; brk
# back to the start works. vmlab-specific only in needing 6 MiB of RAM for the heap (run with
# the default --ram).

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    MIB, 1024 * 1024
        .equ    BIG, 6 * MIB
        .equ    CUT, 4 * MIB

        .section .rodata
name:           .asciz "sbrkmuch"
d_grow:         .asciz "sbrk(6 MiB) returns the old break"
d_pages:        .asciz "a byte written at the start of each of its 1536 pages reads back"
d_ends:         .asciz "its first and last bytes can be written and read back"
d_brk:          .asciz "brk(0) is 6 MiB above the old break"
d_shrink:       .asciz "sbrk(-4 MiB) returns the old break"
d_freed:        .asciz "a load from the last byte given back kills the child with SIGSEGV"
d_kept:         .asciz "the 512 pages below the new break keep their contents"
d_regrow:       .asciz "sbrk(4 MiB) grows it again from the lowered break"
d_regrow_zero:  .asciz "every page of the re-grown 4 MiB reads as zeros"
d_own_shrink:   .asciz "a child using its last heap page, then shrinking the heap, faults on it"
d_back:         .asciz "brk back to the starting break returns it"

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
        li      a0, 0
        call    brk
        mv      s0, a0                  # s0 = the (page-aligned) starting break

        li      a0, BIG
        call    sbrk
        mv      a1, s0
        la      a2, d_grow
        call    expect_eq
        mv      a0, s0
        li      a1, BIG
        li      a2, 0x5a
        call    touch_pages
        mv      a0, s0
        li      a1, BIG
        li      a2, 0x5a
        call    count_pages_not
        li      a1, 0
        la      a2, d_pages
        call    expect_eq
        li      t0, 0x11
        sb      t0, 1(s0)
        li      t0, BIG - 1
        add     t1, s0, t0
        li      t0, 0x22
        sb      t0, 0(t1)
        lbu     a0, 1(s0)
        lbu     t0, 0(t1)
        slli    t0, t0, 8
        or      a0, a0, t0
        li      a1, 0x2211
        la      a2, d_ends
        call    expect_eq
        li      a0, 0
        call    brk
        li      t0, BIG
        add     a1, s0, t0
        la      a2, d_brk
        call    expect_eq

        li      a0, -CUT
        call    sbrk
        li      t0, BIG
        add     a1, s0, t0
        la      a2, d_shrink
        call    expect_eq
        la      a0, load_at
        li      t0, BIG - 1
        add     a1, s0, t0
        la      a2, d_freed
        call    expect_segv
        mv      a0, s0
        li      a1, BIG - CUT
        li      a2, 0x5a
        call    count_pages_not
        li      a1, 0
        la      a2, d_kept
        call    expect_eq

        li      a0, CUT
        call    sbrk
        li      t0, BIG - CUT
        add     a1, s0, t0
        la      a2, d_regrow
        call    expect_eq
        li      t0, BIG - CUT
        add     a0, s0, t0
        li      a1, CUT
        li      a2, 0
        call    count_pages_not
        li      a1, 0
        la      a2, d_regrow_zero
        call    expect_eq

        la      a0, touch_shrink_load
        li      a1, 0
        la      a2, d_own_shrink
        call    expect_segv

        mv      a0, s0
        call    brk
        mv      a1, s0
        la      a2, d_back
        call    expect_eq

        call    finish

# touch_shrink_load(): stores to the heap's last byte (s0 + BIG - 1), brk(s0), then loads that
# byte again; exit 0 if the load works (it must not: the page is gone).
touch_shrink_load:
        li      t0, BIG - 1
        add     s1, s0, t0
        li      t0, 9
        sb      t0, 0(s1)
        mv      a0, s0
        call    brk
        lbu     t0, 0(s1)
        li      a0, 0
        call    exit
