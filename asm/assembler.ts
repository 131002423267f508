// The assembler: GNU as syntax for RV32IMA in, an AsmProgram (sections, symbols, fixups) out.
//
// Pass 1 reads each statement once: it defines labels, parses operands, chooses each
// instruction's form and size, and records an item (where it goes and how to emit it). Pass 2
// runs the items with every label known, writing bytes and recording fixups for addresses. The
// default layout is then linked once (link.ts) so that out-of-range branches are reported here,
// with their source position. Every problem becomes a diagnostic; nothing is thrown.
import { type AsmDiagnostic, AsmFail, formatDiagnostic, type SourcePos } from "./diagnostics.js";
import { runDirective } from "./directives.js";
import { Pass2Writer } from "./emitter.js";
import {
  describe,
  type EvalContext,
  type Expr,
  evaluate,
  parseExpression,
  type Value,
} from "./expr.js";
import { formsOf, OTHER_EXTENSIONS, type PlanContext } from "./instructions.js";
import { type LexState, lexLine, type Token, TokenKind } from "./lexer.js";
import { link } from "./link.js";
import { type Operand, parseOperand, splitOperands } from "./operands.js";
import {
  type AsmFixup,
  type AsmProgram,
  type AsmSymbol,
  type FixupTarget,
  LINKER_SYMBOLS,
  SectionKind,
  SymbolType,
} from "./program.js";
import { defaultFlags, InputSection, mergeSections, sectionAttrs } from "./sections.js";
import { chooseForm } from "./select.js";
import { NUMERIC_LABEL_SEPARATOR, SymbolTable } from "./symbols.js";

export type { AsmDiagnostic } from "./diagnostics.js";
export type { AsmProgram } from "./program.js";
export { formatDiagnostic };

export interface AssembleOptions {
  /**
   * Reads a file named by `.include "path"` in `fromFile` (the including file's name as found).
   * Returns its text (then named `path` in messages), or its text and the name it was found under
   * (used in messages and as `fromFile` for its own includes); undefined if there is no such
   * file; throws an Error whose message says why a file that exists cannot be read. Without it,
   * `.include` is an error. (The assembler itself never touches a file system.)
   */
  readInclude?: (path: string, fromFile: string) => string | IncludedFile | undefined;
}

/** A file read for `.include`: its text and the name it was found under. */
export interface IncludedFile {
  file: string;
  text: string;
}

export type AsmResult =
  | { ok: true; program: AsmProgram; warnings: AsmDiagnostic[] }
  | { ok: false; errors: AsmDiagnostic[]; warnings: AsmDiagnostic[] };

/**
 * Assembles one source file (and the files it includes). Returns the program and any warnings,
 * or every error found, each with file:line:column; never throws for any input.
 */
export function assemble(source: string, file: string, opts: AssembleOptions = {}): AsmResult {
  const asm = new Assembler(opts);
  try {
    return asm.run(source, file);
  } catch (e) {
    // A bug in the assembler, not in the program: still a diagnostic, never a host exception.
    const message = `internal assembler error: ${e instanceof Error ? e.message : String(e)}`;
    return { ok: false, errors: [{ file, line: 1, column: 1, message }], warnings: [] };
  }
}

/** One unit of output recorded by pass 1 and emitted by pass 2. */
export interface Item {
  pos: SourcePos;
  section: InputSection;
  offset: number;
  size: number;
  /** How many .equ/.set definitions preceded it (selects the value of a redefined symbol). */
  seq: number;
  emit(w: Pass2Writer): void;
}

/** A fixup as pass 2 records it: in an input section, with its target still a Value. */
export interface PendingFixup {
  kind: AsmFixup["kind"];
  section: InputSection;
  offset: number;
  target: Value;
  pos: SourcePos;
}

const MAX_INCLUDE_DEPTH = 32;
const INSTRUCTION_ALIGN = 4;

/** The state of one assembly. Directives (directives.ts) work on it through its public methods. */
export class Assembler {
  readonly symbols = new SymbolTable();
  readonly sections: InputSection[] = [];
  readonly items: Item[] = [];
  readonly fixups: PendingFixup[] = [];
  current: InputSection;
  previous: InputSection;
  readonly sectionStack: Array<{ current: InputSection; previous: InputSection }> = [];
  /** The statement being processed in pass 1. */
  pos: SourcePos = { file: "", line: 0, col: 1 };
  private readonly errors: AsmDiagnostic[] = [];
  private readonly warnings: AsmDiagnostic[] = [];
  private readonly fileOrder = new Map<string, number>();
  private readonly localCounts = new Map<string, number>();
  private readonly opts: AssembleOptions;
  private includeDepth = 0;
  /** Set by `.end`: stop reading the current file. */
  endOfFile = false;

  constructor(opts: AssembleOptions) {
    this.opts = opts;
    this.current = this.section(".text");
    this.current.align = INSTRUCTION_ALIGN; // GNU as starts .text 4-byte aligned (tc-riscv.c md_begin)
    this.previous = this.current;
  }

  run(source: string, file: string): AsmResult {
    this.processSource(source, file);
    this.finishSections();
    this.pass2(); // even after errors: its own errors (undefined symbols, ranges) are worth reporting
    const program = this.buildProgram(file);
    if (program !== undefined) this.checkLink(program);
    const warnings = this.sorted(this.warnings);
    if (program === undefined || this.errors.length > 0) {
      return { ok: false, errors: this.sorted(this.errors), warnings };
    }
    return { ok: true, program, warnings };
  }

  // ---- diagnostics ----

  error(pos: SourcePos, message: string): void {
    this.errors.push({ file: pos.file, line: pos.line, column: pos.col, message });
  }

  warn(pos: SourcePos, message: string): void {
    this.warnings.push({
      file: pos.file,
      line: pos.line,
      column: pos.col,
      message,
      severity: "warning",
    });
  }

  at(col: number): SourcePos {
    return { file: this.pos.file, line: this.pos.line, col };
  }

  private sorted(list: AsmDiagnostic[]): AsmDiagnostic[] {
    const order = (d: AsmDiagnostic): number => this.fileOrder.get(d.file) ?? 0;
    return [...list].sort((a, b) => order(a) - order(b) || a.line - b.line || a.column - b.column);
  }

  // ---- pass 1: reading ----

  /** Reads a whole file (the main one or an included one). */
  processSource(source: string, file: string): void {
    if (!this.fileOrder.has(file)) this.fileOrder.set(file, this.fileOrder.size);
    const lines = source.replace(/^\uFEFF/, "").split("\n"); // a byte-order mark is not a statement
    const state: LexState = { inBlockComment: false };
    for (let i = 0; i < lines.length && !this.endOfFile; i++) {
      this.pos = { file, line: i + 1, col: 1 };
      this.processLine(lexLine(lines[i]!, state));
    }
    this.endOfFile = false;
  }

  private processLine(tokens: Token[]): void {
    let start = 0;
    for (let i = 0; i <= tokens.length; i++) {
      const t = tokens[i];
      if (t !== undefined && !(t.kind === TokenKind.Punct && t.text === ";")) continue;
      if (i > start) this.guarded(() => this.statement(tokens, start, i));
      start = i + 1;
    }
  }

  /** Runs one statement, turning a failure into a diagnostic. */
  private guarded(fn: () => void): void {
    const line = this.pos;
    try {
      fn();
    } catch (e) {
      if (!(e instanceof AsmFail)) throw e;
      this.error({ file: line.file, line: line.line, col: e.col }, e.message);
    }
    this.pos = line;
  }

  private statement(tokens: Token[], start: number, end: number): void {
    const bad = tokens.slice(start, end).find((t) => t.kind === TokenKind.Error);
    if (bad !== undefined) throw new AsmFail(bad.col, bad.text);
    let i = start;
    while (i + 1 < end && isLabelStart(tokens[i]!) && isPunct(tokens[i + 1]!, ":")) {
      this.defineLabel(tokens[i]!);
      i += 2;
    }
    if (i >= end) return;
    const head = tokens[i]!;
    this.pos = { ...this.pos, col: head.col };
    if (head.kind === TokenKind.Ident && i + 1 < end && isPunct(tokens[i + 1]!, "=")) {
      this.assign(head, tokens, i + 2, end);
    } else if (head.kind !== TokenKind.Ident) {
      throw new AsmFail(
        head.col,
        `expected an instruction, directive or label, found ${describe(head)}`,
      );
    } else if (head.text.startsWith(".")) {
      runDirective(this, head, tokens, i + 1, end);
    } else {
      this.instruction(head, tokens, i + 1, end);
    }
  }

  private defineLabel(t: Token): void {
    if (t.kind === TokenKind.Number) {
      if (!/^[0-9]+$/.test(t.text))
        throw new AsmFail(
          t.col,
          `'${t.text}' cannot be a label (local labels are plain decimal numbers)`,
        );
      const n = (this.localCounts.get(t.text) ?? 0) + 1;
      this.localCounts.set(t.text, n);
      this.symbols.defineLabel(
        `${t.text}${NUMERIC_LABEL_SEPARATOR}${n}`,
        this.current,
        this.current.size,
        this.at(t.col),
      );
      return;
    }
    this.symbols.defineLabel(t.text, this.current, this.current.size, this.at(t.col));
  }

  /** The internal name of a numeric local label reference (`1b`: the last `1:`, `1f`: the next). */
  readonly resolveLocal = (t: Token): string => {
    const count = this.localCounts.get(t.text) ?? 0;
    if (t.dir === "b" && count === 0)
      throw new AsmFail(
        t.col,
        `'${t.text}b' refers back to a label '${t.text}:' but there is none before it`,
      );
    return `${t.text}${NUMERIC_LABEL_SEPARATOR}${t.dir === "b" ? count : count + 1}`;
  };

  /** Parses tokens[start..end) as one expression (numeric label references resolved now). */
  parseExpr(tokens: readonly Token[], start: number, end: number): Expr {
    return parseExpression(tokens, start, end, this.resolveLocal);
  }

  /** `NAME = expr`, the same as `.set NAME, expr`. */
  private assign(name: Token, tokens: Token[], start: number, end: number): void {
    this.defineEqu(name, this.parseExpr(tokens, start, end), false);
  }

  /** .equ/.set/=: (re)defines an absolute or address-valued symbol; `.` means "here". */
  defineEqu(name: Token, expr: Expr, once: boolean): void {
    this.symbols.defineEqu(
      name.text,
      expr,
      this.current,
      this.current.size,
      this.at(name.col),
      once,
    );
  }

  // ---- pass 1: instructions ----

  private instruction(head: Token, tokens: Token[], start: number, end: number): void {
    const mnemonic = head.text.toLowerCase();
    const forms = formsOf(mnemonic);
    if (forms === undefined) throw new AsmFail(head.col, unknownInstruction(head.text));
    const raw = splitOperands(tokens, start, end);
    const ops = raw.map((r, k) => this.operand(r, k, head, tokens[start - 1]!));
    const form = chooseForm(mnemonic, forms, ops, head.col);
    const plan = form.plan(ops, this.planContext);
    if (this.current.nobits)
      throw new AsmFail(
        head.col,
        `cannot put instructions in ${this.current.name} (a section without contents)`,
      );
    if (this.current.size % INSTRUCTION_ALIGN !== 0) {
      this.warn(
        this.at(head.col),
        `instruction at offset ${this.current.size} of ${this.current.name} is not 4-byte aligned; it will trap if executed`,
      );
    }
    this.addItem(plan.size, (w) => plan.emit(w));
  }

  private operand(raw: Token[], k: number, head: Token, before: Token): Operand {
    if (raw.length === 0) {
      throw new AsmFail(
        k === 0 ? before.col + before.text.length + 1 : head.col,
        `operand ${k + 1} of '${head.text}' is empty`,
      );
    }
    return parseOperand(raw, this.resolveLocal);
  }

  /** Evaluation in pass 1: labels and .equ symbols defined so far, `.` = the current position. */
  evalContext1(what: string): EvalContext {
    const dot: Value = {
      base: { kind: "section", section: this.current },
      offset: BigInt(this.current.size),
    };
    return this.symbols.context(this.symbols.seq, dot, this, what);
  }

  /** A constant that must be known in pass 1 (sizes, alignments, li); throws AsmFail if not. */
  constant1(expr: Expr, what: string): bigint {
    const v = evaluate(expr, this.evalContext1(what));
    if (v.base !== undefined)
      throw new AsmFail(expr.col, `${what} needs a constant, not an address`);
    return v.offset;
  }

  /** What choosing an instruction form may ask in pass 1 (made once, used for every instruction). */
  private readonly planContext: PlanContext = {
    knownConstant: (op) => {
      try {
        const v = evaluate(op.expr, this.evalContext1(""));
        return v.base === undefined ? v.offset : undefined;
      } catch (e) {
        if (e instanceof AsmFail) return undefined;
        throw e;
      }
    },
    constant: (op, what) => this.constant1(op.expr, what),
  };

  /** Reserves `size` bytes at the current position, to be written by `emit` in pass 2. */
  addItem(size: number, emit: (w: Pass2Writer) => void): void {
    const s = this.current;
    this.items.push({
      pos: { ...this.pos },
      section: s,
      offset: s.size,
      size,
      seq: this.symbols.seq,
      emit,
    });
    s.size += size;
  }

  // ---- sections ----

  /**
   * GNU as pads the end of each code section to the section's alignment with nops
   * (SUB_SEGMENT_ALIGN in gas/write.c); and says nothing about content in unloaded sections.
   */
  private finishSections(): void {
    for (const s of this.sections) {
      const padding = (s.align - (s.size % s.align)) % s.align;
      if (s.code && !s.nobits && padding > 0) {
        this.items.push({
          pos: { ...this.pos },
          section: s,
          offset: s.size,
          size: padding,
          seq: this.symbols.seq,
          emit: (w) => w.pad(padding, undefined),
        });
        s.size += padding;
      }
      if (s.kind === undefined && s.size > 0) {
        const first = this.items.find((item) => item.section === s);
        this.warn(
          first?.pos ?? this.pos,
          `section '${s.name}' has no "a" flag, so it is not loaded: use .section ${s.name},"aw" (or "a" for read-only)`,
        );
      }
    }
  }

  /** The input section with this name, created (with flags and type) on first use. */
  section(name: string, flags?: string, type?: string): InputSection {
    const found = this.sections.find((s) => s.name === name);
    if (found !== undefined) return found;
    const defaults = defaultFlags(name);
    const nobitsDefault = defaults.includes("@nobits") ? "nobits" : undefined;
    const attrs = sectionAttrs(name, flags ?? defaults, type ?? nobitsDefault);
    const s = new InputSection(name, attrs, this.sections.length);
    this.sections.push(s);
    return s;
  }

  switchTo(s: InputSection): void {
    if (s !== this.current) {
      this.previous = this.current;
      this.current = s;
    }
  }

  /** Includes a file: its statements are assembled here, with their own file name in messages. */
  include(path: string, col: number): void {
    const reader = this.opts.readInclude;
    if (reader === undefined)
      throw new AsmFail(col, `cannot include '${path}': no file access here`);
    if (this.includeDepth >= MAX_INCLUDE_DEPTH)
      throw new AsmFail(
        col,
        `.include nested more than ${MAX_INCLUDE_DEPTH} deep (does '${path}' include itself?)`,
      );
    const found = readIncluded(reader, path, this.pos.file, col);
    const saved = this.pos;
    this.includeDepth++;
    try {
      this.processSource(found.text, found.file);
    } finally {
      this.includeDepth--;
      this.pos = saved;
    }
  }

  // ---- pass 2 ----

  private pass2(): void {
    for (const s of this.sections) if (!s.nobits) s.bytes = new Uint8Array(s.size);
    const writer = new Pass2Writer(this);
    for (const item of this.items) {
      this.pos = item.pos;
      this.guarded(() => writer.run(item));
    }
  }

  // ---- the program ----

  private buildProgram(file: string): AsmProgram | undefined {
    const sections = mergeSections(this.sections);
    const fixups: AsmFixup[] = [];
    for (const f of this.fixups) {
      if (f.section.kind === undefined) continue; // content of an unloaded section goes nowhere
      const target = this.fixupTarget(f.target, f.pos);
      if (target !== undefined)
        fixups.push({
          section: f.section.kind!,
          offset: f.section.outOffset + f.offset,
          kind: f.kind,
          target,
          pos: f.pos,
        });
    }
    const symbols = this.outputSymbols();
    const start = symbols.find((s) => s.name === "_start" && s.section !== undefined);
    if (this.errors.length > 0) return undefined;
    const entry =
      start === undefined
        ? { section: SectionKind.Text, offset: 0, symbol: undefined }
        : { section: start.section!, offset: start.value, symbol: "_start" };
    return { file, sections, symbols, fixups, entry };
  }

  private fixupTarget(v: Value, pos: SourcePos): FixupTarget | undefined {
    const offset = Number(BigInt.asIntN(32, v.offset));
    if (v.base === undefined)
      return { kind: "absolute", address: Number(BigInt.asUintN(32, v.offset)) };
    if (v.base.kind === "linker") return { kind: "linker", name: v.base.name, offset };
    const s = v.base.section as InputSection;
    if (s.kind === undefined) {
      this.error(
        pos,
        `the address refers to section '${s.name}', which is not loaded (give it flags, e.g. .section ${s.name},"aw")`,
      );
      return undefined;
    }
    return { kind: "section", section: s.kind, offset: s.outOffset + offset };
  }

  private outputSymbols(): AsmSymbol[] {
    const out: AsmSymbol[] = [];
    for (const sym of this.symbols.all()) {
      if (sym.name.startsWith(".L") || sym.name.includes(NUMERIC_LABEL_SEPARATOR)) continue;
      const value = this.symbols.finalValue(sym, this);
      if (value === undefined) {
        if (sym.global && sym.def === undefined && !LINKER_SYMBOLS.has(sym.name)) {
          this.warn(
            sym.globalPos ?? this.pos,
            `'${sym.name}' is declared global but never defined`,
          );
        }
        continue;
      }
      const size = this.symbols.sizeOf(sym, this);
      const section = value.section === undefined ? undefined : value.section.kind;
      if (value.section !== undefined && section === undefined) continue; // in an unloaded section
      const base = value.section === undefined ? 0 : value.section.outOffset;
      out.push({
        name: sym.name,
        section,
        value: (base + value.offset) >>> 0,
        global: sym.global,
        type: sym.type ?? SymbolType.None,
        size,
      });
    }
    return out;
  }

  /** Links the default layout once so that range errors are reported with their source line. */
  private checkLink(program: AsmProgram): void {
    const linked = link(program);
    for (const d of linked.errors) this.errors.push(d);
    for (const d of linked.warnings) this.warnings.push(d);
    if (program.entry.symbol === undefined && linked.ok) {
      const at = linked.image.entry.toString(16);
      this.warn(
        { file: program.file, line: 1, col: 1 },
        `no _start symbol: the program will start at the beginning of .text (0x${at}), as GNU ld does`,
      );
    }
    const start = program.symbols.find((s) => s.name === "_start");
    if (start !== undefined && !start.global) {
      this.warn(
        this.symbols.get("_start")?.pos ?? this.pos,
        "'_start' is not declared .globl: GNU ld would not find it and would start at the beginning of .text",
      );
    }
  }
}

/** Calls the host's include reader; every failure becomes an AsmFail at the file name. */
function readIncluded(
  reader: NonNullable<AssembleOptions["readInclude"]>,
  path: string,
  fromFile: string,
  col: number,
): IncludedFile {
  let found: ReturnType<typeof reader>;
  try {
    found = reader(path, fromFile);
  } catch (e) {
    throw new AsmFail(col, `cannot include '${path}': ${e instanceof Error ? e.message : e}`);
  }
  if (found === undefined) throw new AsmFail(col, `cannot open include file '${path}'`);
  return typeof found === "string" ? { file: path, text: found } : found;
}

function isLabelStart(t: Token): boolean {
  return t.kind === TokenKind.Ident || (t.kind === TokenKind.Number && t.text !== "'");
}

function isPunct(t: Token, text: string): boolean {
  return t.kind === TokenKind.Punct && t.text === text;
}

function unknownInstruction(name: string): string {
  const ext = OTHER_EXTENSIONS[name.toLowerCase()];
  if (ext === undefined) return `unknown instruction '${name}'`;
  return `unknown instruction '${name}': it needs the ${ext} extension, and this assembler is RV32IMA only`;
}
