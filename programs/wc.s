# wc.s - counts the lines, words and bytes on standard input, like wc.
#
# Shows: the read system call in a loop until it returns 0 (end of input), a small buffer that
# forces several reads, byte classification, and a word-state machine kept in a register.
# Output: "lines L words W bytes B". A read error prints a message and exits with status 1.

        .include "lib/runtime.s"

        .equ    BUFSIZE, 64

        .bss
buffer: .space  BUFSIZE

        .text
        .globl  _start
_start:
        li      s0, 0               # lines
        li      s1, 0               # words
        li      s2, 0               # bytes
        li      s3, 0               # 1 while inside a word
read_more:
        li      a0, STDIN
        la      a1, buffer
        li      a2, BUFSIZE
        li      a7, SYS_READ
        ecall
        bltz    a0, read_failed
        beqz    a0, report
        add     s2, s2, a0
        la      t0, buffer
        add     t1, t0, a0          # end of the bytes read
scan:
        lbu     t2, 0(t0)
        addi    t0, t0, 1
        li      t3, 10              # '\n'
        bne     t2, t3, not_newline
        addi    s0, s0, 1
not_newline:
        li      t3, 32              # ' '
        beq     t2, t3, space
        addi    t3, t2, -9          # '\t' '\n' '\v' '\f' '\r' are 9..13
        li      t4, 5
        bltu    t3, t4, space
        bnez    s3, next            # still in the same word
        li      s3, 1
        addi    s1, s1, 1
        j       next
space:
        li      s3, 0
next:
        bltu    t0, t1, scan
        j       read_more

report:
        la      a0, s_lines
        call    print_str
        mv      a0, s0
        call    print_udec
        la      a0, s_words
        call    print_str
        mv      a0, s1
        call    print_udec
        la      a0, s_bytes
        call    print_str
        mv      a0, s2
        call    print_udec
        call    print_nl
        li      a0, 0
        call    exit

read_failed:
        la      a0, s_failed
        call    print_str
        li      a0, 1
        call    exit

        .section .rodata
s_lines:  .asciz "lines "
s_words:  .asciz " words "
s_bytes:  .asciz " bytes "
s_failed: .asciz "wc: read failed\n"
