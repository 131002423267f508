// A seeded generator of self-modifying guest programs (issue 16), with a model that predicts
// their output exactly, for checking the compiling engine: code it compiled must never run
// after its words have changed, whoever changed them.
//
// A program maps PAGES pages read-write-execute at BUF (mmap, MAP_FIXED) and keeps functions in
// slots there (a few per page, at seeded offsets). Its text stores each function's words into a
// slot, calls it and prints the result in hex; then, at random:
//   - calls a function again, or a hundred times and more in a guest loop (so that the compiling
//     engine, which compiles only code that has run a while, compiles it);
//   - patches one word of a loop function from the main text (its step, count or mask);
//   - runs a batch of calls, patches and rewrites with no system call between them (their
//     results folded into one printed word), so no trap gives the engine a chance to look again;
//   - calls a "self" function, which stores a new instruction over the word right after the
//     store (same block) and runs it, or a "hot" function whose loop patches its own body in
//     the middle of its run;
//   - forks: the child patches its copy-on-write copy of a function and runs it (or jumps into a
//     page of zeros: SIGILL); the parent waits, prints the status, and runs the original;
//   - munmaps a page and maps it again (fresh zeros), then writes new functions there;
//   - mprotects the buffer read+execute, runs a function, has a child store to it (SIGSEGV),
//     and makes it writable again;
//   - stores to a run of up to EVICT_PAGES pages of .bss (under a small --ram with --swap, code
//     pages go out to swap and come back, maybe in other frames);
// and it may end by execve'ing another program (the kernel replaces the code at the same
// addresses). The model assumes what vmlab's interpreter gives: a fetch sees every earlier store.
// With `fenceI` every patch is followed by fence.i before the code runs, which is what the ISA
// requires, so real hardware and qemu-riscv32 must print the same; without it, some are not.

import {
  BUF,
  EVICT_PAGES,
  Generator,
  NOP,
  PAGE,
  PAGES,
  render,
  type Slot,
  type SmcOptions,
  type SmcProgram,
} from "./smc-writer.js";

export type { SmcOptions, SmcProgram } from "./smc-writer.js";

/** A word that is never in a slot, so stays zero (an illegal instruction). */
const ZERO_WORD_AT = BUF + PAGE - 4;
/** What a child's status prints as: its exit code, or KILLED + the signal. */
const KILLED = 0x100;
const [SIGILL, SIGSEGV] = [4, 11];
/** Instructions of calls in a row that make a function hot enough to compile (at 82b93c3). */
const HOT = 150_000;

/** The generated program for `opts`, and its expected output. */
export function generateSmc(opts: SmcOptions): SmcProgram {
  const g = new Generator(opts);
  g.syscall(222, BUF, PAGES * PAGE, 7, 0x32, -1, 0); // mmap RWX, MAP_PRIVATE|ANONYMOUS|FIXED
  g.expectA0(BUF);
  g.write(g.slots[0]!, { kind: "loop", n: 200, step: 3, mask: 0 });
  g.call(g.slots[0]!);
  g.write(g.slots.at(-1)!, g.randomFn());
  const ops = opts.ops ?? g.int(12, 24);
  for (let i = 0; i < ops; i++) randomOp(g);
  if (opts.exec) execve(g, opts.exec);
  g.syscall(94, 0);
  return { source: render(g), expectedStdout: g.out.map((l) => `${l}\n`).join("") };
}

function randomOp(g: Generator): void {
  const r = g.rng() % 100;
  const loops = g.loops();
  if (g.opts.evict && g.chance(0.3)) evict(g);
  else if (r < 20) for (const s of g.written().slice(0, g.int(1, 3))) g.call(s);
  else if (r < 28) g.batch(() => batchBody(g));
  else if (r < 35) g.batch(() => g.callOften(g.pick(g.written()), HOT));
  else if (r < 45) g.write(g.pick(g.slots), g.randomFn());
  else if (r < 60 && loops.length > 0) {
    const s = g.pick(loops);
    g.patch(s);
    if (g.chance(0.7)) g.call(s);
  } else if (r < 72 && loops.length > 0) fork(g, g.pick(loops));
  else if (r < 80) remap(g, g.int(0, PAGES - 1));
  else if (r < 88 && loops.length > 0) readOnly(g, g.pick(loops));
  else g.call(g.pick(g.written()));
}

/** A few calls, patches and rewrites in a row (inside batch()). */
function batchBody(g: Generator): void {
  for (let i = g.int(3, 8); i > 0; i--) {
    const loops = g.loops();
    const r = g.rng() % 3;
    if (r === 0 && g.chance(0.3)) g.callOften(g.pick(g.written()), HOT);
    else if (r === 0 && loops.length > 0) {
      const s = g.pick(loops);
      g.patch(s);
      g.call(s);
    } else if (r === 1) {
      const s = g.pick(g.slots);
      g.write(s, g.randomFn());
      g.call(s);
    } else g.call(g.pick(g.written()));
  }
}

/**
 * Waits for the child whose pid is in s1 (waitid: rv32 Linux has no wait4) and prints its exit
 * code, or 0x100 + the signal that killed it.
 */
function waitChild(g: Generator, status: number): void {
  const exited = g.label("exited");
  g.emit("addi    sp, sp, -128", "li      a0, 1", "mv      a1, s1", "mv      a2, sp"); // P_PID
  g.emit("li      a3, 4", "li      a4, 0", "li      a7, 95", "ecall"); // WEXITED
  g.emit("lw      t0, 8(sp)", "lw      a0, 20(sp)", "addi    sp, sp, 128"); // si_code, si_status
  g.emit("li      t1, 1", `beq     t0, t1, ${exited}`, "addi    a0, a0, 256", `${exited}:`);
  g.print(status);
}

/** Starts a child running `child` (then exit 0); the parent waits and prints its status. */
function inChild(g: Generator, child: () => void, status: number): void {
  const parent = g.label("parent");
  g.syscall(220, 17, 0); // clone(SIGCHLD): fork
  g.emit(`bnez    a0, ${parent}`);
  const saved = g.slots.map((s) => ({ ...s, fn: s.fn && { ...s.fn } }));
  child();
  g.syscall(94, 0);
  g.slots = saved;
  g.emit(`${parent}:`, "mv      s1, a0");
  waitChild(g, status);
}

/** A child patches its copy of a loop function and runs it, or runs zeros; then the parent. */
function fork(g: Generator, slot: ReturnType<Generator["loops"]>[number]): void {
  const index = g.slots.indexOf(slot);
  if (g.chance(0.25)) {
    inChild(g, () => g.jumpTo(ZERO_WORD_AT), KILLED + SIGILL);
  } else {
    inChild(
      g,
      () => {
        const mine = g.slots[index] as typeof slot;
        g.patch(mine);
        g.call(mine);
      },
      0,
    );
  }
  g.call(g.slots[index]!); // the parent's own (unpatched) copy
}

/** munmap of one page and a fresh mapping there; its functions are written anew. */
function remap(g: Generator, page: number): void {
  const at = BUF + page * PAGE;
  g.syscall(215, at, PAGE);
  g.syscall(222, at, PAGE, 7, 0x32, -1, 0);
  g.expectA0(at);
  for (const s of g.slots.filter((s) => s.addr >= at && s.addr < at + PAGE)) {
    s.fn = undefined;
    if (g.chance(0.7)) g.write(s, g.randomFn());
  }
  if (g.written().length === 0) g.write(g.slots[0]!, g.randomFn());
}

/** The buffer read+execute: a loop function runs, a child's store is SIGSEGV; then RWX again. */
function readOnly(g: Generator, slot: Slot): void {
  g.syscall(226, BUF, PAGES * PAGE, 5);
  g.call(slot);
  inChild(g, () => g.storeWord(slot.addr, NOP), KILLED + SIGSEGV);
  g.syscall(226, BUF, PAGES * PAGE, 7);
}

/** Stores to a seeded run of the .bss pages (pushing other pages out under a small --ram). */
function evict(g: Generator): void {
  const loop = g.label("evict");
  const first = g.int(0, EVICT_PAGES - 4);
  const count = g.int(4, EVICT_PAGES - first);
  g.emit(`la      t0, evict_area + ${first * PAGE}`, `li      t1, ${count}`);
  g.emit(`li      t2, ${PAGE}`, `${loop}:`, "sw      t1, 0(t0)", "add     t0, t0, t2");
  g.emit("addi    t1, t1, -1", `bnez    t1, ${loop}`);
}

function execve(g: Generator, path: string): void {
  g.emit("la      a0, exec_path", "la      a1, exec_argv", "la      a2, exec_argv + 4");
  g.emit("li      a7, 221", "ecall", "j       fail");
  g.text.push("        .data", `exec_path: .asciz ${JSON.stringify(path)}`, "        .balign 4");
  g.text.push("exec_argv: .word exec_path, 0", "        .text");
}
