# exec-compact.s - execs bigbss.s (run from the repository root). Started after quick.s in
# 4 MiB of RAM, the new image fits only once memory is compacted, which moves this process's
# old image while execve is working on it.
        .section .rodata
path:   .asciz  "test/kernel/segments/bigbss.s"
        .data
        .balign 4
argv:   .word   path, 0
        .text
        .globl  _start
_start: la      a0, path
        la      a1, argv
        li      a2, 0
        li      a7, 221                 # execve
        ecall
        li      a7, 93                  # exit with execve's error
        ecall
