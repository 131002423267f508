# illegal.s - accesses the kernel must refuse: four children each make one and are killed
# (SIGSEGV: status 139); the parent prints how each ended. 1: a load from address 0 (page 0 is
# never mapped); 2: a store to a kernel address; 3: a store into the program's own text
# (read-only); 4: a jump into .data (not executable).

        .include "../../../programs/lib/runtime.s"
        .include "../../lib/lab.s"

        .section .rodata
m_child:        .asciz "child ended with "

        .data
        .balign 4
data_word:      .word   0x00000013      # a nop, but in a page without X

        .text
        .globl  _start
_start:
        li      s0, 1
next:
        call    fork
        beqz    a0, child
        call    wait_child
        mv      a1, a0
        la      a0, m_child
        call    print_line
        addi    s0, s0, 1
        li      t0, 5
        blt     s0, t0, next
        li      a0, 0
        call    exit

child:
        li      t0, 1
        beq     s0, t0, null_load
        li      t0, 2
        beq     s0, t0, kernel_store
        li      t0, 3
        beq     s0, t0, text_store
        la      t0, data_word
        jalr    t0
        li      a0, 4
        call    exit
null_load:
        lw      t0, 0(zero)
        li      a0, 1
        call    exit
kernel_store:
        li      t1, 0x80001000
        sw      t1, 0(t1)
        li      a0, 2
        call    exit
text_store:
        la      t1, _start
        sw      zero, 0(t1)
        li      a0, 3
        call    exit
