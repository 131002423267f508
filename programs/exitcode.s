# exitcode.s - ends with a chosen exit status: 42, or the number given as the first argument.
#
# Shows: the exit system call (93) and its status. Only the low 8 bits of the status reach the
# parent, so "exitcode 300" ends with status 44. Also shows parsing a decimal argument.

        .include "lib/runtime.s"

        .text
        .globl  _start
_start:
        li      s0, 42              # the default status
        lw      t0, 0(sp)           # argc
        li      t1, 2
        blt     t0, t1, announce
        lw      a0, 8(sp)           # argv[1]
        call    parse_udec
        mv      s0, a0
announce:
        la      a0, s_exiting
        call    print_str
        mv      a0, s0
        call    print_udec
        call    print_nl
        mv      a0, s0
        li      a7, SYS_EXIT
        ecall

        .section .rodata
s_exiting: .asciz "exiting with status "
