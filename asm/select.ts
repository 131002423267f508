// Choosing an instruction's form from the kinds of its operands, and saying precisely what is
// wrong when none fits.
import { AsmFail } from "./diagnostics.js";
import type { Form } from "./instructions.js";
import { registerNumber } from "./isa.js";
import { kindLetter, type Operand } from "./operands.js";

const KIND_NAMES: Readonly<Record<string, string>> = {
  r: "a register",
  i: "a number or symbol",
  m: "a memory operand like 8(sp)",
};

/** The first form whose operand kinds match; throws AsmFail naming the first bad operand. */
export function chooseForm(
  mnemonic: string,
  forms: readonly Form[],
  ops: readonly Operand[],
  col: number,
): Form {
  const sig = ops.map(kindLetter).join("");
  const exact = forms.find((f) => f.sig === sig);
  if (exact !== undefined) return exact;
  const sameCount = forms.filter((f) => f.sig.length === ops.length);
  if (sameCount.length === 0) throw new AsmFail(col, countMessage(mnemonic, forms, ops.length));
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const wanted = [...new Set(sameCount.map((f) => f.sig[i]!))];
    if (!wanted.includes(kindLetter(op))) {
      const what = wanted.map((k) => KIND_NAMES[k]).join(" or ");
      throw new AsmFail(
        op.col,
        `operand ${i + 1} of '${mnemonic}' must be ${what}, not ${describeOperand(op)}`,
      );
    }
  }
  throw new AsmFail(
    col,
    `the operands of '${mnemonic}' match none of its forms: ${syntaxList(mnemonic, forms)}`,
  );
}

function countMessage(mnemonic: string, forms: readonly Form[], got: number): string {
  const counts = [...new Set(forms.map((f) => f.sig.length))].sort((a, b) => a - b);
  const takes =
    counts.length === 1
      ? plural(counts[0]!)
      : `${counts.slice(0, -1).join(", ")} or ${plural(counts.at(-1)!)}`;
  return `'${mnemonic}' takes ${takes} (${syntaxList(mnemonic, forms)}), not ${got}`;
}

const plural = (n: number): string => (n === 1 ? "1 operand" : `${n} operands`);

function syntaxList(mnemonic: string, forms: readonly Form[]): string {
  return forms.map((f) => (f.syntax === "" ? mnemonic : `${mnemonic} ${f.syntax}`)).join(" | ");
}

function describeOperand(op: Operand): string {
  if (op.kind === "reg") return "a register";
  if (op.kind === "mem") return "a memory operand";
  if (op.fn !== undefined) return `%${op.fn}(...)`;
  const e = op.expr;
  if (e.op === "sym") {
    const lower = e.name.toLowerCase();
    if (lower !== e.name && registerNumber(lower) !== undefined)
      return `'${e.name}' (register names are lower case)`;
    return `'${e.name}'`;
  }
  if (e.op === "num") return `the number ${e.value}`;
  return "an expression";
}
