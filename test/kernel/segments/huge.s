# huge.s - 1500 KiB of .bss: too large to exec next to exec-fail.s in 4 MiB of RAM (segmented).
        .equ    BSS, 1500 * 1024
        .section .rodata
msg:    .ascii  "big\n"
        .bss
        .balign 4096
big:    .space  BSS
        .text
        .globl  _start
_start: la      t0, big
        li      t1, BSS - 4
        add     t0, t0, t1
        li      t2, 7
        sw      t2, 0(t0)
        li      a0, 1
        la      a1, msg
        li      a2, 4
        li      a7, 64
        ecall
        li      a0, 0
        li      a7, 93
        ecall
