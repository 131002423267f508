# stacktest.s - the stack grows on demand down to its limit; below it lies a guard page, and
# touching it or anything under it kills the process (after xv6's usertests stacktest and
# OS/161's stacktest/"bigstack").
#
# vmlab's layout: the stack ends at 0x80000000 and may grow to 8 MiB, down to 0x7f800000; the
# page under that, 0x7f7ff000, is the guard page, never mapped; mmap areas start below it.
#
# Checks: the parent recurses 2000 deep (about 128 KiB of stack) and gets the right sum back;
# a child storing to the lowest page of the 8 MiB (0x7f800000) exits normally; a child storing
# into the guard page, one loading from the page under it, and one recursing without end are
# each killed with SIGSEGV; an mmap is placed below the guard page; the parent's stack is
# intact after all that. vmlab-specific (the addresses above).

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    STACK_LIMIT, 8 * 1024 * 1024
        .equ    STACK_LOW, USER_TOP - STACK_LIMIT       # 0x7f800000
        .equ    GUARD, STACK_LOW - PAGE_SIZE            # 0x7f7ff000
        .equ    DEPTH, 2000
        .equ    FRAME, 64
        .equ    MARK, 0x57ac

        .section .rodata
name:           .asciz "stacktest"
d_deep:         .asciz "the parent recurses 2000 deep and gets the right sum"
d_lowest:       .asciz "a child storing to the lowest stack page (0x7f800000) exits 0"
d_guard:        .asciz "a child storing into the guard page (0x7f7ffffc) is killed with SIGSEGV"
d_under:        .asciz "a child loading below the guard page (0x7f7fe000) is killed with SIGSEGV"
d_overflow:     .asciz "a child recursing without end is killed with SIGSEGV"
d_mmap:         .asciz "an mmap is placed below the guard page"
d_intact:       .asciz "the parent's stack is intact"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin
        addi    sp, sp, -16
        li      t0, MARK
        sw      t0, 0(sp)

        li      a0, DEPTH
        call    sum_down
        li      a1, DEPTH * (DEPTH + 1) / 2
        la      a2, d_deep
        call    expect_eq

        la      a0, store_at
        li      a1, STACK_LOW
        li      a2, 0
        la      a3, d_lowest
        call    expect_status

        la      a0, store_at
        li      a1, STACK_LOW - 4
        la      a2, d_guard
        call    expect_segv

        la      a0, load_at
        li      a1, GUARD - PAGE_SIZE
        la      a2, d_under
        call    expect_segv

        la      a0, recurse_forever
        li      a1, 0
        la      a2, d_overflow
        call    expect_segv

        li      a0, 0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE
        call    mmap
        li      t0, GUARD - PAGE_SIZE + 1
        sltu    a0, a0, t0              # the mapping ends at or below the guard page
        la      a1, d_mmap
        call    check

        lw      a0, 0(sp)
        li      a1, MARK
        la      a2, d_intact
        call    expect_eq
        call    finish

# sum_down(a0 = n) -> a0 = n + (n - 1) + ... + 1, one 64-byte frame per level.
sum_down:
        beqz    a0, 1f
        addi    sp, sp, -FRAME
        sw      ra, FRAME-4(sp)
        sw      a0, 0(sp)
        addi    a0, a0, -1
        call    sum_down
        lw      t0, 0(sp)
        add     a0, a0, t0
        lw      ra, FRAME-4(sp)
        addi    sp, sp, FRAME
1:      ret

# recurse_forever(): calls itself with a 64-byte frame until the stack runs out.
recurse_forever:
        addi    sp, sp, -FRAME
        sw      ra, FRAME-4(sp)
        sw      a0, 0(sp)
        call    recurse_forever
        lw      ra, FRAME-4(sp)
        addi    sp, sp, FRAME
        ret
