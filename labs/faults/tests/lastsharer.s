# lastsharer.s - copy-on-write copies only while a page is shared: after fork the child writes
# page A (a copy) and exits; then the parent writes pages A and B, of which it is now the only
# user, so neither is copied: the kernel makes them writable again. Prints what each side wrote.

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .section .rodata
m_child:        .asciz "child wrote "
m_status:       .asciz "child ended with "
m_parent:       .asciz "parent reads "

        .text
        .globl  _start
_start:
        li      a0, 2 * PAGE_SIZE
        call    sbrk
        mv      s0, a0                          # page A at s0, page B after it
        li      t0, 1
        sw      t0, 0(s0)
        li      t1, PAGE_SIZE
        add     t1, s0, t1
        sw      t0, 0(t1)
        call    fork
        beqz    a0, child
        call    wait_child
        mv      a1, a0
        la      a0, m_status
        call    print_line
        li      t0, 30
        sw      t0, 0(s0)
        li      t1, PAGE_SIZE
        add     t1, s0, t1
        li      t0, 40
        sw      t0, 0(t1)
        lw      a1, 0(s0)
        lw      t2, 0(t1)
        add     a1, a1, t2
        la      a0, m_parent
        call    print_line
        li      a0, 0
        call    exit
child:
        li      t0, 20
        sw      t0, 0(s0)
        lw      a1, 0(s0)
        la      a0, m_child
        call    print_line
        li      a0, 0
        call    exit
