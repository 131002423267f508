# efault.s - bad pointers given to system calls fail with -EFAULT (-14) and the process goes on:
# write from address 0, from an unmapped hole, from a kernel address; read into the program's
# own text (not writable). Then a good write still works.

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .equ    SYS_READ_NR, 63
        .equ    SYS_WRITE_NR, 64

        .section .rodata
m_null:         .asciz "write(1, 0, 4) = "
m_hole:         .asciz "write(1, 0x40000000, 4) = "
m_kernel:       .asciz "write(1, 0x80000000, 4) = "
m_text:         .asciz "read(0, _start, 4) = "
m_ok:           .asciz "still running\n"

        .text
        .globl  _start
_start:
        li      a1, 0
        li      a7, SYS_WRITE_NR
        la      s0, m_null
        call    try
        li      a1, 0x40000000
        li      a7, SYS_WRITE_NR
        la      s0, m_hole
        call    try
        li      a1, 0x80000000
        li      a7, SYS_WRITE_NR
        la      s0, m_kernel
        call    try
        la      a1, _start
        li      a7, SYS_READ_NR
        la      s0, m_text
        call    try
        la      a0, m_ok
        call    print_str
        li      a0, 0
        call    exit

# try(a1 = buffer, a7 = read or write, s0 = label): the call on fd 1 (write) or 0 (read) with
# 4 bytes, and print "label result".
try:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      a0, STDOUT
        li      t0, SYS_READ_NR
        bne     a7, t0, try_call
        li      a0, STDIN
try_call:
        li      a2, 4
        ecall
        mv      a1, a0
        mv      a0, s0
        call    print_sline
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
