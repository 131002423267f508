# pressure/forkpt.s - fork while every page of the parent is about to be evicted.
#
# Shows: that fork never hands a page-table frame to a process. The parent touches 11 pages of
# .bss and forks; in 128 KiB of RAM the child's page tables can only be had by evicting the very
# pages fork is copying. Both processes print "ok". (Issue 11, item 1; run with
# `--ram 128k --swap 1m` under any --policy.)

        .equ    PAGES, 11
        .equ    SYS_CLONE, 220
        .equ    SYS_WRITE, 64
        .equ    SYS_WAIT4, 260
        .equ    SYS_EXIT, 93
        .equ    SIGCHLD, 17

        .section .rodata
ok:     .ascii  "ok\n"

        .bss
        .balign 4096
data:   .space  PAGES * 4096

        .text
        .globl  _start
_start: la      t0, data
        li      t1, PAGES
touch:  sw      t1, 0(t0)
        li      t2, 4096
        add     t0, t0, t2
        addi    t1, t1, -1
        bnez    t1, touch
        li      a0, SIGCHLD
        li      a1, 0
        li      a7, SYS_CLONE
        ecall
        mv      s0, a0
        li      a0, 1
        la      a1, ok
        li      a2, 3
        li      a7, SYS_WRITE
        ecall
        beqz    s0, out
        li      a0, -1
        li      a1, 0
        li      a2, 0
        li      a7, SYS_WAIT4
        ecall
out:    li      a0, 0
        li      a7, SYS_EXIT
        ecall
