# forkoom.s - fork and copy-on-write when physical memory is all but gone: each either works,
# fails with -ENOMEM, or kills only the process that needed the frame, and nothing leaks (in the
# spirit of xv6's usertests sbrkfail/"outofinodes" and OS/161's "forkbomb" under low memory).
#
# Run with --ram 1m (and --check, which verifies the frame table after every trap). A probe
# child touches heap pages one by one, counting them in a MAP_SHARED page, until it is killed
# for want of a frame: that count is how many pages a child can touch. Then, for k = 0..16, a
# child touches that many pages less k, leaving about k frames free, and forks; the grandchild
# writes to a copy-on-write page and exits. Checks: the probe is killed with SIGSEGV; every
# squeezed child ends in one of the allowed ways (its fork failed with -ENOMEM, the grandchild
# exited 0 or was killed with SIGSEGV, or the child itself was killed with SIGSEGV when it
# needed a frame); fork failed with -ENOMEM at least once and worked at least once; and
# finally a second probe touches exactly as many pages as the first (no frame leaked).

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    HEAP_STEP, 512 * 1024   # big_heap takes 4 of these: 2 MiB, twice the RAM
        .equ    TRIES, 17

        # Exit codes of a squeezed child.
        .equ    FORK_NOMEM, 1
        .equ    GRANDCHILD_OK, 2
        .equ    GRANDCHILD_KILLED, 3

        .section .rodata
name:           .asciz "forkoom"
d_probe:        .asciz "a child touching pages until RAM runs out is killed with SIGSEGV"
d_outcomes:     .asciz "17 children forking with 0..16 frames left all end in an allowed way"
d_nomem:        .asciz "  fork failed with -ENOMEM at least once"
d_worked:       .asciz "  and worked at least once"
d_same:         .asciz "a second probe touches as many pages as the first (no frame leaked)"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin
        li      a0, 0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_SHARED
        call    mmap
        mv      s0, a0                  # s0 = the shared page: word 0 counts touched pages
        sw      zero, 0(s0)             # map it here now: its page-table page is then ours

        la      a0, probe
        li      a1, 0
        la      a2, d_probe
        call    expect_segv
        lw      s1, 0(s0)               # s1 = pages a child can touch

        li      s2, 0                   # s2 = k
        li      s3, 0                   # s3 = children that ended in a way not allowed
        li      s4, 0                   # s4 = forks that failed with -ENOMEM
        li      s5, 0                   # s5 = forks that worked
squeeze_loop:
        li      t0, TRIES
        bge     s2, t0, squeezed
        la      a0, squeeze
        sub     a1, s1, s2
        call    run_child
        li      t0, FORK_NOMEM << 8
        beq     a0, t0, nomem
        li      t0, GRANDCHILD_OK << 8
        beq     a0, t0, worked
        li      t0, GRANDCHILD_KILLED << 8
        beq     a0, t0, worked
        li      t0, SIGSEGV
        beq     a0, t0, next            # the child itself needed a frame and had none
        addi    s3, s3, 1
        j       next
nomem:  addi    s4, s4, 1
        j       next
worked: addi    s5, s5, 1
next:   addi    s2, s2, 1
        j       squeeze_loop
squeezed:
        mv      a0, s3
        li      a1, 0
        la      a2, d_outcomes
        call    expect_eq
        mv      a0, s4
        la      a1, d_nomem
        call    check
        mv      a0, s5
        la      a1, d_worked
        call    check

        sw      zero, 0(s0)
        la      a0, probe
        li      a1, 0
        call    run_child
        lw      a0, 0(s0)
        mv      a1, s1
        la      a2, d_same
        call    expect_eq
        call    finish

# probe() (a child; s0 = the shared page): takes a big lazy heap and touches its pages one
# by one, storing the count in the shared page after each, until it is killed.
probe:
        call    big_heap
        mv      s1, a0
        li      s2, 0
1:      li      t0, 1
        sb      t0, 0(s1)
        addi    s2, s2, 1
        sw      s2, 0(s0)
        li      t0, PAGE_SIZE
        add     s1, s1, t0
        j       1b

# squeeze(a0 = pages to touch): touches that many pages of a big lazy heap, then forks; the
# grandchild writes to its copy-on-write stack and to the first heap page and exits 0. Exits
# FORK_NOMEM if fork fails with -ENOMEM, GRANDCHILD_OK or GRANDCHILD_KILLED after waiting for
# the grandchild, 4 for anything else.
squeeze:
        mv      s1, a0
        call    big_heap
        mv      s2, a0                  # s2 = the heap
        mv      s3, a0
1:      blez    s1, 2f
        li      t0, 1
        sb      t0, 0(s3)
        li      t0, PAGE_SIZE
        add     s3, s3, t0
        addi    s1, s1, -1
        j       1b
2:      call    fork
        beqz    a0, 4f
        bltz    a0, 3f
        call    wait_pid
        li      t0, 0
        li      t1, GRANDCHILD_OK
        beq     a0, t0, 5f
        li      t0, SIGSEGV
        li      t1, GRANDCHILD_KILLED
        beq     a0, t0, 5f
        li      t1, 4
        j       5f
3:      li      t0, -ENOMEM
        li      t1, FORK_NOMEM
        beq     a0, t0, 5f
        li      t1, 4
5:      mv      a0, t1
        call    exit
4:      addi    sp, sp, -16             # the grandchild
        sw      zero, 0(sp)
        li      t0, 2
        sb      t0, 0(s2)
        li      a0, 0
        call    exit

# big_heap() -> a0 = the first page boundary in 2 MiB of fresh heap (one brk may not ask for
# more than the RAM, so it takes four steps). Nothing is touched.
big_heap:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        li      a0, HEAP_STEP
        call    sbrk
        mv      s0, a0
        li      a0, HEAP_STEP
        call    sbrk
        li      a0, HEAP_STEP
        call    sbrk
        li      a0, HEAP_STEP
        call    sbrk
        mv      a0, s0
        call    page_up
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
