// Hand-written self-modifying programs for smc.test.ts: each maps one read-write-execute page at
// 0x40000000, writes a small loop function there, runs it, has its code changed, runs it again,
// and prints s1 in hex (eight digits, no newline).

/** mmap(0x40000000, 4096, RWX, PRIVATE|ANONYMOUS|FIXED) into s0. */
const MAP_PAGE = `
        .text
        .globl  _start
_start: li      a0, 0x40000000
        li      a1, 4096
        li      a2, 7
        li      a3, 0x32
        li      a4, -1
        li      a5, 0
        li      a7, 222
        ecall
        mv      s0, a0
`;

/** Prints s1 in hex and exits 0. */
const PRINT_S1 = `
        li      s2, 8
digit:  srli    t0, s1, 28
        slli    s1, s1, 4
        li      t1, 10
        blt     t0, t1, dec
        addi    t0, t0, 39
dec:    addi    t0, t0, 48
        sb      t0, 0(sp)
        li      a0, 1
        mv      a1, sp
        li      a2, 1
        li      a7, 64
        ecall
        addi    s2, s2, -1
        bnez    s2, digit
        li      a0, 0
        li      a7, 94
        ecall
`;

/**
 * The loop function is called; one word of its loop body is then patched from outside (fence.i
 * after the store, as the ISA asks) and it is called twice. Prints 00000458. Found by the
 * generator (seed 3, 6 ops, --quantum 7), reduced by hand.
 */
export const PATCHED_LOOP = `${MAP_PAGE}
        li      t0, 0x00000513          # 0: addi a0, zero, 0
        sw      t0, 0(s0)
        li      t0, 0x0c800313          # 1: addi t1, zero, 200
        sw      t0, 4(s0)
        li      t0, 0x00350513          # 2: addi a0, a0, 3
        sw      t0, 8(s0)
        sw      t0, 12(s0)              # 3: addi a0, a0, 3 (patched below)
        li      t0, 0xfff30313          # 4: addi t1, t1, -1
        sw      t0, 16(s0)
        li      t0, 0xfe031ae3          # 5: bne t1, zero, 2
        sw      t0, 20(s0)
        li      t0, 0x00008067          # 6: ret
        sw      t0, 24(s0)
        jalr    ra, 0(s0)               # 200 x (a0 += 6)
        li      t0, 0x13454513          # 3: xori a0, a0, 0x134
        sw      t0, 12(s0)
        .word   0x0000100f              # fence.i
        jalr    ra, 0(s0)               # 200 x (a0 = (a0 + 3) ^ 0x134)
        jalr    ra, 0(s0)
        mv      s1, a0
${PRINT_S1}`;

/**
 * The loop function is called 400 times (hot: compiled at any setting), then read() from stdin
 * puts READ_INTO_CODE_STDIN over its loop body's add: the kernel, not the CPU, changes compiled
 * code. Prints the results before and after in one word, 025803e8.
 */
export const READ_INTO_CODE = `${MAP_PAGE}
        li      t0, 0x00000513          # 0: addi a0, zero, 0
        sw      t0, 0(s0)
        li      t0, 0x0c800313          # 1: addi t1, zero, 200
        sw      t0, 4(s0)
        li      t0, 0x00350513          # 2: addi a0, a0, 3
        sw      t0, 8(s0)
        li      t0, 0xfff30313          # 3: addi t1, t1, -1
        sw      t0, 12(s0)
        li      t0, 0xfe031ce3          # 4: bne t1, zero, 2
        sw      t0, 16(s0)
        li      t0, 0x00008067          # 5: ret
        sw      t0, 20(s0)
        li      s3, 400
again:  jalr    ra, 0(s0)               # 200 x (a0 += 3)
        addi    s3, s3, -1
        bnez    s3, again
        mv      s4, a0
        li      a0, 0                   # read(0, word 2, 4)
        addi    a1, s0, 8
        li      a2, 4
        li      a7, 63
        ecall
        .word   0x0000100f              # fence.i
        jalr    ra, 0(s0)               # 200 x (a0 += 5)
        slli    s1, s4, 16
        or      s1, s1, a0
${PRINT_S1}`;

/** addi a0, a0, 5, little-endian. */
export const READ_INTO_CODE_STDIN = new Uint8Array([0x13, 0x05, 0x55, 0x00]);
