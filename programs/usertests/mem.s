# mem.s - allocate a lot, give it all back, allocate it again; run out, and recover (after
# xv6's usertests mem and OS/161's malloctest).
#
# Run with the default 16 MiB of RAM. Checks: a child growing the heap 1 MiB at a time without
# touching it runs out of address space (not RAM: pages are lazy) after more than 1 GiB, the
# failing sbrk leaves the break alone, and brk back to the start works (exit 0); the parent
# takes 12 MiB, touching all 3072 pages, gives it back with brk, and takes and touches 12 MiB
# again - 24 MiB in all, so the frames really came back - finding the pages zeroed the second
# time; a child that keeps taking and touching memory is killed with SIGSEGV when RAM runs out,
# after which the parent can take and touch the 12 MiB once more.

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    MIB, 1024 * 1024
        .equ    BIG, 12 * MIB

        .section .rodata
name:           .asciz "mem"
d_vspace:       .asciz "a child's heap grows by 1 MiB steps past 1 GiB until sbrk fails (exit 0)"
d_take:         .asciz "sbrk(12 MiB) works and all 3072 pages can be touched"
d_give:         .asciz "brk back to the start returns it"
d_again:        .asciz "sbrk(12 MiB) again works"
d_again_zero:   .asciz "  its pages read as zeros"
d_again_touch:  .asciz "  and all 3072 can be touched (24 MiB in all, with 16 MiB of RAM)"
d_give2:        .asciz "brk back to the start returns it"
d_hog:          .asciz "a child taking and touching memory without end is killed with SIGSEGV"
d_after_hog:    .asciz "then the parent takes and touches 12 MiB once more"

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
        mv      s0, a0                  # s0 = the starting break

        la      a0, grow_address_space
        li      a1, 0
        li      a2, 0
        la      a3, d_vspace
        call    expect_status

        call    take_and_touch
        li      a1, 0
        la      a2, d_take
        call    expect_eq
        mv      a0, s0
        call    brk
        mv      a1, s0
        la      a2, d_give
        call    expect_eq

        li      a0, BIG
        call    sbrk
        mv      a1, s0
        la      a2, d_again
        call    expect_eq
        mv      a0, s0
        li      a1, BIG
        li      a2, 0
        call    count_pages_not
        li      a1, 0
        la      a2, d_again_zero
        call    expect_eq
        mv      a0, s0
        li      a1, BIG
        li      a2, 0x2f
        call    touch_pages
        mv      a0, s0
        li      a1, BIG
        li      a2, 0x2f
        call    count_pages_not
        li      a1, 0
        la      a2, d_again_touch
        call    expect_eq
        mv      a0, s0
        call    brk
        mv      a1, s0
        la      a2, d_give2
        call    expect_eq

        la      a0, hog
        li      a1, 0
        la      a2, d_hog
        call    expect_segv
        call    take_and_touch
        li      a1, 0
        la      a2, d_after_hog
        call    expect_eq
        mv      a0, s0
        call    brk

        call    finish

# take_and_touch() -> a0 = 0 if sbrk(BIG) returned s0 and every page then held 0x4b after being
# written; otherwise non-zero.
take_and_touch:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      a0, BIG
        call    sbrk
        bne     a0, s0, 1f
        li      a1, BIG
        li      a2, 0x4b
        call    touch_pages
        mv      a0, s0
        li      a1, BIG
        li      a2, 0x4b
        call    count_pages_not
        j       2f
1:      li      a0, -1
2:      lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# grow_address_space(): sbrk(1 MiB) until it fails; exit 0 if that took more than 1024 calls,
# the break did not move on the failure, and brk(s0) then returns s0.
grow_address_space:
        li      s1, 0                   # s1 = successful calls
1:      li      a0, MIB
        call    sbrk
        li      t0, -1
        beq     a0, t0, 2f
        addi    s1, s1, 1
        j       1b
2:      li      a0, 0
        call    brk
        li      t0, MIB
        mul     t0, s1, t0
        add     t0, s0, t0
        bne     a0, t0, 3f              # the break moved on the failed call
        li      t0, 1024
        ble     s1, t0, 3f
        mv      a0, s0
        call    brk
        bne     a0, s0, 3f
        li      a0, 0
        call    exit
3:      li      a0, 1
        call    exit

# hog(): takes 1 MiB and touches every page of it, forever. sbrk failing ends it with exit 2.
hog:
        li      a0, MIB
        call    sbrk
        li      t0, -1
        beq     a0, t0, 1f
        call    page_up
        li      a1, MIB - PAGE_SIZE
        li      a2, 1
        call    touch_pages
        j       hog
1:      li      a0, 2
        call    exit
