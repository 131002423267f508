// The WebAssembly binary writer the compiling engine uses (hw/compile/wasm-binary.ts): its
// number encodings, checked by compiling modules with them and running them (the host's
// WebAssembly is the peer). Whole chunks are checked against the interpreter in
// test/hw/compile.test.ts and test/compile/.
import { describe, expect, it } from "vitest";
import { wasmApi } from "../../hw/arena.js";
import { Bytes, F64, I32, moduleOf, Op } from "../../hw/compile/wasm-binary.js";

const EDGES = [
  0, 1, -1, 63, 64, -64, -65, 127, 128, -128, -129, 8191, 8192, -8192, -8193, 0x7ff, -0x800,
  0xfffff, -0x100000, 0x7fffffff, -0x80000000, 0x12345678, -0x12345678,
];

/** Runs a function (i32, i32, f64, i32) -> i32 with `body`, importing `tr`. */
function run(
  body: Bytes,
  args: [number, number, number, number],
  tr: (...a: number[]) => number = () => 0,
): number {
  const type = { params: [I32, I32, F64, I32], result: I32 };
  const bytes = moduleOf({
    types: [type],
    imports: [["tr", 0]],
    table: false,
    locals: [[1, I32]],
    body,
  });
  const memory = new (wasmApi as NonNullable<typeof wasmApi>).Memory({ initial: 1 });
  const module = new wasmApi!.Module(bytes);
  const f = new wasmApi!.Instance(module, { e: { m: memory, tr } }).exports.f as (
    ...a: number[]
  ) => number;
  return f(...args);
}

describe.skipIf(wasmApi === undefined)("the WebAssembly binary writer", () => {
  it("encodes every i32.const as its value (signed LEB128)", () => {
    for (const v of EDGES) {
      expect(run(new Bytes().byte(Op.i32_const).s32(v), [0, 0, 0, 0]), String(v)).toBe(v);
    }
  });

  it("encodes local indices and memory offsets (unsigned LEB128) and f64 constants", () => {
    // local 4 (the declared one) = param 3; store it at offset 300; load it back; add f64 2.5 as
    // an i32 through the imported function's result, which echoes its arguments' sum.
    const body = new Bytes()
      .byte(Op.local_get)
      .u32(3)
      .byte(Op.local_set)
      .u32(4)
      .byte(Op.i32_const)
      .s32(0)
      .byte(Op.local_get)
      .u32(4)
      .byte(Op.i32_store)
      .u32(2)
      .u32(300)
      .byte(Op.i32_const)
      .s32(0)
      .byte(Op.i32_load)
      .u32(2)
      .u32(300)
      .byte(Op.i32_const)
      .s32(0)
      .byte(Op.f64_const)
      .f64(2.5)
      .byte(Op.i32_const)
      .s32(0)
      .byte(Op.call)
      .u32(0);
    const echo = (a: number, _b: number, t: number) => a + Math.floor(t * 2);
    expect(run(body, [0, 0, 0, 200_000], echo)).toBe(200_005);
  });

  it("grows its buffer past its first kilobyte", () => {
    const b = new Bytes();
    for (let i = 0; i < 5000; i++) b.byte(i & 0xff);
    expect(b.length).toBe(5000);
    expect(b.view()[4999]).toBe(4999 & 0xff);
  });
});
