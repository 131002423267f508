# mmaptest.s - anonymous mmap, munmap and mprotect, and the faults they cause (after xv6's
# mmaptest lab and OS/161's sbrk/mmap tests).
#
# Checks: mmap of 4 private pages returns a page-aligned user address whose memory reads as
# zeros and can be written and read back; a second mapping does not overlap the first; a
# PROT_READ page reads as zeros but a store to it kills a child with SIGSEGV; mprotect to
# PROT_READ makes a written page read-only (a child's store is killed, the data stays), back to
# read-write makes it writable again, PROT_NONE makes even a load fault, and restoring the
# protection finds the data intact; code stored in a read-write page cannot be run (SIGSEGV)
# until mprotect adds PROT_EXEC, and then it runs; munmap of the middle page of three splits
# the mapping (touching the hole kills a child, the pages on either side keep their data);
# munmap of a range that is only partly mapped, or not mapped at all, returns 0, and the pages
# are gone afterwards; MAP_FIXED maps exactly where asked, and over an existing mapping it
# replaces just the pages it covers (fresh zeros there, the rest untouched); a process's own
# mprotect to PROT_READ and munmap of a page it has just used take effect at once; a child that
# mprotects a copy-on-write page read-only and back and then writes it gets its own copy (the
# parent's is unchanged); a free address
# given as a hint is used; and the argument errors: length 0, neither MAP_PRIVATE nor
# MAP_SHARED, a misaligned MAP_FIXED address or munmap address (-EINVAL), a mapping larger
# than all of RAM and mprotect of unmapped memory (-ENOMEM). vmlab-specific (fixed addresses).

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    FIXED_AT, 0x40000000
        .equ    HINT_AT, 0x48000000
        .equ    NEVER_MAPPED, 0x50000000
        .equ    HUGE, 0x40000000        # 1 GiB: more than any RAM vmlab is run with here
        .equ    INSN_LI_A0_42, 0x02a00513       # addi a0, zero, 42
        .equ    INSN_RET, 0x00008067            # jalr zero, 0(ra)

        .section .rodata
name:           .asciz "mmaptest"
d_map:          .asciz "mmap(4 pages, RW, PRIVATE) returns a page-aligned user address"
d_zero:         .asciz "the new mapping reads as zeros"
d_rw:           .asciz "every byte of it can be written and read back"
d_second:       .asciz "a second mmap does not overlap the first"
d_ro_read:      .asciz "a PROT_READ mapping reads as zeros"
d_ro_store:     .asciz "a store to a PROT_READ page kills the child with SIGSEGV"
d_mprot_ro:     .asciz "mprotect(page, PROT_READ) returns 0"
d_mprot_store:  .asciz "  a store to it then kills the child with SIGSEGV"
d_mprot_kept:   .asciz "  and the page keeps its data"
d_mprot_rw:     .asciz "mprotect back to PROT_READ|PROT_WRITE makes it writable again"
d_mprot_none:   .asciz "after mprotect(PROT_NONE) a load kills the child with SIGSEGV"
d_none_back:    .asciz "  and restoring PROT_READ|PROT_WRITE finds the data intact"
d_noexec:       .asciz "code in a read-write page does not run: SIGSEGV"
d_exec:         .asciz "after mprotect(PROT_READ|PROT_EXEC) it runs and returns 42"
d_split:        .asciz "munmap of the middle page of three returns 0"
d_split_hole:   .asciz "  touching the hole kills the child with SIGSEGV"
d_split_sides:  .asciz "  the pages on either side keep their data"
d_unmap_part:   .asciz "munmap of a range with a hole in it returns 0"
d_unmap_gone:   .asciz "  and touching its first page then kills the child with SIGSEGV"
d_unmap_never:  .asciz "munmap of a range never mapped returns 0"
d_fixed:        .asciz "mmap(MAP_FIXED, 0x40000000) returns exactly that address"
d_fixed_over:   .asciz "MAP_FIXED over the second page of that mapping returns its address"
d_fixed_fresh:  .asciz "  that page now reads as zeros"
d_fixed_rest:   .asciz "  the first page keeps its data"
d_own_mprotect: .asciz "a child storing to a page, making it read-only, and storing again is killed"
d_own_munmap:   .asciz "a child loading from a page, unmapping it, and loading again is killed"
d_cow_child:    .asciz "a child mprotects a page READ then READ|WRITE and rewrites it (exit 0)"
d_cow_parent:   .asciz "  the parent's copy of the page is unchanged"
d_hint:         .asciz "mmap with a free hint address 0x48000000 uses it"
d_e_len0:       .asciz "mmap of length 0 returns -EINVAL"
d_e_type:       .asciz "mmap without MAP_PRIVATE or MAP_SHARED returns -EINVAL"
d_e_fixed:      .asciz "MAP_FIXED at a misaligned address returns -EINVAL"
d_e_unmap:      .asciz "munmap of a misaligned address returns -EINVAL"
d_e_huge:       .asciz "mmap of 1 GiB (more than RAM) returns -ENOMEM"
d_e_mprotect:   .asciz "mprotect of unmapped memory returns -ENOMEM"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        # --- s0 = 4 private pages
        li      a0, 0
        li      a1, 4 * PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE
        call    mmap
        mv      s0, a0
        call    is_page_address
        la      a1, d_map
        call    check
        mv      a0, s0
        li      a1, 4 * PAGE_SIZE
        call    count_nonzero
        li      a1, 0
        la      a2, d_zero
        call    expect_eq
        mv      a0, s0
        li      a1, 4 * PAGE_SIZE
        li      a2, 1
        call    fill_pattern
        mv      a0, s0
        li      a1, 4 * PAGE_SIZE
        li      a2, 1
        call    check_pattern
        li      a1, 0
        la      a2, d_rw
        call    expect_eq

        # --- s1 = 1 read-only page
        li      a0, 0
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        li      a3, MAP_PRIVATE
        call    mmap
        mv      s1, a0
        li      t0, 4 * PAGE_SIZE       # disjoint: s1 + 4096 <= s0 or s0 + 16384 <= s1
        add     t0, s0, t0
        li      a0, 1
        bleu    t0, s1, 1f
        li      t0, PAGE_SIZE
        add     t0, s1, t0
        bleu    t0, s0, 1f
        li      a0, 0
1:      la      a1, d_second
        call    check
        mv      a0, s1
        li      a1, PAGE_SIZE
        call    count_nonzero
        li      a1, 0
        la      a2, d_ro_read
        call    expect_eq
        la      a0, store_at
        mv      a1, s1
        la      a2, d_ro_store
        call    expect_segv

        # --- mprotect on the first page of s0
        mv      a0, s0
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        call    mprotect
        li      a1, 0
        la      a2, d_mprot_ro
        call    expect_eq
        la      a0, store_at
        mv      a1, s0
        la      a2, d_mprot_store
        call    expect_segv
        mv      a0, s0
        li      a1, 4 * PAGE_SIZE
        li      a2, 1
        call    check_pattern
        li      a1, 0
        la      a2, d_mprot_kept
        call    expect_eq
        mv      a0, s0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        call    mprotect
        mv      s2, a0
        li      t0, 0x66
        sb      t0, 0(s0)
        lbu     t0, 0(s0)
        addi    t0, t0, -0x66
        or      a0, s2, t0              # 0 if mprotect worked and the byte stuck
        li      a1, 0
        la      a2, d_mprot_rw
        call    expect_eq
        mv      a0, s0
        li      a1, 1
        call    pattern_byte
        sb      a0, 0(s0)               # put the pattern back

        mv      a0, s0
        li      a1, PAGE_SIZE
        li      a2, PROT_NONE
        call    mprotect
        la      a0, load_at
        mv      a1, s0
        la      a2, d_mprot_none
        call    expect_segv
        mv      a0, s0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        call    mprotect
        mv      a0, s0
        li      a1, 4 * PAGE_SIZE
        li      a2, 1
        call    check_pattern
        li      a1, 0
        la      a2, d_none_back
        call    expect_eq

        # --- code in the last page of s0: not executable until mprotect says so
        li      t0, 3 * PAGE_SIZE
        add     s2, s0, t0              # s2 = the code page
        li      t0, INSN_LI_A0_42
        sw      t0, 0(s2)
        li      t0, INSN_RET
        sw      t0, 4(s2)
        la      a0, jump_to
        mv      a1, s2
        la      a2, d_noexec
        call    expect_segv
        mv      a0, s2
        li      a1, PAGE_SIZE
        li      a2, PROT_READ | PROT_EXEC
        call    mprotect
        li      a0, 0
        bnez    a0, 1f                  # a0 = 0 unless the code runs
        jalr    s2
1:      li      a1, 42
        la      a2, d_exec
        call    expect_eq

        # --- munmap the middle page of the first three
        li      t0, PAGE_SIZE
        add     a0, s0, t0
        li      a1, PAGE_SIZE
        call    munmap
        li      a1, 0
        la      a2, d_split
        call    expect_eq
        la      a0, load_at
        li      t0, PAGE_SIZE
        add     a1, s0, t0
        la      a2, d_split_hole
        call    expect_segv
        mv      a0, s0
        li      a1, PAGE_SIZE
        li      a2, 1
        call    check_pattern
        mv      s3, a0
        li      t0, 2 * PAGE_SIZE
        add     a0, s0, t0
        li      a1, PAGE_SIZE
        li      a2, 1
        call    check_pattern
        add     a0, a0, s3
        li      a1, 0
        la      a2, d_split_sides
        call    expect_eq

        # --- munmap all four (the hole included), and a range never mapped
        mv      a0, s0
        li      a1, 4 * PAGE_SIZE
        call    munmap
        li      a1, 0
        la      a2, d_unmap_part
        call    expect_eq
        la      a0, load_at
        mv      a1, s0
        la      a2, d_unmap_gone
        call    expect_segv
        li      a0, NEVER_MAPPED
        li      a1, 2 * PAGE_SIZE
        call    munmap
        li      a1, 0
        la      a2, d_unmap_never
        call    expect_eq

        # --- MAP_FIXED
        li      a0, FIXED_AT
        li      a1, 2 * PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE | MAP_FIXED
        call    mmap
        li      a1, FIXED_AT
        la      a2, d_fixed
        call    expect_eq
        li      a0, FIXED_AT
        li      a1, 2 * PAGE_SIZE
        li      a2, 5
        call    fill_pattern
        li      a0, FIXED_AT + PAGE_SIZE
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE | MAP_FIXED
        call    mmap
        li      a1, FIXED_AT + PAGE_SIZE
        la      a2, d_fixed_over
        call    expect_eq
        li      a0, FIXED_AT + PAGE_SIZE
        li      a1, PAGE_SIZE
        call    count_nonzero
        li      a1, 0
        la      a2, d_fixed_fresh
        call    expect_eq
        li      a0, FIXED_AT
        li      a1, PAGE_SIZE
        li      a2, 5
        call    check_pattern
        li      a1, 0
        la      a2, d_fixed_rest
        call    expect_eq

        # --- a process's own mprotect and munmap take effect at once (no stale TLB entry)
        la      a0, write_protect_write
        li      a1, FIXED_AT
        la      a2, d_own_mprotect
        call    expect_segv
        la      a0, load_unmap_load
        li      a1, FIXED_AT
        la      a2, d_own_munmap
        call    expect_segv

        # --- a child's mprotect does not open the parent's copy-on-write page to it
        la      a0, reprotect_and_write
        li      a1, FIXED_AT
        li      a2, 0
        la      a3, d_cow_child
        call    expect_status
        li      a0, FIXED_AT
        li      a1, PAGE_SIZE
        li      a2, 5
        call    check_pattern
        li      a1, 0
        la      a2, d_cow_parent
        call    expect_eq

        # --- a hint
        li      a0, HINT_AT
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE
        call    mmap
        li      a1, HINT_AT
        la      a2, d_hint
        call    expect_eq

        # --- argument errors
        li      a0, 0
        li      a1, 0
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE
        call    mmap
        li      a1, -EINVAL
        la      a2, d_e_len0
        call    expect_eq
        li      a0, 0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, 0
        call    mmap
        li      a1, -EINVAL
        la      a2, d_e_type
        call    expect_eq
        li      a0, FIXED_AT + 100
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE | MAP_FIXED
        call    mmap
        li      a1, -EINVAL
        la      a2, d_e_fixed
        call    expect_eq
        li      a0, FIXED_AT + 100
        li      a1, PAGE_SIZE
        call    munmap
        li      a1, -EINVAL
        la      a2, d_e_unmap
        call    expect_eq
        li      a0, 0
        li      a1, HUGE
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE
        call    mmap
        li      a1, -ENOMEM
        la      a2, d_e_huge
        call    expect_eq
        li      a0, NEVER_MAPPED
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        call    mprotect
        li      a1, -ENOMEM
        la      a2, d_e_mprotect
        call    expect_eq

        call    finish

# write_protect_write(a0 = a writable page): stores to it, mprotects it PROT_READ, stores
# again; exit 0 if that second store works (it must not).
write_protect_write:
        mv      s0, a0
        li      t0, 1
        sb      t0, 0(s0)
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        call    mprotect
        li      t0, 2
        sb      t0, 0(s0)
        li      a0, 0
        call    exit

# load_unmap_load(a0 = a mapped page): loads from it, munmaps it, loads again; exit 0 if that
# second load works (it must not).
load_unmap_load:
        mv      s0, a0
        lbu     t0, 0(s0)
        li      a1, PAGE_SIZE
        call    munmap
        lbu     t0, 0(s0)
        li      a0, 0
        call    exit

# reprotect_and_write(a0 = a page): mprotect it PROT_READ, then PROT_READ|PROT_WRITE, then
# fill it with pattern 9; exit 0 if both mprotect calls returned 0.
reprotect_and_write:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        call    mprotect
        mv      s1, a0
        mv      a0, s0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        call    mprotect
        or      s1, s1, a0
        mv      a0, s0
        li      a1, PAGE_SIZE
        li      a2, 9
        call    fill_pattern
        snez    a0, s1
        call    exit

# is_page_address(a0) -> a0 = 1 if a0 is a page-aligned, non-zero address below USER_TOP
# (so not an -errno either).
is_page_address:
        li      t0, PAGE_SIZE - 1
        and     t0, a0, t0
        bnez    t0, 1f
        beqz    a0, 1f
        li      t0, USER_TOP
        bgeu    a0, t0, 1f
        li      a0, 1
        ret
1:      li      a0, 0
        ret
