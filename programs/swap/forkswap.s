# swap/forkswap.s - fork under memory pressure: copy-on-write, swap slots shared by two processes.
#
# Shows: that nothing is lost when private pages are shared copy-on-write after fork and both
# processes page against each other. The parent fills 2 MiB (512 pages), forks; the child adds
# 1 to every word and checks it, the parent checks its own unchanged copy after waiting.
# Run with `--ram 512k --swap 8m`: the pages move between RAM and swap all the while.

        .equ    WORDS, 524288           # 2 MiB of 32-bit words
        .equ    SYS_CLONE, 220
        .equ    SYS_WAIT4, 260
        .equ    SIGCHLD, 17

        .include "../lib/runtime.s"

        .section .rodata
s_child:  .asciz "child: all words correct: "
s_parent: .asciz "parent: all words correct: "
s_status: .asciz "child exit status: "
s_yes:    .asciz "yes\n"
s_no:     .asciz "NO\n"

        .bss
        .balign 4096
data:   .space  WORDS * 4
status: .space  4

        .text
        .globl  _start
_start:
        la      s0, data
        li      s1, 0
fill:   slli    t0, s1, 2
        add     t0, s0, t0
        li      t1, 0x01000193
        mul     t2, s1, t1
        sw      t2, 0(t0)
        addi    s1, s1, 1
        li      t3, WORDS
        blt     s1, t3, fill

        li      a0, SIGCHLD
        li      a1, 0
        li      a7, SYS_CLONE
        ecall
        beqz    a0, child

        # Parent: wait, then check its copy is untouched.
        li      a0, -1
        la      a1, status
        li      a2, 0
        li      a3, 0
        li      a7, SYS_WAIT4
        ecall
        la      a0, s_status
        call    print_str
        la      t0, status
        lw      a0, 0(t0)
        srli    a0, a0, 8
        call    print_udec
        call    print_nl
        li      s2, 0                   # expected addend
        la      s3, s_parent
        j       verify

child:  # Add 1 to every word (every page gets copied), then check.
        li      s1, 0
bump:   slli    t0, s1, 2
        add     t0, s0, t0
        lw      t2, 0(t0)
        addi    t2, t2, 1
        sw      t2, 0(t0)
        addi    s1, s1, 1
        li      t3, WORDS
        blt     s1, t3, bump
        li      s2, 1
        la      s3, s_child

verify: li      s1, 0
        li      s4, 0                   # wrong words
1:      slli    t0, s1, 2
        add     t0, s0, t0
        lw      t2, 0(t0)
        li      t1, 0x01000193
        mul     t4, s1, t1
        add     t4, t4, s2
        beq     t2, t4, 2f
        addi    s4, s4, 1
2:      addi    s1, s1, 1
        li      t3, WORDS
        blt     s1, t3, 1b
        mv      a0, s3
        call    print_str
        la      a0, s_yes
        beqz    s4, 3f
        la      a0, s_no
3:      call    print_str
        snez    a0, s4
        call    exit
