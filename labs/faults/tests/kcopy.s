# kcopy.s - system calls given pointers into pages never touched: read() into a heap buffer that
# crosses from one untouched page into the next, and into an untouched .bss page, then write()
# of both buffers back out. The kernel's copies fault the pages in, just as the program's own
# loads and stores would. Reads "hello, lab!\n" twice from stdin.

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .equ    SYS_READ_NR, 63
        .equ    LEN, 12

        .section .rodata
m_read:         .asciz "read returned "

        .bss
        .balign 4096
spare:  .space  2 * PAGE_SIZE

        .text
        .globl  _start
_start:
        li      a0, 2 * PAGE_SIZE
        call    sbrk
        li      t0, PAGE_SIZE - 6
        add     s0, a0, t0                      # s0 = 6 bytes before the second heap page
        la      s1, spare
        li      t0, PAGE_SIZE + 100
        add     s1, s1, t0                      # s1 = inside the second .bss page
        mv      a0, s0
        call    read_into
        mv      a0, s1
        call    read_into
        li      a0, STDOUT
        mv      a1, s0
        li      a2, LEN
        call    write_all
        li      a0, STDOUT
        mv      a1, s1
        li      a2, LEN
        call    write_all
        li      a0, 0
        call    exit

# read_into(a0 = buffer): read(0, buffer, LEN) and print what it returned.
read_into:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        mv      a1, a0
        li      a0, STDIN
        li      a2, LEN
        li      a7, SYS_READ_NR
        ecall
        mv      a1, a0
        la      a0, m_read
        call    print_sline
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
