/**
 * A seeded random source: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator, 128-bit state,
 * passes PractRand), seeded through splitmix32. Inline rather than a package because the project has no
 * PRNG among its dependencies; the generator draws tens of millions of numbers for a million events, and
 * this is a few 32-bit operations per draw with no allocation.
 */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  private constructor(a: number, b: number, c: number, d: number) {
    this.#a = a;
    this.#b = b;
    this.#c = c;
    this.#d = d;
    // The first outputs of a fresh sfc32 state are poorly mixed; the reference implementation skips them.
    for (let i = 0; i < 15; i++) this.#next();
  }

  /**
   * `count` independent streams for one seed, each with its own state drawn from splitmix32. Separate
   * streams keep the parts stable: the catalogue for a seed does not change when only `--events` does.
   */
  static streams(seed: number, count: number): Random[] {
    const mix = splitmix32(seed);
    const streams: Random[] = [];
    for (let i = 0; i < count; i++) streams.push(new Random(mix(), mix(), mix(), mix()));
    return streams;
  }

  /** Uniform in [0, 1), 32 bits of resolution: plenty for choices, never used for identifiers' uniqueness. */
  float(): number {
    return this.#next() / 4294967296;
  }

  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** An index in [0, n) skewed towards 0: `power` 1 is uniform, higher makes the first items popular. */
  skewedIndex(n: number, power: number): number {
    return Math.floor(n * this.float() ** power);
  }

  /** Exponentially distributed, with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.float());
  }

  /** Log-normal: exp of a normal with mean `mu` and deviation `sigma` (Box–Muller). */
  logNormal(mu: number, sigma: number): number {
    const u = 1 - this.float();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.float());
    return Math.exp(mu + sigma * normal);
  }

  /** sfc32's step: an unsigned 32-bit output. */
  #next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }
}

/** splitmix32: spreads one 32-bit seed into a well-mixed sequence of state words. */
function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}
