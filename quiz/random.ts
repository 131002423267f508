// CPython's `random` module, draw for draw: the Mersenne Twister MT19937 core (_randommodule.c)
// and the Python-level helpers of random.py as of Python 3.11 (getrandbits-based _randbelow).
// The OSTEP simulators seed it with an int and call random(); the rest is here so that other
// quizzes can reproduce other Python programs too.

const N = 624; // words of state
const M = 397; // the "middle word" offset of the recurrence
const MATRIX_A = 0x9908b0df; // constant vector a
const UPPER_MASK = 0x80000000; // most significant w-r bits
const LOWER_MASK = 0x7fffffff; // least significant r bits

/** A `random.Random` instance of CPython 3.11, seeded with an int. */
export class PyRandom {
  private readonly mt = new Uint32Array(N);
  private index = N + 1;

  /** Seeds as `random.seed(seed)` does for an int (also `version=1`): all bits of |seed| are used. */
  constructor(seed: bigint | number = 0) {
    this.seed(seed);
  }

  /** Re-seeds exactly as CPython's `random.seed(int)`: init_by_array over |seed|'s 32-bit words. */
  seed(seed: bigint | number): void {
    this.initByArray(seedKey(BigInt(seed)));
  }

  /** A float in [0, 1) with 53 random bits, as `random.random()` (two 32-bit draws). */
  random(): number {
    const a = this.genrandUint32() >>> 5;
    const b = this.genrandUint32() >>> 6;
    return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
  }

  /** `random.getrandbits(k)` for 0 <= k <= 32, as a number. */
  getrandbits32(k: number): number {
    if (!Number.isInteger(k) || k < 0 || k > 32) throw new RangeError(`getrandbits32: bad k ${k}`);
    if (k === 0) return 0;
    return this.genrandUint32() >>> (32 - k);
  }

  /** `random.getrandbits(k)` for any k >= 0: 32-bit words drawn least significant first. */
  getrandbits(k: number): bigint {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`getrandbits: bad k ${k}`);
    if (k <= 32) return BigInt(this.getrandbits32(k));
    let result = 0n;
    let shift = 0n;
    for (let left = k; left > 0; left -= 32) {
      let r = this.genrandUint32();
      if (left < 32) r >>>= 32 - left;
      result |= BigInt(r) << shift;
      shift += 32n;
    }
    return result;
  }

  /** `random._randbelow(n)`: an int in [0, n) by rejection on n.bit_length() bits; n must be > 0. */
  randbelow(n: number): number {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`randbelow: bad n ${n}`);
    const k = bitLength(n);
    if (k <= 32) {
      let r = this.getrandbits32(k);
      while (r >= n) r = this.getrandbits32(k);
      return r;
    }
    const big = BigInt(n);
    let r = this.getrandbits(k);
    while (r >= big) r = this.getrandbits(k);
    return Number(r);
  }

  /** `random.randrange(start, stop, step)`; with one argument, `randrange(stop)`. Throws on an empty range. */
  randrange(start: number, stop?: number, step = 1): number {
    if (stop === undefined) {
      if (start > 0) return this.randbelow(start);
      throw new RangeError("empty range for randrange()");
    }
    const width = stop - start;
    if (step === 1) {
      if (width > 0) return start + this.randbelow(width);
      throw new RangeError(`empty range for randrange() (${start}, ${stop}, ${width})`);
    }
    let n: number;
    if (step > 0) n = Math.floor((width + step - 1) / step);
    else if (step < 0) n = Math.floor((width + step + 1) / step);
    else throw new RangeError("zero step for randrange()");
    if (n <= 0) throw new RangeError("empty range for randrange()");
    return start + step * this.randbelow(n);
  }

  /** `random.randint(a, b)`: an int in [a, b], both ends included. */
  randint(a: number, b: number): number {
    return this.randrange(a, b + 1);
  }

  /** `random.choice(seq)`; throws on an empty sequence. */
  choice<T>(seq: readonly T[]): T {
    if (seq.length === 0) throw new RangeError("Cannot choose from an empty sequence");
    return seq[this.randbelow(seq.length)] as T;
  }

  /** `random.shuffle(x)`: Fisher-Yates from the end, in place. */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i >= 1; i--) {
      const j = this.randbelow(i + 1);
      const t = x[i] as T;
      x[i] = x[j] as T;
      x[j] = t;
    }
  }

  /** `random.uniform(a, b)` = a + (b - a) * random(). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.random();
  }

  /** The next raw 32-bit output of MT19937 (genrand_uint32). */
  genrandUint32(): number {
    const mt = this.mt;
    if (this.index >= N) this.twist();
    let y = mt[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Regenerates all N words of state (the "generate N words at one time" step). */
  private twist(): void {
    const mt = this.mt;
    let kk = 0;
    for (; kk < N - M; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    for (; kk < N - 1; kk++) {
      const y = (mt[kk]! & UPPER_MASK) | (mt[kk + 1]! & LOWER_MASK);
      mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    }
    const y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
    this.index = 0;
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.index = N;
  }

  private initByArray(key: readonly number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      const mixed = (mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) >>> 0;
      mt[i] = (mixed + key[j]! + j) >>> 0; // non-linear
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      const mixed = (mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) >>> 0;
      mt[i] = (mixed - i) >>> 0; // non-linear
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000; // MSB is 1, assuring a non-zero initial array
    this.index = N;
  }
}

/** |seed| as little-endian 32-bit words; zero is one word [0] (CPython's random_seed). */
export function seedKey(seed: bigint): number[] {
  let n = seed < 0n ? -seed : seed;
  if (n === 0n) return [0];
  const key: number[] = [];
  while (n > 0n) {
    key.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return key;
}

/** Python's int.bit_length() for a non-negative safe integer. */
function bitLength(n: number): number {
  let bits = 0;
  while (n >= 1) {
    n = Math.floor(n / 2);
    bits++;
  }
  return bits;
}
