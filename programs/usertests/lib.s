# usertests/lib.s - helpers shared by the kernel's test programs in programs/usertests/.
#
# Include it at the top of a test program, after the runtime:
#     .include "../lib/runtime.s"
#     .include "lib.s"
# (lib.s does not include the runtime itself, so the program's own .include of it is the only
# one; a nested .include would be found beside lib.s.)
#
# Checks: every check is numbered and prints one line, "PASS n: what" or
# "FAIL n: what (got X, expected Y)"; `finish` prints a summary and exits 0 when every check
# passed, 1 otherwise (riscv-tests style: a failure names its number). Checks run in a forked
# child count in the child's copy of the counters, so children report through their exit status.
#
# Calling convention: the runtime's (ilp32). Every routine may clobber a0-a7 and t0-t6 and
# preserves s0-s11 and sp. Processes are waited for with waitid, not wait4, because rv32 Linux
# has no wait4: the programs that depend only on the ABI also run under qemu-riscv32.

        .equ SYS_WAITID, 95
        .equ SYS_SCHED_YIELD, 124
        .equ SYS_KILL, 129
        .equ SYS_GETPPID, 173
        .equ SYS_BRK, 214
        .equ SYS_MUNMAP, 215
        .equ SYS_CLONE, 220
        .equ SYS_EXECVE, 221
        .equ SYS_MMAP, 222
        .equ SYS_MPROTECT, 226
        .equ SYS_WAIT4, 260

        .equ PAGE_SIZE, 4096
        .equ USER_TOP, 0x80000000       # vmlab: user space is [0, USER_TOP)

        .equ SIGKILL, 9
        .equ SIGSEGV, 11
        .equ SIGTERM, 15
        .equ SIGCHLD, 17

        # errno values (a failed system call returns -errno)
        .equ ENOENT, 2
        .equ ENOEXEC, 8
        .equ ECHILD, 10
        .equ EAGAIN, 11
        .equ ENOMEM, 12
        .equ EFAULT, 14
        .equ EINVAL, 22
        .equ ENAMETOOLONG, 36

        # waitid: idtype, options, and the siginfo_t fields it fills
        .equ P_ALL, 0
        .equ P_PID, 1
        .equ WNOHANG, 1
        .equ WEXITED, 4
        .equ CLD_EXITED, 1
        .equ CLD_KILLED, 2
        .equ CLD_DUMPED, 3
        .equ SI_SIGNO, 0
        .equ SI_CODE, 8
        .equ SI_PID, 12
        .equ SI_STATUS, 20
        .equ SIGINFO_SIZE, 128

        # mmap
        .equ PROT_NONE, 0
        .equ PROT_READ, 1
        .equ PROT_WRITE, 2
        .equ PROT_EXEC, 4
        .equ PROT_RW, 3
        .equ MAP_SHARED, 0x01
        .equ MAP_PRIVATE, 0x02
        .equ MAP_FIXED, 0x10
        .equ MAP_ANONYMOUS, 0x20

        .bss
        .balign 4
ut_checks:      .space 4        # checks made so far
ut_failures:    .space 4        # of which failed
ut_name:        .space 4        # the program's name, for the summary

        .section .rodata
ut_s_pass:      .asciz "PASS "
ut_s_fail:      .asciz "FAIL "
ut_s_colon:     .asciz ": "
ut_s_got:       .asciz " (got "
ut_s_expected:  .asciz ", expected "
ut_s_close:     .asciz ")\n"
ut_s_all:       .asciz ": all "
ut_s_passed:    .asciz " checks passed\n"
ut_s_of:        .asciz " of "
ut_s_failed:    .asciz " checks FAILED\n"

        .text

# ---- checks -------------------------------------------------------------------------------

# ut_begin(a0 = program name): names the program for the summary line.
ut_begin:
        la      t0, ut_name
        sw      a0, 0(t0)
        ret

# check(a0 = condition, a1 = description) -> a0 = 1 if it passed (a0 != 0), else 0.
check:
        snez    a0, a0
        mv      a2, a1
        li      a1, 1
        j       expect_eq

# expect_eq(a0 = got, a1 = expected, a2 = description) -> a0 = 1 if got == expected, else 0.
# Prints "PASS n: description", or "FAIL n: description (got X, expected Y)" in signed decimal.
expect_eq:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      s0, 24(sp)
        sw      s1, 20(sp)
        sw      s2, 16(sp)
        sw      s3, 12(sp)
        mv      s0, a0
        mv      s1, a1
        mv      s2, a2
        sub     t0, s0, s1
        seqz    s3, t0                  # s3 = passed
        la      t0, ut_checks
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        la      a0, ut_s_pass
        bnez    s3, 1f
        la      t0, ut_failures
        lw      t1, 0(t0)
        addi    t1, t1, 1
        sw      t1, 0(t0)
        la      a0, ut_s_fail
1:      call    print_str
        la      t0, ut_checks
        lw      a0, 0(t0)
        call    print_udec
        la      a0, ut_s_colon
        call    print_str
        mv      a0, s2
        call    print_str
        beqz    s3, 2f
        call    print_nl
        j       3f
2:      la      a0, ut_s_got
        call    print_str
        mv      a0, s0
        call    print_dec
        la      a0, ut_s_expected
        call    print_str
        mv      a0, s1
        call    print_dec
        la      a0, ut_s_close
        call    print_str
3:      mv      a0, s3
        lw      s3, 12(sp)
        lw      s2, 16(sp)
        lw      s1, 20(sp)
        lw      s0, 24(sp)
        lw      ra, 28(sp)
        addi    sp, sp, 32
        ret

# finish(): prints "<name>: all N checks passed" or "<name>: F of N checks FAILED" and exits
# with status 0 or 1. Never returns.
finish:
        la      t0, ut_name
        lw      a0, 0(t0)
        call    print_str
        la      t0, ut_failures
        lw      t0, 0(t0)
        bnez    t0, 1f
        la      a0, ut_s_all
        call    print_str
        la      t0, ut_checks
        lw      a0, 0(t0)
        call    print_udec
        la      a0, ut_s_passed
        call    print_str
        li      a0, 0
        call    exit
1:      la      a0, ut_s_colon
        call    print_str
        la      t0, ut_failures
        lw      a0, 0(t0)
        call    print_udec
        la      a0, ut_s_of
        call    print_str
        la      t0, ut_checks
        lw      a0, 0(t0)
        call    print_udec
        la      a0, ut_s_failed
        call    print_str
        li      a0, 1
        call    exit

# ---- processes ----------------------------------------------------------------------------

# fork() -> a0 = the child's pid in the parent, 0 in the child, or -errno.
# clone(SIGCHLD, 0, 0, 0, 0): fork semantics.
fork:
        li      a0, SIGCHLD
        li      a1, 0
        li      a2, 0
        li      a3, 0
        li      a4, 0
        li      a7, SYS_CLONE
        ecall
        ret

# getpid() -> a0 = this process's id.
getpid:
        li      a7, SYS_GETPID
        ecall
        ret

# sched_yield(): lets another process run.
sched_yield:
        li      a7, SYS_SCHED_YIELD
        ecall
        ret

# kill(a0 = pid, a1 = signal) -> a0 = 0 or -errno.
kill:
        li      a7, SYS_KILL
        ecall
        ret

# waitid(a0 = idtype, a1 = id, a2 = siginfo buffer, a3 = options) -> a0 = 0 or -errno.
waitid:
        li      a4, 0                   # rusage (Linux's fifth argument)
        li      a7, SYS_WAITID
        ecall
        ret

# wait_status(a0 = siginfo buffer filled by waitid) -> a0 = its wait(2) status word: the exit
# code << 8 for an exit, the signal number for a kill (a core dump counts as a kill).
wait_status:
        lw      t0, SI_CODE(a0)
        lw      t1, SI_STATUS(a0)
        li      t2, CLD_EXITED
        bne     t0, t2, 1f
        andi    t1, t1, 0xff
        slli    a0, t1, 8
        ret
1:      andi    a0, t1, 0x7f
        ret

# wait_pid(a0 = pid) -> a0 = the child's wait status (see wait_status), or -errno.
wait_pid:
        addi    sp, sp, -(SIGINFO_SIZE + 16)
        sw      ra, SIGINFO_SIZE+12(sp)
        mv      a1, a0
        li      a0, P_PID
        mv      a2, sp
        li      a3, WEXITED
        call    waitid
        bltz    a0, 1f
        mv      a0, sp
        call    wait_status
1:      lw      ra, SIGINFO_SIZE+12(sp)
        addi    sp, sp, SIGINFO_SIZE + 16
        ret

# wait_any() -> a0 = the pid of a child that ended (or -errno), a1 = its wait status.
wait_any:
        addi    sp, sp, -(SIGINFO_SIZE + 16)
        sw      ra, SIGINFO_SIZE+12(sp)
        sw      s0, SIGINFO_SIZE+8(sp)
        li      a0, P_ALL
        li      a1, 0
        mv      a2, sp
        li      a3, WEXITED
        call    waitid
        li      a1, 0
        bltz    a0, 1f
        lw      s0, SI_PID(sp)
        mv      a0, sp
        call    wait_status
        mv      a1, a0
        mv      a0, s0
1:      lw      s0, SIGINFO_SIZE+8(sp)
        lw      ra, SIGINFO_SIZE+12(sp)
        addi    sp, sp, SIGINFO_SIZE + 16
        ret

# run_child(a0 = function, a1 = argument) -> a0 = the child's wait status, or -errno.
# Forks; the child calls function(argument), with the caller's s-registers, and exits with
# status 0 if it returns. The parent waits for that child.
run_child:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        mv      s1, a1
        call    fork
        bltz    a0, 1f
        beqz    a0, 2f
        call    wait_pid
1:      lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
2:      mv      t0, s0                  # the child: with the caller's s0 and s1 back
        mv      a0, s1
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        jalr    t0
        li      a0, 0
        call    exit

# fork_running(a0 = function, a1 = argument) -> a0 = the pid of a child running
# function(argument) with the caller's s-registers; the function must not return (see
# exit_with). The parent does not wait.
fork_running:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        mv      s1, a1
        call    fork
        beqz    a0, 1f
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
1:      mv      t0, s0                  # the child: with the caller's s0 and s1 back
        mv      a0, s1
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        jr      t0

# expect_status(a0 = function, a1 = argument, a2 = expected wait status, a3 = description)
# -> a0 = 1 if passed: runs function(argument) in a child (run_child) and checks its status.
expect_status:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a2, 8(sp)               # on the stack, so the child gets the caller's s0-s11
        sw      a3, 4(sp)
        call    run_child
        lw      a1, 8(sp)
        lw      a2, 4(sp)
        call    expect_eq
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# expect_segv(a0 = function, a1 = argument, a2 = description) -> a0 = 1 if passed: the child
# running function(argument) must be killed by SIGSEGV.
expect_segv:
        mv      a3, a2
        li      a2, SIGSEGV
        j       expect_status

# Child bodies for run_child: each makes one access at address a0.
# store_at(a0): stores a byte; load_at(a0): loads a byte; load_word_at(a0): loads a word;
# jump_to(a0): jumps there (an instruction fetch).
store_at:
        li      t0, 0x5a
        sb      t0, 0(a0)
        ret
load_at:
        lbu     t0, 0(a0)
        ret
load_word_at:
        lw      t0, 0(a0)
        ret
jump_to:
        jr      a0
# exit_with(a0 = code): exits with that code.
exit_with:
        j       exit

# ---- memory -------------------------------------------------------------------------------

# brk(a0 = address) -> a0 = the break afterwards (Linux: unchanged if it could not move).
brk:
        li      a7, SYS_BRK
        ecall
        ret

# sbrk(a0 = increment, may be negative) -> a0 = the old break, or -1 if it could not move.
sbrk:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        li      a0, 0
        call    brk
        mv      s1, a0                  # the old break
        add     a0, s1, s0
        call    brk
        add     t0, s1, s0
        mv      t1, a0
        mv      a0, s1
        beq     t1, t0, 1f
        li      a0, -1
1:      lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# mmap(a0 = address hint, a1 = length, a2 = prot, a3 = flags) -> a0 = the address or -errno.
# Anonymous only: MAP_ANONYMOUS is added to the flags, fd is -1 and the offset 0.
mmap:
        ori     a3, a3, MAP_ANONYMOUS
        li      a4, -1
        li      a5, 0
        li      a7, SYS_MMAP
        ecall
        ret

# munmap(a0 = address, a1 = length) -> a0 = 0 or -errno.
munmap:
        li      a7, SYS_MUNMAP
        ecall
        ret

# mprotect(a0 = address, a1 = length, a2 = prot) -> a0 = 0 or -errno.
mprotect:
        li      a7, SYS_MPROTECT
        ecall
        ret

# pattern_byte(a0 = address, a1 = seed) -> a0 = the byte fill_pattern puts at that address:
# different in neighbouring bytes and in neighbouring pages.
pattern_byte:
        srli    t0, a0, 12
        add     t0, t0, a0
        add     t0, t0, a1
        andi    a0, t0, 0xff
        ret

# fill_pattern(a0 = start, a1 = length, a2 = seed): writes pattern_byte to every byte.
fill_pattern:
        add     t3, a0, a1              # end
1:      bgeu    a0, t3, 2f
        srli    t0, a0, 12
        add     t0, t0, a0
        add     t0, t0, a2
        sb      t0, 0(a0)
        addi    a0, a0, 1
        j       1b
2:      ret

# check_pattern(a0 = start, a1 = length, a2 = seed) -> a0 = how many bytes differ from
# fill_pattern's.
check_pattern:
        add     t3, a0, a1
        li      t4, 0
1:      bgeu    a0, t3, 2f
        srli    t0, a0, 12
        add     t0, t0, a0
        add     t0, t0, a2
        andi    t0, t0, 0xff
        lbu     t1, 0(a0)
        beq     t0, t1, 3f
        addi    t4, t4, 1
3:      addi    a0, a0, 1
        j       1b
2:      mv      a0, t4
        ret

# count_nonzero(a0 = start, a1 = length) -> a0 = how many bytes are not zero.
count_nonzero:
        add     t3, a0, a1
        li      t4, 0
1:      bgeu    a0, t3, 2f
        lbu     t1, 0(a0)
        snez    t1, t1
        add     t4, t4, t1
        addi    a0, a0, 1
        j       1b
2:      mv      a0, t4
        ret

# touch_pages(a0 = start, a1 = length, a2 = value): stores the byte a2 at the start of every
# page in [start, start + length) (start page-aligned); one fault per page.
touch_pages:
        add     t3, a0, a1
        li      t1, PAGE_SIZE
1:      bgeu    a0, t3, 2f
        sb      a2, 0(a0)
        add     a0, a0, t1
        j       1b
2:      ret

# count_pages_not(a0 = start, a1 = length, a2 = value) -> a0 = how many pages of the range do
# not hold the byte a2 at their start (as touch_pages left them).
count_pages_not:
        add     t3, a0, a1
        li      t1, PAGE_SIZE
        li      t4, 0
        andi    a2, a2, 0xff
1:      bgeu    a0, t3, 2f
        lbu     t0, 0(a0)
        beq     t0, a2, 3f
        addi    t4, t4, 1
3:      add     a0, a0, t1
        j       1b
2:      mv      a0, t4
        ret

# page_up(a0) -> a0 rounded up to a page boundary.
page_up:
        li      t0, PAGE_SIZE - 1
        add     a0, a0, t0
        not     t0, t0
        and     a0, a0, t0
        ret
