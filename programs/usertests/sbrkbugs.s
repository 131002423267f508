# sbrkbugs.s - brk refuses what would break the address space, and returns exactly what it
# was given otherwise (after xv6's usertests sbrkbugs, sbrklast and sbrk8000).
#
# Checks: brk(0) returns the current break, twice the same; brk below the initial break
# (break - 1, the text segment, address 1, 4096), brk down by 256 MiB (wrapping below 0), into
# the stack (0x7ffff000), to 0x80000000 and to 0xfffff000 all return the break unchanged, and
# the program, its data and its stack are still there; brk to break + 10000 returns exactly
# that (not rounded to a page) and brk back to the initial break returns it; brk cannot grow
# into a MAP_FIXED mapping two pages above the break (unchanged) but can grow up to it; and
# shrinking the heap with brk leaves the mapping alone. vmlab-specific (fixed addresses).

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    DATA_VALUE, 0x0badcafe

        .section .rodata
name:           .asciz "sbrkbugs"
d_brk0:         .asciz "brk(0) returns the break, twice the same"
d_below1:       .asciz "brk(break - 1) (below the initial break) is refused"
d_text:         .asciz "brk(_start) (into the text) is refused"
d_one:          .asciz "brk(1) is refused"
d_page1:        .asciz "brk(4096) is refused"
d_wrap:         .asciz "brk(break - 256 MiB) (wrapping below 0) is refused"
d_stack:        .asciz "brk(0x7ffff000) (into the stack) is refused"
d_usertop:      .asciz "brk(0x80000000) is refused"
d_top:          .asciz "brk(0xfffff000) is refused"
d_alive:        .asciz "after all that the data and the stack are intact"
d_exact:        .asciz "brk(break + 10000) returns exactly that"
d_back:         .asciz "brk(initial break) returns it"
d_fixed:        .asciz "mmap(MAP_FIXED) two pages above the break works"
d_into_map:     .asciz "brk into that mapping is refused"
d_up_to_map:    .asciz "brk up to the mapping works"
d_map_kept:     .asciz "brk down leaves the mapping's data alone"

        .data
        .balign 4
data_word:      .word   DATA_VALUE

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin
        li      t0, DATA_VALUE
        addi    sp, sp, -16
        sw      t0, 0(sp)               # a stack word to check later

        li      a0, 0
        call    brk
        mv      s0, a0                  # s0 = the initial break
        li      a0, 0
        call    brk
        sub     a0, a0, s0
        seqz    a0, a0
        snez    t0, s0
        and     a0, a0, t0
        la      a1, d_brk0
        call    check

        addi    a0, s0, -1
        la      a1, d_below1
        call    expect_refused
        la      a0, _start
        la      a1, d_text
        call    expect_refused
        li      a0, 1
        la      a1, d_one
        call    expect_refused
        li      a0, 4096
        la      a1, d_page1
        call    expect_refused
        li      t0, 0x10000000
        sub     a0, s0, t0
        la      a1, d_wrap
        call    expect_refused
        li      a0, 0x7ffff000
        la      a1, d_stack
        call    expect_refused
        li      a0, 0x80000000
        la      a1, d_usertop
        call    expect_refused
        li      a0, 0xfffff000
        la      a1, d_top
        call    expect_refused

        la      t0, data_word
        lw      a0, 0(t0)
        lw      t0, 0(sp)
        xor     a0, a0, t0              # 0 if both hold DATA_VALUE...
        li      t1, DATA_VALUE
        xor     t0, t0, t1
        or      a0, a0, t0              # ...and the stack word is right
        li      a1, 0
        la      a2, d_alive
        call    expect_eq

        li      t0, 10000
        add     a0, s0, t0
        call    brk
        li      t0, 10000
        add     a1, s0, t0
        la      a2, d_exact
        call    expect_eq
        mv      a0, s0
        call    brk
        mv      a1, s0
        la      a2, d_back
        call    expect_eq

        # A fixed mapping at the second page boundary above the break.
        mv      a0, s0
        call    page_up
        li      t0, 2 * PAGE_SIZE
        add     s1, a0, t0              # s1 = the mapping
        mv      a0, s1
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE | MAP_FIXED
        call    mmap
        mv      a1, s1
        la      a2, d_fixed
        call    expect_eq
        li      t0, 0x44
        sb      t0, 0(s1)
        addi    a0, s1, 1               # one byte into the mapping
        la      a1, d_into_map
        call    expect_refused
        mv      a0, s1
        call    brk
        mv      a1, s1
        la      a2, d_up_to_map
        call    expect_eq
        li      t0, 0x55
        addi    t1, s1, -1
        sb      t0, 0(t1)               # the heap's last byte
        mv      a0, s0
        call    brk
        lbu     a0, 0(s1)
        li      a1, 0x44
        la      a2, d_map_kept
        call    expect_eq

        call    finish

# expect_refused(a0 = address, a1 = description): brk(address) must return the break s0.
expect_refused:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s1, 8(sp)
        mv      s1, a1
        call    brk
        mv      a1, s0
        mv      a2, s1
        call    expect_eq
        lw      s1, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
