# bsstest.s - a large .bss starts zeroed and is ordinary memory (after xv6's usertests
# bsstest and bigargtest's static buffers).
#
# Checks: all 2 MiB of a .bss array read as zeros, word by word; so does a small .bss variable
# that shares a page with the end of .data; the .data words around them hold their initial
# values; every page of the array can be written and read back, and writing the array leaves
# .data alone. Uses only the ABI, so it runs under qemu-riscv32 too.

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    BIG, 2 * 1024 * 1024
        .equ    FIRST, 0x600d600d
        .equ    LAST, 0x0ddba11

        .section .rodata
name:           .asciz "bsstest"
d_big_zero:     .asciz "all 2 MiB of a .bss array read as zeros"
d_small_zero:   .asciz "a small .bss variable next to .data reads as zero"
d_data:         .asciz ".data holds its initial values"
d_rw:           .asciz "a byte at the start of every page of the array reads back"
d_ends:         .asciz "the array's first and last words read back"
d_data_after:   .asciz ".data is unchanged after writing the array"

        .data
        .balign 4
first_word:     .word   FIRST
        .space  100
last_word:      .word   LAST

        .bss
        .balign 4
small:          .space  8
        .balign 4096
big:            .space  BIG

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        la      a0, big
        li      a1, BIG
        call    count_nonzero_words
        li      a1, 0
        la      a2, d_big_zero
        call    expect_eq
        la      a0, small
        li      a1, 8
        call    count_nonzero_words
        li      a1, 0
        la      a2, d_small_zero
        call    expect_eq
        call    data_ok
        la      a1, d_data
        call    check

        la      a0, big
        li      a1, BIG
        li      a2, 0x3c
        call    touch_pages
        la      a0, big
        li      a1, BIG
        li      a2, 0x3c
        call    count_pages_not
        li      a1, 0
        la      a2, d_rw
        call    expect_eq
        la      t0, big
        li      t1, FIRST
        sw      t1, 4(t0)
        li      t2, BIG - 4
        add     t2, t0, t2
        li      t1, LAST
        sw      t1, 0(t2)
        lw      a0, 4(t0)
        lw      t1, 0(t2)
        xor     a0, a0, t1
        li      a1, FIRST ^ LAST
        la      a2, d_ends
        call    expect_eq
        call    data_ok
        la      a1, d_data_after
        call    check

        call    finish

# count_nonzero_words(a0 = start, a1 = length, both multiples of 4) -> a0 = non-zero words.
count_nonzero_words:
        add     t3, a0, a1
        li      t4, 0
1:      bgeu    a0, t3, 2f
        lw      t1, 0(a0)
        snez    t1, t1
        add     t4, t4, t1
        addi    a0, a0, 4
        j       1b
2:      mv      a0, t4
        ret

# data_ok() -> a0 = 1 if the .data words hold FIRST and LAST.
data_ok:
        la      t0, first_word
        lw      t0, 0(t0)
        li      t1, FIRST
        xor     t0, t0, t1
        la      t2, last_word
        lw      t2, 0(t2)
        li      t1, LAST
        xor     t2, t2, t1
        or      t0, t0, t2
        seqz    a0, t0
        ret
