// The machine's one seeded pseudo-random generator (xorshift32): every random choice the machine
// or kernel makes (random TLB or page replacement) draws from it, so runs are reproducible.

export class Prng {
  private state: number;

  /** Any integer seed; 0 is mapped to a fixed non-zero state. */
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e37_79b9;
  }

  /** The next 32-bit unsigned value. */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }

  /** A whole number in [0, n); n must be at least 1. */
  below(n: number): number {
    return this.next() % n;
  }
}
