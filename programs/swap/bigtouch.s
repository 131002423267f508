# swap/bigtouch.s - a working set many times RAM: writes 4 MiB, then reads it all back.
#
# Shows: swapping. Fills a 4 MiB .bss array (1024 pages) with a pattern that depends on each
# word's index and the pass, then reads every word back and checks it, for PASSES passes. With
# `--ram 512k --swap 8m` the array cannot fit in RAM, so pages travel to the swap disk and back;
# the checksum and the "all words correct" line are the same as without memory pressure.

        .equ    WORDS, 1048576          # 4 MiB of 32-bit words
        .equ    PASSES, 2

        .include "../lib/runtime.s"

        .section .rodata
s_sum:  .asciz  "checksum: "
s_ok:   .asciz  "all words correct: "
s_yes:  .asciz  "yes\n"
s_no:   .asciz  "NO\n"

        .bss
        .balign 4096
data:   .space  WORDS * 4

        .text
        .globl  _start
_start:
        li      s3, 0                   # checksum
        li      s4, 0                   # wrong words
        li      s5, 0                   # pass
pass:
        la      s0, data
        li      s1, 0                   # index
fill:
        slli    t0, s1, 2
        add     t0, s0, t0
        li      t1, 0x9E3779B1
        mul     t2, s1, t1
        add     t2, t2, s5
        sw      t2, 0(t0)
        addi    s1, s1, 1
        li      t3, WORDS
        blt     s1, t3, fill
        li      s1, 0
check:
        slli    t0, s1, 2
        add     t0, s0, t0
        lw      t2, 0(t0)
        li      t1, 0x9E3779B1
        mul     t4, s1, t1
        add     t4, t4, s5
        beq     t2, t4, 1f
        addi    s4, s4, 1
1:      xor     s3, s3, t2
        slli    t5, s3, 5
        srli    t6, s3, 27
        or      s3, t5, t6
        addi    s1, s1, 1
        li      t3, WORDS
        blt     s1, t3, check
        addi    s5, s5, 1
        li      t3, PASSES
        blt     s5, t3, pass

        la      a0, s_sum
        call    print_str
        mv      a0, s3
        call    print_hex
        call    print_nl
        la      a0, s_ok
        call    print_str
        la      a0, s_yes
        beqz    s4, 2f
        la      a0, s_no
2:      call    print_str
        li      a0, 0
        call    exit
