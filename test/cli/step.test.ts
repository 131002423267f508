// `vmlab step` driven by scripts, as the docs and graders drive it: what a step shows (the
// instruction, each translation with its walk levels, faults and what the kernel did), the dumps,
// breakpoints and watchpoints, `back` returning to an identical state, and bad input that is
// reported with its script line while the session goes on.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runVmlab } from "../helpers/vmlab.js";

const dir = mkdtempSync(join(tmpdir(), "vmlab-step-"));
let files = 0;
const file = (name: string, text: string) => {
  const path = join(dir, `${files++}-${name}`);
  writeFileSync(path, text);
  return path;
};

/** Runs `vmlab step <args> --script <commands>` with `stdin` as our stdin. */
function step(args: string[], commands: string, stdin = "") {
  return runVmlab(["step", ...args, "--script", file("script.txt", commands)], stdin);
}

/** The output cut at each echoed prompt: one block per command, the command first. */
function blocks(stdout: string): { command: string; lines: string[] }[] {
  const out: { command: string; lines: string[] }[] = [];
  for (const line of stdout.replace(/\n$/, "").split("\n")) {
    const m = /^\((?:pid \d+ 0x[0-9a-f]{8}|ended)\) (.*)$/.exec(line);
    if (m) out.push({ command: m[1]!, lines: [] });
    else out.at(-1)?.lines.push(line);
  }
  return out;
}

const CALL_PROGRAM = `
        .data
val:    .word   0
        .text
        .globl  _start
_start:
        li      a0, 5
        jal     double
        mv      s1, a0
        la      t0, val
        sw      s1, 0(t0)
        li      a0, 0
        li      a7, 93
        ecall
double:
        add     a0, a0, a0
        ret
`;

describe("vmlab step: what a step shows (acceptance, programs/hello.s)", () => {
  it("shows instructions, translations with walk levels, faults, a page table and a memory map", async () => {
    const r = await step(["programs/hello.s"], "step 3\npt\nmemmap\ntlb\n");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const out = r.stdout;
    expect(out).toMatch(/^\[1\] pid 1 {2}0x00010074 <_start> {2}00100513 {2}li a0,1$/m);
    expect(out).toMatch(
      /^\[3\] pid 1 {2}0x0001007c <_start\+0x8> {2}[0-9a-f]{8} {2}addi a1,a1,\d+$/m,
    );
    expect(out).toMatch(/^ {6}tlb: vpn 0x10 asid 1 set 0 -> miss$/m);
    expect(out).toMatch(
      /^ {6}va 0x00010074 = VPN\[1\] \(bits 31-22\) 0x0 \| VPN\[0\] \(bits 21-12\) 0x10 \| offset \(bits 11-0\) 0x74$/m,
    );
    expect(out).toMatch(
      /^ {6}walk L1 index 0x0: pte @ 0x[0-9a-f]{8} = 0x[0-9a-f]{8} \[V-------\]$/m,
    );
    expect(out).toMatch(
      /^ {6}walk L0 index 0x10: pte @ 0x[0-9a-f]{8} = 0x[0-9a-f]{8} \[VR-XU-A-\]$/m,
    );
    expect(out).toMatch(/^ {6}check fetch against \[VR-XU-A-\]: allowed$/m);
    expect(out).toMatch(/^ {6}-> instruction page fault \(not mapped\)$/m);
    expect(out).toMatch(
      /^ {4}kernel: pid 1 instruction page fault at 0x00010074: loaded the page from the program image into frame 0x[0-9a-f]+$/m,
    );
    expect(out).toMatch(/^ {6}-> pa 0x[0-9a-f]{8}$/m);
    expect(out).toMatch(/^ {4}a0 {3}0x00000000 -> 0x00000001$/m);
    expect(out).toMatch(/^pid 1, asid 1, satp 0x8040[0-9a-f]{4}:\npage table 0x[0-9a-f]+$/m);
    expect(out).toMatch(/^ \.\.0: pte 0x[0-9a-f]{8} pa 0x[0-9a-f]+$/m);
    expect(out).toMatch(/^ \.\. \.\.16: pte 0x[0-9a-f]{8} .*\b0x00010000\b.*\[VR-XU-A-\]$/m);
    expect(out).toMatch(/^0x00000000 {2}KKKKKKKKKKKKKKKK[P1]+\.+$/m);
    expect(out).toMatch(/^legend: \. free {2}K kernel {2}P page table/m);
    expect(out).toMatch(
      /^ {2}0 {4}0 {2}0x00010 {2}0x0000[0-9a-f]{2} {5}1 {2}VR-XU-A- {2}- {2}- {5}0x[0-9a-f]{8} {2}\d+$/m,
    );
  });

  it("prints no colour codes when the output is not a terminal", async () => {
    const r = await step(["programs/hello.s"], "step 9\nmemmap\nbogus\n");
    expect(r.stdout + r.stderr).not.toContain("\u001b[");
  });

  it("marks the guest's output and shows the system call and the exit", async () => {
    const r = await step(["programs/hello.s"], "step 9\nprocs\n");
    expect(r.stdout).toMatch(/^ {4}kernel: pid 1 write\(1, 0x[0-9a-f]+, 18\) = 18$/m);
    expect(r.stdout).toMatch(/^ {4}kernel: pid 1 exit\(0\)$/m);
    expect(r.stdout).toMatch(/^guest\| Hello from vmlab!$/m);
    expect(r.stdout).toMatch(/^ {4}kernel: pid 1 ended: exit\(0\) \(status 0\)$/m);
    expect(r.stdout).toMatch(/^every process has ended$/m);
    expect(r.stdout).toMatch(/^ {2}pid 1 ended: exit\(0\)$/m);
  });

  it("says what the kernel did about a fault it cannot fix, and back revives the process", async () => {
    const prog = file("null.s", ".globl _start\n_start:\n  li t0, 4\n  sw zero, 0(zero)\n");
    const r = await step([prog], "step 3\nback\nregs\n");
    expect(r.stdout).toMatch(/^ {6}-> store page fault \(not mapped\)$/m);
    expect(r.stdout).toMatch(/^ {4}kernel: pid 1 store page fault at 0x00000000: kill: .+$/m);
    expect(r.stdout).toMatch(/^\[vmlab\] pid 1 killed: store page fault at 0x00000000/m);
    expect(r.stdout).toMatch(/^\[-\] no instruction completed$/m);
    const regs = blocks(r.stdout).find((b) => b.command === "regs")!;
    expect(regs.lines[0]).toMatch(/^pid 1 {2}pc 0x[0-9a-f]{8} <_start\+0x4>$/);
    expect(regs.lines.join("\n")).toMatch(/t0 {3}0x00000004/);
  });
});

describe("vmlab step: back is exact", () => {
  it("returns to step N with identical registers, memory, TLB, page table and counters", async () => {
    const look = "regs\nx/16w $sp\nx/32w numbers\nxp/8w 0x10000\npt\ntlb\nstats\nprocs\n";
    const r = await step(["programs/sort.s"], `step 400\n${look}step 250\nregs\nback 250\n${look}`);
    expect(r.stderr).toBe("");
    const b = blocks(r.stdout);
    const first = b.slice(1, 9);
    const again = b.slice(12, 20);
    expect(again.map((x) => x.command)).toEqual(look.trim().split("\n"));
    expect(again).toEqual(first);
    expect(b[10]!.lines).not.toEqual(first[0]!.lines);
    expect(b[11]!.lines[0]).toBe("back 250: at step 400 (replayed from the start)");
  });

  it("replays the guest's stdin, so the guest reads the same bytes again", async () => {
    const r = await step(
      ["programs/upcase.s"],
      "continue\nback 100\ncontinue\n",
      "stepping is fun\n",
    );
    const out = r.stdout.match(/^guest\| .*$/gm);
    expect(out).toEqual(["guest| STEPPING IS FUN", "guest| STEPPING IS FUN"]);
  });

  it("cannot go back before the start", async () => {
    const r = await step(["programs/hello.s"], "step 2\nback 3\nwhere\n");
    expect(r.stderr).toBe(
      `vmlab step: ${dir}/${files - 1}-script.txt:2: cannot go back 3: only 2 steps have run\n`,
    );
    expect(r.stdout).toMatch(/^=> pid 1 {2}0x0001007c <_start\+0x8>/m);
  });
});

describe("vmlab step: breakpoints, watchpoints, next, until", () => {
  it("stops at a breakpoint given by label and by address", async () => {
    const prog = file("call.s", CALL_PROGRAM);
    const r = await step([prog], "break double\nbreak _start+0x8\ncontinue\ncontinue\nbreak\n");
    expect(r.stdout).toMatch(/^breakpoint 1 at 0x[0-9a-f]{8} <double>$/m);
    expect(r.stdout).toMatch(/^breakpoint 2 at 0x0001009c <_start\+0x8>$/m);
    expect(r.stdout).toMatch(
      /^stopped: breakpoint 1 \(double\) reached by pid 1 \(2 instructions run\)\n=> pid 1 {2}0x[0-9a-f]{8} <double> {2}00a50533 {2}add a0,a0,a0$/m,
    );
    expect(r.stdout).toMatch(
      /^stopped: breakpoint 2 \(_start\+0x8\) reached by pid 1 \(2 instructions run\)\n=> pid 1 {2}0x0001009c <_start\+0x8> {2}[0-9a-f]{8} {2}mv s1,a0$/m,
    );
    expect(r.stdout).toMatch(
      /^1: break 0x[0-9a-f]{8} \(double\)\n2: break 0x0001009c \(_start\+0x8\)$/m,
    );
  });

  it("next runs a call to its return; until runs to an address", async () => {
    const prog = file("call.s", CALL_PROGRAM);
    const r = await step([prog], "step\nnext\nregs\nuntil 0x100b0\nwhere\n");
    expect(r.stdout).toMatch(
      /^stopped: returned from the call at 0x00010098 \(3 instructions run\)$/m,
    );
    expect(r.stdout).toMatch(/a0 {3}0x0000000a/);
    expect(r.stdout).toMatch(/^stopped: reached 0x100b0 \(0x000100b0\) \(5 instructions run\)$/m);
    expect(r.stdout).toMatch(/^=> pid 1 {2}0x000100b0 <_start\+0x1c> {2}[0-9a-f]{8} {2}li a7,93$/m);
  });

  it("next treats call's auipc+jalr pair as one call; x/Ni disassembles", async () => {
    const r = await step(["programs/fib.s"], "until loop+0x30\nnext\nx/2i $pc\n");
    expect(r.stdout).toMatch(/^=> pid 1 {2}0x000102a0 <loop\+0x30> {2}00000097 {2}auipc ra,0x0$/m);
    expect(r.stdout).toMatch(
      /^stopped: returned from the call at 0x000102a0 \(5 instructions run\)$/m,
    );
    expect(r.stdout).toMatch(
      /^0x000102a8 <loop\+0x38>: {2}00000097 {2}auipc ra,0x0\n0x000102ac <loop\+0x3c>: {2}[0-9a-f]{8} {2}jalr /m,
    );
  });

  it("a watchpoint stops when the word changes", async () => {
    const prog = file("call.s", CALL_PROGRAM);
    const r = await step([prog], "watch val\nx/1w val\ncontinue\nx/1w val\n");
    expect(r.stdout).toMatch(/^watchpoint 1: word at 0x[0-9a-f]{8} in pid 1 \(not mapped yet\)$/m);
    expect(r.stdout).toMatch(/^0x[0-9a-f]{8} <val>: {2}-{10} {2}\| {4}\|\n\(-- : not mapped/m);
    expect(r.stdout).toMatch(
      /^stopped: watchpoint 1 \(val\) in pid 1: not mapped -> 0x0000000a \(8 instructions run\)$/m,
    );
    expect(r.stdout).toMatch(/^0x[0-9a-f]{8} <val>: {2}0x0000000a {2}\|\.\.\.\.\|$/m);
  });

  it("shows a context switch and compares against the new process's registers", async () => {
    const r = await step(["--quantum", "2", "programs/hello.s", "programs/hello.s"], "step 3\n");
    expect(r.stdout).toMatch(/^\[3\] pid 2 {2}0x00010074 <_start>/m);
    expect(r.stdout).toMatch(/^ {4}kernel: switch pid 1 -> pid 2$/m);
    expect(r.stdout).toMatch(
      /^ {4}context switch: pid 1 -> pid 2; changes are against pid 2's saved registers$/m,
    );
  });
});

describe("vmlab step: inspecting changes nothing", () => {
  it("translate explains a walk and leaves every counter as it was", async () => {
    const r = await step(
      ["programs/hello.s"],
      "step 2\nstats\ntranslate msg r\ntranslate $sp w\ntranslate 0x40000000 x\nx/4w msg\ntlb\nstats\n",
    );
    const b = blocks(r.stdout);
    const stats = b.filter((x) => x.command === "stats");
    expect(stats).toHaveLength(2);
    expect(stats[1]!.lines).toEqual(stats[0]!.lines);
    expect(stats[0]!.lines.join("\n")).toMatch(/\[stats\] instructions +2/);
    expect(r.stdout).toMatch(/^pid 1: 0x00010098 -> 0x[0-9a-f]{8} \(nothing changed/m);
    expect(r.stdout).toMatch(
      /^pid 1: 0x40000000 would fault: instruction page fault \(not mapped\)/m,
    );
    expect(r.stdout).toMatch(
      /^ {2}walk L1 index 0x100: pte @ 0x[0-9a-f]{8} = 0x00000000 \[--------\]$/m,
    );
    expect(r.stdout).toMatch(
      /^0x00010098 <msg>: {2}0x6c6c6548 {2}0x7266206f {2}0x76206d6f {2}0x62616c6d {2}\|Hello from vmlab\|$/m,
    );
  });
});

describe("vmlab step: bad input", () => {
  it("reports each bad command with its script line and goes on; the status is 1", async () => {
    const script =
      "step\nfrobnicate\nstep zero\nstep 0\nx/4w nowhere\nx/4q 0x10\nbreak 0xzz\nxp/4w 0x40000000\ntranslate 0x0 q\nregs 1 2\ndelete 7\nstep\n";
    const r = await step(["programs/hello.s"], script);
    expect(r.status).toBe(1);
    const path = `${dir}/${files - 1}-script.txt`;
    expect(r.stderr.split("\n")).toEqual([
      `vmlab step: ${path}:2: unknown command 'frobnicate' (type help for the list)`,
      `vmlab step: ${path}:3: bad count 'zero' (expected a whole number of at least 1)`,
      `vmlab step: ${path}:4: bad count '0' (expected a whole number of at least 1)`,
      `vmlab step: ${path}:5: bad address 'nowhere': no label 'nowhere'`,
      `vmlab step: ${path}:6: bad format '/4q' (expected /Nw, /Nh, /Nb, /Ni or /Ns, e.g. x/4w)`,
      `vmlab step: ${path}:7: bad address '0xzz' (expected a number, a label or $register)`,
      `vmlab step: ${path}:8: bad physical address 0x40000000: RAM ends at 0x01000000`,
      `vmlab step: ${path}:9: bad access 'q' (expected r, w or x)`,
      `vmlab step: ${path}:10: too many arguments (usage: regs [pid])`,
      `vmlab step: ${path}:11: no breakpoint or watchpoint 7`,
      "",
    ]);
    expect(r.stdout).toMatch(/^\[2\] pid 1 {2}0x00010078/m);
  });

  it("a missing program or script file is a one-line error", async () => {
    const r1 = await runVmlab(["step", "no-such.s", "--script", file("s.txt", "step\n")]);
    expect(r1).toMatchObject({ status: 1, stdout: "", stderr: "vmlab: no-such.s: no such file\n" });
    const r2 = await runVmlab(["step", "programs/hello.s", "--script", "no-such.txt"]);
    expect(r2).toMatchObject({
      status: 1,
      stdout: "",
      stderr: "vmlab: no-such.txt: no such file\n",
    });
  });

  it("quit ends a script early", async () => {
    const r = await step(["programs/hello.s"], "step\nquit\nstep\n");
    expect(r.stdout).not.toMatch(/^\[2\]/m);
    expect(r.status).toBe(0);
  });
});

describe("docs/stepper.md", () => {
  it("shows the output its sessions really give", async () => {
    const doc = readFileSync("docs/stepper.md", "utf8");
    const sessions = [
      ...doc.matchAll(
        /```sh\nnpx vmlab step (\S+) <<'EOF'\n([\s\S]*?)EOF\n```\n\n```\n([\s\S]*?)```/g,
      ),
    ];
    expect(sessions.length).toBeGreaterThanOrEqual(2);
    for (const [, prog, commands, output] of sessions) {
      const r = await runVmlab(["step", prog!], commands!);
      expect(r.stderr).toBe("");
      expect(r.stdout).toBe(output);
    }
  });
});

describe("vmlab step: commands on a piped stdin", () => {
  it("reads every command from stdin when there is no --script", async () => {
    const r = await runVmlab(["step", "programs/hello.s"], "step 2\nbogus\npt\n");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^\(pid 1 0x00010074\) step 2$/m);
    expect(r.stdout).toMatch(/^\[2\] pid 1/m);
    expect(r.stdout).toMatch(/^page table 0x/m);
    expect(r.stderr).toBe(
      "vmlab step: stdin:2: unknown command 'bogus' (type help for the list)\n",
    );
  });

  it("help lists the commands, and help CMD shows one", async () => {
    const r = await runVmlab(["step", "programs/hello.s"], "help\nhelp x\n");
    for (const c of [
      "step",
      "next",
      "continue",
      "until",
      "break",
      "watch",
      "regs",
      "x/Nw",
      "xp/Nw",
      "translate",
      "pt",
      "tlb",
      "memmap",
      "procs",
      "stats",
      "back",
      "help",
    ])
      expect(r.stdout).toMatch(new RegExp(`^  ${c.replace("/", "\\/")}\\b`, "m"));
    expect(r.stdout).toMatch(/^x\/Nw VA: examine N words/m);
  });
});
