# forkbomb.s - fork until the process table is full; the kernel refuses politely and everything
# is reaped (after xv6's usertests forktest and OS/161's forkbomb).
#
# Run with --max-procs 8. Checks, twice - once with children that exit at once (zombies hold
# their slots until reaped) and once with children that keep running until killed: fork
# eventually returns -EAGAIN; every child forked is reaped, with exit status 0 or SIGKILL;
# waitid then gives -ECHILD; and a slot is free again afterwards (one more fork works). Prints
# how many children fit, which depends on --max-procs: 7 with 8 (the parent takes one slot).

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    MAX_TRIES, 600          # stop there, in case fork never fails

        .section .rodata
name:           .asciz "forkbomb"
s_fit:          .asciz "forkbomb: "
s_fit2:         .asciz " children fit before fork failed\n"
d_eagain:       .asciz "fork fails with -EAGAIN once the table is full (exiting children)"
d_reaped:       .asciz "  every child is reaped with exit status 0"
d_echild:       .asciz "  then waitid returns -ECHILD"
d_eagain2:      .asciz "fork fails with -EAGAIN again (running children)"
d_same:         .asciz "  as many children fit as the first time"
d_killed:       .asciz "  every child is killed with SIGKILL and reaped"
d_echild2:      .asciz "  then waitid returns -ECHILD"
d_again:        .asciz "a fork after that works (exit 0)"

        .bss
        .balign 4
pids:           .space  4 * MAX_TRIES

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        # --- round 1: children exit at once
        la      a0, exit_with
        call    fork_until_fail
        mv      s0, a0                  # s0 = children forked
        mv      a0, a1
        li      a1, -EAGAIN
        la      a2, d_eagain
        call    expect_eq
        la      a0, s_fit
        call    print_str
        mv      a0, s0
        call    print_udec
        la      a0, s_fit2
        call    print_str
        li      s1, 0                   # s1 = reaped with status 0
        mv      s2, s0
1:      beqz    s2, 2f
        call    wait_any
        seqz    t0, a1
        add     s1, s1, t0
        addi    s2, s2, -1
        j       1b
2:      mv      a0, s1
        mv      a1, s0
        la      a2, d_reaped
        call    expect_eq
        call    wait_any
        li      a1, -ECHILD
        la      a2, d_echild
        call    expect_eq

        # --- round 2: children keep running
        la      a0, spin
        call    fork_until_fail
        mv      s3, a0
        mv      a0, a1
        li      a1, -EAGAIN
        la      a2, d_eagain2
        call    expect_eq
        mv      a0, s3
        mv      a1, s0
        la      a2, d_same
        call    expect_eq
        li      s1, 0                   # s1 = reaped with SIGKILL
        li      s2, 0                   # s2 = index
3:      bge     s2, s3, 4f
        la      t0, pids
        slli    t1, s2, 2
        add     t0, t0, t1
        lw      s4, 0(t0)
        mv      a0, s4
        li      a1, SIGKILL
        call    kill
        mv      a0, s4
        call    wait_pid
        addi    a0, a0, -SIGKILL
        seqz    a0, a0
        add     s1, s1, a0
        addi    s2, s2, 1
        j       3b
4:      mv      a0, s1
        mv      a1, s3
        la      a2, d_killed
        call    expect_eq
        call    wait_any
        li      a1, -ECHILD
        la      a2, d_echild2
        call    expect_eq

        la      a0, exit_with
        li      a1, 0
        li      a2, 0
        la      a3, d_again
        call    expect_status
        call    finish

# fork_until_fail(a0 = child body, called with 0) -> a0 = children forked (pids in pids[]),
# a1 = what the failing fork returned (0 if MAX_TRIES forks all worked).
fork_until_fail:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        li      s1, 0
1:      li      t0, MAX_TRIES
        li      a1, 0
        bge     s1, t0, 2f
        mv      a0, s0
        li      a1, 0
        call    fork_running
        mv      a1, a0
        bltz    a0, 2f
        la      t0, pids
        slli    t1, s1, 2
        add     t0, t0, t1
        sw      a0, 0(t0)
        addi    s1, s1, 1
        j       1b
2:      mv      a0, s1
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# spin(): yields until killed.
spin:
        call    sched_yield
        j       spin
