# strings.s - NUL-terminated strings: escapes, lengths, reversing, comparing, case.
#
# Shows: the string directives (.ascii has no terminator, .asciz and .string add one) and their
# escapes (\t \" \\ \n, octal \101, hex \x43), byte loops with lbu/sb, a string reversed in place
# in the writable .data section, strcmp's sign, and ASCII case conversion with xori 0x20.

        .include "lib/runtime.s"

        .section .rodata
escapes:
        .asciz  "escapes: tab[\t] quote[\"] backslash[\\] octal[\101\102] hex[\x43]\n"
joined: .ascii  "ascii+"
        .ascii  "asciz "
        .string "joined"
empty:  .asciz  ""
apple:  .asciz  "apple"
apricot: .asciz "apricot"
app:    .asciz  "app"
s_len:  .asciz  "strlen of \""
s_is:   .asciz  "\" is "
s_rev:  .asciz  "reversed: "
s_cmp:  .asciz  "strcmp(\""
s_and:  .asciz  "\", \""
s_sign: .asciz  "\") sign "
s_case: .asciz  "case swapped: "

        .data
message:
        .asciz  "Hello from vmlab!"
mixed:  .asciz  "RISC-V Is Fun, 32 Bits"

        .text
        .globl  _start
_start:
        la      a0, escapes
        call    print_str
        la      a0, joined
        call    print_str
        call    print_nl

        la      a0, message
        call    show_length
        la      a0, empty
        call    show_length
        la      a0, joined
        call    show_length

        la      a0, message
        call    reverse
        la      a0, s_rev
        call    print_str
        la      a0, message
        call    print_str
        call    print_nl

        la      a0, apple
        la      a1, apricot
        call    show_compare
        la      a0, apricot
        la      a1, apple
        call    show_compare
        la      a0, apple
        la      a1, apple
        call    show_compare
        la      a0, app
        la      a1, apple
        call    show_compare

        la      a0, mixed
        call    swap_case
        la      a0, s_case
        call    print_str
        la      a0, mixed
        call    print_str
        call    print_nl

        li      a0, 0
        call    exit

# show_length(a0 = string): prints 'strlen of "s" is n'.
show_length:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        la      a0, s_len
        call    print_str
        mv      a0, s0
        call    print_str
        la      a0, s_is
        call    print_str
        mv      a0, s0
        call    strlen
        call    print_udec
        call    print_nl
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# reverse(a0 = string): reverses the string in place by swapping bytes from both ends.
reverse:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        call    strlen
        add     t1, s0, a0
        addi    t1, t1, -1          # last byte
        mv      t0, s0              # first byte
reverse_loop:
        bgeu    t0, t1, reverse_done
        lbu     t2, 0(t0)
        lbu     t3, 0(t1)
        sb      t3, 0(t0)
        sb      t2, 0(t1)
        addi    t0, t0, 1
        addi    t1, t1, -1
        j       reverse_loop
reverse_done:
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# strcmp(a0 = s, a1 = t) -> a0 < 0, 0 or > 0 as s sorts before, equal to or after t
# (bytes compared as unsigned).
strcmp:
        lbu     t0, 0(a0)
        lbu     t1, 0(a1)
        bne     t0, t1, strcmp_differ
        beqz    t0, strcmp_differ
        addi    a0, a0, 1
        addi    a1, a1, 1
        j       strcmp
strcmp_differ:
        sub     a0, t0, t1
        ret

# show_compare(a0 = s, a1 = t): prints 'strcmp("s", "t") sign -1|0|1'.
show_compare:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        sw      s1, 4(sp)
        mv      s0, a0
        mv      s1, a1
        la      a0, s_cmp
        call    print_str
        mv      a0, s0
        call    print_str
        la      a0, s_and
        call    print_str
        mv      a0, s1
        call    print_str
        la      a0, s_sign
        call    print_str
        mv      a0, s0
        mv      a1, s1
        call    strcmp
        sgtz    t0, a0              # sign(a0) = (a0 > 0) - (a0 < 0)
        sltz    t1, a0
        sub     a0, t0, t1
        call    print_dec
        call    print_nl
        lw      s1, 4(sp)
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# swap_case(a0 = string): turns ASCII lower case into upper case and back, in place.
# Letters differ from their other case only in bit 5 (0x20).
swap_case:
        lbu     t0, 0(a0)
        beqz    t0, swap_case_done
        ori     t1, t0, 0x20        # lower-cased candidate
        addi    t1, t1, -97         # 'a'
        li      t2, 26
        bgeu    t1, t2, swap_case_next
        xori    t0, t0, 0x20
        sb      t0, 0(a0)
swap_case_next:
        addi    a0, a0, 1
        j       swap_case
swap_case_done:
        ret
