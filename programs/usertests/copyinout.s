# copyinout.s - system calls given wild pointers fail with -EFAULT and the process goes on;
# pointers into lazy (not yet touched) pages and buffers crossing page boundaries work (after
# xv6's usertests copyin, copyout, copyinstr1-3, rwsbrk and OS/161's badcall tests).
#
# Checks: write from address 0, from an unmapped hole, from 0xfffff000, and from 0xffffffff
# (wrapping past the end of the address space) returns -EFAULT; read into address 0, into the
# text and into .rodata returns -EFAULT; write and read of a heap buffer that runs past the
# break into unmapped memory return -EFAULT; waitid with a wild siginfo pointer returns
# -EFAULT. A message written across a page boundary comes out whole. waitid's siginfo and
# wait4's status word straddling a page boundary into a page never touched are written right
# (the kernel faults the page in). execve with a path crossing a page boundary, and with an
# argv array whose NULL lies in a page never touched, reads them (the missing program gives
# -ENOENT); a path running into unmapped memory without a NUL gives -EFAULT, one longer than
# PATH_MAX gives -ENAMETOOLONG. vmlab-specific (wait4, address layout).

        .include "../lib/runtime.s"
        .include "lib.s"

        .section .rodata
name:           .asciz "copyinout"
missing:        .asciz "programs/usertests/no-such-program.s"
        .equ    missing_len, . - missing        # with the NUL
message:        .ascii "copyinout: this line was written from a buffer crossing a page boundary\n"
        .equ    message_len, . - message
d_w_null:       .asciz "write(1, 0, 10) returns -EFAULT"
d_w_hole:       .asciz "write(1, unmapped 0x40000000, 10) returns -EFAULT"
d_w_top:        .asciz "write(1, 0xfffff000, 10) returns -EFAULT"
d_w_wrap:       .asciz "write(1, 0xffffffff, 2) (wrapping around) returns -EFAULT"
d_r_null:       .asciz "read(0, 0, 10) returns -EFAULT"
d_r_text:       .asciz "read(0, text, 10) returns -EFAULT"
d_r_rodata:     .asciz "read(0, rodata, 10) returns -EFAULT"
d_setup:        .asciz "sbrk gives six fresh pages"
d_w_cross:      .asciz "write of a message crossing a page boundary returns its length"
d_w_past:       .asciz "write of a buffer running past the break returns -EFAULT"
d_r_past:       .asciz "read into a buffer running past the break returns -EFAULT"
d_waitid_bad:   .asciz "waitid with siginfo at wild address 1 returns -EFAULT"
d_waitid_lazy:  .asciz "waitid with siginfo straddling into an untouched page returns 0"
d_si_pid:       .asciz "  and si_pid (in the untouched page) is the child's pid"
d_si_status:    .asciz "  and si_code/si_status say it exited with 7"
d_wait4_lazy:   .asciz "wait4 with the status word straddling into an untouched page works"
d_wait4_status: .asciz "  and the status word reads 7 << 8"
d_exec_cross:   .asciz "execve with a path crossing a page boundary returns -ENOENT"
d_exec_argv:    .asciz "execve with argv's NULL in an untouched page returns -ENOENT"
d_exec_nonul:   .asciz "execve with a path running into unmapped memory returns -EFAULT"
d_exec_long:    .asciz "execve with a path longer than PATH_MAX returns -ENAMETOOLONG"

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        # --- wild pointers
        li      a0, 0
        li      a1, 10
        la      a2, d_w_null
        call    write_expect_efault
        li      a0, 0x40000000
        li      a1, 10
        la      a2, d_w_hole
        call    write_expect_efault
        li      a0, 0xfffff000
        li      a1, 10
        la      a2, d_w_top
        call    write_expect_efault
        li      a0, 0xffffffff
        li      a1, 2
        la      a2, d_w_wrap
        call    write_expect_efault
        li      a0, 0
        li      a1, 10
        la      a2, d_r_null
        call    read_expect_efault
        la      a0, _start
        li      a1, 10
        la      a2, d_r_text
        call    read_expect_efault
        la      a0, name
        li      a1, 10
        la      a2, d_r_rodata
        call    read_expect_efault

        # --- six fresh heap pages P0..P5 at s0 + n * 4096, the break at the end of P5.
        li      a0, 0
        call    brk
        mv      s1, a0
        call    page_up
        sub     a0, a0, s1
        call    sbrk                    # align the break to a page
        li      a0, 6 * PAGE_SIZE
        call    sbrk
        mv      s0, a0
        li      t0, PAGE_SIZE - 1
        and     t0, s0, t0              # page-aligned (and so not -1)
        seqz    a0, t0
        la      a1, d_setup
        call    check
        li      t0, 1
        sb      t0, 0(s0)               # touch P0

        # A message straddling P0/P1 (this touches P1).
        li      t0, PAGE_SIZE - 20
        add     s1, s0, t0
        mv      a0, s1
        la      a1, message
        li      a2, message_len
        call    copy_bytes
        li      a0, STDOUT
        mv      a1, s1
        li      a2, message_len
        li      a7, SYS_WRITE
        ecall
        li      a1, message_len
        la      a2, d_w_cross
        call    expect_eq

        # --- waitid with a wild siginfo pointer; the child is then reaped (Linux reaps it
        # even when the copy fails, vmlab leaves it for the next wait: either is fine here).
        la      a0, exit_with
        li      a1, 7
        call    fork_running
        mv      a1, a0
        li      a0, P_PID
        li      a2, 1
        li      a3, WEXITED
        call    waitid
        li      a1, -EFAULT
        la      a2, d_waitid_bad
        call    expect_eq
        call    wait_any

        # waitid's siginfo straddling P1/P2: si_pid and si_status fall in P2, untouched.
        la      a0, exit_with
        li      a1, 7
        call    fork_running
        mv      s3, a0                  # s3 = the child's pid
        li      t0, 2 * PAGE_SIZE - 12
        add     s4, s0, t0              # s4 = the siginfo
        li      a0, P_PID
        mv      a1, s3
        mv      a2, s4
        li      a3, WEXITED
        call    waitid
        li      a1, 0
        la      a2, d_waitid_lazy
        call    expect_eq
        lw      a0, SI_PID(s4)
        mv      a1, s3
        la      a2, d_si_pid
        call    expect_eq
        lw      a0, SI_CODE(s4)
        lw      t0, SI_STATUS(s4)
        slli    a0, a0, 8
        add     a0, a0, t0
        li      a1, (CLD_EXITED << 8) + 7
        la      a2, d_si_status
        call    expect_eq

        # wait4's status word at P3 - 2, straddling P2/P3 (P3 untouched).
        la      a0, exit_with
        li      a1, 7
        call    fork_running
        mv      s3, a0
        li      t0, 3 * PAGE_SIZE - 2
        add     s4, s0, t0              # s4 = &status
        mv      a0, s3
        mv      a1, s4
        li      a2, 0
        li      a3, 0
        li      a7, SYS_WAIT4
        ecall
        mv      a1, s3
        la      a2, d_wait4_lazy
        call    expect_eq
        lbu     a0, 0(s4)               # an unaligned word, read byte by byte
        lbu     t0, 1(s4)
        slli    t0, t0, 8
        or      a0, a0, t0
        lbu     t0, 2(s4)
        slli    t0, t0, 16
        or      a0, a0, t0
        lbu     t0, 3(s4)
        slli    t0, t0, 24
        or      a0, a0, t0
        li      a1, 7 << 8
        la      a2, d_wait4_status
        call    expect_eq

        # --- execve strings: a path crossing the P0/P1 boundary.
        li      t0, PAGE_SIZE - 10
        add     s1, s0, t0              # s1 = the path
        mv      a0, s1
        la      a1, missing
        li      a2, missing_len
        call    copy_bytes
        mv      a0, s1
        li      a1, 0
        call    execve
        li      a1, -ENOENT
        la      a2, d_exec_cross
        call    expect_eq

        # argv[0] in the last word of P3 (touched by wait4), its NULL in P4 (untouched).
        li      t0, 4 * PAGE_SIZE - 4
        add     t0, s0, t0
        sw      s1, 0(t0)
        mv      a0, s1
        mv      a1, t0
        call    execve
        li      a1, -ENOENT
        la      a2, d_exec_argv
        call    expect_eq

        # A path of 5000 'a's (PATH_MAX is 4096) from P0 into P1, then a NUL.
        mv      a0, s0
        li      a1, 5000
        li      a2, 97                  # 'a'
        call    fill_bytes
        li      t0, 5000
        add     t0, s0, t0
        sb      zero, 0(t0)
        mv      a0, s0
        li      a1, 0
        call    execve
        li      a1, -ENAMETOOLONG
        la      a2, d_exec_long
        call    expect_eq

        # A path of 100 bytes with no NUL up to the end of P5, which is the break: unmapped
        # after it.
        li      t0, 5 * PAGE_SIZE
        add     s5, s0, t0              # s5 = P5
        li      t0, PAGE_SIZE - 100
        add     s1, s5, t0
        mv      a0, s1
        li      a1, 100
        li      a2, 97
        call    fill_bytes
        mv      a0, s1
        li      a1, 0
        call    execve
        li      a1, -EFAULT
        la      a2, d_exec_nonul
        call    expect_eq

        # Buffers running past the break into unmapped memory.
        li      t0, PAGE_SIZE - 16
        add     a0, s5, t0
        li      a1, 32
        la      a2, d_w_past
        call    write_expect_efault
        li      t0, PAGE_SIZE - 16
        add     a0, s5, t0
        li      a1, 32
        la      a2, d_r_past
        call    read_expect_efault

        call    finish

# write_expect_efault(a0 = buffer, a1 = length, a2 = description): write(1, ...) must fail
# with -EFAULT.
write_expect_efault:
        mv      t0, a2
        mv      a2, a1
        mv      a1, a0
        li      a0, STDOUT
        li      a7, SYS_WRITE
        ecall
        li      a1, -EFAULT
        mv      a2, t0
        j       expect_eq

# read_expect_efault(a0 = buffer, a1 = length, a2 = description): read(0, ...) must fail with
# -EFAULT.
read_expect_efault:
        mv      t0, a2
        mv      a2, a1
        mv      a1, a0
        li      a0, STDIN
        li      a7, SYS_READ
        ecall
        li      a1, -EFAULT
        mv      a2, t0
        j       expect_eq

# execve(a0 = path, a1 = argv) -> a0 = -errno (it returns only on failure); envp is NULL.
execve:
        li      a2, 0
        li      a7, SYS_EXECVE
        ecall
        ret

# copy_bytes(a0 = destination, a1 = source, a2 = count).
copy_bytes:
        beqz    a2, 1f
        lbu     t0, 0(a1)
        sb      t0, 0(a0)
        addi    a0, a0, 1
        addi    a1, a1, 1
        addi    a2, a2, -1
        j       copy_bytes
1:      ret

# fill_bytes(a0 = destination, a1 = count, a2 = byte).
fill_bytes:
        beqz    a1, 1f
        sb      a2, 0(a0)
        addi    a0, a0, 1
        addi    a1, a1, -1
        j       fill_bytes
1:      ret
