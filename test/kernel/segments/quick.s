# quick.s - exits at once, leaving its memory as a hole for the next program.
        .text
        .globl  _start
_start: li      a0, 0
        li      a7, 93
        ecall
