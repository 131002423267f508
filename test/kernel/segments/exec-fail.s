# exec-fail.s - execs huge.s, which fails with ENOMEM (segmented, 4 MiB, after quick.s): its
# segment 0 fits once memory is compacted, its stack does not. The compaction has moved this
# process's blocks; it must go on with its .data and stack as they were.
        .equ    ENOMEM, 12
        .equ    MARK, 0x12345678
        .equ    STACK_MARK, 0xabcd
        .section .rodata
path:   .asciz  "test/kernel/segments/huge.s"
msg:    .ascii  "exec failed, memory intact\n"
        .data
        .balign 4
argv:   .word   path, 0
marker: .word   MARK
        .text
        .globl  _start
_start: addi    sp, sp, -16
        li      t0, STACK_MARK
        sw      t0, 0(sp)
        la      a0, path
        la      a1, argv
        li      a2, 0
        li      a7, 221                 # execve
        ecall
        li      t0, -ENOMEM
        bne     a0, t0, fail
        lw      t0, 0(sp)
        li      t1, STACK_MARK
        bne     t0, t1, fail
        la      t0, marker
        lw      t0, 0(t0)
        li      t1, MARK
        bne     t0, t1, fail
        li      a0, 1
        la      a1, msg
        li      a2, 27
        li      a7, 64
        ecall
        li      a0, 0
        li      a7, 93
        ecall
fail:   li      a0, 3
        li      a7, 93
        ecall
