# wait4test.s - wait4 (vmlab's convenience: rv32 Linux has only waitid) reports exit codes and
# signals in the classic status word (after xv6's usertests exitwait and OS/161's waitpid).
#
# Checks: with no children wait4 gives -ECHILD; a child's exit(7) gives status 7 << 8 and the
# child's pid; a child killed for a store to address 0 gives status 11 (SIGSEGV) and one killed
# with SIGKILL by its parent status 9; wait4(-1) with a NULL status pointer works; WNOHANG with
# a child still running returns 0; wait4 for a pid that is not a child gives -ECHILD; and a wild
# status pointer gives -EFAULT. vmlab-specific (wait4 260).

        .include "../lib/runtime.s"
        .include "lib.s"

        .section .rodata
name:           .asciz "wait4test"
d_none:         .asciz "wait4(-1) with no children returns -ECHILD"
d_exit_pid:     .asciz "wait4(pid) for a child that called exit(7) returns its pid"
d_exit_status:  .asciz "  and status 7 << 8"
d_segv:         .asciz "a child killed for a store to 0: status 11 (SIGSEGV)"
d_null:         .asciz "wait4(-1, NULL) returns the child's pid"
d_nohang:       .asciz "wait4(pid, WNOHANG) for a running child returns 0"
d_kill:         .asciz "a child killed with SIGKILL: status 9"
d_not_child:    .asciz "wait4(own pid) returns -ECHILD"
d_efault:       .asciz "wait4 with a wild status pointer returns -EFAULT"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin
        addi    sp, sp, -16             # 0(sp): the status word

        li      a0, -1
        mv      a1, sp
        li      a2, 0
        call    wait4
        li      a1, -ECHILD
        la      a2, d_none
        call    expect_eq

        la      a0, exit_with
        li      a1, 7
        call    fork_running
        mv      s0, a0
        mv      a1, sp
        li      a2, 0
        call    wait4
        mv      a1, s0
        la      a2, d_exit_pid
        call    expect_eq
        lw      a0, 0(sp)
        li      a1, 7 << 8
        la      a2, d_exit_status
        call    expect_eq

        la      a0, store_at
        li      a1, 0
        call    fork_running
        mv      a1, sp
        li      a2, 0
        call    wait4
        lw      a0, 0(sp)
        li      a1, SIGSEGV
        la      a2, d_segv
        call    expect_eq

        la      a0, exit_with
        li      a1, 0
        call    fork_running
        mv      s0, a0
        li      a0, -1
        li      a1, 0
        li      a2, 0
        call    wait4
        mv      a1, s0
        la      a2, d_null
        call    expect_eq

        la      a0, spin
        li      a1, 0
        call    fork_running
        mv      s0, a0
        mv      a1, sp
        li      a2, WNOHANG
        call    wait4
        li      a1, 0
        la      a2, d_nohang
        call    expect_eq
        mv      a0, s0
        li      a1, SIGKILL
        call    kill
        mv      a0, s0
        mv      a1, sp
        li      a2, 0
        call    wait4
        lw      a0, 0(sp)
        li      a1, SIGKILL
        la      a2, d_kill
        call    expect_eq

        call    getpid
        mv      a1, sp
        li      a2, 0
        call    wait4
        li      a1, -ECHILD
        la      a2, d_not_child
        call    expect_eq

        la      a0, exit_with
        li      a1, 0
        call    fork_running
        mv      s0, a0
        li      a1, 1
        li      a2, 0
        call    wait4
        li      a1, -EFAULT
        la      a2, d_efault
        call    expect_eq
        li      a0, -1                  # reap it, if the failed call did not
        li      a1, 0
        li      a2, WNOHANG
        call    wait4

        call    finish

# wait4(a0 = pid or -1, a1 = status pointer or 0, a2 = options) -> a0 = pid, 0 or -errno.
wait4:
        li      a3, 0
        li      a7, SYS_WAIT4
        ecall
        ret

# spin(): yields until killed.
spin:
        call    sched_yield
        j       spin
