# pressure/execcow.s - execve while the old image's pages are shared copy-on-write.
#
# Shows: that the old image stays evictable while execve builds the new one. The parent touches
# 40 pages of .bss (more than 192 KiB of RAM holds for users) and forks; the child at once execs
# programs/hello.s. Every resident page is then shared by the parent and the child's old image,
# and the new image's page tables and pages can only be had by evicting them. Prints the child's
# "Hello from vmlab!" and "ok" (the child exited 0). Run from the repository root (the execve
# path is relative to it) with `--ram 192k --swap 1m`. (Found by the pressure stress test.)

        .equ    PAGES, 40
        .equ    SYS_CLONE, 220
        .equ    SYS_EXECVE, 221
        .equ    SYS_WAIT4, 260
        .equ    SIGCHLD, 17
        .equ    EXEC_FAILED, 4

        .include "../lib/runtime.s"

        .section .rodata
path:   .asciz  "programs/hello.s"
s_ok:   .asciz  "ok\n"
s_bad:  .asciz  "child status not 0\n"

        .bss
        .balign 4096
data:   .space  PAGES * 4096
argv:   .space  8
status: .space  4

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
        bnez    a0, parent
        la      a1, argv                # the child: execve(path, {path, NULL}, NULL)
        la      t0, path
        sw      t0, 0(a1)
        sw      zero, 4(a1)
        la      a0, path
        li      a2, 0
        li      a7, SYS_EXECVE
        ecall
        li      a0, EXEC_FAILED
        call    exit
parent: li      a0, -1
        la      a1, status
        li      a2, 0
        li      a3, 0
        li      a7, SYS_WAIT4
        ecall
        la      t0, status
        lw      t0, 0(t0)
        la      a0, s_ok
        beqz    t0, say
        la      a0, s_bad
say:    call    print_str
        li      a0, 0
        call    exit
