# sbrkbasic.s - the heap grows and shrinks with brk, one small step at a time (after xv6's
# usertests sbrkbasic).
#
# Checks: brk(0) returns the current break, and the same one twice; 5000 sbrk(1) calls each
# return the previous break and every byte they hand out keeps what was written to it; growing
# by three pages and a bit gives memory that reads as zeros and where every byte can be written
# and read back; shrinking to a page boundary returns the old break, keeps what lies below and
# gives the pages above back (grown again, they read as zeros); a forked child grows and writes
# its own heap without moving or changing the parent's. Uses only the ABI (no addresses are
# printed), so it runs under qemu-riscv32 too.

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    STEPS, 5000
        .equ    BIG, 3 * PAGE_SIZE + 123

        .section .rodata
name:           .asciz "sbrkbasic"
d_brk0:         .asciz "brk(0) returns a non-zero break"
d_brk0_again:   .asciz "brk(0) again returns the same break"
d_steps:        .asciz "5000 sbrk(1) calls each return the previous break"
d_step_bytes:   .asciz "every byte got by sbrk(1) keeps the value written to it"
d_steps_end:    .asciz "after them the break has moved by 5000"
d_big_old:      .asciz "sbrk(3 pages + 123) returns the old break"
d_big_zero:     .asciz "the new heap memory reads as zeros"
d_big_rw:       .asciz "every byte of the new heap can be written and read back"
d_shrink:       .asciz "sbrk(-n) down to a page boundary returns the old break"
d_shrink_brk:   .asciz "brk(0) then returns the lowered break"
d_kept:         .asciz "the heap below the lowered break keeps its contents"
d_regrow:       .asciz "sbrk(n) grows it back, returning the lowered break"
d_regrow_zero:  .asciz "pages given back and grown again read as zeros"
d_child:        .asciz "a forked child grows its own heap by 2 pages and uses it (exit 0)"
d_child_brk:    .asciz "the parent's break did not move when the child's did"
d_parent_heap:  .asciz "the parent's heap is unchanged by the child's writes"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        li      a0, 0
        call    brk
        mv      s0, a0                  # s0 = the initial break
        la      a1, d_brk0
        call    check
        li      a0, 0
        call    brk
        mv      a1, s0
        la      a2, d_brk0_again
        call    expect_eq

        # 5000 steps of one byte; byte i gets (i * 7) & 0xff.
        mv      s1, s0                  # s1 = the break sbrk should return next
        li      s2, 0                   # s2 = wrong returns
        li      s3, 0                   # s3 = i
step_loop:
        li      t0, STEPS
        bge     s3, t0, step_done
        li      a0, 1
        call    sbrk
        beq     a0, s1, step_ok
        addi    s2, s2, 1
        li      t0, -1
        beq     a0, t0, step_next       # no byte to write
step_ok:
        li      t0, 7
        mul     t0, s3, t0
        sb      t0, 0(a0)
step_next:
        addi    s1, s1, 1
        addi    s3, s3, 1
        j       step_loop
step_done:
        mv      a0, s2
        li      a1, 0
        la      a2, d_steps
        call    expect_eq

        li      s2, 0                   # wrong bytes
        li      s3, 0
verify_loop:
        li      t0, STEPS
        bge     s3, t0, verify_done
        add     t1, s0, s3
        lbu     t1, 0(t1)
        li      t0, 7
        mul     t0, s3, t0
        andi    t0, t0, 0xff
        beq     t0, t1, 1f
        addi    s2, s2, 1
1:      addi    s3, s3, 1
        j       verify_loop
verify_done:
        mv      a0, s2
        li      a1, 0
        la      a2, d_step_bytes
        call    expect_eq
        li      a0, 0
        call    brk
        li      t0, STEPS
        add     a1, s0, t0
        la      a2, d_steps_end
        call    expect_eq

        # One bigger step across pages.
        li      a0, BIG
        call    sbrk
        mv      s1, a0                  # s1 = start of the big block
        li      t0, STEPS
        add     a1, s0, t0
        la      a2, d_big_old
        call    expect_eq
        li      t0, BIG
        add     s4, s1, t0              # s4 = the break now (E)
        mv      a0, s1
        li      a1, BIG
        call    count_nonzero
        li      a1, 0
        la      a2, d_big_zero
        call    expect_eq
        mv      a0, s1
        li      a1, BIG
        li      a2, 7
        call    fill_pattern
        mv      a0, s1
        li      a1, BIG
        li      a2, 7
        call    check_pattern
        li      a1, 0
        la      a2, d_big_rw
        call    expect_eq

        # Shrink to P, the second page boundary above the big block's start, and grow back.
        mv      a0, s1
        call    page_up
        li      t0, PAGE_SIZE
        add     s5, a0, t0              # s5 = P
        sub     a0, s5, s4
        call    sbrk
        mv      a1, s4
        la      a2, d_shrink
        call    expect_eq
        li      a0, 0
        call    brk
        mv      a1, s5
        la      a2, d_shrink_brk
        call    expect_eq
        mv      a0, s1
        sub     a1, s5, s1
        li      a2, 7
        call    check_pattern
        li      a1, 0
        la      a2, d_kept
        call    expect_eq
        sub     a0, s4, s5
        call    sbrk
        mv      a1, s5
        la      a2, d_regrow
        call    expect_eq
        mv      a0, s5
        sub     a1, s4, s5
        call    count_nonzero
        li      a1, 0
        la      a2, d_regrow_zero
        call    expect_eq

        # A child's heap is its own.
        la      a0, child_heap
        mv      a1, s1
        li      a2, 0
        la      a3, d_child
        call    expect_status
        li      a0, 0
        call    brk
        mv      a1, s4
        la      a2, d_child_brk
        call    expect_eq
        mv      a0, s1
        sub     a1, s5, s1
        li      a2, 7
        call    check_pattern
        mv      s2, a0
        mv      a0, s5
        sub     a1, s4, s5
        call    count_nonzero
        add     a0, a0, s2
        li      a1, 0
        la      a2, d_parent_heap
        call    expect_eq

        call    finish

# child_heap(a0 = the parent's big block): overwrites the block, then grows the heap by two
# pages and checks every byte of them; exits 0 if all is well, 1 if not.
child_heap:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        li      a1, BIG
        li      a2, 99
        call    fill_pattern
        li      a0, 2 * PAGE_SIZE
        call    sbrk
        li      t0, -1
        beq     a0, t0, child_bad
        mv      s0, a0
        li      a1, 2 * PAGE_SIZE
        li      a2, 9
        call    fill_pattern
        mv      a0, s0
        li      a1, 2 * PAGE_SIZE
        li      a2, 9
        call    check_pattern
        bnez    a0, child_bad
        li      a0, 0
        call    exit
child_bad:
        li      a0, 1
        call    exit
