// Diagnostics: what the assembler says about a source position, and the internal failure value
// that carries one from deep inside a statement up to the statement loop.

export type Severity = "error" | "warning";

/** One message about a source position; line and column are 1-based. */
export interface AsmDiagnostic {
  file: string;
  line: number;
  column: number;
  message: string;
  /** Set on warnings; a diagnostic without it is an error. */
  severity?: Severity;
}

/**
 * `file:line:col: error: message` (`warning:` for a warning), the format compilers and editors
 * understand. `severity` overrides the diagnostic's own.
 */
export function formatDiagnostic(d: AsmDiagnostic, severity?: Severity): string {
  return `${d.file}:${d.line}:${d.column}: ${severity ?? d.severity ?? "error"}: ${d.message}`;
}

/**
 * A statement that cannot be assembled. Thrown inside the statement being processed and caught by
 * the statement loop, which turns it into a diagnostic and goes on with the next statement. It is
 * deliberately not an Error: no stack is captured.
 */
export class AsmFail {
  readonly col: number;
  readonly message: string;
  constructor(col: number, message: string) {
    this.col = col;
    this.message = message;
  }
}

/** A source position: the file and line of a statement, and a column inside it. */
export interface SourcePos {
  file: string;
  line: number;
  col: number;
}
