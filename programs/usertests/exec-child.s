# exec-child.s - the program exectest runs with execve; not a test on its own.
#
# Run as: exec-child <pid> <ppid> <old-address>, where <pid> is the pid the process had before
# execve, <ppid> its parent's pid, and <old-address> an address in a page it had mapped then.
# Exits 42 if all is as it should be after an execve; otherwise 64 + a bit per problem:
#   1  argc is not 4
#   2  getpid() is not <pid>: execve must keep the process
#   4  getppid() is not <ppid>: and its parent
#   8  a child loading from <old-address> was not killed with SIGSEGV: the old image is gone
#  16  .bss is not zero or .data does not hold its initial value: the new image is fresh

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    DATA_VALUE, 0x5eed

        .data
        .balign 4
data_word:      .word   DATA_VALUE

        .bss
        .balign 4
bss_word:       .space  4

        .text
        .globl  _start
_start:
        mv      s0, sp                  # s0 = argc, argv...
        li      s1, 0                   # s1 = problem bits
        lw      t0, 0(s0)
        li      t1, 4
        beq     t0, t1, 1f
        ori     s1, s1, 1
        j       done                    # no arguments to look at
1:      lw      a0, 8(s0)               # argv[1]
        call    parse_udec
        mv      s2, a0
        call    getpid
        beq     a0, s2, 2f
        ori     s1, s1, 2
2:      lw      a0, 12(s0)              # argv[2]
        call    parse_udec
        mv      s2, a0
        li      a7, SYS_GETPPID
        ecall
        beq     a0, s2, 3f
        ori     s1, s1, 4
3:      lw      a0, 16(s0)              # argv[3]
        call    parse_udec
        mv      a1, a0
        la      a0, load_at
        call    run_child
        li      t0, SIGSEGV
        beq     a0, t0, 4f
        ori     s1, s1, 8
4:      la      t0, bss_word
        lw      t0, 0(t0)
        la      t1, data_word
        lw      t1, 0(t1)
        li      t2, DATA_VALUE
        xor     t1, t1, t2
        or      t0, t0, t1
        beqz    t0, done
        ori     s1, s1, 16
done:
        li      a0, 42
        beqz    s1, 5f
        addi    a0, s1, 64
5:      call    exit
