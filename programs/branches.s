# branches.s - every branch kind, signed and unsigned, and the jumps jal, jalr and auipc.
#
# Shows: beq/bne/blt/bge/bltu/bgeu (and the assembler's swapped-operand forms bgt/ble/bgtu/bleu)
# on pairs chosen at the signed/unsigned edges (-1 is the largest unsigned number, 0x80000000 the
# smallest signed one); the compare-with-zero forms; a backward branch loop; jal and jalr linking
# pc+4; jalr clearing bit 0 of its target and reading rs1 before writing rd; auipc adding to pc.
# A 1 after a branch name means the branch was taken.

        .include "lib/runtime.s"

        .section .rodata
        .balign 4
pairs:  .word   0, 0
        .word   1, 2
        .word   2, 1
        .word   -1, 1
        .word   1, -1
        .word   0x80000000, 0x7fffffff
        .word   0x7fffffff, 0x80000000
        .word   -1, -1
        .word   0, -1
        .equ    npairs, 9
zeros:  .word   -1, 0, 1, 0x80000000, 0x7fffffff
        .equ    nzeros, 5

        .text
        .globl  _start
_start:
        la      a0, h_pairs
        call    print_str
        la      s4, pairs
        li      s5, npairs
pair_loop:
        lw      s1, 0(s4)
        lw      s2, 4(s4)
        mv      a0, s1
        call    print_hex
        call    print_space
        mv      a0, s2
        call    print_hex
        call    compare_pair
        addi    s4, s4, 8
        addi    s5, s5, -1
        bnez    s5, pair_loop

        la      a0, h_zeros
        call    print_str
        la      s4, zeros
        li      s5, nzeros
zero_loop:
        lw      s1, 0(s4)
        mv      a0, s1
        call    print_hex
        call    compare_zero
        addi    s4, s4, 4
        addi    s5, s5, -1
        bnez    s5, zero_loop

        la      a0, h_jumps
        call    print_str

        # A backward branch: count to ten.
        li      s3, 0
        li      t0, 10
count_loop:
        addi    s3, s3, 1
        blt     s3, t0, count_loop
        la      a0, n_loop
        call    show

        # jal writes the address of the next instruction into rd.
        jal     t1, jal_target
jal_next:
        j       exit_failed
jal_target:
        la      t0, jal_next
        sub     s3, t1, t0
        la      a0, n_jal
        call    show

        # jalr jumps to (rs1 + offset) with bit 0 cleared.
        la      t0, jalr_target
        addi    t0, t0, 1
        li      s3, 0
        jalr    t1, 0(t0)
        li      s3, 99
jalr_target:
        la      a0, n_jalr_odd
        call    show

        la      t0, jalr_target2
        addi    t0, t0, 8
        li      s3, 0
        jalr    t1, -8(t0)
        li      s3, 99
jalr_target2:
        la      a0, n_jalr_off
        call    show

        # jalr reads rs1 before it writes rd, so rd may be the same register.
        la      t0, jalr_same
        jalr    t0, 0(t0)
jalr_same_next:
        j       exit_failed
jalr_same:
        la      t1, jalr_same_next
        sub     s3, t0, t1
        la      a0, n_jalr_same
        call    show

        # auipc adds its immediate (shifted left 12) to its own address.
auipc_here:
        auipc   t0, 0
        la      t1, auipc_here
        sub     s3, t0, t1
        la      a0, n_auipc0
        call    show
auipc_here2:
        auipc   t0, 3
        la      t1, auipc_here2
        sub     s3, t0, t1
        la      a0, n_auipc3
        call    show

        li      a0, 0
        call    exit

exit_failed:
        la      a0, s_failed
        call    print_str
        li      a0, 1
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

# show_flag(a0 = name): prints the name and then s3 (0 or 1) as a digit.
show_flag:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    print_str
        addi    a0, s3, 48          # '0' or '1'
        call    print_char
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# compare_pair(s1, s2): prints which two-operand branches are taken for the pair.
compare_pair:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      s3, 1
        beq     s1, s2, beq_taken
        li      s3, 0
beq_taken:
        la      a0, s_beq
        call    show_flag
        li      s3, 1
        bne     s1, s2, bne_taken
        li      s3, 0
bne_taken:
        la      a0, s_bne
        call    show_flag
        li      s3, 1
        blt     s1, s2, blt_taken
        li      s3, 0
blt_taken:
        la      a0, s_blt
        call    show_flag
        li      s3, 1
        bge     s1, s2, bge_taken
        li      s3, 0
bge_taken:
        la      a0, s_bge
        call    show_flag
        li      s3, 1
        bltu    s1, s2, bltu_taken
        li      s3, 0
bltu_taken:
        la      a0, s_bltu
        call    show_flag
        li      s3, 1
        bgeu    s1, s2, bgeu_taken
        li      s3, 0
bgeu_taken:
        la      a0, s_bgeu
        call    show_flag
        li      s3, 1
        bgt     s1, s2, bgt_taken
        li      s3, 0
bgt_taken:
        la      a0, s_bgt
        call    show_flag
        li      s3, 1
        ble     s1, s2, ble_taken
        li      s3, 0
ble_taken:
        la      a0, s_ble
        call    show_flag
        li      s3, 1
        bgtu    s1, s2, bgtu_taken
        li      s3, 0
bgtu_taken:
        la      a0, s_bgtu
        call    show_flag
        li      s3, 1
        bleu    s1, s2, bleu_taken
        li      s3, 0
bleu_taken:
        la      a0, s_bleu
        call    show_flag
        call    print_nl
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# compare_zero(s1): prints which compare-with-zero branches are taken for s1.
compare_zero:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        li      s3, 1
        beqz    s1, beqz_taken
        li      s3, 0
beqz_taken:
        la      a0, s_beqz
        call    show_flag
        li      s3, 1
        bnez    s1, bnez_taken
        li      s3, 0
bnez_taken:
        la      a0, s_bnez
        call    show_flag
        li      s3, 1
        bltz    s1, bltz_taken
        li      s3, 0
bltz_taken:
        la      a0, s_bltz
        call    show_flag
        li      s3, 1
        bgez    s1, bgez_taken
        li      s3, 0
bgez_taken:
        la      a0, s_bgez
        call    show_flag
        li      s3, 1
        blez    s1, blez_taken
        li      s3, 0
blez_taken:
        la      a0, s_blez
        call    show_flag
        li      s3, 1
        bgtz    s1, bgtz_taken
        li      s3, 0
bgtz_taken:
        la      a0, s_bgtz
        call    show_flag
        call    print_nl
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

        .section .rodata
arrow:  .asciz  " -> "
s_failed:   .asciz  "a jump went to the wrong place\n"
h_pairs:    .asciz  "Two-operand branches (first operand, second operand, taken?)\n"
h_zeros:    .asciz  "Compare-with-zero branches\n"
h_jumps:    .asciz  "Loops and jumps (differences from the expected address should be 0)\n"
n_loop:     .asciz  "  backward branch loop count      "
n_jal:      .asciz  "  jal link - next instruction     "
n_jalr_odd: .asciz  "  jalr to an odd address, skipped "
n_jalr_off: .asciz  "  jalr with offset -8, skipped    "
n_jalr_same: .asciz "  jalr rd=rs1 link - next         "
n_auipc0:   .asciz  "  auipc 0 - its own address       "
n_auipc3:   .asciz  "  auipc 3 - its own address       "
s_beq:      .asciz  " beq="
s_bne:      .asciz  " bne="
s_blt:      .asciz  " blt="
s_bge:      .asciz  " bge="
s_bltu:     .asciz  " bltu="
s_bgeu:     .asciz  " bgeu="
s_bgt:      .asciz  " bgt="
s_ble:      .asciz  " ble="
s_bgtu:     .asciz  " bgtu="
s_bleu:     .asciz  " bleu="
s_beqz:     .asciz  " beqz="
s_bnez:     .asciz  " bnez="
s_bltz:     .asciz  " bltz="
s_bgez:     .asciz  " bgez="
s_blez:     .asciz  " blez="
s_bgtz:     .asciz  " bgtz="
