# syscalls.s - what the basic system calls return, including their errors.
#
# Shows: the Linux convention that a system call returns its result in a0, or -errno on error:
# write returns the number of bytes written; writing 0 bytes is allowed; fd 2 is stderr; an fd
# that is not open gives -EBADF (-9); a pointer to memory the process does not own gives
# -EFAULT (-14) and never crashes the kernel; a read of 0 bytes returns 0 at once; getpid returns
# a positive number (which one depends on the system, so only its sign is printed); an unknown
# system call number gives -ENOSYS (-38). Finally it exits through exit_group (94).

        .include "lib/runtime.s"

        .equ    BAD_FD, 99
        .equ    UNKNOWN_SYSCALL, 999

        .section .rodata
abc:    .ascii  "abc\n"
to_err: .ascii  "this line goes to stderr\n"
        .equ    to_err_len, . - to_err
s_write4:  .asciz "write(1, \"abc\\n\", 4) returned "
s_write0:  .asciz "write(1, buf, 0) returned "
s_stderr:  .asciz "write(2, ...) of 25 bytes returned "
s_badfd:   .asciz "write(99, ...) returned "
s_null:    .asciz "write(1, NULL, 4) returned "
s_high:    .asciz "write(1, 0xfffff000, 4) returned "
s_read0:   .asciz "read(0, buf, 0) returned "
s_readbad: .asciz "read(99, buf, 4) returned "
s_getpid:  .asciz "getpid() > 0: "
s_unknown: .asciz "syscall 999 returned "
s_yes:     .asciz "yes\n"
s_no:      .asciz "no\n"

        .bss
buf:    .space  16

        .text
        .globl  _start
_start:
        li      a0, STDOUT
        la      a1, abc
        li      a2, 4
        li      a7, SYS_WRITE
        ecall
        mv      s1, a0
        la      a0, s_write4
        call    show_result

        li      a0, STDOUT
        la      a1, abc
        li      a2, 0
        li      a7, SYS_WRITE
        ecall
        mv      s1, a0
        la      a0, s_write0
        call    show_result

        li      a0, STDERR
        la      a1, to_err
        li      a2, to_err_len
        li      a7, SYS_WRITE
        ecall
        mv      s1, a0
        la      a0, s_stderr
        call    show_result

        li      a0, BAD_FD
        la      a1, abc
        li      a2, 4
        li      a7, SYS_WRITE
        ecall
        mv      s1, a0
        la      a0, s_badfd
        call    show_result

        li      a0, STDOUT
        li      a1, 0
        li      a2, 4
        li      a7, SYS_WRITE
        ecall
        mv      s1, a0
        la      a0, s_null
        call    show_result

        li      a0, STDOUT
        li      a1, 0xfffff000
        li      a2, 4
        li      a7, SYS_WRITE
        ecall
        mv      s1, a0
        la      a0, s_high
        call    show_result

        li      a0, STDIN
        la      a1, buf
        li      a2, 0
        li      a7, SYS_READ
        ecall
        mv      s1, a0
        la      a0, s_read0
        call    show_result

        li      a0, BAD_FD
        la      a1, buf
        li      a2, 4
        li      a7, SYS_READ
        ecall
        mv      s1, a0
        la      a0, s_readbad
        call    show_result

        li      a7, SYS_GETPID
        ecall
        mv      s1, a0
        la      a0, s_getpid
        call    print_str
        la      a0, s_no
        blez    s1, say_pid
        la      a0, s_yes
say_pid:
        call    print_str

        li      a7, UNKNOWN_SYSCALL
        ecall
        mv      s1, a0
        la      a0, s_unknown
        call    show_result

        li      a0, 0
        call    exit                # exit_group

# show_result(a0 = label): prints the label and s1 as a signed decimal number.
show_result:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    print_str
        mv      a0, s1
        call    print_dec
        call    print_nl
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
