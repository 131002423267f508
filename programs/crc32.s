# crc32.s - the CRC-32 checksum (as in zip, PNG and Ethernet), table-driven.
#
# Shows: building a 256-word lookup table in .bss with shifts and xor, indexing it with a
# scaled byte (slli by 2), the reflected CRC-32 update crc = table[(crc ^ b) & 0xff] ^ (crc >> 8),
# and not (xori -1). Prints the CRC of the standard check strings, then of each argument.
# The expected values: crc32("123456789") = 0xcbf43926, crc32("") = 0.

        .include "lib/runtime.s"

        .equ    POLY, 0xedb88320    # x^32 + x^26 + ... + 1, bit-reversed

        .bss
        .balign 4
table:  .space  256 * 4

        .section .rodata
check1: .asciz  "123456789"
check2: .asciz  "The quick brown fox jumps over the lazy dog"
check3: .asciz  ""
s_crc:  .asciz  "crc32(\""
s_is:   .asciz  "\") = "

        .text
        .globl  _start
_start:
        lw      s0, 0(sp)           # argc
        addi    s1, sp, 4           # argv
        call    make_table
        la      a0, check1
        call    show_crc
        la      a0, check2
        call    show_crc
        la      a0, check3
        call    show_crc
        li      s2, 1
args:
        bge     s2, s0, done
        slli    t0, s2, 2
        add     t0, s1, t0
        lw      a0, 0(t0)
        call    show_crc
        addi    s2, s2, 1
        j       args
done:
        li      a0, 0
        call    exit

# make_table(): table[n] = the CRC of the single byte n, for n = 0..255.
make_table:
        la      t0, table
        li      t1, 0               # n
        li      t5, POLY
make_entry:
        mv      t2, t1              # c
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
        ret

# crc32(a0 = NUL-terminated string) -> a0 = the CRC-32 of its bytes.
crc32:
        la      t0, table
        li      t1, -1              # crc = 0xffffffff
crc32_loop:
        lbu     t2, 0(a0)
        beqz    t2, crc32_done
        xor     t3, t1, t2
        andi    t3, t3, 0xff
        slli    t3, t3, 2
        add     t3, t0, t3
        lw      t3, 0(t3)
        srli    t1, t1, 8
        xor     t1, t1, t3
        addi    a0, a0, 1
        j       crc32_loop
crc32_done:
        not     a0, t1
        ret

# show_crc(a0 = string): prints 'crc32("s") = 0x........'.
show_crc:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        la      a0, s_crc
        call    print_str
        mv      a0, s0
        call    print_str
        la      a0, s_is
        call    print_str
        mv      a0, s0
        call    crc32
        call    print_hex
        call    print_nl
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
