# spin.s - counts down from 3,000,000 and exits: a neighbour that keeps its blocks in place
# while another process grows.
        .text
        .globl  _start
_start: li      t0, 3000000
spin:   addi    t0, t0, -1
        bnez    t0, spin
        li      a0, 0
        li      a7, 93
        ecall
