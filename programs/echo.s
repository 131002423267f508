# echo.s - prints its arguments separated by spaces, like /bin/echo.
#
# Shows: reading argc and argv from the Linux initial stack. At _start, sp points at argc; the
# argv pointers follow (argv[0] at sp+4), then a NULL. argv[0] is the program's name, which
# depends on how it was started, so echo skips it, as /bin/echo does.

        .include "lib/runtime.s"

        .text
        .globl  _start
_start:
        lw      s0, 0(sp)           # argc
        addi    s1, sp, 4           # &argv[0]
        li      s2, 1               # i
arg_loop:
        bge     s2, s0, done
        li      t0, 1
        beq     s2, t0, no_space
        call    print_space
no_space:
        slli    t0, s2, 2
        add     t0, s1, t0
        lw      a0, 0(t0)           # argv[i]
        call    print_str
        addi    s2, s2, 1
        j       arg_loop
done:
        call    print_nl
        li      a0, 0
        call    exit
