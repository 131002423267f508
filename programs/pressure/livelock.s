# pressure/livelock.s - twenty processes whose page tables nearly fill RAM.
#
# Shows: forward progress under memory pressure. The parent forks 20 children; each loops
# loading a word of .data and storing it on its stack, then says "done". In 260 KiB of RAM the
# page tables of 21 processes leave almost no frame for pages, and an instruction needs two (its
# code page and its data page): the kernel must keep the pages an instruction already has while
# it loads the next, and when even that cannot be, end a process (the OOM killer) so the rest go
# on. It must never spin. (Issue 11, item 3; run with `--ram 260k --swap 1m`.)

        .equ    CHILDREN, 20
        .equ    LOOPS, 2000
        .equ    SYS_CLONE, 220
        .equ    SYS_WRITE, 64
        .equ    SYS_WAIT4, 260
        .equ    SYS_EXIT, 93
        .equ    SIGCHLD, 17

        .section .rodata
m_child:  .ascii  "done\n"
m_parent: .ascii  "parent done\n"

        .data
        .balign 4096
word:   .word   0x12345678

        .text
        .globl  _start
_start: li      s1, CHILDREN
spawn:  li      a0, SIGCHLD
        li      a1, 0
        li      a7, SYS_CLONE
        ecall
        beqz    a0, child
        bltz    a0, reap                # fork failed: wait for the ones there are
        addi    s1, s1, -1
        bnez    s1, spawn
reap:   li      a0, -1
        li      a1, 0
        li      a2, 0
        li      a3, 0
        li      a7, SYS_WAIT4
        ecall
        bgez    a0, reap                # until no child is left (-ECHILD)
        li      a0, 1
        la      a1, m_parent
        li      a2, 12
        li      a7, SYS_WRITE
        ecall
        li      a0, 0
        li      a7, SYS_EXIT
        ecall

child:  li      s2, LOOPS
        la      s3, word
        addi    sp, sp, -16
loop:   lw      t0, 0(s3)
        sw      t0, 0(sp)
        addi    s2, s2, -1
        bnez    s2, loop
        li      a0, 1
        la      a1, m_child
        li      a2, 5
        li      a7, SYS_WRITE
        ecall
        li      a0, 0
        li      a7, SYS_EXIT
        ecall
