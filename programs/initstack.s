# initstack.s - a tour of the Linux initial stack that the kernel builds for a new process.
#
# Shows: the layout at _start (sp -> argc, argv[0..argc-1], NULL, envp..., NULL, auxv pairs,
# ending with AT_NULL), that sp is 16-byte aligned, that the argument strings live above the
# pointer arrays, and two auxiliary vector entries: AT_PAGESZ and AT_ENTRY.
# Only facts that do not depend on the host are printed: not argv[0], not the environment.

        .include "lib/runtime.s"

        .equ    AT_NULL, 0
        .equ    AT_PAGESZ, 6
        .equ    AT_ENTRY, 9

        .text
        .globl  _start
_start:
        mv      s0, sp              # the initial stack pointer
        lw      s1, 0(s0)           # argc
        addi    s2, s0, 4           # &argv[0]

        la      a0, s_argc
        call    print_str
        mv      a0, s1
        call    print_udec
        call    print_nl

        li      s3, 1               # i
        li      s5, 1               # all argument strings above sp?
args:
        bge     s3, s1, args_done
        la      a0, s_argv
        call    print_str
        mv      a0, s3
        call    print_udec
        la      a0, s_is
        call    print_str
        slli    t0, s3, 2
        add     t0, s2, t0
        lw      s4, 0(t0)           # argv[i]
        sltu    t1, s0, s4
        and     s5, s5, t1
        mv      a0, s4
        call    print_str
        la      a0, s_quote_nl
        call    print_str
        addi    s3, s3, 1
        j       args
args_done:
        la      a0, s_strings_above
        call    print_str
        mv      a0, s5
        call    print_yes_no

        slli    t0, s1, 2
        add     s4, s2, t0          # &argv[argc]
        la      a0, s_argv_null
        call    print_str
        lw      a0, 0(s4)
        seqz    a0, a0
        call    print_yes_no

        # Skip the environment: pointers up to a NULL.
        addi    s4, s4, 4           # &envp[0]
env_loop:
        lw      t1, 0(s4)
        addi    s4, s4, 4
        bnez    t1, env_loop
        # s4 is now the auxiliary vector: (key, value) word pairs up to AT_NULL.
        li      s6, 0               # AT_PAGESZ value
        li      s7, 0               # AT_ENTRY value
auxv_loop:
        lw      t1, 0(s4)
        lw      t2, 4(s4)
        addi    s4, s4, 8
        beqz    t1, auxv_done
        li      t3, AT_PAGESZ
        bne     t1, t3, not_pagesz
        mv      s6, t2
not_pagesz:
        li      t3, AT_ENTRY
        bne     t1, t3, auxv_loop
        mv      s7, t2
        j       auxv_loop
auxv_done:
        la      a0, s_aligned
        call    print_str
        andi    a0, s0, 15
        seqz    a0, a0
        call    print_yes_no

        la      a0, s_pagesz
        call    print_str
        mv      a0, s6
        call    print_udec
        call    print_nl

        la      a0, s_entry
        call    print_str
        la      t0, _start
        sub     a0, s7, t0
        seqz    a0, a0
        call    print_yes_no

        li      a0, 0
        call    exit

# print_yes_no(a0 = flag): prints "yes" for a non-zero flag, "no" for zero, and a newline.
print_yes_no:
        la      t0, s_no
        beqz    a0, print_yes_no_go
        la      t0, s_yes
print_yes_no_go:
        mv      a0, t0
        j       print_str

        .section .rodata
s_argc:         .asciz  "argc = "
s_argv:         .asciz  "argv["
s_is:           .asciz  "] = \""
s_quote_nl:     .asciz  "\"\n"
s_strings_above: .asciz "argument strings lie above the initial sp: "
s_argv_null:    .asciz  "argv[argc] is NULL: "
s_aligned:      .asciz  "initial sp is 16-byte aligned: "
s_pagesz:       .asciz  "auxv AT_PAGESZ = "
s_entry:        .asciz  "auxv AT_ENTRY is the address of _start: "
s_yes:          .asciz  "yes\n"
s_no:           .asciz  "no\n"
