# hello.s - the smallest vmlab program: write a greeting to stdout, then exit with status 0.
#
# Shows: the entry point _start, a Linux system call (number in a7, arguments in a0..a2,
# ecall), and a read-only string whose length the assembler computes (. - msg).
# It uses no runtime on purpose: these few lines are all a program needs.

        .section .rodata
msg:
        .ascii  "Hello from vmlab!\n"
        .equ    msg_len, . - msg

        .text
        .globl  _start
_start:
        li      a0, 1               # fd: stdout
        la      a1, msg             # buffer
        li      a2, msg_len         # byte count
        li      a7, 64              # write
        ecall
        li      a0, 0               # status
        li      a7, 93              # exit
        ecall
