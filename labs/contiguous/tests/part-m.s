# part-m.s - a process for the contiguous lab's kernel test: its .bss makes its base-limit
# partition 256 KiB larger; it spins argv[1] times (default 1000) and prints that it is done.

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .section .rodata
m_done: .asciz "done m, loops "

        .bss
        .balign 4096
filler: .space  262144

        .text
        .globl  _start
_start:
        li      s0, 1000
        lw      t0, 0(sp)                       # argc
        li      t1, 2
        blt     t0, t1, spin
        lw      a0, 8(sp)                       # argv[1]
        call    parse_udec
        mv      s0, a0
spin:
        la      t0, filler
        mv      t1, s0
spin_loop:
        beqz    t1, spin_done
        sw      t1, 0(t0)
        addi    t1, t1, -1
        j       spin_loop
spin_done:
        mv      a1, s0
        la      a0, m_done
        call    print_line
        li      a0, 0
        call    exit
