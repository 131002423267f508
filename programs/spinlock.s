# spinlock.s - forked processes share a counter in MAP_SHARED memory and take turns with a lock.
#
# Shows: the A extension. The parent maps one shared page and forks four workers. Each adds 1 to
# a shared counter 500 times with a plain lw/addi/sw, holding a spinlock, and yields the CPU in
# the middle of every 16th update, so the others run (and spin) while it holds the lock. Odd
# workers take the lock with amoswap.w.aq, even ones with an lr.w.aq/sc.w loop; all release it
# with amoswap.w.rl. Each worker also leaves its mark with amoadd, amoor, amoxor, amoand, amomin,
# amomax, amominu and amomaxu. The parent waits for all of them and prints the totals, which are
# the same however the workers interleave (under vmlab's scheduler or on qemu's real threads).
# Without the lock, updates would be lost whenever a worker is preempted mid-update.

        .include "lib/runtime.s"

        .equ SYS_WAITID, 95
        .equ SYS_SCHED_YIELD, 124
        .equ SYS_CLONE, 220
        .equ SYS_MMAP, 222
        .equ SIGCHLD, 17
        .equ PAGE_SIZE, 4096
        .equ PROT_RW, 3
        .equ MAP_SHARED_ANONYMOUS, 0x21
        .equ P_ALL, 0
        .equ WEXITED, 4
        .equ CLD_EXITED, 1
        .equ SI_CODE, 8
        .equ SI_STATUS, 20
        .equ SIGINFO_SIZE, 128

        .equ WORKERS, 4
        .equ ROUNDS, 500
        .equ YIELD_MASK, 15             # yield inside the lock when (round & 15) == 0

        # The shared page: the lock, the counter it protects, and one word per AMO.
        .equ LOCK, 0
        .equ COUNTER, 4
        .equ TICKETS, 8                 # amoadd.w +1 per round
        .equ BITS_OR, 12                # amoor.w  1 << id
        .equ BITS_XOR, 16               # amoxor.w 1 << (id + 8), once
        .equ MASK_AND, 20               # amoand.w ~(1 << (id + 16)), from all ones
        .equ MIN_S, 24                  # amomin.w  id - 2, from INT_MAX
        .equ MAX_S, 28                  # amomax.w  id * 1000 + round, from INT_MIN
        .equ MIN_U, 32                  # amominu.w 0x80000000 + id, from all ones
        .equ MAX_U, 36                  # amomaxu.w 0xfffffff0 + id, from 0

        .text
        .globl  _start
_start:
        li      a0, 0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_SHARED_ANONYMOUS
        li      a4, -1
        li      a5, 0
        li      a7, SYS_MMAP
        ecall
        bltz    a0, no_memory
        mv      s0, a0                  # s0 = the shared page, inherited by every worker
        li      t0, -1
        sw      t0, MASK_AND(s0)
        sw      t0, MIN_U(s0)
        li      t0, 0x7fffffff
        sw      t0, MIN_S(s0)
        li      t0, 0x80000000
        sw      t0, MAX_S(s0)

        la      a0, title
        call    print_str
        la      a0, nolr
        call    print_str
        addi    t0, s0, MAX_U
        sc.w    a0, zero, (t0)          # no lr.w before it: fails, writes nothing
        call    print_dec
        call    print_nl

        li      s1, 0                   # worker id
spawn:
        li      a0, SIGCHLD             # clone(SIGCHLD, 0, 0, 0, 0): fork
        li      a1, 0
        li      a2, 0
        li      a3, 0
        li      a4, 0
        li      a7, SYS_CLONE
        ecall
        bltz    a0, no_fork
        beqz    a0, child
        addi    s1, s1, 1
        li      t0, WORKERS
        blt     s1, t0, spawn

        li      s1, 0                   # workers that exited with status 0
        li      s2, WORKERS
reap:
        addi    sp, sp, -SIGINFO_SIZE
        li      a0, P_ALL
        li      a1, 0
        mv      a2, sp
        li      a3, WEXITED
        li      a4, 0
        li      a7, SYS_WAITID
        ecall
        lw      t0, SI_CODE(sp)
        lw      t1, SI_STATUS(sp)
        addi    sp, sp, SIGINFO_SIZE
        bltz    a0, report
        li      t2, CLD_EXITED
        bne     t0, t2, reaped
        bnez    t1, reaped
        addi    s1, s1, 1
reaped: addi    s2, s2, -1
        bnez    s2, reap

report:
        la      a0, exited
        mv      a1, s1
        call    show_dec
        la      a0, counter
        lw      a1, COUNTER(s0)
        call    show_dec
        la      a0, tickets
        lw      a1, TICKETS(s0)
        call    show_dec
        la      a0, or_
        lw      a1, BITS_OR(s0)
        call    show_hex
        la      a0, xor_
        lw      a1, BITS_XOR(s0)
        call    show_hex
        la      a0, and_
        lw      a1, MASK_AND(s0)
        call    show_hex
        la      a0, min_
        lw      a1, MIN_S(s0)
        call    show_dec
        la      a0, max_
        lw      a1, MAX_S(s0)
        call    show_dec
        la      a0, minu
        lw      a1, MIN_U(s0)
        call    show_hex
        la      a0, maxu
        lw      a1, MAX_U(s0)
        call    show_hex
        la      a0, lock
        lw      a1, LOCK(s0)
        call    show_dec
        li      a0, 0
        call    exit

no_memory:
        la      a0, e_mmap
        j       fail
no_fork:
        la      a0, e_fork
fail:
        call    print_str
        li      a0, 1
        call    exit

# The worker: s0 = the shared page, s1 = its id. Never returns.
child:
        li      s2, 0                   # round
round:
        andi    t0, s1, 1
        beqz    t0, even
        call    lock_amoswap
        j       locked
even:   call    lock_lrsc
locked: lw      s3, COUNTER(s0)         # the unprotected read-modify-write the lock makes safe
        andi    t0, s2, YIELD_MASK
        bnez    t0, update
        li      a7, SYS_SCHED_YIELD     # let the others run (and find the lock taken)
        ecall
update: addi    s3, s3, 1
        sw      s3, COUNTER(s0)
        amoswap.w.rl zero, zero, (s0)   # release: earlier accesses complete first

        li      t0, 1
        addi    t1, s0, TICKETS
        amoadd.w zero, t0, (t1)
        li      t0, 1000
        mul     t0, t0, s1
        add     t0, t0, s2
        addi    t1, s0, MAX_S
        amomax.w zero, t0, (t1)
        addi    s2, s2, 1
        li      t0, ROUNDS
        blt     s2, t0, round

        li      t0, 1
        sll     t0, t0, s1
        addi    t1, s0, BITS_OR
        amoor.w.aqrl zero, t0, (t1)
        slli    t0, t0, 8
        addi    t1, s0, BITS_XOR
        amoxor.w t2, t0, (t1)
        slli    t0, t0, 8
        not     t0, t0
        addi    t1, s0, MASK_AND
        amoand.w t2, t0, (t1)
        addi    t0, s1, -2
        addi    t1, s0, MIN_S
        amomin.w t2, t0, (t1)
        li      t0, 0x80000000
        add     t0, t0, s1
        addi    t1, s0, MIN_U
        amominu.w t2, t0, (t1)
        li      t0, 0xfffffff0
        add     t0, t0, s1
        addi    t1, s0, MAX_U
        amomaxu.w t2, t0, (t1)
        li      a0, 0
        call    exit

# lock_amoswap(): takes the lock at 0(s0) by swapping in 1 until the old value was 0.
lock_amoswap:
        li      t0, 1
        amoswap.w.aq t0, t0, (s0)
        beqz    t0, got_swap
        li      a7, SYS_SCHED_YIELD     # taken: let its holder run
        ecall
        j       lock_amoswap
got_swap:
        ret

# lock_lrsc(): takes the lock at 0(s0) with lr.w/sc.w; sc.w fails (1) if anything touched the
# word, or the process was switched out, since the lr.w.
lock_lrsc:
        lr.w.aq t0, (s0)
        bnez    t0, busy_lrsc
        li      t1, 1
        sc.w    t0, t1, (s0)
        bnez    t0, lock_lrsc           # lost the reservation: try again
        ret
busy_lrsc:
        li      a7, SYS_SCHED_YIELD
        ecall
        j       lock_lrsc

# show_dec(a0 = label, a1 = value) and show_hex: print the label, the value, a newline.
show_dec:
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
show_hex:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      a1, 8(sp)
        call    print_str
        lw      a0, 8(sp)
        call    print_hex
        call    print_nl
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

        .section .rodata
title:  .asciz  "4 workers x 500 rounds, one spinlock in a MAP_SHARED page\n"
nolr:   .asciz  "sc.w with no reservation:   "
exited: .asciz  "workers that exited 0:      "
counter: .asciz "counter (under the lock):   "
tickets: .asciz "amoadd.w tickets:           "
or_:    .asciz  "amoor.w  1<<id:             "
xor_:   .asciz  "amoxor.w 1<<(id+8):         "
and_:   .asciz  "amoand.w ~(1<<(id+16)):     "
min_:   .asciz  "amomin.w  id-2:             "
max_:   .asciz  "amomax.w  id*1000+round:    "
minu:   .asciz  "amominu.w 0x80000000+id:    "
maxu:   .asciz  "amomaxu.w 0xfffffff0+id:    "
lock:   .asciz  "the lock at the end:        "
e_mmap: .asciz  "spinlock: mmap failed\n"
e_fork: .asciz  "spinlock: fork failed\n"
