# heap.s - grows the break by 3 MiB, then by 4 MiB more, writing each page's address into its
# first word; checks every page after both growths and says "heap ok" (exit 1 if brk fails).
        .equ    MIB, 1024 * 1024
        .section .rodata
ok:     .ascii  "heap ok\n"
        .text
        .globl  _start
_start: li      a0, 0
        li      a7, 214
        ecall
        addi    s0, a0, 2047            # s0 = a page boundary just above the break
        addi    s0, s0, 2047
        addi    s0, s0, 2
        srli    s0, s0, 12
        slli    s0, s0, 12
        li      t0, 3 * MIB
        add     a0, s0, t0
        mv      s1, a0
        li      a7, 214
        ecall
        bne     a0, s1, fail
        mv      a0, s0
        mv      a1, s1
        call    fill
        li      t0, 4 * MIB
        add     a0, s1, t0
        mv      s2, a0
        li      a7, 214
        ecall
        bne     a0, s2, fail
        mv      a0, s1
        mv      a1, s2
        call    fill
        mv      t2, s0
check:  lw      t3, 0(t2)
        bne     t3, t2, fail
        li      t4, 4096
        add     t2, t2, t4
        blt     t2, s2, check
        li      a0, 1
        la      a1, ok
        li      a2, 8
        li      a7, 64
        ecall
        li      a0, 0
        li      a7, 93
        ecall
fail:   li      a0, 1
        li      a7, 93
        ecall
# fill(a0 = from, a1 = to): writes each page's address into its first word.
fill:   li      t4, 4096
fill1:  sw      a0, 0(a0)
        add     a0, a0, t4
        blt     a0, a1, fill1
        ret
