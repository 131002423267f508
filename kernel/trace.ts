// Kernel events for tracing (`--trace fault,syscall,sched,swap,alloc`, `--trace-json`) and the
// stepper: what the kernel did, as structured values. Each event gets `t`, the number of
// instructions completed so far, when emitted. The JSON-lines schema is in docs/trace.md.

export type KernelEvent =
  | {
      kind: "syscall";
      pid: number;
      name: string;
      args: number[];
      result: number | "blocked" | "none";
    }
  | { kind: "fault"; pid: number; va: number; cause: string; action: string }
  | { kind: "sched"; from: number | null; to: number }
  | {
      kind: "swap";
      op: "out" | "drop" | "in";
      pid: number;
      va: number;
      ppn: number;
      slot: number | null;
    }
  | { kind: "frame"; op: "alloc" | "free"; ppn: number; use: string; pid: number }
  | { kind: "exit"; pid: number; how: string; status: number };

/** The trace category each event kind belongs to. */
export const eventCategory: Record<KernelEvent["kind"], string> = {
  syscall: "syscall",
  fault: "fault",
  sched: "sched",
  swap: "swap",
  frame: "alloc",
  exit: "sched",
};
