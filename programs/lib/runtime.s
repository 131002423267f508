# lib/runtime.s - the tiny runtime shared by the vmlab guest programs.
#
# Include it at the top of a program, before the program's own code:
#     .include "lib/runtime.s"          (from programs/)
#     .include "../lib/runtime.s"       (from programs/bench/)
# An .include path is relative to the directory of the including file. GNU as looks in the
# current directory and then in -I directories, so build with -I <directory of the program>.
#
# Calling convention: the standard RISC-V ilp32 one. Arguments in a0..a2, result in a0.
# Every routine may clobber a0-a7 and t0-t6 and preserves s0-s11 and sp.
# Nothing here uses gp or a data section: numbers are formatted in a buffer on the stack.
# Syscalls follow Linux rv32: number in a7, arguments in a0..a5, result (or -errno) in a0.

        .equ SYS_READ, 63
        .equ SYS_WRITE, 64
        .equ SYS_EXIT, 93
        .equ SYS_EXIT_GROUP, 94
        .equ SYS_GETPID, 172
        .equ STDIN, 0
        .equ STDOUT, 1
        .equ STDERR, 2

        .text

# exit(a0 = status): ends the process (exit_group); never returns.
exit:
        li      a7, SYS_EXIT_GROUP
        ecall
        j       exit

# strlen(a0 = NUL-terminated string) -> a0 = its length in bytes.
strlen:
        mv      t0, a0
strlen_loop:
        lbu     t1, 0(t0)
        beqz    t1, strlen_done
        addi    t0, t0, 1
        j       strlen_loop
strlen_done:
        sub     a0, t0, a0
        ret

# write_all(a0 = fd, a1 = buffer, a2 = length) -> a0 = 0, or the -errno write returned.
# write may take fewer bytes than asked; loop until all are written.
write_all:
        mv      t0, a0
        mv      t1, a1
        mv      t2, a2
write_all_loop:
        li      a0, 0
        beqz    t2, write_all_done
        mv      a0, t0
        mv      a1, t1
        mv      a2, t2
        li      a7, SYS_WRITE
        ecall
        blez    a0, write_all_done
        add     t1, t1, a0
        sub     t2, t2, a0
        j       write_all_loop
write_all_done:
        ret

# print_buf(a0 = buffer, a1 = length): writes the bytes to stdout.
print_buf:
        mv      a2, a1
        mv      a1, a0
        li      a0, STDOUT
        j       write_all

# print_str(a0 = NUL-terminated string): writes it to stdout.
print_str:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        call    strlen
        mv      a1, a0
        mv      a0, s0
        call    print_buf
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# print_char(a0 = byte): writes one byte to stdout.
print_char:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sb      a0, 0(sp)
        mv      a0, sp
        li      a1, 1
        call    print_buf
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# print_nl(): writes a newline to stdout.
print_nl:
        li      a0, 10
        j       print_char

# print_space(): writes a space to stdout.
print_space:
        li      a0, 32
        j       print_char

# print_udec(a0 = value): writes the value as an unsigned decimal number.
# Digits are produced right to left into a 16-byte buffer on the stack.
print_udec:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        addi    t0, sp, 16          # t0 = one past the last digit
        mv      t1, t0
        li      t2, 10
print_udec_loop:
        remu    t3, a0, t2
        divu    a0, a0, t2
        addi    t3, t3, 48          # '0'
        addi    t1, t1, -1
        sb      t3, 0(t1)
        bnez    a0, print_udec_loop
        mv      a0, t1
        sub     a1, t0, t1
        call    print_buf
        lw      ra, 28(sp)
        addi    sp, sp, 32
        ret

# print_dec(a0 = value): writes the value as a signed decimal number.
# -2147483648 works: its negation is 0x80000000, which print_udec shows as 2147483648.
print_dec:
        bgez    a0, print_udec
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        neg     s0, a0
        li      a0, 45              # '-'
        call    print_char
        mv      a0, s0
        call    print_udec
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# print_hex(a0 = value): writes "0x" and exactly eight lowercase hex digits.
print_hex:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        li      t0, 48              # '0'
        sb      t0, 0(sp)
        li      t0, 120             # 'x'
        sb      t0, 1(sp)
        addi    t1, sp, 9           # last digit position
        li      t2, 8               # digits left
print_hex_loop:
        andi    t3, a0, 15
        srli    a0, a0, 4
        li      t4, 10
        blt     t3, t4, print_hex_digit
        addi    t3, t3, 39          # 'a' - '0' - 10
print_hex_digit:
        addi    t3, t3, 48          # '0'
        sb      t3, 0(t1)
        addi    t1, t1, -1
        addi    t2, t2, -1
        bnez    t2, print_hex_loop
        mv      a0, sp
        li      a1, 10
        call    print_buf
        lw      ra, 28(sp)
        addi    sp, sp, 32
        ret

# parse_udec(a0 = NUL-terminated string) -> a0 = its value as an unsigned decimal number.
# Stops at the first byte that is not a digit; an empty string gives 0.
parse_udec:
        mv      t0, a0
        li      a0, 0
        li      t2, 10
parse_udec_loop:
        lbu     t1, 0(t0)
        addi    t1, t1, -48         # '0'
        bgeu    t1, t2, parse_udec_done
        mul     a0, a0, t2
        add     a0, a0, t1
        addi    t0, t0, 1
        j       parse_udec_loop
parse_udec_done:
        ret
