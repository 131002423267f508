// The guest programs' test cases: how each is run and the exit status it must end with. The
// exact stdout of case <name> is in test/expected/<name>.out. Both were produced by the real
// peers (GNU as + ld, then qemu-riscv32); `npx tsx test/peers/update-expected.ts` regenerates the
// .out files, and test/peers/qemu.test.ts checks that qemu still agrees with all of it.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface ProgramCase {
  /** Unique; also the expected-output file name, test/expected/<name>.out. */
  name: string;
  /** The program source, relative to the repository root. */
  source: string;
  /** Guest arguments after argv[0]. */
  args?: readonly string[];
  /** Standard input; empty when absent. */
  stdin?: string;
  /** Exit status; 128 + signal number for a program killed by a signal. */
  status: number;
  /** A benchmark program: about 100 million instructions. */
  bench?: boolean;
}

const SIGILL_STATUS = 128 + 4;

const WC_INPUT = [
  "The quick brown fox\n",
  "  jumps over\tthe lazy dog.\n",
  "\n",
  "Pack my box with five dozen liquor jugs.\n",
  "vmlab reads this in 64-byte chunks, so it takes several reads to reach the end\n",
  "last line without a newline",
].join("");

const UPCASE_INPUT = `${"Memory is a resource; the kernel hands it out one page at a time.\n".repeat(5)}Non-ASCII passes through: é ü ß 日本\nmixed Case 123 [brackets] {braces} ~tilde`;

export const programCases: readonly ProgramCase[] = [
  { name: "hello", source: "programs/hello.s", status: 0 },
  { name: "arith", source: "programs/arith.s", status: 0 },
  { name: "memory", source: "programs/memory.s", status: 0 },
  { name: "branches", source: "programs/branches.s", status: 0 },
  { name: "fib", source: "programs/fib.s", status: 0 },
  { name: "ackermann", source: "programs/ackermann.s", status: 0 },
  { name: "strings", source: "programs/strings.s", status: 0 },
  { name: "echo", source: "programs/echo.s", status: 0 },
  {
    name: "echo-args",
    source: "programs/echo.s",
    args: ["hello", "big  world", "", "-x", "last"],
    status: 0,
  },
  {
    name: "initstack",
    source: "programs/initstack.s",
    args: ["one", "two words", ""],
    status: 0,
  },
  { name: "wc", source: "programs/wc.s", stdin: WC_INPUT, status: 0 },
  { name: "wc-empty", source: "programs/wc.s", stdin: "", status: 0 },
  { name: "upcase", source: "programs/upcase.s", stdin: UPCASE_INPUT, status: 0 },
  { name: "sieve", source: "programs/sieve.s", status: 0 },
  { name: "sort", source: "programs/sort.s", status: 0 },
  { name: "crc32", source: "programs/crc32.s", status: 0 },
  {
    name: "crc32-args",
    source: "programs/crc32.s",
    args: ["vmlab", "hello world"],
    status: 0,
  },
  { name: "matmul", source: "programs/matmul.s", status: 0 },
  { name: "exitcode", source: "programs/exitcode.s", status: 42 },
  { name: "exitcode-0", source: "programs/exitcode.s", args: ["0"], status: 0 },
  { name: "exitcode-300", source: "programs/exitcode.s", args: ["300"], status: 300 & 0xff },
  { name: "illegal", source: "programs/illegal.s", status: SIGILL_STATUS },
  { name: "syscalls", source: "programs/syscalls.s", status: 0 },
  { name: "misaligned", source: "programs/misaligned.s", status: 0 },
  { name: "spinlock", source: "programs/spinlock.s", status: 0 },
  { name: "recurse", source: "programs/recurse.s", status: 0 },
  { name: "bench/sieve", source: "programs/bench/sieve.s", status: 0, bench: true },
  { name: "bench/matmul", source: "programs/bench/matmul.s", status: 0, bench: true },
  { name: "bench/crc32", source: "programs/bench/crc32.s", status: 0, bench: true },
  { name: "bench/qsort", source: "programs/bench/qsort.s", status: 0, bench: true },
];

/** The repository root, as an absolute path ending in a separator. */
export const repoRoot: string = fileURLToPath(new URL("../../", import.meta.url));

/** The absolute path of a case's program source. */
export function sourcePath(c: ProgramCase): string {
  return `${repoRoot}${c.source}`;
}

/** The absolute path of a case's expected-stdout file. */
export function expectedPath(c: ProgramCase): string {
  return `${repoRoot}test/expected/${c.name}.out`;
}

/** A case's expected stdout, exactly as stored. */
export function expectedStdout(c: ProgramCase): string {
  return readFileSync(expectedPath(c), "utf8");
}
