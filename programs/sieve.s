# sieve.s - the sieve of Eratosthenes over the numbers below 10000.
#
# Shows: a byte array in .bss (zero-filled by the loader: no initialisation loop needed),
# nested loops with mul for i*i, stores with sb at computed addresses, and a final pass that
# counts and sums. Prints the primes below 100, then count, largest and sum of those below N.

        .include "lib/runtime.s"

        .equ    N, 10000
        .equ    SHOW_BELOW, 100

        .bss
composite:
        .space  N                   # composite[i] = 1 once i is crossed out

        .text
        .globl  _start
_start:
        la      s0, composite
        li      s1, N
        li      s2, 2               # i
outer:
        mul     t0, s2, s2
        bgeu    t0, s1, sieved      # stop once i*i >= N
        add     t1, s0, s2
        lbu     t1, 0(t1)
        bnez    t1, next_i          # i is composite: its multiples are already out
        add     t1, s0, t0          # &composite[i*i]
        add     t2, s0, s1          # &composite[N]
cross:
        li      t3, 1
        sb      t3, 0(t1)
        add     t1, t1, s2
        bltu    t1, t2, cross
next_i:
        addi    s2, s2, 1
        j       outer

sieved:
        la      a0, s_small
        call    print_str
        li      s2, 2               # i
        li      s3, 0               # count
        li      s4, 0               # largest
        li      s5, 0               # sum
count:
        add     t0, s0, s2
        lbu     t0, 0(t0)
        bnez    t0, count_next
        addi    s3, s3, 1
        mv      s4, s2
        add     s5, s5, s2
        li      t0, SHOW_BELOW
        bgeu    s2, t0, count_next
        call    print_space
        mv      a0, s2
        call    print_udec
count_next:
        addi    s2, s2, 1
        bltu    s2, s1, count

        call    print_nl
        la      a0, s_count
        call    print_str
        mv      a0, s3
        call    print_udec
        call    print_nl
        la      a0, s_largest
        call    print_str
        mv      a0, s4
        call    print_udec
        call    print_nl
        la      a0, s_sum
        call    print_str
        mv      a0, s5
        call    print_udec
        call    print_nl
        li      a0, 0
        call    exit

        .section .rodata
s_small:   .asciz "primes below 100:"
s_count:   .asciz "primes below 10000: "
s_largest: .asciz "largest: "
s_sum:     .asciz "sum: "
