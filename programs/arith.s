# arith.s - the RV32I and M-extension arithmetic, including its edge cases.
#
# Shows: add/sub wrapping, logic ops, shifts (a register shift amount uses only its low 5 bits),
# signed and unsigned compares, sign-extended immediates, lui, writes to x0 being dropped, and the
# M extension: mul, the three high-half multiplies with their operand signs, and division's
# defined results for division by zero and for INT_MIN / -1 (RISC-V never traps on these).
# Each line prints: operation, first operand, second operand (or immediate), result, in hex.

        .include "lib/runtime.s"

        .text
        .globl  _start
_start:
        la      a0, h1
        call    print_str

        li      s1, 0x7fffffff
        li      s2, 1
        add     s3, s1, s2
        la      a0, n2
        call    show

        li      s1, 0xffffffff
        li      s2, 1
        add     s3, s1, s2
        la      a0, n3
        call    show

        li      s1, 0
        li      s2, 1
        sub     s3, s1, s2
        la      a0, n4
        call    show

        li      s1, 0x80000000
        li      s2, 1
        sub     s3, s1, s2
        la      a0, n5
        call    show

        li      s1, 5
        li      s2, -6
        addi    s3, s1, -6
        la      a0, n6
        call    show

        li      s1, 0xf0f0f0f0
        li      s2, 0xff00ff00
        and     s3, s1, s2
        la      a0, n7
        call    show

        li      s1, 0xf0f0f0f0
        li      s2, 0xff00ff00
        or      s3, s1, s2
        la      a0, n8
        call    show

        li      s1, 0xf0f0f0f0
        li      s2, 0xff00ff00
        xor     s3, s1, s2
        la      a0, n9
        call    show

        li      s1, 0x12345678
        li      s2, -16
        andi    s3, s1, -16
        la      a0, n10
        call    show

        li      s1, 0
        li      s2, -2048
        ori     s3, s1, -2048
        la      a0, n11
        call    show

        li      s1, 0x12345678
        li      s2, -1
        xori    s3, s1, -1
        la      a0, n12
        call    show

        la      a0, h13
        call    print_str

        li      s1, 1
        li      s2, 31
        sll     s3, s1, s2
        la      a0, n14
        call    show

        li      s1, 1
        li      s2, 33
        sll     s3, s1, s2
        la      a0, n15
        call    show

        li      s1, 0x80000000
        li      s2, 31
        srl     s3, s1, s2
        la      a0, n16
        call    show

        li      s1, 0x80000000
        li      s2, 31
        sra     s3, s1, s2
        la      a0, n17
        call    show

        li      s1, 0x80000000
        li      s2, 32
        sra     s3, s1, s2
        la      a0, n18
        call    show

        li      s1, 0xffffffff
        li      s2, 0xffffffe4
        srl     s3, s1, s2
        la      a0, n19
        call    show

        li      s1, 3
        li      s2, 30
        slli    s3, s1, 30
        la      a0, n20
        call    show

        li      s1, 0xf0000000
        li      s2, 28
        srli    s3, s1, 28
        la      a0, n21
        call    show

        li      s1, 0xf0000000
        li      s2, 28
        srai    s3, s1, 28
        la      a0, n22
        call    show

        la      a0, h23
        call    print_str

        li      s1, 0xffffffff
        li      s2, 1
        slt     s3, s1, s2
        la      a0, n24
        call    show

        li      s1, 0xffffffff
        li      s2, 1
        sltu    s3, s1, s2
        la      a0, n25
        call    show

        li      s1, 0x80000000
        li      s2, 0x7fffffff
        slt     s3, s1, s2
        la      a0, n26
        call    show

        li      s1, 0x80000000
        li      s2, 0x7fffffff
        sltu    s3, s1, s2
        la      a0, n27
        call    show

        li      s1, 0
        li      s2, -1
        slti    s3, s1, -1
        la      a0, n28
        call    show

        li      s1, 0
        li      s2, -1
        sltiu   s3, s1, -1
        la      a0, n29
        call    show

        li      s1, 5
        li      s2, 1
        sltiu   s3, s1, 1
        la      a0, n30
        call    show

        li      s1, 0
        li      s2, 1
        sltiu   s3, s1, 1
        la      a0, n31
        call    show

        la      a0, h32
        call    print_str

        li      s1, 0x7fffffff
        li      s2, 2
        mul     s3, s1, s2
        la      a0, n33
        call    show

        li      s1, 0xffffffff
        li      s2, 0xffffffff
        mul     s3, s1, s2
        la      a0, n34
        call    show

        li      s1, 0x10000
        li      s2, 0x10000
        mul     s3, s1, s2
        la      a0, n35
        call    show

        la      a0, h36
        call    print_str

        li      s1, 0xffffffff
        li      s2, 0xffffffff
        mulh    s3, s1, s2
        la      a0, n37
        call    show

        li      s1, 0x80000000
        li      s2, 0x80000000
        mulh    s3, s1, s2
        la      a0, n38
        call    show

        li      s1, 0xfffffffe
        li      s2, 3
        mulh    s3, s1, s2
        la      a0, n39
        call    show

        li      s1, 0x7fffffff
        li      s2, 0x7fffffff
        mulh    s3, s1, s2
        la      a0, n40
        call    show

        li      s1, 0xffffffff
        li      s2, 0xffffffff
        mulhu   s3, s1, s2
        la      a0, n41
        call    show

        li      s1, 0x80000000
        li      s2, 2
        mulhu   s3, s1, s2
        la      a0, n42
        call    show

        li      s1, 0xffffffff
        li      s2, 0xffffffff
        mulhsu  s3, s1, s2
        la      a0, n43
        call    show

        li      s1, 2
        li      s2, 0xffffffff
        mulhsu  s3, s1, s2
        la      a0, n44
        call    show

        li      s1, 0x80000000
        li      s2, 0x80000000
        mulhsu  s3, s1, s2
        la      a0, n45
        call    show

        li      s1, 0x7fffffff
        li      s2, 0x80000000
        mulhsu  s3, s1, s2
        la      a0, n46
        call    show

        la      a0, h47
        call    print_str

        li      s1, 7
        li      s2, -2
        div     s3, s1, s2
        la      a0, n48
        call    show

        li      s1, 7
        li      s2, -2
        rem     s3, s1, s2
        la      a0, n49
        call    show

        li      s1, -7
        li      s2, 2
        div     s3, s1, s2
        la      a0, n50
        call    show

        li      s1, -7
        li      s2, 2
        rem     s3, s1, s2
        la      a0, n51
        call    show

        li      s1, 0xfffffff9
        li      s2, 2
        divu    s3, s1, s2
        la      a0, n52
        call    show

        li      s1, 0xfffffff9
        li      s2, 2
        remu    s3, s1, s2
        la      a0, n53
        call    show

        la      a0, h54
        call    print_str

        li      s1, 5
        li      s2, 0
        div     s3, s1, s2
        la      a0, n55
        call    show

        li      s1, 5
        li      s2, 0
        divu    s3, s1, s2
        la      a0, n56
        call    show

        li      s1, 5
        li      s2, 0
        rem     s3, s1, s2
        la      a0, n57
        call    show

        li      s1, 5
        li      s2, 0
        remu    s3, s1, s2
        la      a0, n58
        call    show

        li      s1, -5
        li      s2, 0
        rem     s3, s1, s2
        la      a0, n59
        call    show

        li      s1, 0
        li      s2, 0
        div     s3, s1, s2
        la      a0, n60
        call    show

        la      a0, h61
        call    print_str

        li      s1, 0x80000000
        li      s2, -1
        div     s3, s1, s2
        la      a0, n62
        call    show

        li      s1, 0x80000000
        li      s2, -1
        rem     s3, s1, s2
        la      a0, n63
        call    show

        li      s1, 0x80000000
        li      s2, 0xffffffff
        divu    s3, s1, s2
        la      a0, n64
        call    show

        li      s1, 0x80000000
        li      s2, 0xffffffff
        remu    s3, s1, s2
        la      a0, n65
        call    show

        li      s1, 0x80000000
        li      s2, 1
        div     s3, s1, s2
        la      a0, n66
        call    show

        la      a0, h_upper
        call    print_str
        lui     s3, 0xfffff
        li      s1, 0xfffff
        li      s2, 0
        la      a0, n_lui
        call    show
        addi    zero, zero, 5       # writes to x0 are discarded
        mv      s3, zero
        li      s1, 0
        li      s2, 5
        la      a0, n_x0
        call    show

        li      a0, 0
        call    exit

# show(a0 = name): prints "name s1 s2 -> s3", the operands and result of the last operation.
show:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    print_str
        mv      a0, s1
        call    print_hex
        call    print_space
        mv      a0, s2
        call    print_hex
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
h_upper: .asciz "Upper immediates and the zero register\n"
n_lui:  .asciz  "  lui    "
n_x0:   .asciz  "  x0     "
h1:     .asciz  "ALU: add, sub and the logic operations wrap modulo 2^32\n"
n2:     .asciz  "  add    "
n3:     .asciz  "  add    "
n4:     .asciz  "  sub    "
n5:     .asciz  "  sub    "
n6:     .asciz  "  addi   "
n7:     .asciz  "  and    "
n8:     .asciz  "  or     "
n9:     .asciz  "  xor    "
n10:    .asciz  "  andi   "
n11:    .asciz  "  ori    "
n12:    .asciz  "  xori   "
h13:    .asciz  "Shifts: a register shift amount uses only its low 5 bits\n"
n14:    .asciz  "  sll    "
n15:    .asciz  "  sll    "
n16:    .asciz  "  srl    "
n17:    .asciz  "  sra    "
n18:    .asciz  "  sra    "
n19:    .asciz  "  srl    "
n20:    .asciz  "  slli   "
n21:    .asciz  "  srli   "
n22:    .asciz  "  srai   "
h23:    .asciz  "Compares: slt/slti are signed, sltu/sltiu unsigned (the immediate is sign-extended first)\n"
n24:    .asciz  "  slt    "
n25:    .asciz  "  sltu   "
n26:    .asciz  "  slt    "
n27:    .asciz  "  sltu   "
n28:    .asciz  "  slti   "
n29:    .asciz  "  sltiu  "
n30:    .asciz  "  sltiu  "
n31:    .asciz  "  sltiu  "
h32:    .asciz  "M extension: mul keeps the low 32 bits of the product\n"
n33:    .asciz  "  mul    "
n34:    .asciz  "  mul    "
n35:    .asciz  "  mul    "
h36:    .asciz  "mulh/mulhu/mulhsu give the high 32 bits: signed x signed, unsigned x unsigned, signed x unsigned\n"
n37:    .asciz  "  mulh   "
n38:    .asciz  "  mulh   "
n39:    .asciz  "  mulh   "
n40:    .asciz  "  mulh   "
n41:    .asciz  "  mulhu  "
n42:    .asciz  "  mulhu  "
n43:    .asciz  "  mulhsu "
n44:    .asciz  "  mulhsu "
n45:    .asciz  "  mulhsu "
n46:    .asciz  "  mulhsu "
h47:    .asciz  "Division rounds toward zero; the remainder takes the sign of the dividend\n"
n48:    .asciz  "  div    "
n49:    .asciz  "  rem    "
n50:    .asciz  "  div    "
n51:    .asciz  "  rem    "
n52:    .asciz  "  divu   "
n53:    .asciz  "  remu   "
h54:    .asciz  "Division by zero does not trap: the quotient is all ones, the remainder the dividend\n"
n55:    .asciz  "  div    "
n56:    .asciz  "  divu   "
n57:    .asciz  "  rem    "
n58:    .asciz  "  remu   "
n59:    .asciz  "  rem    "
n60:    .asciz  "  div    "
h61:    .asciz  "Overflow: INT_MIN / -1 is INT_MIN with remainder 0\n"
n62:    .asciz  "  div    "
n63:    .asciz  "  rem    "
n64:    .asciz  "  divu   "
n65:    .asciz  "  remu   "
n66:    .asciz  "  div    "
