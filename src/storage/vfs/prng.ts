// A small seeded pseudo-random generator: xoshiro128** (Blackman and Vigna),
// seeded through splitmix32. Deterministic on every runtime, so a failure found
// by a fault-injection test replays exactly from its seed.
//
// Not for cryptography. Period 2^128 - 1.

import { assert } from '../../errors.ts';

/** Largest bound `int()` accepts: results must stay exact in a double. */
const INT_BOUND_MAX = Number.MAX_SAFE_INTEGER;

export class Prng {
  readonly seed: number;
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** `seed` is taken modulo 2^32; any integer works, 0 included. */
  constructor(seed: number) {
    assert(Number.isSafeInteger(seed), `PRNG seed must be an integer, got ${seed}`);
    this.seed = seed >>> 0;
    let x = this.seed;
    const next = (): number => {
      // splitmix32: spreads one 32-bit seed over the 128-bit state.
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.#s0 = next();
    this.#s1 = next();
    this.#s2 = next();
    this.#s3 = next();
    // The all-zero state is the one state xoshiro never leaves.
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
  }

  /** A uniform unsigned 32-bit integer. */
  u32(): number {
    const s0 = this.#s0;
    const s1 = this.#s1;
    const s2 = this.#s2;
    const s3 = this.#s3;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    this.#s1 = s1 ^ n2;
    this.#s0 = s0 ^ n3;
    this.#s2 = n2 ^ t;
    this.#s3 = rotl(n3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  float(): number {
    const hi = this.u32() >>> 5; // 27 bits
    const lo = this.u32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** A uniform integer in [0, bound). `bound` is a positive safe integer. */
  int(bound: number): number {
    assert(Number.isSafeInteger(bound) && bound > 0 && bound <= INT_BOUND_MAX, `PRNG bound must be a positive safe integer, got ${bound}`);
    if (bound <= 0x100000000) {
      // Rejection sampling keeps the result unbiased; at most a few rounds expected.
      const limit = 0x100000000 - (0x100000000 % bound);
      for (;;) {
        const r = this.u32();
        if (r < limit) return r % bound;
      }
    }
    return Math.floor(this.float() * bound);
  }

  /** An integer in [min, max], both inclusive. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability `p` (0 never, 1 always). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.float() < p;
  }

  /** An independent generator whose seed is drawn from this one. */
  fork(): Prng {
    return new Prng(this.u32());
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
