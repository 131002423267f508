// The C examples' test cases (programs/c): which committed ELF, its arguments and input, the exit
// status, and the memory schemes it runs under in vmlab. The exact stdout of case <name> is in
// test/expected/c/<name>.out, produced by qemu-riscv32 running the same ELF:
//     npx tsx test/peers/update-c-expected.ts [name...]
// test/c-programs.test.ts checks vmlab against these files, and (where the peers are installed)
// that qemu still agrees with them and that `make -C programs/c` rebuilds the ELFs byte for byte.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** vmlab's memory schemes (--mm). */
export type MemoryScheme = "paged" | "bare" | "base-limit" | "segmented";

export interface CProgramCase {
  /** Unique; also the expected-output file name, test/expected/c/<name>.out. */
  name: string;
  /** The example's name: programs/c/<program>.c, built to programs/c/bin/<program>.elf. */
  program: string;
  /** Guest arguments after argv[0]. */
  args?: readonly string[];
  /** Standard input; empty when absent. */
  stdin?: string;
  /** Exit status (the same under qemu-riscv32 and every scheme listed). */
  status: number;
  /** The schemes it runs under with this output; fork and mmap need more than bare. */
  schemes: readonly MemoryScheme[];
  /** vmlab options for this case (qemu has none): e.g. a small RAM with swap. */
  vmlabOptions?: readonly string[];
}

const SIGSEGV_STATUS = 128 + 11;

const ALL: readonly MemoryScheme[] = ["paged", "bare", "base-limit", "segmented"];
/** fork works wherever there can be several processes. */
const FORK: readonly MemoryScheme[] = ["paged", "base-limit", "segmented"];
/** mmap needs pages. */
const MMAP: readonly MemoryScheme[] = ["paged"];

const WC_INPUT = [
  "The quick brown fox\n",
  "  jumps over\tthe lazy dog.\n",
  "\n",
  "Pack my box with five dozen liquor jugs.\n",
  `${"stdin arrives 256 bytes at a time through picolibc's buffer; ".repeat(8)}\n`,
  "last line without a newline",
].join("");

export const cProgramCases: readonly CProgramCase[] = [
  { name: "printf", program: "printf", status: 0, schemes: ALL },
  { name: "malloc-stress", program: "malloc-stress", status: 0, schemes: ALL },
  { name: "fork-cow", program: "fork-cow", status: 0, schemes: FORK },
  { name: "spinlock", program: "spinlock", status: 0, schemes: MMAP },
  { name: "spinlock-3x500", program: "spinlock", args: ["3", "500"], status: 0, schemes: MMAP },
  { name: "walker", program: "walker", status: 0, schemes: ALL },
  {
    name: "walker-swap",
    program: "walker",
    args: ["256", "16", "3", "8"],
    status: 0,
    schemes: ["paged"],
    vmlabOptions: ["--ram", "128k", "--swap", "2m"],
  },
  { name: "wc", program: "wc", stdin: WC_INPUT, status: 0, schemes: ALL },
  { name: "wc-empty", program: "wc", stdin: "", status: 0, schemes: ["paged"] },
  { name: "mprotect", program: "mprotect", status: SIGSEGV_STATUS, schemes: MMAP },
  { name: "sortbench-2", program: "sortbench", args: ["2"], status: 0, schemes: ALL },
];

const REPOSITORY = fileURLToPath(new URL("../../../", import.meta.url));

/** Absolute path of the committed ELF. */
export function elfPath(c: CProgramCase): string {
  return `${REPOSITORY}programs/c/bin/${c.program}.elf`;
}

/** Absolute path of the C examples' folder (its Makefile builds them). */
export const C_PROGRAMS_DIR = `${REPOSITORY}programs/c`;

export function expectedPath(c: CProgramCase): string {
  return fileURLToPath(new URL(`${c.name}.out`, import.meta.url));
}

export function expectedStdout(c: CProgramCase): string {
  return readFileSync(expectedPath(c), "utf8");
}

/** The example programs: every programs/c/bin/*.elf the cases use, once each. */
export const cPrograms: readonly string[] = [...new Set(cProgramCases.map((c) => c.program))];
