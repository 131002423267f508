# kbench/forks.s - the cost of fork: a parent with 1 MiB of touched data forks FORKS children,
# each of which exits at once; the parent waits for each. Run with and without --fork-copy.

        .equ    FORKS, 200
        .equ    PAGES, 256
        .equ    SYS_CLONE, 220
        .equ    SYS_WAIT4, 260
        .equ    SIGCHLD, 17

        .include "../lib/runtime.s"

        .bss
        .balign 4096
data:   .space  PAGES * 4096

        .text
        .globl  _start
_start:
        la      s0, data
        li      s1, 0
touch:  slli    t0, s1, 12
        add     t0, s0, t0
        sw      s1, 0(t0)
        addi    s1, s1, 1
        li      t1, PAGES
        blt     s1, t1, touch
        li      s2, 0
again:  li      a0, SIGCHLD
        li      a1, 0
        li      a7, SYS_CLONE
        ecall
        bnez    a0, parent
        li      a0, 0
        call    exit
parent: li      a0, -1
        li      a1, 0
        li      a2, 0
        li      a3, 0
        li      a7, SYS_WAIT4
        ecall
        addi    s2, s2, 1
        li      t1, FORKS
        blt     s2, t1, again
        li      a0, 0
        call    exit
