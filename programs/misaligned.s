# misaligned.s - loads and stores at addresses that are not a multiple of their size.
#
# Shows: lw, lh, lhu, sw and sh at odd addresses inside a page, then across a page boundary,
# where the second page has never been touched (so in paged mode it is demand-zero-filled while
# the access is half done). RISC-V hardware may trap on these; vmlab's kernel then emulates the
# access byte by byte, as Linux does, and the program never notices (try `--trace fault`, or
# `--misaligned signal` to get SIGBUS instead). Each line prints the value loaded, or the aligned
# words around a store.

        .include "lib/runtime.s"

        .equ PAGE_SIZE, 4096

        .data
        .balign 4
bytes:  .byte   0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88
        .byte   0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x80

        .bss
        .balign PAGE_SIZE
pages:  .space  2 * PAGE_SIZE

        .text
        .globl  _start
_start:
        la      s0, bytes
        li      s1, PAGE_SIZE
        la      t0, pages
        add     s1, s1, t0              # s1 = the start of the second page

        la      a0, h1
        call    print_str
        lw      s3, 1(s0)
        la      a0, n2
        call    show
        lw      s3, 2(s0)
        la      a0, n3
        call    show
        lw      s3, 3(s0)
        la      a0, n4
        call    show
        lh      s3, 1(s0)
        la      a0, n5
        call    show
        lh      s3, 13(s0)
        la      a0, n6
        call    show
        lhu     s3, 13(s0)
        la      a0, n7
        call    show
        lw      s0, 5(s0)               # a misaligned load into its own base register
        mv      s3, s0
        la      a0, n8
        call    show

        la      a0, h9
        call    print_str
        la      s0, bytes
        li      t0, 0xdeadbeef
        sw      t0, 5(s0)
        lw      s3, 4(s0)
        la      a0, n10
        call    show
        lw      s3, 8(s0)
        la      a0, n11
        call    show
        li      t0, 0x1234cafe
        sh      t0, 11(s0)
        lw      s3, 8(s0)
        la      a0, n12
        call    show
        lw      s3, 12(s0)
        la      a0, n13
        call    show

        la      a0, h14
        call    print_str
        li      t0, 0x12345678
        sw      t0, -2(s1)              # bytes 0x78 0x56 | 0x34 0x12 (second page untouched)
        lw      s3, -4(s1)
        la      a0, n15
        call    show
        lw      s3, 0(s1)
        la      a0, n16
        call    show
        lw      s3, -1(s1)
        la      a0, n17
        call    show
        lh      s3, -1(s1)
        la      a0, n18
        call    show
        lhu     s3, -1(s1)
        la      a0, n19
        call    show
        li      t0, 0xbeef
        sh      t0, -1(s1)
        lw      s3, -4(s1)
        la      a0, n20
        call    show
        lw      s3, 0(s1)
        la      a0, n21
        call    show
        lw      s3, -3(s1)
        la      a0, n22
        call    show

        li      a0, 0
        call    exit

# show(a0 = label): prints the label, " -> " and s3 in hex.
show:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        call    print_str
        la      a0, arrow
        call    print_str
        mv      a0, s3
        call    print_hex
        call    print_nl
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

        .section .rodata
arrow:  .asciz  " -> "
h1:     .asciz  "Misaligned loads inside a page (bytes = 11 22 33 ... ff 80)\n"
n2:     .asciz  "  lw  bytes+1                 "
n3:     .asciz  "  lw  bytes+2                 "
n4:     .asciz  "  lw  bytes+3                 "
n5:     .asciz  "  lh  bytes+1                 "
n6:     .asciz  "  lh  bytes+13 (sign-extends) "
n7:     .asciz  "  lhu bytes+13                "
n8:     .asciz  "  lw  into its base register  "
h9:     .asciz  "Misaligned stores inside a page, read back aligned\n"
n10:    .asciz  "  sw  0xdeadbeef at +5: +4    "
n11:    .asciz  "                        +8    "
n12:    .asciz  "  sh  0x1234cafe at +11: +8   "
n13:    .asciz  "                        +12   "
h14:    .asciz  "Across a page boundary (P = the start of the second page)\n"
n15:    .asciz  "  sw  0x12345678 at P-2: P-4  "
n16:    .asciz  "                         P    "
n17:    .asciz  "  lw  P-1                     "
n18:    .asciz  "  lh  P-1                     "
n19:    .asciz  "  lhu P-1                     "
n20:    .asciz  "  sh  0xbeef at P-1: P-4      "
n21:    .asciz  "                     P        "
n22:    .asciz  "  lw  P-3                     "
