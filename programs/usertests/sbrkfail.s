# sbrkfail.s - asking for too much memory fails cleanly, and running out of it kills only the
# process that ran out (after xv6's usertests sbrkfail and OS/161's malloctest/"bigfork").
#
# Checks: brk to 1 GiB above the break (more than all of RAM) returns the old break unchanged,
# brk(0) confirms it, sbrk(1 GiB) fails, brk into kernel space (0x90000000) fails too, and the
# program goes on: sbrk(1 page) then works and the page can be used. Then children are forked
# one at a time, each taking 1 MiB of heap and touching every page of it before it reports in
# (through a MAP_SHARED page) and waits; when memory runs out, the child that was touching
# pages is killed with SIGSEGV (or fork itself fails with -ENOMEM), at least one child got its
# megabyte first, and the parent is unharmed. Killing and reaping the others works, and the
# parent can then take and use 1 MiB itself. vmlab-specific: Linux would overcommit or OOM-kill.

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    MIB, 1024 * 1024
        .equ    GIB, 1024 * MIB
        .equ    MAX_CHILDREN, 60
        .equ    PIDS, 8                 # offset of the pid table in the shared page

        .section .rodata
name:           .asciz "sbrkfail"
d_brk_far:      .asciz "brk(break + 1 GiB) returns the old break"
d_brk_same:     .asciz "brk(0) still returns the old break"
d_sbrk_far:     .asciz "sbrk(1 GiB) fails"
d_brk_kernel:   .asciz "brk(0x90000000) returns the old break"
d_goes_on:      .asciz "sbrk(1 page) then works and the page holds what is written"
d_ran_out:      .asciz "out of memory: the child touching pages gets SIGSEGV (or fork fails)"
d_some:         .asciz "at least one child got its 1 MiB before memory ran out"
d_reaped:       .asciz "the other children are killed with SIGKILL and reaped"
d_none_left:    .asciz "no child is left"
d_parent_mib:   .asciz "the parent then takes 1 MiB and touches every page of it"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        # --- requests that cannot be met
        li      a0, 0
        call    brk
        mv      s0, a0                  # s0 = the break
        li      t0, GIB
        add     a0, s0, t0
        call    brk
        mv      a1, s0
        la      a2, d_brk_far
        call    expect_eq
        li      a0, 0
        call    brk
        mv      a1, s0
        la      a2, d_brk_same
        call    expect_eq
        li      a0, GIB
        call    sbrk
        li      a1, -1
        la      a2, d_sbrk_far
        call    expect_eq
        li      a0, 0x90000000
        call    brk
        mv      a1, s0
        la      a2, d_brk_kernel
        call    expect_eq
        li      a0, PAGE_SIZE
        call    sbrk
        mv      s1, a0
        li      a1, -1
        beq     s1, a1, 1f              # a0 = -1: fails below
        li      t0, 0x77
        sb      t0, 0(s1)
        lbu     a0, 0(s1)
1:      li      a1, 0x77
        la      a2, d_goes_on
        call    expect_eq

        # --- children hold 1 MiB each until memory runs out. The shared page holds one ready
        # flag per child (bytes 0..7 are unused) after PIDS + 4 * MAX_CHILDREN bytes of pids.
        li      a0, 0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_SHARED
        call    mmap
        mv      s2, a0                  # s2 = the shared page
        li      s3, 0                   # s3 = children holding their 1 MiB
        li      s4, 0                   # s4 = status of the one that ran out (or fork's error)
        li      s5, 0                   # s5 = 1 once memory ran out
fork_loop:
        li      t0, MAX_CHILDREN
        bge     s3, t0, fork_done
        call    fork
        bltz    a0, fork_failed
        beqz    a0, hog
        slli    t0, s3, 2
        add     t0, s2, t0
        sw      a0, PIDS(t0)            # the pid
        mv      s6, a0
        # Wait until it reports in or ends.
wait_ready:
        li      t0, PIDS + 4 * MAX_CHILDREN
        add     t0, s2, t0
        add     t0, t0, s3
        lbu     t0, 0(t0)
        bnez    t0, ready
        addi    sp, sp, -SIGINFO_SIZE
        sw      zero, SI_PID(sp)
        li      a0, P_PID
        mv      a1, s6
        mv      a2, sp
        li      a3, WEXITED | WNOHANG
        call    waitid
        lw      s7, SI_PID(sp)
        mv      a0, sp
        call    wait_status
        addi    sp, sp, SIGINFO_SIZE
        bnez    s7, ran_out             # it ended
        call    sched_yield
        j       wait_ready
ready:
        addi    s3, s3, 1
        j       fork_loop
fork_failed:
        mv      s4, a0                  # -ENOMEM (or -EAGAIN: a failure below)
        j       fork_done
ran_out:
        mv      s4, a0
        li      s5, 1
fork_done:
        li      t0, -ENOMEM
        bne     s4, t0, 1f
        li      s4, SIGSEGV             # fork failing for memory is fine too
1:      mv      a0, s4
        li      a1, SIGSEGV
        la      a2, d_ran_out
        call    expect_eq
        mv      a0, s3
        la      a1, d_some
        call    check

        # --- kill and reap the children still holding memory
        li      s5, 0                   # s5 = reaped with SIGKILL
        li      s6, 0                   # s6 = index
kill_loop:
        bge     s6, s3, killed
        slli    t0, s6, 2
        add     t0, s2, t0
        lw      a0, PIDS(t0)
        mv      s7, a0
        li      a1, SIGKILL
        call    kill
        mv      a0, s7
        call    wait_pid
        li      t0, SIGKILL
        bne     a0, t0, 1f
        addi    s5, s5, 1
1:      addi    s6, s6, 1
        j       kill_loop
killed:
        mv      a0, s5
        mv      a1, s3
        la      a2, d_reaped
        call    expect_eq
        call    wait_any
        li      a1, -ECHILD
        la      a2, d_none_left
        call    expect_eq

        # --- the memory is back
        li      a0, MIB
        call    sbrk
        mv      s1, a0
        li      a0, -1
        li      t0, -1
        beq     s1, t0, 1f
        mv      a0, s1
        call    page_up
        mv      s1, a0
        li      a1, MIB - PAGE_SIZE
        li      a2, 0x33
        call    touch_pages
        mv      a0, s1
        li      a1, MIB - PAGE_SIZE
        li      a2, 0x33
        call    count_pages_not
1:      li      a1, 0
        la      a2, d_parent_mib
        call    expect_eq

        call    finish

# hog (a child; s2 = the shared page, s3 = its index): takes 1 MiB of heap, touches every
# page, sets its ready flag and then yields until it is killed.
hog:
        li      a0, MIB
        call    sbrk
        li      t0, -1
        beq     a0, t0, 2f
        call    page_up
        li      a1, MIB - PAGE_SIZE
        li      a2, 1
        call    touch_pages
        li      t0, PIDS + 4 * MAX_CHILDREN
        add     t0, s2, t0
        add     t0, t0, s3
        li      t1, 1
        sb      t1, 0(t0)
1:      call    sched_yield
        j       1b
2:      li      a0, 2                   # sbrk failed: not what this test is about
        call    exit
