// The symbol table: labels (a section and an offset), symbols set with .equ/.set/= (an expression,
// evaluated when used; a later .set changes the value seen by later statements), and the
// attributes .globl, .type and .size give them.
import { AsmFail, type SourcePos } from "./diagnostics.js";
import {
  CycleFail,
  Deferred,
  type EvalContext,
  type Expr,
  evaluate,
  shouldDefer,
  type Value,
} from "./expr.js";
import { registerNumber } from "./isa.js";
import { LINKER_SYMBOLS, type SymbolType } from "./program.js";
import type { InputSection } from "./sections.js";

export interface LabelDef {
  kind: "label";
  section: InputSection;
  offset: number;
}

/** One .equ/.set definition; `.` in its expression means where it was written. */
export interface EquDef {
  expr: Expr;
  dot: Value;
  /** Definitions are numbered 1, 2, ... in source order. */
  seq: number;
  busy: boolean;
  /** Found to depend on itself, or on a symbol that does: it has no value. */
  onCycle?: boolean;
  /** Its value, once evaluated. */
  value?: Value;
}

export interface SymbolEntry {
  name: string;
  def: LabelDef | { kind: "equ"; defs: EquDef[] } | undefined;
  /** Where it was defined (first definition). */
  pos: SourcePos | undefined;
  global: boolean;
  globalPos: SourcePos | undefined;
  type: SymbolType | undefined;
  size: { expr: Expr; seq: number; dot: Value; pos: SourcePos } | undefined;
}

/** What the table needs from the assembler: where messages go. */
export interface SymbolHost {
  warn(pos: SourcePos, message: string): void;
  error(pos: SourcePos, message: string): void;
  at(col: number): SourcePos;
}

/** Numeric label `1:` number n is the symbol "1" + ^B + n, as in GNU as. */
export const NUMERIC_LABEL_SEPARATOR = "\u0002";

/** Every symbol of one assembly, by name; reports problems by throwing AsmFail. */
export class SymbolTable {
  /** How many .equ/.set definitions have been read so far. */
  seq = 0;
  private readonly map = new Map<string, SymbolEntry>();

  get(name: string): SymbolEntry | undefined {
    return this.map.get(name);
  }

  /** The entry for `name`, created empty if needed. */
  entry(name: string): SymbolEntry {
    let e = this.map.get(name);
    if (e === undefined) {
      e = {
        name,
        def: undefined,
        pos: undefined,
        global: false,
        globalPos: undefined,
        type: undefined,
        size: undefined,
      };
      this.map.set(name, e);
    }
    return e;
  }

  all(): IterableIterator<SymbolEntry> {
    return this.map.values();
  }

  /** Defines a label; a second definition of the same name is an error. */
  defineLabel(name: string, section: InputSection, offset: number, pos: SourcePos): void {
    const e = this.entry(name);
    if (e.def !== undefined)
      throw new AsmFail(pos.col, `symbol '${name}' is already defined${where(e.pos)}`);
    e.def = { kind: "label", section, offset };
    e.pos = pos;
  }

  /** Defines or redefines (unless `once`, for .equiv) an expression symbol. */
  defineEqu(
    name: string,
    expr: Expr,
    section: InputSection,
    offset: number,
    pos: SourcePos,
    once: boolean,
  ): void {
    const e = this.entry(name);
    if (e.def?.kind === "label" || (once && e.def !== undefined)) {
      throw new AsmFail(pos.col, `symbol '${name}' is already defined${where(e.pos)}`);
    }
    if (registerNumber(name) !== undefined)
      throw new AsmFail(pos.col, `'${name}' is a register name and cannot be a symbol`);
    const def: EquDef = {
      expr,
      dot: { base: { kind: "section", section }, offset: BigInt(offset) },
      seq: ++this.seq,
      busy: false,
    };
    if (e.def === undefined) {
      e.def = { kind: "equ", defs: [def] };
      e.pos = pos;
    } else e.def.defs.push(def);
  }

  /** An evaluation context seeing the definitions numbered up to `seq`, with `.` = `dot`. */
  context(seq: number, dot: Value, host: SymbolHost, early?: string): EvalContext {
    return {
      symbol: (name, col) => this.lookup(name, seq, col, host, early),
      dot: () => dot,
      warn: (col, message) => host.warn(host.at(col), message),
    };
  }

  /**
   * The value of `name` as seen after `seq` definitions; throws AsmFail if undefined. `early`
   * (pass 1 only) says why the value is needed before the end of the source.
   */
  lookup(name: string, seq: number, col: number, host: SymbolHost, early?: string): Value {
    const def = this.map.get(name)?.def;
    if (def?.kind === "label")
      return { base: { kind: "section", section: def.section }, offset: BigInt(def.offset) };
    if (def?.kind === "equ") return this.evalEqu(name, pick(def.defs, seq), col, host);
    if (LINKER_SYMBOLS.has(name)) return { base: { kind: "linker", name }, offset: 0n };
    if (
      early !== undefined &&
      !name.includes(NUMERIC_LABEL_SEPARATOR) &&
      registerNumber(name) === undefined
    ) {
      throw new AsmFail(
        col,
        `${early} needs a value known at this point, but '${name}' is not defined before it`,
      );
    }
    throw new AsmFail(col, undefinedMessage(name));
  }

  /**
   * The value of one definition, kept once known (a value cannot change once everything it names
   * is defined; so a warning its expression gives is given once). Deep in an evaluation, a
   * definition not known yet is Deferred for the outermost evaluate() to compute first.
   */
  private evalEqu(name: string, def: EquDef, col: number, host: SymbolHost): Value {
    if (def.value !== undefined) return def.value;
    if (shouldDefer())
      throw new Deferred(def, name, col, () => void this.evalEqu(name, def, col, host));
    if (def.busy || def.onCycle) throw new CycleFail(col, name);
    def.busy = true;
    try {
      def.value = evaluate(def.expr, this.context(def.seq - 1, def.dot, host));
      return def.value;
    } catch (e) {
      if (e instanceof CycleFail) def.onCycle = true; // it can never have a value
      throw e;
    } finally {
      def.busy = false;
    }
  }

  /** The value at the end of the source, or undefined if it has none (or is not an address/number). */
  finalValue(
    e: SymbolEntry,
    host: SymbolHost,
  ): { section: InputSection | undefined; offset: number } | undefined {
    if (e.def === undefined) return undefined;
    if (e.def.kind === "label") return { section: e.def.section, offset: e.def.offset };
    try {
      const v = this.evalEqu(e.name, e.def.defs.at(-1)!, 0, host);
      if (v.base?.kind === "linker") return undefined;
      const offset = Number(BigInt.asUintN(32, v.offset));
      return {
        section: v.base === undefined ? undefined : (v.base.section as InputSection),
        offset,
      };
    } catch (err) {
      if (err instanceof AsmFail) return undefined;
      throw err;
    }
  }

  /** The .size of a symbol (0 if none); a bad .size expression is reported as an error. */
  sizeOf(e: SymbolEntry, host: SymbolHost): number {
    if (e.size === undefined) return 0;
    const { expr, seq, dot, pos } = e.size;
    try {
      const v = evaluate(expr, this.context(seq, dot, host));
      if (v.base === undefined) return Number(BigInt.asUintN(32, v.offset));
      host.error(pos, `.size of '${e.name}' must be a number, not an address`);
    } catch (err) {
      if (!(err instanceof AsmFail)) throw err;
      host.error({ ...pos, col: err.col }, err.message);
    }
    return 0;
  }
}

/** The definition in effect after `seq` definitions; a forward reference sees the first one. */
function pick(defs: EquDef[], seq: number): EquDef {
  // Binary search: defs are in seq order, and a symbol may be redefined thousands of times.
  let lo = 0;
  let hi = defs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (defs[mid]!.seq <= seq) lo = mid;
    else hi = mid - 1;
  }
  return defs[lo]!;
}

function where(pos: SourcePos | undefined): string {
  return pos === undefined ? "" : ` (at ${pos.file}:${pos.line}:${pos.col})`;
}

function undefinedMessage(name: string): string {
  const sep = name.indexOf(NUMERIC_LABEL_SEPARATOR);
  if (sep >= 0) {
    const label = name.slice(0, sep);
    return `'${label}f' refers forward to a label '${label}:' but there is none after it`;
  }
  if (registerNumber(name) !== undefined)
    return `register '${name}' cannot be used in an expression`;
  return `undefined symbol '${name}'`;
}
