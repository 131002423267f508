# pressure/mmap4m.s - one mmap of 4 MiB, written and checked, in less RAM than that.
#
# Shows: the commit limit. Linux's heuristic overcommit admits a mapping up to RAM + swap, so
# with `--ram 512k --swap 8m` the 4 MiB mapping is granted and its pages travel to swap and back
# (majorFaults in --stats). It writes a pattern into one word of every 64 bytes (so every page,
# 64 words a page), each depending on its index, reads them all back, and prints "4 MiB mapped,
# all words correct" (exit 0), or why not (exit 1).

        .equ    SIZE, 4 * 1024 * 1024
        .equ    SYS_MMAP, 222
        .equ    PROT_RW, 3
        .equ    MAP_PRIVATE_ANON, 0x22
        .equ    PATTERN, 0x9E3779B1
        .equ    STRIDE_SHIFT, 6         # one word every 64 bytes

        .include "../lib/runtime.s"

        .section .rodata
s_ok:   .asciz  "4 MiB mapped, all words correct\n"
s_nomap: .asciz "mmap failed\n"
s_bad:  .asciz  "a word is wrong\n"

        .text
        .globl  _start
_start:
        li      a0, 0
        li      a1, SIZE
        li      a2, PROT_RW
        li      a3, MAP_PRIVATE_ANON
        li      a4, -1
        li      a5, 0
        li      a7, SYS_MMAP
        ecall
        li      t0, -4096
        bgeu    a0, t0, nomap           # -errno
        mv      s0, a0
        li      s1, SIZE >> STRIDE_SHIFT
        li      s2, PATTERN
        li      t0, 0
fill:   slli    t1, t0, STRIDE_SHIFT
        add     t1, s0, t1
        mul     t2, t0, s2
        sw      t2, 0(t1)
        addi    t0, t0, 1
        bltu    t0, s1, fill
        li      t0, 0
check:  slli    t1, t0, STRIDE_SHIFT
        add     t1, s0, t1
        lw      t3, 0(t1)
        mul     t2, t0, s2
        bne     t2, t3, bad
        addi    t0, t0, 1
        bltu    t0, s1, check
        la      a0, s_ok
        call    print_str
        li      a0, 0
        call    exit
nomap:  la      a0, s_nomap
        call    print_str
        li      a0, 1
        call    exit
bad:    la      a0, s_bad
        call    print_str
        li      a0, 1
        call    exit
