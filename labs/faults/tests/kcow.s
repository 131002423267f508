# kcow.s - a system call writing into a copy-on-write page: after fork the child read()s into a
# .data buffer both processes share copy-on-write. The kernel's write must give the child its own
# copy, so the parent's buffer keeps its text. Reads "child!!\n" from stdin.

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .equ    SYS_READ_NR, 63

        .section .rodata
m_status:       .asciz "child ended with "

        .data
        .balign 4
buf:    .ascii  "parent\n\0"

        .text
        .globl  _start
_start:
        la      t0, buf
        lw      t1, 0(t0)                       # map the page before fork, so it is shared
        call    fork
        beqz    a0, child
        call    wait_child
        mv      a1, a0
        la      a0, m_status
        call    print_line
        li      a0, STDOUT
        la      a1, buf
        li      a2, 7
        call    write_all
        li      a0, 0
        call    exit
child:
        li      a0, STDIN
        la      a1, buf
        li      a2, 8
        li      a7, SYS_READ_NR
        ecall
        mv      a2, a0
        li      a0, STDOUT
        la      a1, buf
        call    write_all
        li      a0, 5
        call    exit
