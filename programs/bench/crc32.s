# bench/crc32.s - benchmark: the CRC-32 of a 64 KiB buffer repeated ROUNDS times.
#
# Shows: a byte-at-a-time table lookup loop (ten instructions per byte, one load from a 1 KiB
# table) for timing the emulator: about 100 million instructions with ROUNDS = 150. The CRC runs
# on across rounds, so the result is the CRC-32 of ROUNDS copies of the buffer.

        .equ    ROUNDS, 150         # the knob: instructions grow linearly with it
        .equ    SIZE, 65536         # buffer bytes
        .equ    SEED, 7
        .equ    POLY, 0xedb88320

        .include "../lib/runtime.s"

        .bss
        .balign 4
table:  .space  256 * 4
buffer: .space  SIZE

        .text
        .globl  _start
_start:
        # table[n] = the CRC of the single byte n.
        la      t0, table
        li      t1, 0
        li      t5, POLY
make_entry:
        mv      t2, t1
        li      t3, 8
make_bit:
        andi    t4, t2, 1
        srli    t2, t2, 1
        beqz    t4, make_bit_next
        xor     t2, t2, t5
make_bit_next:
        addi    t3, t3, -1
        bnez    t3, make_bit
        sw      t2, 0(t0)
        addi    t0, t0, 4
        addi    t1, t1, 1
        li      t3, 256
        blt     t1, t3, make_entry

        # Fill the buffer with pseudo-random bytes (the top byte of an LCG).
        la      t0, buffer
        li      t1, SIZE
        li      t2, SEED
        li      t3, 1103515245
        li      t4, 12345
fill:
        mul     t2, t2, t3
        add     t2, t2, t4
        srli    t5, t2, 24
        sb      t5, 0(t0)
        addi    t0, t0, 1
        addi    t1, t1, -1
        bnez    t1, fill

        la      s0, table
        li      s1, -1              # crc = 0xffffffff
        li      s2, ROUNDS
round:
        la      t0, buffer
        li      t1, SIZE
        add     t1, t0, t1
crc_byte:
        lbu     t2, 0(t0)
        xor     t3, s1, t2
        andi    t3, t3, 0xff
        slli    t3, t3, 2
        add     t3, s0, t3
        lw      t3, 0(t3)
        srli    s1, s1, 8
        xor     s1, s1, t3
        addi    t0, t0, 1
        bltu    t0, t1, crc_byte
        addi    s2, s2, -1
        bnez    s2, round
        not     s1, s1

        la      a0, s_what
        call    print_str
        li      a0, ROUNDS
        call    print_udec
        la      a0, s_copies
        call    print_str
        li      a0, SIZE
        call    print_udec
        la      a0, s_bytes
        call    print_str
        mv      a0, s1
        call    print_hex
        call    print_nl
        li      a0, 0
        call    exit

        .section .rodata
s_what:   .asciz "crc32 of "
s_copies: .asciz " copies of a buffer of "
s_bytes:  .asciz " bytes: "
