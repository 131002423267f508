# upcase.s - copies standard input to standard output with ASCII letters made upper case.
#
# Shows: a read/modify/write filter (cat with a twist): read into a buffer, change bytes in
# place, write them all out (write_all loops on short writes), stop when read returns 0.
# Bytes outside a-z, including UTF-8 sequences, pass through unchanged.

        .include "lib/runtime.s"

        .equ    BUFSIZE, 256

        .bss
buffer: .space  BUFSIZE

        .text
        .globl  _start
_start:
        li      a0, STDIN
        la      a1, buffer
        li      a2, BUFSIZE
        li      a7, SYS_READ
        ecall
        blez    a0, finish          # 0 at end of input, -errno on error
        mv      s0, a0              # bytes read
        la      t0, buffer
        add     t1, t0, s0
convert:
        lbu     t2, 0(t0)
        addi    t3, t2, -97         # 'a'
        li      t4, 26
        bgeu    t3, t4, keep
        addi    t2, t2, -32         # 'a' - 'A'
        sb      t2, 0(t0)
keep:
        addi    t0, t0, 1
        bltu    t0, t1, convert
        la      a0, buffer
        mv      a1, s0
        call    print_buf
        j       _start
finish:
        sltz    a0, a0              # status 1 after a read error, else 0
        call    exit
