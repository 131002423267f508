# swap/loop.s PAGES PASSES - a looping scan: touch one word in each of PAGES pages, PASSES times.
#
# Shows: working sets. When PAGES fits in the frames the kernel has, only the first pass faults;
# when it is a little larger, FIFO, LRU and Clock evict each page just before it is needed again
# and every access faults (thrashing), while MRU keeps most of the loop resident. Try:
#     vmlab run --ram 512k --swap 4m --stats programs/swap/loop.s -- 64 50     (fits)
#     vmlab run --ram 512k --swap 4m --stats programs/swap/loop.s -- 150 50    (thrashes)
#     vmlab run --ram 512k --swap 4m --stats --policy mru programs/swap/loop.s -- 150 50
# Defaults: 64 pages, 20 passes. Prints a checksum that does not depend on memory pressure.

        .equ    MAXPAGES, 1024
        .equ    PAGE, 4096

        .include "../lib/runtime.s"

        .section .rodata
s_pages: .asciz "pages: "
s_sum:   .asciz "checksum: "

        .bss
        .balign 4096
area:   .space  MAXPAGES * PAGE

        .text
        .globl  _start
_start:
        li      s1, 64                  # pages
        li      s2, 20                  # passes
        lw      t0, 0(sp)               # argc
        li      t1, 2
        blt     t0, t1, 1f
        lw      a0, 8(sp)
        call    parse_udec
        mv      s1, a0
        lw      t0, 0(sp)
        li      t1, 3
        blt     t0, t1, 1f
        lw      a0, 12(sp)
        call    parse_udec
        mv      s2, a0
1:      li      t0, MAXPAGES
        bleu    s1, t0, 2f
        mv      s1, t0
2:      la      s0, area
        li      s3, 0                   # pass
        li      s4, 0                   # checksum
pass:   li      s5, 0                   # page
page:   slli    t0, s5, 12
        add     t0, s0, t0
        lw      t1, 0(t0)
        add     t1, t1, s3
        addi    t1, t1, 1
        sw      t1, 0(t0)
        add     s4, s4, t1
        addi    s5, s5, 1
        blt     s5, s1, page
        addi    s3, s3, 1
        blt     s3, s2, pass

        la      a0, s_pages
        call    print_str
        mv      a0, s1
        call    print_udec
        call    print_nl
        la      a0, s_sum
        call    print_str
        mv      a0, s4
        call    print_hex
        call    print_nl
        li      a0, 0
        call    exit
