# waittest.s - waitid reports how each child ended, and only for one's own children (after
# xv6's usertests exitwait, waitpid, killstatus and OS/161's waitpid tests).
#
# Checks: with no children, waitid gives -ECHILD (with and without WNOHANG); a child's exit(3)
# comes back as si_signo SIGCHLD, si_code CLD_EXITED, si_pid = its pid, si_status 3; exit(0x1ff)
# keeps the low 8 bits (255); a child killed by the kernel for a store to address 0 comes back
# as CLD_KILLED with SIGSEGV; one that sends itself SIGKILL as CLD_KILLED with SIGKILL; for a
# child still running, WNOHANG returns 0 and zeroes si_pid, kill(pid, 0) finds it, and after
# kill(pid, SIGTERM) waitid reports CLD_KILLED with SIGTERM; a zombie can still be found by
# kill(pid, 0); a child's getppid is its parent's pid; waitid for a pid that is not a child
# gives -ECHILD, and without WEXITED -EINVAL; kill of a pid that does not exist gives -ESRCH;
# waiting for a particular pid returns that child even when another ended first, or ends
# during the wait; a child blocked in waitid can be killed, and so can the child it waited for.
# Uses only the ABI (waitid, not wait4), so it runs under qemu-riscv32 too.

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    ESRCH, 3
        .equ    JUNK, 0x7777
        .equ    NO_SUCH_PID, 0x7ffffff0

        .section .rodata
name:           .asciz "waittest"
d_none:         .asciz "waitid(P_ALL) with no children returns -ECHILD"
d_none_nohang:  .asciz "waitid(P_ALL, WNOHANG) with no children returns -ECHILD"
d_exit_ret:     .asciz "waitid(P_PID) for a child that called exit(3) returns 0"
d_exit_signo:   .asciz "  si_signo is SIGCHLD"
d_exit_code:    .asciz "  si_code is CLD_EXITED"
d_exit_pid:     .asciz "  si_pid is the child's pid"
d_exit_status:  .asciz "  si_status is 3"
d_exit_255:     .asciz "exit(0x1ff) is reported as exit status 255"
d_segv_code:    .asciz "a child killed for a store to 0: si_code is CLD_KILLED"
d_segv_status:  .asciz "  si_status is SIGSEGV"
d_self_kill:    .asciz "a child that sends itself SIGKILL: CLD_KILLED with SIGKILL"
d_nohang_ret:   .asciz "waitid(WNOHANG) for a running child returns 0"
d_nohang_pid:   .asciz "  and sets si_pid to 0"
d_probe:        .asciz "kill(pid, 0) on a running child returns 0"
d_term_ret:     .asciz "kill(pid, SIGTERM) returns 0"
d_term:         .asciz "  and the child is reported CLD_KILLED with SIGTERM"
d_zombie_probe: .asciz "kill(pid, 0) on a child that ended but was not waited for returns 0"
d_ppid:         .asciz "a child's getppid() is its parent's pid (exit 0)"
d_not_child:    .asciz "waitid(P_PID, own pid) returns -ECHILD"
d_no_wexited:   .asciz "waitid without WEXITED returns -EINVAL"
d_esrch:        .asciz "kill of a pid that does not exist returns -ESRCH"
d_order_b:      .asciz "waitid(P_PID, b) returns b though a ended first"
d_order_a:      .asciz "then waitid(P_ALL) returns a"
d_order_d:      .asciz "waitid(P_PID, d) returns d's exit 3 though c ended during the wait"
d_order_c:      .asciz "  then c's exit 1 is still there to be reaped"
d_kill_waiter:  .asciz "a child blocked in waitid is killed by SIGKILL"
d_kill_orphan:  .asciz "  and the child it waited for can be killed too"
d_end:          .asciz "finally waitid(P_ALL) returns -ECHILD again"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin
        addi    sp, sp, -SIGINFO_SIZE   # 0(sp): a siginfo_t

        li      a0, P_ALL
        li      a1, 0
        mv      a2, sp
        li      a3, WEXITED
        call    waitid
        li      a1, -ECHILD
        la      a2, d_none
        call    expect_eq
        li      a0, P_ALL
        li      a1, 0
        mv      a2, sp
        li      a3, WEXITED | WNOHANG
        call    waitid
        li      a1, -ECHILD
        la      a2, d_none_nohang
        call    expect_eq

        # --- exit(3): every siginfo field.
        la      a0, exit_with
        li      a1, 3
        call    fork_running
        mv      s0, a0
        mv      a1, s0
        call    wait_info
        li      a1, 0
        la      a2, d_exit_ret
        call    expect_eq
        lw      a0, SI_SIGNO(sp)
        li      a1, SIGCHLD
        la      a2, d_exit_signo
        call    expect_eq
        lw      a0, SI_CODE(sp)
        li      a1, CLD_EXITED
        la      a2, d_exit_code
        call    expect_eq
        lw      a0, SI_PID(sp)
        mv      a1, s0
        la      a2, d_exit_pid
        call    expect_eq
        lw      a0, SI_STATUS(sp)
        li      a1, 3
        la      a2, d_exit_status
        call    expect_eq

        la      a0, exit_with
        li      a1, 0x1ff
        li      a2, 255 << 8
        la      a3, d_exit_255
        call    expect_status

        # --- killed by the kernel: a store to address 0.
        la      a0, store_at
        li      a1, 0
        call    fork_running
        mv      a1, a0
        call    wait_info
        lw      a0, SI_CODE(sp)
        li      a1, CLD_KILLED
        la      a2, d_segv_code
        call    expect_eq
        lw      a0, SI_STATUS(sp)
        li      a1, SIGSEGV
        la      a2, d_segv_status
        call    expect_eq

        # --- killed by itself.
        la      a0, kill_self
        li      a1, 0
        call    fork_running
        mv      a1, a0
        call    wait_info
        call    code_and_status
        li      a1, (CLD_KILLED << 8) + SIGKILL
        la      a2, d_self_kill
        call    expect_eq

        # --- a running child: WNOHANG, kill(pid, 0), SIGTERM.
        la      a0, spin
        li      a1, 0
        call    fork_running
        mv      s0, a0
        li      t0, JUNK
        sw      t0, SI_PID(sp)
        li      a0, P_PID
        mv      a1, s0
        mv      a2, sp
        li      a3, WEXITED | WNOHANG
        call    waitid
        li      a1, 0
        la      a2, d_nohang_ret
        call    expect_eq
        lw      a0, SI_PID(sp)
        li      a1, 0
        la      a2, d_nohang_pid
        call    expect_eq
        mv      a0, s0
        li      a1, 0
        call    kill
        li      a1, 0
        la      a2, d_probe
        call    expect_eq
        mv      a0, s0
        li      a1, SIGTERM
        call    kill
        li      a1, 0
        la      a2, d_term_ret
        call    expect_eq
        mv      a1, s0
        call    wait_info
        call    code_and_status
        li      a1, (CLD_KILLED << 8) + SIGTERM
        la      a2, d_term
        call    expect_eq

        # --- a zombie still exists for kill(pid, 0). The child checks getppid on its way.
        call    getpid
        mv      a1, a0
        la      a0, check_ppid
        call    fork_running
        mv      s0, a0
        call    wait_until_ended
        mv      a0, s0
        li      a1, 0
        call    kill
        li      a1, 0
        la      a2, d_zombie_probe
        call    expect_eq
        mv      a0, s0
        call    wait_pid
        li      a1, 0
        la      a2, d_ppid
        call    expect_eq

        # --- wrong arguments.
        call    getpid
        mv      a1, a0
        li      a0, P_PID
        mv      a2, sp
        li      a3, WEXITED
        call    waitid
        li      a1, -ECHILD
        la      a2, d_not_child
        call    expect_eq
        la      a0, exit_with
        li      a1, 0
        call    fork_running
        mv      s0, a0
        li      a0, P_PID
        mv      a1, s0
        mv      a2, sp
        li      a3, 0
        call    waitid
        li      a1, -EINVAL
        la      a2, d_no_wexited
        call    expect_eq
        mv      a0, s0
        call    wait_pid
        li      a0, NO_SUCH_PID
        li      a1, 0
        call    kill
        li      a1, -ESRCH
        la      a2, d_esrch
        call    expect_eq

        # --- a ends first, b later; wait for b by pid, then for anyone.
        la      a0, exit_with
        li      a1, 1
        call    fork_running
        mv      s0, a0                  # s0 = a
        mv      a0, s0
        call    wait_until_ended
        la      a0, yield_then_exit
        li      a1, 2
        call    fork_running
        mv      s1, a0                  # s1 = b
        mv      a1, s1
        call    wait_info
        lw      a0, SI_PID(sp)
        mv      a1, s1
        la      a2, d_order_b
        call    expect_eq
        li      a0, P_ALL
        li      a1, 0
        mv      a2, sp
        li      a3, WEXITED
        call    waitid
        lw      a0, SI_PID(sp)
        mv      a1, s0
        la      a2, d_order_a
        call    expect_eq

        # --- c ends while we wait for d: waitid wakes, finds d still running, waits on.
        la      a0, yield_then_exit
        li      a1, 1
        call    fork_running
        mv      s0, a0                  # s0 = c (10 yields)
        la      a0, yield_then_exit
        li      a1, 3
        call    fork_running
        mv      s1, a0                  # s1 = d (30 yields)
        mv      a1, s1
        call    wait_info
        call    code_and_status
        li      a1, (CLD_EXITED << 8) + 3
        la      a2, d_order_d
        call    expect_eq
        mv      a0, s0
        call    wait_pid
        li      a1, 1 << 8
        la      a2, d_order_c
        call    expect_eq

        # --- a child blocked in waitid can be killed; then so can the child it waited for
        # (its pid comes through a MAP_SHARED page).
        li      a0, 0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_SHARED
        call    mmap
        mv      s2, a0                  # s2 = the shared page
        sw      zero, 0(s2)
        la      a0, wait_for_spinner
        mv      a1, s2
        call    fork_running
        mv      s0, a0                  # s0 = the waiting child
1:      lw      s1, 0(s2)               # s1 = its spinning child, once it is known
        bnez    s1, 2f
        call    sched_yield
        j       1b
2:      call    wait_a_while            # let it block in waitid
        mv      a0, s0
        li      a1, SIGKILL
        call    kill
        mv      a0, s0
        call    wait_pid
        li      a1, SIGKILL
        la      a2, d_kill_waiter
        call    expect_eq
        mv      a0, s1
        li      a1, SIGKILL
        call    kill
        li      a1, 0
        la      a2, d_kill_orphan
        call    expect_eq

        call    wait_any
        li      a1, -ECHILD
        la      a2, d_end
        call    expect_eq
        call    finish

# wait_info(a1 = pid) -> a0 = waitid(P_PID, pid, sp-of-caller siginfo, WEXITED).
# A leaf call from _start's frame: the siginfo is the caller's 0(sp). Clobbers t0-t6, a0-a7.
wait_info:
        li      a0, P_PID
        mv      a2, sp
        li      a3, WEXITED
        li      a4, 0
        li      a7, SYS_WAITID
        ecall
        ret

# code_and_status() -> a0 = si_code << 8 + si_status of the caller's siginfo at 0(sp).
code_and_status:
        lw      a0, SI_CODE(sp)
        lw      t0, SI_STATUS(sp)
        slli    a0, a0, 8
        add     a0, a0, t0
        ret

# wait_until_ended() / wait_a_while(): yields 20 times, so that a child just forked that runs
# a few instructions has ended (it stays a zombie until waited for) or blocked. No check
# depends on it.
wait_until_ended:
wait_a_while:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        li      s0, 20
1:      call    sched_yield
        addi    s0, s0, -1
        bnez    s0, 1b
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# Child bodies (for fork_running; none returns).
# kill_self(): kill(getpid(), SIGKILL).
kill_self:
        call    getpid
        li      a1, SIGKILL
        call    kill
        li      a0, 0                   # not reached if the kill worked
        call    exit

# spin(): yields forever.
spin:
        call    sched_yield
        j       spin

# check_ppid(a0 = the parent's pid): exit 0 if getppid() returns it, else 1.
check_ppid:
        mv      s0, a0
        li      a7, SYS_GETPPID
        ecall
        sub     a0, a0, s0
        snez    a0, a0
        call    exit

# yield_then_exit(a0 = code): yields 10 * code times, then exits with the code.
yield_then_exit:
        mv      s0, a0
        li      t0, 10
        mul     s1, a0, t0
1:      call    sched_yield
        addi    s1, s1, -1
        bnez    s1, 1b
        mv      a0, s0
        call    exit

# wait_for_spinner(a0 = a MAP_SHARED page): forks a child that yields forever, stores its pid
# in the page, and waits for it (until killed).
wait_for_spinner:
        mv      s2, a0
        la      a0, spin
        li      a1, 0
        call    fork_running
        sw      a0, 0(s2)
        call    wait_pid
        li      a0, 0
        call    exit
