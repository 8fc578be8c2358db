import { xoroshiro128plus, type RandomGenerator } from 'pure-rand';

/**
 * A seeded random source. Wraps pure-rand's xoroshiro128+ and uses its in-place (`unsafe*`) API: the
 * generator draws tens of millions of numbers for a million events, and the pure API would allocate a
 * new generator object per draw.
 */
export class Random {
  readonly #gen: RandomGenerator;

  private constructor(gen: RandomGenerator) {
    this.#gen = gen;
  }

  /**
   * `count` independent streams for one seed, each one jump (2^64 draws) apart. Separate streams keep
   * the parts stable: the catalogue for a seed does not change when only `--events` changes.
   */
  static streams(seed: number, count: number): Random[] {
    const gen = xoroshiro128plus(seed | 0);
    const streams: Random[] = [];
    for (let i = 0; i < count; i++) {
      streams.push(new Random(gen.clone()));
      gen.unsafeJump!();
    }
    return streams;
  }

  /** Uniform in [0, 1), 32 bits of resolution: plenty for choices, never used for identifiers' uniqueness. */
  float(): number {
    return (this.#gen.unsafeNext() >>> 0) / 4294967296;
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
}
