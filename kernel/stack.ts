// The Linux initial process stack (System V ABI, as the RISC-V Linux kernel builds it):
//
//   high  strings: argv[] and envp[] text, the 16 AT_RANDOM bytes
//         (padding to 16 bytes)
//         auxv: (key, value) pairs ending with AT_NULL
//         NULL, envp[n-1] .. envp[0]
//         NULL, argv[argc-1] .. argv[0]
//   sp -> argc                                            (sp is 16-byte aligned)
import { Auxv } from "./abi.js";

export interface StackImage {
  /** The initial sp. */
  sp: number;
  /** Bytes to place at `sp` (they end at the stack top). */
  bytes: Uint8Array;
}

export interface StackArgs {
  top: number;
  argv: readonly string[];
  envp: readonly string[];
  entry: number;
  /** 16 bytes for AT_RANDOM (from the machine's seeded PRNG, so runs repeat). */
  random: Uint8Array;
}

/** Lays out the initial stack ending at `top`; returns null if it would need more than `max` bytes. */
export function buildInitialStack(a: StackArgs, max: number): StackImage | null {
  const enc = new TextEncoder();
  const strings = [...a.argv, ...a.envp].map((s) => enc.encode(`${s}\0`));
  const stringBytes = strings.reduce((n, s) => n + s.length, 0) + a.random.length;
  const auxv: [number, number][] = [
    [Auxv.AT_PAGESZ, 4096],
    [Auxv.AT_ENTRY, a.entry],
    [Auxv.AT_UID, 0],
    [Auxv.AT_EUID, 0],
    [Auxv.AT_GID, 0],
    [Auxv.AT_EGID, 0],
    [Auxv.AT_RANDOM, 0],
    [Auxv.AT_NULL, 0],
  ];
  const words = 1 + a.argv.length + 1 + a.envp.length + 1 + auxv.length * 2;
  const stringsAt = (a.top - stringBytes) & ~15;
  const sp = (stringsAt - words * 4) & ~15;
  const size = a.top - sp;
  if (size > max || sp < 0) return null;
  const bytes = new Uint8Array(size);
  const dv = new DataView(bytes.buffer);
  let str = stringsAt;
  const addrs: number[] = [];
  for (const s of strings) {
    addrs.push(str);
    bytes.set(s, str - sp);
    str += s.length;
  }
  bytes.set(a.random, str - sp);
  const randomAt = str;
  const vec: number[] = [
    a.argv.length,
    ...addrs.slice(0, a.argv.length),
    0,
    ...addrs.slice(a.argv.length),
    0,
  ];
  for (const [k, v] of auxv) vec.push(k, k === Auxv.AT_RANDOM ? randomAt : v);
  for (const [i, w] of vec.entries()) dv.setUint32(i * 4, w >>> 0, true);
  return { sp, bytes };
}
