// Colour for `vmlab run`'s reports on stderr: `--color auto` (the default) colours when stderr is a
// terminal and NO_COLOR is unset or empty (https://no-color.org), `always` and `never` decide
// outright. The memory map is coloured by owner as the stepper's `memmap` is; trace lines by what
// happened (faults red, TLB hits green and misses yellow, ...). Paints come from stepper/colour.ts.
import type { MmuEvent } from "../hw/mmu.js";
import type { KernelEvent } from "../kernel/trace.js";
import type { CliIo } from "./io.js";
import { type Colour, makePaint, type Paint, PID_COLOURS } from "./stepper/colour.js";

export const COLOR_CHOICES = ["auto", "always", "never"] as const;
export type ColorChoice = (typeof COLOR_CHOICES)[number];

/** The Paint for reports on stderr under `choice`; `env` is the process's environment. */
export function stderrPaint(
  choice: ColorChoice,
  io: Pick<CliIo, "isTerminal">,
  env: Readonly<Record<string, string | undefined>>,
): Paint {
  if (choice !== "auto") return makePaint(choice === "always");
  const noColor = (env.NO_COLOR ?? "") !== "";
  return makePaint(!noColor && io.isTerminal?.("stderr") === true);
}

/** A row of the map: its physical address, two blanks, one character per frame. */
const MAP_ROW = /^(0x[0-9a-f]{8} {2})(.+)$/;

/** kernel/memmap.ts's map with each run of frames in its owner's colour (rows only). */
export function paintMemoryMap(map: string, paint: Paint): string {
  if (!paint.on) return map;
  return map
    .split("\n")
    .map((line) => {
      const m = MAP_ROW.exec(line);
      return m ? m[1]! + paintRow(m[2]!, paint) : line;
    })
    .join("\n");
}

/** One row of frame characters, each run of one owner in its colour (as the stepper's memmap). */
function paintRow(row: string, paint: Paint): string {
  return row.replace(/(.)\1*/g, (run, c: string) => paint(frameColour(c), run));
}

/** The colour of a frame character: free dim, kernel bold, page tables yellow, shared red, pids cycling. */
function frameColour(c: string): Colour {
  if (c === ".") return "dim";
  if (c === "K") return "bold";
  if (c === "P") return "yellow";
  if (c === "S" || c === "C") return "red";
  const pid = Number.parseInt(c, 36);
  return PID_COLOURS[pid % PID_COLOURS.length]!;
}

/** A translation step's colour, or undefined to leave it plain. */
export function mmuEventColour(e: MmuEvent): Colour | undefined {
  switch (e.kind) {
    case "start":
      return "bold";
    case "tlb":
      return e.hit ? "green" : "yellow";
    case "fault":
      return "red";
    case "done":
      return "cyan";
    default:
      return undefined;
  }
}

const KERNEL_COLOURS: Record<KernelEvent["kind"], Colour> = {
  fault: "red",
  syscall: "cyan",
  sched: "magenta",
  exit: "magenta",
  swap: "yellow",
  frame: "dim",
};

/** A kernel event's colour. */
export function kernelEventColour(e: KernelEvent): Colour {
  return KERNEL_COLOURS[e.kind];
}
