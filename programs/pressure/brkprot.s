# pressure/brkprot.s - heap pages grown by brk after mprotect are read-write.
#
# Shows: that mprotect on the top of the heap applies to those pages only. The program grows the
# heap by two pages, makes the upper one read-only, grows the heap by two more and writes them:
# as on Linux (and qemu), pages a later brk adds are read-write. It also reads the read-only page
# (zeros). Prints "new heap pages are writable" and exits 0. (Issue 11, item 6.)

        .equ    SYS_BRK, 214
        .equ    SYS_MPROTECT, 226
        .equ    PROT_READ, 1
        .equ    PAGE, 4096

        .include "../lib/runtime.s"

        .section .rodata
s_ok:   .asciz  "new heap pages are writable\n"
s_bad:  .asciz  "brk or mprotect failed\n"

        .text
        .globl  _start
_start:
        li      a0, 0
        li      a7, SYS_BRK
        ecall
        mv      s0, a0                  # the initial break (page-aligned: the end of .bss)
        li      t0, 2 * PAGE
        add     a0, s0, t0
        li      a7, SYS_BRK
        ecall
        li      t0, 2 * PAGE
        add     t0, s0, t0
        bne     a0, t0, fail
        li      t1, 1
        sw      t1, 0(s0)               # the lower page: written while read-write
        li      t0, PAGE
        add     a0, s0, t0
        li      a1, PAGE
        li      a2, PROT_READ
        li      a7, SYS_MPROTECT        # the top heap page becomes read-only
        ecall
        bnez    a0, fail
        li      t0, 4 * PAGE
        add     a0, s0, t0
        li      a7, SYS_BRK             # grow by two more pages
        ecall
        li      t0, 4 * PAGE
        add     t0, s0, t0
        bne     a0, t0, fail
        li      t0, 2 * PAGE
        add     t0, s0, t0
        li      t1, 0x5a5a
        sw      t1, 0(t0)               # both new pages take a store
        li      t3, PAGE
        add     t3, t0, t3
        sw      t1, 0(t3)
        lw      t2, 0(t3)
        bne     t1, t2, fail
        li      t0, PAGE
        add     t0, s0, t0
        lw      t2, 0(t0)               # the read-only page reads as zeros
        bnez    t2, fail
        la      a0, s_ok
        call    print_str
        li      a0, 0
        call    exit
fail:
        la      a0, s_bad
        call    print_str
        li      a0, 1
        call    exit
