# lazy.s - memory is promised at once but allocated page by page on first touch (after xv6's
# lazy-allocation lab tests and OS/161's "huge" test).
#
# Run with the default 16 MiB of RAM: the program maps 12 MiB with mmap and grows the heap by
# 8 MiB - 20 MiB in all, more than the machine has - and touches only 3 pages of the mapping and
# 2 of the heap. Checks: both requests succeed; the touched pages read back and the untouched
# pages in between read as zeros (reading one allocates just that page); a forked child sees the
# touched values and writes one page of its own; munmap and brk give it all back. The test reads
# the frames used from `--stats --json`: the process's peak resident pages stay small.

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    MIB, 1024 * 1024
        .equ    MAP_LEN, 12 * MIB
        .equ    HEAP_LEN, 8 * MIB

        .section .rodata
name:           .asciz "lazy"
d_mmap:         .asciz "mmap(12 MiB) succeeds"
d_sbrk:         .asciz "sbrk(8 MiB) succeeds as well (20 MiB in all, with 16 MiB of RAM)"
d_touched:      .asciz "3 touched pages of the mapping and 2 of the heap read back"
d_untouched:    .asciz "untouched pages in between read as zeros"
d_child:        .asciz "a forked child sees the touched values and writes a page (exit 0)"
d_after_child:  .asciz "the parent still sees its own values"
d_unmap:        .asciz "munmap(12 MiB) returns 0"
d_brk:          .asciz "brk gives the 8 MiB back"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        li      a0, 0
        li      a1, MAP_LEN
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE
        call    mmap
        mv      s0, a0                  # s0 = the mapping
        li      t0, -4096
        sltu    a0, s0, t0
        la      a1, d_mmap
        call    check
        li      a0, 0
        call    brk
        mv      s2, a0                  # s2 = the old break
        li      a0, HEAP_LEN
        call    sbrk
        mv      s1, a0                  # s1 = the heap block
        addi    a0, s1, 1
        snez    a0, a0
        la      a1, d_sbrk
        call    check

        # Touch: mapping first, middle and last page; heap first and last byte.
        li      t0, 0x11
        sb      t0, 0(s0)
        li      t1, MAP_LEN / 2
        add     t1, s0, t1
        li      t0, 0x22
        sb      t0, 0(t1)
        li      t1, MAP_LEN - 1
        add     t1, s0, t1
        li      t0, 0x33
        sb      t0, 0(t1)
        li      t0, 0x44
        sb      t0, 0(s1)
        li      t1, HEAP_LEN - 1
        add     t1, s1, t1
        li      t0, 0x55
        sb      t0, 0(t1)
        call    touched_sum
        li      a1, 0x11 + 0x22 + 0x33 + 0x44 + 0x55
        la      a2, d_touched
        call    expect_eq
        li      t0, MAP_LEN / 4
        add     t0, s0, t0
        lbu     a0, 0(t0)
        li      t0, HEAP_LEN / 2
        add     t0, s1, t0
        lbu     t0, 0(t0)
        or      a0, a0, t0
        li      a1, 0
        la      a2, d_untouched
        call    expect_eq

        la      a0, child
        li      a1, 0
        li      a2, 0
        la      a3, d_child
        call    expect_status
        call    touched_sum
        li      a1, 0x11 + 0x22 + 0x33 + 0x44 + 0x55
        la      a2, d_after_child
        call    expect_eq

        mv      a0, s0
        li      a1, MAP_LEN
        call    munmap
        li      a1, 0
        la      a2, d_unmap
        call    expect_eq
        mv      a0, s2
        call    brk
        mv      a1, s2
        la      a2, d_brk
        call    expect_eq
        call    finish

# touched_sum() -> a0 = the sum of the five touched bytes (s0 = mapping, s1 = heap block).
touched_sum:
        lbu     a0, 0(s0)
        li      t1, MAP_LEN / 2
        add     t1, s0, t1
        lbu     t0, 0(t1)
        add     a0, a0, t0
        li      t1, MAP_LEN - 1
        add     t1, s0, t1
        lbu     t0, 0(t1)
        add     a0, a0, t0
        lbu     t0, 0(s1)
        add     a0, a0, t0
        li      t1, HEAP_LEN - 1
        add     t1, s1, t1
        lbu     t0, 0(t1)
        add     a0, a0, t0
        ret

# child(): exit 0 if it sees the touched values, after writing one more page of the mapping.
child:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    touched_sum
        li      t0, 0x11 + 0x22 + 0x33 + 0x44 + 0x55
        sub     s3, a0, t0
        li      t1, MAP_LEN / 8
        add     t1, s0, t1
        li      t0, 0x66
        sb      t0, 0(t1)
        lbu     t0, 0(s0)
        li      t1, 0x77
        sb      t1, 0(s0)               # a copy-on-write copy
        snez    a0, s3
        call    exit
