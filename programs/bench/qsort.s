# bench/qsort.s - benchmark: quicksort of 100000 pseudo-random numbers, ROUNDS times.
#
# Shows: recursive quicksort (Lomuto partition) over a 400 KB array, for timing the emulator:
# about 90 million instructions with ROUNDS = 5. Each round refills the array from a linear
# congruential generator that runs on across rounds, sorts it as signed numbers, and adds
# sum of a[i] * (i + 1) to a checksum. At the end: whether the last round's array is sorted,
# and the checksum.

        .equ    ROUNDS, 5           # the knob: instructions grow linearly with it
        .equ    COUNT, 100000
        .equ    SEED, 99

        .include "../lib/runtime.s"

        .bss
        .balign 4
numbers:
        .space  COUNT * 4

        .text
        .globl  _start
_start:
        la      s0, numbers
        li      s1, COUNT
        li      s2, SEED            # generator state
        li      s3, ROUNDS
        li      s4, 0               # checksum
round:
        mv      t0, s0
        mv      t1, s1
        li      t2, 1103515245
        li      t3, 12345
fill:
        mul     s2, s2, t2
        add     s2, s2, t3
        srai    t4, s2, 8           # signed, 24 bits
        sw      t4, 0(t0)
        addi    t0, t0, 4
        addi    t1, t1, -1
        bnez    t1, fill

        mv      a0, s0
        slli    a1, s1, 2
        add     a1, s0, a1
        addi    a1, a1, -4
        call    quicksort

        mv      t0, s0
        li      t1, 1
weigh:
        lw      t2, 0(t0)
        mul     t2, t2, t1
        add     s4, s4, t2
        addi    t0, t0, 4
        addi    t1, t1, 1
        ble     t1, s1, weigh

        addi    s3, s3, -1
        bnez    s3, round

        # Check the order of the last round.
        li      s5, 1
        addi    t0, s0, 4
        slli    t1, s1, 2
        add     t1, s0, t1
check:
        bgeu    t0, t1, checked
        lw      t2, -4(t0)
        lw      t3, 0(t0)
        addi    t0, t0, 4
        ble     t2, t3, check
        li      s5, 0
checked:
        la      a0, s_sorted
        call    print_str
        mv      a0, s1
        call    print_udec
        la      a0, s_rounds
        call    print_str
        li      a0, ROUNDS
        call    print_udec
        la      a0, s_in_order
        call    print_str
        la      a0, s_no
        beqz    s5, say
        la      a0, s_yes
say:
        call    print_str
        la      a0, s_checksum
        call    print_str
        mv      a0, s4
        call    print_hex
        call    print_nl
        li      a0, 0
        call    exit

# quicksort(a0 = &first, a1 = &last): sorts the words first..last (inclusive) in place, as
# signed numbers, with the last element as the pivot.
quicksort:
        bgeu    a0, a1, quicksort_leaf
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        sw      s2, 0(sp)
        mv      s0, a0
        mv      s1, a1
        lw      t0, 0(s1)           # pivot
        mv      t1, s0
        mv      t2, s0
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
        lw      t4, 0(t1)
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
s_sorted:   .asciz "sorted "
s_rounds:   .asciz " numbers, rounds "
s_in_order: .asciz "\nlast round in order: "
s_yes:      .asciz "yes\n"
s_no:       .asciz "no\n"
s_checksum: .asciz "checksum: "
