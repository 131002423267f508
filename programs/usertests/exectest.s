# exectest.s - execve replaces a process's program, keeping the process; a failed execve
# leaves the caller running as it was (after xv6's usertests exectest/execout and OS/161's
# argtest and badcall-execv).
#
# Paths are host paths relative to vmlab's working directory: run from the repository root.
# Checks: execve of a missing file gives -ENOENT, of a file that is not a program (package.json)
# -ENOEXEC, with a NULL path or a wild argv pointer -EFAULT, and the caller goes on with its
# memory as it was; a child that takes 1 MiB of heap and then execs programs/hello.s prints
# its greeting and exits 0; a child that execs programs/usertests/exec-child.s with its pid, its
# parent's pid and an address of its old heap finds (exit 42) that it kept its pid and parent,
# that its old memory is gone and its new .data/.bss are fresh; a MAP_SHARED page the parent
# shares with that child keeps the parent's value after the child's execve. vmlab-specific
# (execve of host paths and .s sources).

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    MIB, 1024 * 1024
        .equ    MARK, 0x0e8ec

        .section .rodata
name:           .asciz "exectest"
p_missing:      .asciz "programs/usertests/no-such-program.s"
p_not_program:  .asciz "package.json"
p_hello:        .asciz "programs/hello.s"
p_child:        .asciz "programs/usertests/exec-child.s"
d_missing:      .asciz "execve of a missing file returns -ENOENT"
d_not_program:  .asciz "execve of a file that is not a program returns -ENOEXEC"
d_null_path:    .asciz "execve(NULL, ...) returns -EFAULT"
d_wild_argv:    .asciz "execve with argv = 1 returns -EFAULT"
d_goes_on:      .asciz "after the failed calls the caller's heap and stack are as they were"
d_hello:        .asciz "a child with 1 MiB of heap execs programs/hello.s, which exits 0"
d_child:        .asciz "exec-child finds its pid, parent, fresh image and no old memory (exit 42)"
d_shared:       .asciz "the MAP_SHARED page keeps the parent's value after the child's execve"

        .bss
        .balign 4
numbers:        .space  48              # three decimal numbers for exec-child's argv
argv:           .space  20

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin
        addi    sp, sp, -16
        li      t0, MARK
        sw      t0, 0(sp)               # a stack word
        li      a0, PAGE_SIZE
        call    sbrk
        mv      s0, a0                  # s0 = a heap word
        li      t0, MARK
        sw      t0, 0(s0)

        la      a0, p_missing
        la      a1, argv
        call    execve
        li      a1, -ENOENT
        la      a2, d_missing
        call    expect_eq
        la      a0, p_not_program
        la      a1, argv
        call    execve
        li      a1, -ENOEXEC
        la      a2, d_not_program
        call    expect_eq
        li      a0, 0
        la      a1, argv
        call    execve
        li      a1, -EFAULT
        la      a2, d_null_path
        call    expect_eq
        la      a0, p_missing
        li      a1, 1
        call    execve
        li      a1, -EFAULT
        la      a2, d_wild_argv
        call    expect_eq
        lw      a0, 0(sp)
        lw      t0, 0(s0)
        add     a0, a0, t0
        li      a1, 2 * MARK
        la      a2, d_goes_on
        call    expect_eq

        # --- hello.s (its output goes to our stdout)
        la      a0, exec_hello
        li      a1, 0
        li      a2, 0
        la      a3, d_hello
        call    expect_status

        # --- exec-child.s, sharing a page with us
        li      a0, 0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_SHARED
        call    mmap
        mv      s1, a0                  # s1 = the shared page
        li      t0, MARK
        sw      t0, 0(s1)
        call    getpid
        mv      a1, a0
        la      a0, exec_child
        li      a2, 42 << 8
        la      a3, d_child
        call    expect_status
        lw      a0, 0(s1)
        li      a1, MARK
        la      a2, d_shared
        call    expect_eq

        call    finish

# exec_hello(): takes and touches 1 MiB of heap, then execs programs/hello.s (exit 3 if that
# fails).
exec_hello:
        li      a0, MIB
        call    sbrk
        call    page_up
        li      a1, MIB - PAGE_SIZE
        li      a2, 1
        call    touch_pages
        la      a0, p_hello
        la      a1, argv
        la      t0, p_hello
        sw      t0, 0(a1)
        sw      zero, 4(a1)
        call    execve
        li      a0, 3
        call    exit

# exec_child(a0 = the parent's pid): takes and touches 1 MiB of heap, writes the shared page,
# then execs exec-child.s with argv = [path, own pid, parent's pid, an address in that heap]
# (exit 3 if execve fails).
exec_child:
        mv      s2, a0
        li      a0, MIB
        call    sbrk
        call    page_up
        mv      s3, a0                  # s3 = the heap block
        li      a1, MIB - PAGE_SIZE
        li      a2, 1
        call    touch_pages
        la      s4, numbers
        call    getpid
        mv      a1, a0
        addi    a0, s4, 0
        call    format_udec
        addi    a0, s4, 16
        mv      a1, s2
        call    format_udec
        li      t0, MIB / 2
        add     a1, s3, t0
        addi    a0, s4, 32
        call    format_udec
        la      a1, argv
        la      t0, p_child
        sw      t0, 0(a1)
        sw      s4, 4(a1)
        addi    t0, s4, 16
        sw      t0, 8(a1)
        addi    t0, s4, 32
        sw      t0, 12(a1)
        sw      zero, 16(a1)
        la      a0, p_child
        call    execve
        li      a0, 3
        call    exit

# execve(a0 = path, a1 = argv) -> a0 = -errno (it returns only on failure); envp is NULL.
execve:
        li      a2, 0
        li      a7, SYS_EXECVE
        ecall
        ret

# format_udec(a0 = 16-byte buffer, a1 = value): writes the value in decimal, NUL-terminated.
format_udec:
        addi    t0, a0, 15
        sb      zero, 0(t0)
        li      t2, 10
1:      remu    t3, a1, t2
        divu    a1, a1, t2
        addi    t3, t3, 48              # '0'
        addi    t0, t0, -1
        sb      t3, 0(t0)
        bnez    a1, 1b
2:      lbu     t3, 0(t0)               # move the digits to the start of the buffer
        sb      t3, 0(a0)
        addi    a0, a0, 1
        addi    t0, t0, 1
        bnez    t3, 2b
        ret
