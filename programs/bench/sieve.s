# bench/sieve.s - benchmark: the sieve of Eratosthenes over a 1 MiB byte array, ROUNDS times.
#
# Shows: a CPU- and memory-heavy loop for timing the emulator (about 100 million instructions
# with ROUNDS = 9; the array spans 256 pages, so paging and the TLB are exercised). Each round
# clears the array, sieves and counts; a checksum over all rounds is printed at the end.

        .equ    ROUNDS, 9           # the knob: instructions grow linearly with it
        .equ    N, 1048576          # sieve the numbers below N (a multiple of 16)

        .include "../lib/runtime.s"

        .bss
        .balign 16
composite:
        .space  N

        .text
        .globl  _start
_start:
        la      s0, composite
        li      s1, N
        li      s6, ROUNDS
        li      s7, 0               # checksum: the sum of all primes found, over all rounds
round:
        # Clear the array, 16 bytes per iteration.
        mv      t0, s0
        add     t1, s0, s1
clear:
        sw      zero, 0(t0)
        sw      zero, 4(t0)
        sw      zero, 8(t0)
        sw      zero, 12(t0)
        addi    t0, t0, 16
        bltu    t0, t1, clear

        # Cross out the multiples of each prime i with i*i < N.
        li      s2, 2
outer:
        mul     t0, s2, s2
        bgeu    t0, s1, count
        add     t1, s0, s2
        lbu     t1, 0(t1)
        bnez    t1, next_i
        add     t1, s0, t0
        add     t2, s0, s1
        li      t3, 1
cross:
        sb      t3, 0(t1)
        add     t1, t1, s2
        bltu    t1, t2, cross
next_i:
        addi    s2, s2, 1
        j       outer

        # Count the primes and add them to the checksum.
count:
        li      s3, 0               # primes this round
        li      s2, 2
        add     t0, s0, s2
        add     t1, s0, s1
count_loop:
        lbu     t2, 0(t0)
        bnez    t2, count_next
        addi    s3, s3, 1
        sub     t3, t0, s0          # the number itself
        add     s7, s7, t3
count_next:
        addi    t0, t0, 1
        bltu    t0, t1, count_loop

        addi    s6, s6, -1
        bnez    s6, round

        la      a0, s_count
        call    print_str
        mv      a0, s1
        call    print_udec
        la      a0, s_colon
        call    print_str
        mv      a0, s3
        call    print_udec
        call    print_nl
        la      a0, s_checksum
        call    print_str
        mv      a0, s7
        call    print_hex
        call    print_nl
        li      a0, 0
        call    exit

        .section .rodata
s_count:    .asciz "primes below "
s_colon:    .asciz ": "
s_checksum: .asciz "checksum: "
