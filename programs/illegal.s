# illegal.s - executes an illegal instruction, and is killed for it.
#
# Shows: what happens when the CPU meets a word that is not an instruction. The all-zero word is
# defined to be illegal in RISC-V. The CPU traps; the kernel cannot fix this fault, so it kills
# the process with SIGILL, whose status a shell reports as 128 + 4 = 132. Output written before
# the fault has already gone out (write is unbuffered); the line after it never appears.

        .include "lib/runtime.s"

        .text
        .globl  _start
_start:
        la      a0, s_before
        call    print_str
        .word   0x00000000          # an illegal instruction
        la      a0, s_after
        call    print_str
        li      a0, 0
        call    exit

        .section .rodata
s_before: .asciz "about to execute an illegal instruction\n"
s_after:  .asciz "still running: the illegal instruction was ignored!\n"
