// quiz/random.ts against CPython 3.11: every expected value below was printed by python3's own
// `random` module (see the comment on each block for the Python that produced it).
import { describe, expect, it } from "vitest";
import { PyRandom, seedKey } from "../../quiz/random.js";

describe("PyRandom.random matches CPython random.random()", () => {
  // python3 -c "import random; random.seed(S); print([repr(random.random()) for _ in range(3)])"
  const cases: [bigint, string[]][] = [
    [0n, ["0.8444218515250481", "0.7579544029403025", "0.420571580830845"]],
    [1n, ["0.13436424411240122", "0.8474337369372327", "0.763774618976614"]],
    [2n, ["0.9560342718892494", "0.9478274870593494", "0.05655136772680869"]],
    [42n, ["0.6394267984578837", "0.025010755222666936", "0.27502931836911926"]],
    [-1n, ["0.13436424411240122", "0.8474337369372327", "0.763774618976614"]],
    [-42n, ["0.6394267984578837", "0.025010755222666936", "0.27502931836911926"]],
    [4294967295n, ["0.6353574441341173", "0.20319993954407756", "0.6073666030347188"]],
    [4294967296n, ["0.11299430095636409", "0.41782886486292836", "0.0166763664992291"]],
    [4294967301n, ["0.15727238718789782", "0.2824866316461999", "0.6044540318498407"]],
    [12345678901234567890n, ["0.5120180983871961", "0.9318805526703359", "0.6423121128048344"]],
    [-(2n ** 70n) + 3n, ["0.04746635059516835", "0.37280136789165286", "0.8826619670749201"]],
  ];
  for (const [seed, expected] of cases) {
    it(`seed ${seed}`, () => {
      const rng = new PyRandom(seed);
      expect([rng.random(), rng.random(), rng.random()].map(String)).toEqual(expected);
    });
  }

  it("stays in step after a state twist (seed 3, draw 1001)", () => {
    const rng = new PyRandom(3);
    for (let i = 0; i < 1000; i++) rng.random();
    expect(rng.random()).toBe(0.20235759117000895);
  });

  it("re-seeding restarts the sequence", () => {
    const rng = new PyRandom(5);
    const first = rng.random();
    rng.seed(0);
    expect(rng.random()).toBe(0.8444218515250481);
    rng.seed(5);
    expect(rng.random()).toBe(first);
  });
});

describe("seedKey splits |seed| into little-endian 32-bit words", () => {
  it("zero is a single zero word", () => expect(seedKey(0n)).toEqual([0]));
  it("sign is dropped", () => expect(seedKey(-5n)).toEqual([5]));
  it("2**32 needs two words", () => expect(seedKey(2n ** 32n)).toEqual([0, 1]));
});

describe("the integer helpers match random.py", () => {
  it("getrandbits for 0..100 bits", () => {
    // random.seed(7); [random.getrandbits(k) for k in (0,1,5,31,32,33,64,100)]
    const rng = new PyRandom(7);
    const got = [0, 1, 5, 31, 32, 33, 64, 100].map((k) => rng.getrandbits(k));
    expect(got).toEqual([
      0n,
      0n,
      30n,
      323946139n,
      1695753998n,
      2795742288n,
      15149836622520594227n,
      742026323667635606410750824491n,
    ]);
  });

  it("randint, randrange with steps and a wide range", () => {
    // random.seed(7); [random.randint(1,6) for _ in range(10)], random.randrange(10, 100, 7),
    // random.randrange(100, 10, -3), random.randrange(2**40)
    const rng = new PyRandom(7);
    const dice = Array.from({ length: 10 }, () => rng.randint(1, 6));
    expect(dice).toEqual([3, 2, 4, 6, 1, 1, 5, 1, 3, 5]);
    expect(rng.randrange(10, 100, 7)).toBe(10);
    expect(rng.randrange(100, 10, -3)).toBe(13);
    expect(rng.randrange(2 ** 40)).toBe(470330855157);
  });

  it("shuffle, choice, uniform", () => {
    // random.seed(7); x=list(range(10)); random.shuffle(x); x, random.choice('abcdef'),
    // random.uniform(2.5, 10)
    const rng = new PyRandom(7);
    const x = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    rng.shuffle(x);
    expect(x).toEqual([8, 3, 1, 4, 7, 0, 9, 6, 2, 5]);
    expect(rng.choice([..."abcdef"])).toBe("e");
    expect(rng.uniform(2.5, 10)).toBe(4.110236356267463);
  });

  it("empty ranges throw as Python raises", () => {
    const rng = new PyRandom(0);
    expect(() => rng.randrange(0)).toThrow(/empty range/);
    expect(() => rng.randrange(5, 5)).toThrow(/empty range/);
    expect(() => rng.randrange(1, 5, 0)).toThrow(/zero step/);
    expect(() => rng.choice([])).toThrow(/empty sequence/);
  });
});
