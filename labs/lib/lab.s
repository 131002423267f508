# lab.s - system-call helpers for the labs' guest programs. Include it after the runtime; from
# labs/<lab>/tests/:
#     .include "../../../programs/lib/runtime.s"
#     .include "../../lib/lab.s"
# and in a lab folder (`vmlab lab start` copies both files there), simply:
#     .include "runtime.s"
#     .include "lab.s"
#
# Calling convention: the runtime's (ilp32). Every routine may clobber a0-a7 and t0-t6 and
# preserves s0-s11 and sp.

        .equ SYS_BRK, 214
        .equ SYS_MUNMAP, 215
        .equ SYS_CLONE, 220
        .equ SYS_MMAP, 222
        .equ SYS_WAIT4, 260
        .equ SIGCHLD, 17
        .equ PAGE_SIZE, 4096
        .equ PROT_READ, 1
        .equ PROT_WRITE, 2
        .equ MAP_PRIVATE, 0x02
        .equ MAP_ANONYMOUS, 0x20

        .text

# fork() -> a0 = 0 in the child, the child's pid in the parent, or -errno.
fork:
        li      a0, SIGCHLD
        li      a1, 0
        li      a2, 0
        li      a3, 0
        li      a4, 0
        li      a7, SYS_CLONE
        ecall
        ret

# wait_child() -> a0 = how a child ended, as a shell shows it: its exit code, or 128 + the
# signal that killed it; -errno if there is no child.
wait_child:
        addi    sp, sp, -16
        li      a0, -1
        mv      a1, sp
        li      a2, 0
        li      a3, 0
        li      a7, SYS_WAIT4
        ecall
        bltz    a0, wait_child_done
        lw      t0, 0(sp)
        andi    t1, t0, 0x7f            # the signal, if killed
        srli    a0, t0, 8
        andi    a0, a0, 0xff            # else the exit code
        beqz    t1, wait_child_done
        addi    a0, t1, 128
wait_child_done:
        addi    sp, sp, 16
        ret

# sbrk(a0 = bytes) -> a0 = the old break (the start of the new memory), or -1 if refused.
sbrk:
        mv      t0, a0
        li      a0, 0
        li      a7, SYS_BRK
        ecall
        mv      t1, a0                  # the old break
        add     a0, t1, t0
        mv      t2, a0
        li      a7, SYS_BRK
        ecall
        bne     a0, t2, sbrk_refused
        mv      a0, t1
        ret
sbrk_refused:
        li      a0, -1
        ret

# mmap_anon(a0 = bytes) -> a0 = a new private read-write mapping, or -errno.
mmap_anon:
        mv      a1, a0
        li      a0, 0
        li      a2, PROT_READ | PROT_WRITE
        li      a3, MAP_PRIVATE | MAP_ANONYMOUS
        li      a4, -1
        li      a5, 0
        li      a7, SYS_MMAP
        ecall
        ret

# print_line(a0 = label, a1 = value): prints "label value\n" (the value in unsigned decimal).
print_line:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a1, 8(sp)
        call    print_str
        lw      a0, 8(sp)
        call    print_udec
        call    print_nl
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# print_sline(a0 = label, a1 = value): prints "label value\n" (the value in signed decimal).
print_sline:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a1, 8(sp)
        call    print_str
        lw      a0, 8(sp)
        call    print_dec
        call    print_nl
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
