# memory.s - every load and store width, sign extension and byte order.
#
# Shows: lb/lbu, lh/lhu and lw on known bytes (sign- versus zero-extension), that RV32 memory is
# little-endian, that sb/sh write only their own bytes, negative offsets, a load into its own base
# register, the stack growing down, and the .byte/.half/.word data directives.
# All accesses are naturally aligned. Each line prints what was done and the word it read back.

        .include "lib/runtime.s"

        .data
        .balign 4
bytes:  .byte   0x80, 0x7f, 0xff, 0x01, 0x34, 0x12, 0xcd, 0xab
        .half   0x1234, 0x8765
        .half   -2, 7
        .word   -1
        .bss
        .balign 4
scratch:
        .space  32

        .text
        .globl  _start
_start:
        la      s0, bytes
        la      s1, scratch

        la      a0, h1
        call    print_str

        lb      s3, 0(s0)
        la      a0, n2
        call    show

        lbu     s3, 0(s0)
        la      a0, n3
        call    show

        lb      s3, 1(s0)
        la      a0, n4
        call    show

        lbu     s3, 1(s0)
        la      a0, n5
        call    show

        lb      s3, 2(s0)
        la      a0, n6
        call    show

        lbu     s3, 2(s0)
        la      a0, n7
        call    show

        lb      s3, 3(s0)
        la      a0, n8
        call    show

        lh      s3, 0(s0)
        la      a0, n9
        call    show

        lhu     s3, 0(s0)
        la      a0, n10
        call    show

        lh      s3, 2(s0)
        la      a0, n11
        call    show

        lhu     s3, 2(s0)
        la      a0, n12
        call    show

        lh      s3, 6(s0)
        la      a0, n13
        call    show

        lhu     s3, 6(s0)
        la      a0, n14
        call    show

        lw      s3, 0(s0)
        la      a0, n15
        call    show

        lw      s3, 4(s0)
        la      a0, n16
        call    show

        lw      s3, 8(s0)
        la      a0, n17
        call    show

        lh      s3, 12(s0)
        la      a0, n18
        call    show

        lw      s3, 16(s0)
        la      a0, n19
        call    show

        addi    t0, s0, 8
        lw      s3, -4(t0)
        la      a0, n20
        call    show

        mv      s3, s0
        lw      s3, 4(s3)
        la      a0, n21
        call    show

        la      a0, h22
        call    print_str

        li      t0, 0x11223344
        sw      t0, 0(s1)
        lw      s3, 0(s1)
        la      a0, n23
        call    show

        lbu     s3, 0(s1)
        la      a0, n24
        call    show

        lbu     s3, 3(s1)
        la      a0, n25
        call    show

        li      t0, 0x123456aa
        sb      t0, 1(s1)
        lw      s3, 0(s1)
        la      a0, n26
        call    show

        li      t0, 0xdeadbeef
        sh      t0, 2(s1)
        lw      s3, 0(s1)
        la      a0, n27
        call    show

        sb      zero, 3(s1)
        lw      s3, 0(s1)
        la      a0, n28
        call    show

        li      t0, -1
        sw      t0, 4(s1)
        li      t0, 0x5555
        sh      t0, 4(s1)
        lw      s3, 4(s1)
        la      a0, n29
        call    show

        li      t0, 0x0badcafe
        addi    t1, s1, 12
        sw      t0, -4(t1)
        lw      s3, 8(s1)
        la      a0, n30
        call    show

        la      a0, h31
        call    print_str

        addi    sp, sp, -16
        li      t0, 111
        sw      t0, 0(sp)
        li      t0, 222
        sw      t0, 4(sp)
        li      t0, 333
        sw      t0, 8(sp)
        lw      s3, 8(sp)
        la      a0, n32
        call    show

        lw      s3, 4(sp)
        la      a0, n33
        call    show

        lw      s3, 0(sp)
        addi    sp, sp, 16
        la      a0, n34
        call    show

        la      a0, h35
        call    print_str

        addi    t0, s0, 0
        addi    t1, s1, 16
        li      t2, 8
copy_loop:
        lbu     t3, 0(t0)
        sb      t3, 0(t1)
        addi    t0, t0, 1
        addi    t1, t1, 1
        addi    t2, t2, -1
        bnez    t2, copy_loop
        lw      s3, 16(s1)
        la      a0, n36
        call    show

        lw      s3, 20(s1)
        la      a0, n37
        call    show

        li      a0, 0
        call    exit

# show(a0 = label): prints "label -> s3" with s3 in hex.
show:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    print_str
        la      a0, arrow
        call    print_str
        mv      a0, s3
        call    print_hex
        call    print_nl
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

        .section .rodata
arrow:  .asciz  " -> "
h1:     .asciz  "Loads: lb/lh sign-extend, lbu/lhu zero-extend; memory is little-endian\n"
n2:     .asciz  "  lb  bytes+0                   "
n3:     .asciz  "  lbu bytes+0                   "
n4:     .asciz  "  lb  bytes+1                   "
n5:     .asciz  "  lbu bytes+1                   "
n6:     .asciz  "  lb  bytes+2                   "
n7:     .asciz  "  lbu bytes+2                   "
n8:     .asciz  "  lb  bytes+3                   "
n9:     .asciz  "  lh  bytes+0                   "
n10:    .asciz  "  lhu bytes+0                   "
n11:    .asciz  "  lh  bytes+2                   "
n12:    .asciz  "  lhu bytes+2                   "
n13:    .asciz  "  lh  bytes+6                   "
n14:    .asciz  "  lhu bytes+6                   "
n15:    .asciz  "  lw  bytes+0                   "
n16:    .asciz  "  lw  bytes+4                   "
n17:    .asciz  "  lw  bytes+8 (a .half pair)    "
n18:    .asciz  "  lh  bytes+12 (.half -2)       "
n19:    .asciz  "  lw  bytes+16 (.word -1)       "
n20:    .asciz  "  lw  with a negative offset    "
n21:    .asciz  "  lw  into its own base register"
h22:    .asciz  "Stores write only their width: sw, then sb and sh over it\n"
n23:    .asciz  "  sw  0x11223344, lw            "
n24:    .asciz  "      then lbu +0               "
n25:    .asciz  "      then lbu +3               "
n26:    .asciz  "  sb  0x123456aa at +1, lw      "
n27:    .asciz  "  sh  0xdeadbeef at +2, lw      "
n28:    .asciz  "  sb  x0 at +3, lw              "
n29:    .asciz  "  sh  at +4 leaves +6 alone     "
n30:    .asciz  "  sw  with a negative offset    "
h31:    .asciz  "The stack: push three words, pop them in reverse\n"
n32:    .asciz  "  pop 1st                       "
n33:    .asciz  "  pop 2nd                       "
n34:    .asciz  "  pop 3rd                       "
h35:    .asciz  "A byte copy loop: copy 8 bytes from bytes+0 to scratch+16, then read them back\n"
n36:    .asciz  "  copied lw +16                 "
n37:    .asciz  "  copied lw +20                 "
