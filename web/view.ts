// What the worker sends the page: plain, serialisable data for the panes this app draws itself
// (registers, disassembly, console, events), beside the session views of session/view.

/** One register of the focus process (x1..x31, then the pc). */
export interface RegisterView {
  name: string;
  value: number;
  /** Changed by the last step. */
  changed: boolean;
}

/** One line of the Disassembly pane. */
export interface DisasmLine {
  addr: number;
  /** A label that starts here. */
  label?: string;
  word: number;
  text: string;
  current: boolean;
  breakpoint: boolean;
}

/** A console line: the guest's stdout (1) or stderr (2), or a kernel message ("kernel"). */
export interface ConsoleLine {
  from: 1 | 2 | "kernel";
  text: string;
}

/** One event of the last traced steps: the step it happened in (position after it) and its words. */
export interface EventLine {
  position: number;
  kind: "mmu" | "kernel" | "fault" | "instruction";
  text: string;
}

/** A diagnostic of the assembler for the Program pane's editor. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
  warning: boolean;
}

/** A group of bundled programs for the chooser (a folder of programs/). */
export interface ProgramGroup {
  name: string;
  paths: string[];
}
