# kbench/faults.s - the cost of a page fault: maps 8 MiB, touches each of its 2048 pages once (a
# demand-zero fault each), unmaps it, ROUNDS times.

        .equ    ROUNDS, 8
        .equ    PAGES, 2048
        .equ    SYS_MMAP, 222
        .equ    SYS_MUNMAP, 215

        .include "../lib/runtime.s"

        .text
        .globl  _start
_start:
        li      s2, 0
round:  li      a0, 0
        li      a1, PAGES * 4096
        li      a2, 3                   # PROT_READ | PROT_WRITE
        li      a3, 0x22                # MAP_PRIVATE | MAP_ANONYMOUS
        li      a4, -1
        li      a5, 0
        li      a7, SYS_MMAP
        ecall
        mv      s0, a0
        li      s1, 0
touch:  slli    t0, s1, 12
        add     t0, s0, t0
        sw      s1, 0(t0)
        addi    s1, s1, 1
        li      t1, PAGES
        blt     s1, t1, touch
        mv      a0, s0
        li      a1, PAGES * 4096
        li      a7, SYS_MUNMAP
        ecall
        addi    s2, s2, 1
        li      t1, ROUNDS
        blt     s2, t1, round
        li      a0, 0
        call    exit
