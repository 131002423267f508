# forkfork.s - many processes forking at once, every one waited for (after xv6's usertests
# forkfork, forkforkfork and reparent, and OS/161's forktest).
#
# Checks: 4 children each fork 5 grandchildren that compute something on their own stack and
# heap and exit with a code derived from their index; each child waits for all 5, matching
# every pid wait returns to the exit code that grandchild had to give, and exits with the
# number that matched; the parent gets 5 from each child, by pid. A chain of 10 processes,
# each the child of the one before, passes the depth back up through exit codes. A grandchild
# whose parent exits without waiting (an orphan) still runs to the end: it writes a flag to a
# MAP_SHARED page the first process polls. Afterwards no child is left (waitid: ECHILD).
# Uses only the ABI, so it runs under qemu-riscv32 too.

        .include "../lib/runtime.s"
        .include "lib.s"

        .equ    CHILDREN, 4
        .equ    GRANDCHILDREN, 5
        .equ    CHAIN, 10
        .equ    ORPHAN_FLAG, 0x0abc
        .equ    POLLS, 100000

        .section .rodata
name:           .asciz "forkfork"
d_forks:        .asciz "4 children forked"
d_children:     .asciz "each child reaped 5 grandchildren with the right exit codes (exit 5)"
d_reaped:       .asciz "wait returned each of the 4 children once, by pid"
d_chain:        .asciz "a chain of 10 nested forks passes its depth back through exit codes"
d_orphan_mid:   .asciz "a child that leaves its own child running exits 0"
d_orphan:       .asciz "the orphaned grandchild runs to the end (flag in a MAP_SHARED page)"
d_none_left:    .asciz "no child is left: waitid(P_ALL) returns -ECHILD"

        .bss
        .balign 4
pids:           .space  4 * CHILDREN    # the children's pids (each child: its grandchildren's)

        .text
        .globl  _start
_start:
        la      a0, name
        call    ut_begin

        # --- 4 children, 5 grandchildren each.
        li      s0, 0                   # s0 = children forked
fork_children:
        li      t0, CHILDREN
        bge     s0, t0, forked
        call    fork
        bltz    a0, forked
        beqz    a0, child
        la      t0, pids
        slli    t1, s0, 2
        add     t0, t0, t1
        sw      a0, 0(t0)
        addi    s0, s0, 1
        j       fork_children
forked:
        mv      a0, s0
        li      a1, CHILDREN
        la      a2, d_forks
        call    expect_eq

        # Reap them in whatever order they end; each must be one of ours, once, with exit 5.
        li      s1, 0                   # s1 = children that exited 5
        li      s2, 0                   # s2 = pids matched to an unreaped child
        li      s3, 0                   # s3 = waits
reap_children:
        bge     s3, s0, reaped
        call    wait_any
        bltz    a0, reaped
        addi    s3, s3, 1
        li      t0, 5 << 8
        bne     a1, t0, 1f
        addi    s1, s1, 1
1:      call    forget_pid
        add     s2, s2, a0
        j       reap_children
reaped:
        mv      a0, s1
        li      a1, CHILDREN
        la      a2, d_children
        call    expect_eq
        mv      a0, s2
        li      a1, CHILDREN
        la      a2, d_reaped
        call    expect_eq

        # --- a chain of nested forks.
        li      a0, CHAIN
        call    chain
        li      a1, CHAIN << 8
        la      a2, d_chain
        call    expect_eq

        # --- an orphan: the child forks a grandchild and exits at once.
        li      a0, 0
        li      a1, PAGE_SIZE
        li      a2, PROT_RW
        li      a3, MAP_SHARED
        call    mmap
        mv      s4, a0                  # s4 = the shared flag page
        la      a0, leave_orphan
        mv      a1, s4
        li      a2, 0
        la      a3, d_orphan_mid
        call    expect_status
        li      s5, POLLS
poll:
        lw      t0, 0(s4)
        li      t1, ORPHAN_FLAG
        beq     t0, t1, polled
        addi    s5, s5, -1
        beqz    s5, polled
        call    sched_yield
        j       poll
polled:
        lw      a0, 0(s4)
        li      a1, ORPHAN_FLAG
        la      a2, d_orphan
        call    expect_eq

        call    wait_any
        li      a1, -ECHILD
        la      a2, d_none_left
        call    expect_eq
        call    finish

# forget_pid(a0 = pid) -> a0 = 1 if it was in pids[] (it is then cleared), else 0.
forget_pid:
        la      t0, pids
        li      t1, CHILDREN
1:      beqz    t1, 2f
        lw      t2, 0(t0)
        beq     t2, a0, 3f
        addi    t0, t0, 4
        addi    t1, t1, -1
        j       1b
2:      li      a0, 0
        ret
3:      sw      zero, 0(t0)
        li      a0, 1
        ret

# child (s0 = its index): forks 5 grandchildren, waits for them all, and exits with the number
# that exited with the code expected from their index (grandchild_code).
child:
        li      s1, 0                   # s1 = grandchildren forked
        addi    sp, sp, -32             # 0(sp)..19(sp): their pids; 20(sp)..: exit codes
1:      li      t0, GRANDCHILDREN
        bge     s1, t0, 2f
        call    fork
        bltz    a0, 2f
        beqz    a0, grandchild
        slli    t1, s1, 2
        add     t1, sp, t1
        sw      a0, 0(t1)
        addi    s1, s1, 1
        j       1b
2:      li      s2, 0                   # s2 = right exit codes
        li      s3, 0                   # s3 = waits
3:      bge     s3, s1, 6f
        call    wait_any
        bltz    a0, 6f
        addi    s3, s3, 1
        li      t0, 0                   # find the index of that pid
4:      li      t2, GRANDCHILDREN
        bge     t0, t2, 3b              # not ours: counts as wrong
        slli    t1, t0, 2
        add     t1, sp, t1
        lw      t2, 0(t1)
        beq     t2, a0, 5f
        addi    t0, t0, 1
        j       4b
5:      sw      zero, 0(t1)             # matched once only
        mv      s4, a1
        mv      a0, s0
        mv      a1, t0
        call    grandchild_code
        slli    a0, a0, 8
        bne     a0, s4, 3b
        addi    s2, s2, 1
        j       3b
6:      mv      a0, s2
        call    exit

# grandchild_code(a0 = child index, a1 = grandchild index) -> a0 = the exit code that
# grandchild must give: 10 * child + grandchild + 1.
grandchild_code:
        li      t0, 10
        mul     a0, a0, t0
        add     a0, a0, a1
        addi    a0, a0, 1
        ret

# grandchild (s0 = child index, s1 = its own index): sums 1..100 through a heap array and the
# stack, then exits with grandchild_code's value (off by how far the sum is from 5050).
grandchild:
        li      a0, 100 * 4
        call    sbrk
        li      t0, -1
        beq     a0, t0, 3f
        mv      s2, a0                  # the heap array
        li      t0, 1
1:      li      t1, 100
        bgt     t0, t1, 2f
        addi    t1, t0, -1
        slli    t1, t1, 2
        add     t1, s2, t1
        sw      t0, 0(t1)
        addi    t0, t0, 1
        j       1b
2:      li      s3, 0                   # the sum
        li      t0, 0
        addi    sp, sp, -16
4:      li      t1, 100
        bge     t0, t1, 5f
        slli    t1, t0, 2
        add     t1, s2, t1
        lw      t1, 0(t1)
        sw      t1, 0(sp)               # through the stack
        lw      t1, 0(sp)
        add     s3, s3, t1
        addi    t0, t0, 1
        j       4b
5:      mv      a0, s0
        mv      a1, s1
        call    grandchild_code
        li      t0, 5050
        sub     t0, s3, t0              # 0 if the sum was right
        add     a0, a0, t0
        call    exit
3:      li      a0, 0
        call    exit

# chain(a0 = depth) -> a0 = wait status of a chain of `depth` nested processes: each forks the
# next and exits with the next one's exit code + 1; the last exits 1. So the status is
# depth << 8.
chain:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        call    fork
        bltz    a0, 3f
        beqz    a0, 1f
        call    wait_pid
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
1:      addi    s0, s0, -1              # in the child
        li      a0, 1
        beqz    s0, 2f
        mv      a0, s0
        call    chain
        srli    a0, a0, 8
        addi    a0, a0, 1
2:      call    exit
3:      li      a0, -1
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret

# leave_orphan(a0 = the shared flag page): forks a grandchild and returns at once (so the
# child exits 0 while the grandchild runs). The grandchild yields a few times, then writes
# ORPHAN_FLAG to the page and exits.
leave_orphan:
        addi    sp, sp, -16
        sw      ra, 12(sp)
        sw      s0, 8(sp)
        mv      s0, a0
        call    fork
        beqz    a0, 1f
        lw      s0, 8(sp)
        lw      ra, 12(sp)
        addi    sp, sp, 16
        ret
1:      li      s1, 3
2:      call    sched_yield
        addi    s1, s1, -1
        bnez    s1, 2b
        li      t0, ORPHAN_FLAG
        sw      t0, 0(s0)
        li      a0, 0
        call    exit
