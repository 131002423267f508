# cow.s - after fork, private memory is private and shared memory is shared (after xv6's
# cowtest and usertests, and OS/161's forktest).
#
# Checks: a .data word, a stack word, a heap page and a MAP_PRIVATE page written before fork
# are seen by the child with the parent's values; then parent and child each write the same
# words and each sees only its own value (the child reports through its exit status); a
# 64-page heap block rewritten entirely by the child is unchanged in the parent; a grandchild
# writing the same word sees its own value and leaves its parent's and grandparent's alone; a
# MAP_SHARED|MAP_ANONYMOUS page written before fork is seen by the child, and what the child
# writes there (including to a shared page first touched by the child) is seen by the parent
# after wait; a child that unmaps the middle of three MAP_SHARED pages and write-protects the
# first still shares the third with the parent, whose own mapping stays whole and writable.
# Uses only the ABI, so it runs under qemu-riscv32 too.

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    BLOCK, 64 * PAGE_SIZE
        .equ    PARENT_VALUE, 0x1111
        .equ    CHILD_VALUE, 0x2222
        .equ    GRANDCHILD_VALUE, 0x3333
        .equ    SHARED_VALUE, 0x4444

        .section .rodata
name:           .asciz "cow"
d_setup:        .asciz "sbrk and mmap give the memory to share"
d_child_sees:   .asciz "the child sees the parent's pre-fork values in .data, stack, heap and mmap"
d_child_own:    .asciz "the child sees its own writes to those words (exit 0)"
d_parent_own:   .asciz "the parent sees its own writes, not the child's"
d_block_child:  .asciz "a child rewrites a 64-page heap block (exit 0)"
d_block_parent: .asciz "the parent's 64-page heap block is unchanged"
d_grand:        .asciz "a child and a grandchild each write a word and see their own (exit 0)"
d_grand_parent: .asciz "the grandparent's word is unchanged"
d_shared_child: .asciz "a child sees the parent's MAP_SHARED write and writes two pages (exit 0)"
d_shared_seen:  .asciz "the parent sees the child's write to a MAP_SHARED page"
d_shared_lazy:  .asciz "the parent sees a MAP_SHARED page the child touched first"
d_private_mm:   .asciz "a MAP_PRIVATE page written by the child is unchanged in the parent"

d_split_child:  .asciz "a child cuts up 3 MAP_SHARED pages and writes the third (exit 0)"
d_split_seen:   .asciz "  the parent sees the write to the third page"
d_split_middle: .asciz "  the parent's middle page is still mapped and holds its value"
d_split_first:  .asciz "  the parent can still write the first page"

        .data
        .balign 4
data_word:      .word   0

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin
        addi    sp, sp, -16             # 0(sp): the stack word

        # s0 = a heap page, s1 = a MAP_PRIVATE page, s2 = the 64-page block,
        # s3 = two MAP_SHARED pages.
        li      a0, PAGE_SIZE
        call    sbrk
        mv      s0, a0
        li      a0, 0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE
        call    mmap
        mv      s1, a0
        li      a0, BLOCK
        call    sbrk
        mv      s2, a0
        li      a0, 0
        li      a1, 2 * PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_SHARED
        call    mmap
        mv      s3, a0
        li      t0, -1                  # sbrk fails with -1, mmap with -errno
        li      a0, 1
        beq     s0, t0, 1f
        beq     s2, t0, 1f
        li      t0, -4096
        bgeu    s1, t0, 1f
        bgeu    s3, t0, 1f
        j       2f
1:      li      a0, 0
2:      la      a1, d_setup
        call    check

        # Pre-fork values.
        li      t0, PARENT_VALUE
        la      t1, data_word
        sw      t0, 0(t1)
        sw      t0, 0(sp)
        sw      t0, 0(s0)
        sw      t0, 0(s1)
        li      t0, SHARED_VALUE
        sw      t0, 0(s3)

        # --- fork: the child checks what it sees, writes its own values, checks them again.
        call    fork
        bltz    a0, fork_failed
        beqz    a0, first_child
        mv      s4, a0                  # s4 = the child's pid
        li      t0, PARENT_VALUE + 1    # the parent's own writes, racing the child's
        la      t1, data_word
        sw      t0, 0(t1)
        sw      t0, 0(sp)
        sw      t0, 0(s0)
        sw      t0, 0(s1)
        mv      a0, s4
        call    wait_pid
        mv      s5, a0                  # exit 1: wrong pre-fork values; 2: wrong own values
        xori    a0, s5, 1 << 8
        la      a1, d_child_sees
        call    check
        mv      a0, s5
        li      a1, 0
        la      a2, d_child_own
        call    expect_eq
        call    sum_of_words
        li      a1, 4 * (PARENT_VALUE + 1)
        la      a2, d_parent_own
        call    expect_eq

        # --- a child rewrites the whole 64-page block.
        mv      a0, s2
        li      a1, BLOCK
        li      a2, 3
        call    fill_pattern
        la      a0, rewrite_block
        mv      a1, s2
        li      a2, 0
        la      a3, d_block_child
        call    expect_status
        mv      a0, s2
        li      a1, BLOCK
        li      a2, 3
        call    check_pattern
        li      a1, 0
        la      a2, d_block_parent
        call    expect_eq

        # --- three generations write the same heap word.
        la      a0, two_generations
        mv      a1, s0
        li      a2, 0
        la      a3, d_grand
        call    expect_status
        lw      a0, 0(s0)
        li      a1, PARENT_VALUE + 1
        la      a2, d_grand_parent
        call    expect_eq

        # --- MAP_SHARED: the child sees our write and writes both shared pages; the second
        # was never touched before fork. It also writes the MAP_PRIVATE page.
        la      a0, shared_child
        mv      a1, s3
        li      a2, 0
        la      a3, d_shared_child
        call    expect_status
        lw      a0, 0(s3)
        li      a1, CHILD_VALUE
        la      a2, d_shared_seen
        call    expect_eq
        li      t0, PAGE_SIZE
        add     t0, s3, t0
        lw      a0, 0(t0)
        li      a1, CHILD_VALUE + 1
        la      a2, d_shared_lazy
        call    expect_eq
        lw      a0, 0(s1)
        li      a1, PARENT_VALUE + 1
        la      a2, d_private_mm
        call    expect_eq

        # --- a 3-page MAP_SHARED mapping that a child cuts up with munmap and mprotect.
        li      a0, 0
        li      a1, 3 * PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_SHARED
        call    mmap
        mv      s6, a0                  # s6 = the mapping
        li      t0, 0x51
        sb      t0, 0(s6)
        li      t1, PAGE_SIZE
        add     t1, s6, t1
        li      t0, 0x52
        sb      t0, 0(t1)
        li      t1, 2 * PAGE_SIZE
        add     t1, s6, t1
        li      t0, 0x53
        sb      t0, 0(t1)
        la      a0, split_shared
        mv      a1, s6
        li      a2, 0
        la      a3, d_split_child
        call    expect_status
        li      t1, 2 * PAGE_SIZE
        add     t1, s6, t1
        lbu     a0, 0(t1)
        li      a1, 0x63
        la      a2, d_split_seen
        call    expect_eq
        li      t1, PAGE_SIZE
        add     t1, s6, t1
        lbu     a0, 0(t1)
        li      a1, 0x52
        la      a2, d_split_middle
        call    expect_eq
        li      t0, 0x71
        sb      t0, 0(s6)
        lbu     a0, 0(s6)
        li      a1, 0x71
        la      a2, d_split_first
        call    expect_eq

        call    finish

fork_failed:
        li      a0, 0
        la      a1, d_child_sees
        call    check
        call    finish

# The first child: exit 1 if it does not see the parent's pre-fork values, 2 if it does not
# see its own writes afterwards, else 0.
first_child:
        call    sum_of_words
        li      t0, 4 * PARENT_VALUE
        bne     a0, t0, child_exit1
        lw      t0, 0(s3)
        li      t1, SHARED_VALUE
        bne     t0, t1, child_exit1
        li      t0, CHILD_VALUE
        la      t1, data_word
        sw      t0, 0(t1)
        sw      t0, 0(sp)
        sw      t0, 0(s0)
        sw      t0, 0(s1)
        call    sched_yield             # let the parent write its values meanwhile
        call    sum_of_words
        li      t0, 4 * CHILD_VALUE
        bne     a0, t0, child_exit2
        li      a0, 0
        call    exit
child_exit1:
        li      a0, 1
        call    exit
child_exit2:
        li      a0, 2
        call    exit

# sum_of_words() -> a0 = data_word + the stack word + the heap word + the mmap word.
# A leaf called from _start's frame, so the stack word is still at 0(sp).
sum_of_words:
        la      t1, data_word
        lw      a0, 0(t1)
        lw      t0, 0(sp)
        add     a0, a0, t0
        lw      t0, 0(s0)
        add     a0, a0, t0
        lw      t0, 0(s1)
        add     a0, a0, t0
        ret

# rewrite_block(a0 = the 64-page block): fills it with another pattern and checks it; exit 0
# if it reads back right.
rewrite_block:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        li      a1, BLOCK
        li      a2, 77
        call    fill_pattern
        mv      a0, s0
        li      a1, BLOCK
        li      a2, 77
        call    check_pattern
        snez    a0, a0
        call    exit

# two_generations(a0 = a heap word): writes CHILD_VALUE, forks a grandchild that writes
# GRANDCHILD_VALUE and exits 0 if it reads it back; then the child checks that its own word
# still holds CHILD_VALUE and the grandchild exited 0. Exit 0 if all is well.
two_generations:
        mv      s0, a0
        li      t0, CHILD_VALUE
        sw      t0, 0(s0)
        call    fork
        bltz    a0, 2f
        beqz    a0, 1f
        call    wait_pid
        bnez    a0, 2f
        lw      t0, 0(s0)
        li      t1, CHILD_VALUE
        bne     t0, t1, 2f
        li      a0, 0
        call    exit
1:      lw      t0, 0(s0)               # the grandchild
        li      t1, CHILD_VALUE
        bne     t0, t1, 2f
        li      t0, GRANDCHILD_VALUE
        sw      t0, 0(s0)
        call    sched_yield
        lw      t0, 0(s0)
        li      t1, GRANDCHILD_VALUE
        bne     t0, t1, 2f
        li      a0, 0
        call    exit
2:      li      a0, 1
        call    exit

# shared_child(a0 = the two MAP_SHARED pages): exit 1 unless the first holds SHARED_VALUE;
# then writes CHILD_VALUE to the first, CHILD_VALUE + 1 to the second (untouched so far), and
# CHILD_VALUE to the MAP_PRIVATE page (s1); exit 0.
shared_child:
        lw      t0, 0(a0)
        li      t1, SHARED_VALUE
        bne     t0, t1, 1f
        li      t0, CHILD_VALUE
        sw      t0, 0(a0)
        sw      t0, 0(s1)
        addi    t0, t0, 1
        li      t1, PAGE_SIZE
        add     t1, a0, t1
        sw      t0, 0(t1)
        li      a0, 0
        call    exit
1:      li      a0, 1
        call    exit

# split_shared(a0 = 3 MAP_SHARED pages holding 0x51, 0x52, 0x53): munmaps the middle page and
# makes the first read-only, checks the first and third still hold 0x51 and 0x53, then writes
# 0x63 to the third; exit 0, or 1 if a value or a call was wrong.
split_shared:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        mv      s0, a0
        li      s1, 0                   # s1 = problems
        li      t0, PAGE_SIZE
        add     a0, s0, t0
        li      a1, PAGE_SIZE
        call    munmap
        or      s1, s1, a0
        mv      a0, s0
        li      a1, PAGE_SIZE
        li      a2, PROT_READ
        call    mprotect
        or      s1, s1, a0
        lbu     t0, 0(s0)
        addi    t0, t0, -0x51
        or      s1, s1, t0
        li      t1, 2 * PAGE_SIZE
        add     t1, s0, t1
        lbu     t0, 0(t1)
        addi    t0, t0, -0x53
        or      s1, s1, t0
        li      t0, 0x63
        sb      t0, 0(t1)
        snez    a0, s1
        call    exit
