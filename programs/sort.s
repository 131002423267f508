# sort.s - quicksort of 100 pseudo-random signed numbers.
#
# Shows: an array of words in .bss addressed by pointers, a linear congruential generator
# (mul wraps modulo 2^32), signed compares (the numbers range over -16384..16383), and recursive
# quicksort (Lomuto partition) on the stack. Prints the sorted numbers ten to a line, whether
# every neighbour pair is in order, and their sum.

        .include "lib/runtime.s"

        .equ    COUNT, 100
        .equ    SEED, 2024

        .bss
        .balign 4
numbers:
        .space  COUNT * 4

        .text
        .globl  _start
_start:
        # Fill the array: x = x * 1103515245 + 12345; value = (x >> 17) - 16384.
        la      s0, numbers
        li      s1, COUNT
        li      t0, SEED
        li      t1, 1103515245
        mv      t2, s0
        mv      t3, s1
fill:
        mul     t0, t0, t1
        li      t4, 12345
        add     t0, t0, t4
        srli    t4, t0, 17          # 15 random bits
        li      t5, 16384
        sub     t4, t4, t5
        sw      t4, 0(t2)
        addi    t2, t2, 4
        addi    t3, t3, -1
        bnez    t3, fill

        mv      a0, s0
        slli    a1, s1, 2
        add     a1, s0, a1
        addi    a1, a1, -4          # &numbers[COUNT - 1]
        call    quicksort

        # Print ten per line, check the order, and sum.
        li      s2, 0               # index
        li      s3, 1               # sorted so far?
        li      s4, 0               # sum
print_loop:
        slli    t0, s2, 2
        add     t0, s0, t0
        lw      s5, 0(t0)
        add     s4, s4, s5
        beqz    s2, first
        lw      t1, -4(t0)
        slt     t1, s5, t1          # this one smaller than the one before?
        beqz    t1, in_order
        li      s3, 0
in_order:
        li      t1, 10
        remu    t1, s2, t1
        bnez    t1, same_line
        call    print_nl
        j       first
same_line:
        call    print_space
first:
        mv      a0, s5
        call    print_dec
        addi    s2, s2, 1
        blt     s2, s1, print_loop
        call    print_nl

        la      a0, s_sorted
        call    print_str
        la      a0, s_no
        beqz    s3, say
        la      a0, s_yes
say:
        call    print_str
        la      a0, s_sum
        call    print_str
        mv      a0, s4
        call    print_dec
        call    print_nl
        li      a0, 0
        call    exit

# quicksort(a0 = &first, a1 = &last): sorts the words first..last (inclusive) in place, as
# signed numbers. The last element is the pivot; smaller elements are swapped to the front.
quicksort:
        bgeu    a0, a1, quicksort_leaf  # zero or one element
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      s2, 0(sp)
        mv      s0, a0
        mv      s1, a1
        lw      t0, 0(s1)           # pivot
        mv      t1, s0              # where the next smaller element goes
        mv      t2, s0              # j
partition:
        bgeu    t2, s1, partitioned
        lw      t3, 0(t2)
        bge     t3, t0, partition_next
        lw      t4, 0(t1)
        sw      t3, 0(t1)
        sw      t4, 0(t2)
        addi    t1, t1, 4
partition_next:
        addi    t2, t2, 4
        j       partition
partitioned:
        lw      t4, 0(t1)           # move the pivot between the halves
        sw      t0, 0(t1)
        sw      t4, 0(s1)
        mv      s2, t1
        mv      a0, s0
        addi    a1, s2, -4
        call    quicksort
        addi    a0, s2, 4
        mv      a1, s1
        call    quicksort
        lw      s2, 0(sp)
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
quicksort_leaf:
        ret

        .section .rodata
s_sorted: .asciz "sorted: "
s_yes:    .asciz "yes\n"
s_no:     .asciz "no\n"
s_sum:    .asciz "sum: "
