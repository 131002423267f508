# test/stress/exec-target.s - the program the pressure stress test's guest programs execve
# (test/stress/gen.ts). Arguments: argv[1] = pages, argv[2] = key (decimal numbers).
#
# Grows the heap by `pages` pages and maps (pages + 1) / 2 private anonymous pages, writes the
# stress pattern of `key` into the heap and of `key + 1` into the mapping, reads both back and
# prints "exec <wrong words> <checksum>", then exits 0, or 1 if a word was wrong. Run on its own:
#     vmlab run test/stress/exec-target.s -- 5 1234
# The helpers after _start are a copy of test/stress/pattern.ts helpersAsm (wpp 2, stride 2048,
# off 8); the stress test checks the copy is exact.

        .section .rodata
s_exec:  .asciz "exec"
s_mmap:  .asciz "exec mmap"
s_brk:   .asciz "exec brk"

        .text
        .globl  _start
_start:
        li      s9, 0
        li      s10, 0
        li      s11, 0
        lw      a0, 8(sp)               # argv[1]
        call    parse_udec
        mv      s0, a0                  # s0 = pages
        lw      a0, 12(sp)              # argv[2]
        call    parse_udec
        mv      s1, a0                  # s1 = key
        li      a0, 0                   # s2 = the page-aligned initial break
        li      a7, 214
        ecall
        li      t0, 4095
        add     a0, a0, t0
        li      t0, -4096
        and     s2, a0, t0
        slli    t0, s0, 12
        add     a0, s2, t0
        mv      s4, a0
        li      a7, 214
        ecall
        beq     a0, s4, brk_ok
        la      a0, s_brk
        li      a1, 0
        call    fail
brk_ok:
        addi    s3, s0, 1               # s3 = mapped pages
        srli    s3, s3, 1
        li      a0, 0
        slli    a1, s3, 12
        li      a2, 3                   # PROT_READ | PROT_WRITE
        li      a3, 0x22                # MAP_PRIVATE | MAP_ANONYMOUS
        li      a4, -1
        li      a5, 0
        li      a7, 222
        ecall
        li      t0, -4096
        bleu    a0, t0, mmap_ok
        mv      a1, a0
        la      a0, s_mmap
        call    fail
mmap_ok:
        mv      s5, a0                  # s5 = the mapping
        mv      a0, s2
        li      a1, 0
        mv      a2, s0
        mv      a3, s1
        call    fill
        mv      a0, s5
        li      a1, 0
        mv      a2, s3
        addi    a3, s1, 1
        call    fill
        mv      a0, s2
        li      a1, 0
        mv      a2, s0
        mv      a3, s1
        call    check
        mv      a0, s5
        li      a1, 0
        mv      a2, s3
        addi    a3, s1, 1
        call    check
        la      a0, s_exec
        call    print_sums
        snez    a0, s11
        call    exit

# parse_udec(a0 = string) -> a0: the decimal number at its start.
parse_udec:
        mv      t0, a0
        li      a0, 0
        li      t2, 10
parse_udec_loop:
        lbu     t1, 0(t0)
        addi    t1, t1, -48
        bgeu    t1, t2, parse_udec_done
        mul     a0, a0, t2
        add     a0, a0, t1
        addi    t0, t0, 1
        j       parse_udec_loop
parse_udec_done:
        ret

        .equ    WPP, 2
        .equ    STRIDE, 2048
        .equ    OFF, 8
        .equ    PAT_A, 0x9e3779b1
        .equ    PAT_B, 0x85ebca6b
        .equ    PAT_M, 0x1000193
        .text

# fill(a0 = region base, a1 = first page, a2 = end page, a3 = key): writes the pattern.
fill:
        bgeu    a1, a2, fill_done
fill_page:
        slli    t0, a1, 12
        add     t0, a0, t0
        li      t6, OFF
        add     t0, t0, t6
        li      t1, PAT_A
        mul     t1, a1, t1
        add     t1, t1, a3
        li      t2, 0
fill_word:
        li      t3, PAT_B
        mul     t3, t2, t3
        add     t3, t1, t3
        li      t4, PAT_M
        mul     t3, t3, t4
        sw      t3, 0(t0)
        li      t4, STRIDE
        add     t0, t0, t4
        addi    t2, t2, 1
        li      t4, WPP
        blt     t2, t4, fill_word
        addi    a1, a1, 1
        blt     a1, a2, fill_page
fill_done:
        ret

# check(a0 = region base, a1 = first page, a2 = end page, a3 = key, 0 for zeros): reads the
# words back into the checksum s10, counting the wrong ones in s11.
check:
        bgeu    a1, a2, check_done
check_page:
        slli    t0, a1, 12
        add     t0, a0, t0
        li      t6, OFF
        add     t0, t0, t6
        li      t1, PAT_A
        mul     t1, a1, t1
        add     t1, t1, a3
        li      t2, 0
check_word:
        li      t3, PAT_B
        mul     t3, t2, t3
        add     t3, t1, t3
        li      t4, PAT_M
        mul     t3, t3, t4
        bnez    a3, check_cmp
        li      t3, 0
check_cmp:
        lw      t5, 0(t0)
        beq     t5, t3, check_sum
        addi    s11, s11, 1
check_sum:
        li      t4, 31
        mul     s10, s10, t4
        add     s10, s10, t5
        li      t4, STRIDE
        add     t0, t0, t4
        addi    t2, t2, 1
        li      t4, WPP
        blt     t2, t4, check_word
        addi    a1, a1, 1
        blt     a1, a2, check_page
check_done:
        ret

# exit(a0 = status): exit_group.
exit:
        li      a7, 94
        ecall
        j       exit

# print_str(a0 = NUL-terminated string); nothing in a child (s9 != 0).
print_str:
        bnez    s9, print_str_done
        mv      a1, a0
        li      a2, 0
print_str_len:
        add     t0, a1, a2
        lbu     t0, 0(t0)
        beqz    t0, print_str_write
        addi    a2, a2, 1
        j       print_str_len
print_str_write:
        li      a0, 1
        li      a7, 64
        ecall
print_str_done:
        ret

# print_hex(a0): eight lowercase hex digits.
print_hex:
        addi    sp, sp, -16
        addi    t1, sp, 7
        li      t2, 8
print_hex_loop:
        andi    t3, a0, 15
        srli    a0, a0, 4
        li      t4, 10
        blt     t3, t4, print_hex_digit
        addi    t3, t3, 39
print_hex_digit:
        addi    t3, t3, 48
        sb      t3, 0(t1)
        addi    t1, t1, -1
        addi    t2, t2, -1
        bnez    t2, print_hex_loop
        sb      zero, 8(sp)
        mv      a0, sp
        mv      t6, ra
        call    print_str
        mv      ra, t6
        addi    sp, sp, 16
        ret

# print_udec(a0): unsigned decimal.
print_udec:
        addi    sp, sp, -16
        addi    t1, sp, 15
        sb      zero, 0(t1)
        li      t2, 10
print_udec_loop:
        remu    t3, a0, t2
        divu    a0, a0, t2
        addi    t3, t3, 48
        addi    t1, t1, -1
        sb      t3, 0(t1)
        bnez    a0, print_udec_loop
        mv      a0, t1
        mv      t6, ra
        call    print_str
        mv      ra, t6
        addi    sp, sp, 16
        ret

# line(a0 = tag, a1 = n, a2 = what follows: 0 nothing, 1 " <a3 hex>", 2 " <a3> <a4 hex>"):
# prints one line "<tag> <n>...".
line:
        addi    sp, sp, -32
        sw      ra, 28(sp)
        sw      a1, 24(sp)
        sw      a2, 20(sp)
        sw      a3, 16(sp)
        sw      a4, 12(sp)
        call    print_str
        la      a0, s_space
        call    print_str
        lw      a0, 24(sp)
        call    print_udec
        lw      a2, 20(sp)
        beqz    a2, line_nl
        la      a0, s_space
        call    print_str
        lw      a2, 20(sp)
        li      t0, 1
        beq     a2, t0, line_hex
        lw      a0, 16(sp)
        call    print_udec
        la      a0, s_space
        call    print_str
        lw      a0, 12(sp)
        call    print_hex
        j       line_nl
line_hex:
        lw      a0, 16(sp)
        call    print_hex
line_nl:
        la      a0, s_nl
        call    print_str
        lw      ra, 28(sp)
        addi    sp, sp, 32
        ret

# print_sums(a0 = tag): "<tag> <wrong words> <checksum>" from s11 and s10.
print_sums:
        mv      a1, s11
        mv      a3, s10
        li      a2, 1
        j       line

# fail(a0 = tag, a1 = result): prints "<tag> <-result>" and exits with status 3.
fail:
        neg     a1, a1
        li      a2, 0
        call    line
        li      a0, 3
        j       exit

        .section .rodata
s_space: .asciz " "
s_nl:    .asciz "\n"
        .text
