// The word pattern and checksum shared by the stress programs (generated ones and
// exec-target.s) and by the model that predicts their output. The assembly helpers below compute
// exactly what `patternWord` and `mixChecksum` compute, so the model can say what a correct
// kernel makes a program print.

export const PAGE_SIZE = 4096;

/** Multipliers of the pattern (any odd 32-bit constants; fixed so output is reproducible). */
export const PAT_A = 0x9e3779b1;
export const PAT_B = 0x85ebca6b;
export const PAT_M = 0x01000193;
/** The checksum is sum = sum * CHECK_MUL + word (mod 2^32). */
export const CHECK_MUL = 31;

/** Where a program writes in each page: `wpp` words, the w-th at byte `off + w * stride`. */
export interface WordLayout {
  wpp: number;
  stride: number;
  off: number;
}

/** The word written at word `w` of page `p` of a run written with `key`; key 0 means zero. */
export function patternWord(key: number, p: number, w: number): number {
  if (key === 0) return 0;
  return Math.imul((key + Math.imul(p, PAT_A) + Math.imul(w, PAT_B)) | 0, PAT_M) >>> 0;
}

export function mixChecksum(sum: number, word: number): number {
  return (Math.imul(sum, CHECK_MUL) + word) >>> 0;
}

/** The checksum after reading pages [p0, p1) written with `key`, starting from `sum`. */
export function checkRun(sum: number, key: number, p0: number, p1: number, l: WordLayout): number {
  for (let p = p0; p < p1; p++)
    for (let w = 0; w < l.wpp; w++) sum = mixChecksum(sum, patternWord(key, p, w));
  return sum;
}

export function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

/**
 * The assembly helpers every stress program carries (no .include, so a reproducer is one file):
 * fill, check, printing and exit. Register use: s9 = 1 in a forked child (which never prints),
 * s10 = the running checksum, s11 = the count of wrong words. Helpers clobber a0-a7, t0-t6.
 */
export function helpersAsm(l: WordLayout): string {
  return `
        .equ    WPP, ${l.wpp}
        .equ    STRIDE, ${l.stride}
        .equ    OFF, ${l.off}
        .equ    PAT_A, 0x${PAT_A.toString(16)}
        .equ    PAT_B, 0x${PAT_B.toString(16)}
        .equ    PAT_M, 0x${PAT_M.toString(16)}
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
s_nl:    .asciz "\\n"
        .text
`;
}
