import { describe, it, expect } from 'vitest';
import { Prng } from '../../../src/storage/vfs/index.ts';

describe('Prng', () => {
  it('repeats its sequence from the same seed', () => {
    const a = new Prng(123);
    const b = new Prng(123);
    for (let i = 0; i < 1000; i++) expect(a.u32()).toBe(b.u32());
  });

  it('gives different sequences for nearby seeds, seed 0 included', () => {
    const first = [0, 1, 2, 3].map((s) => new Prng(s).u32());
    expect(new Set(first).size).toBe(4);
  });

  it('takes the seed modulo 2^32', () => {
    expect(new Prng(-1).seed).toBe(0xffffffff);
    expect(new Prng(2 ** 32 + 5).u32()).toBe(new Prng(5).u32());
  });

  it('keeps int() in range and roughly uniform', () => {
    const prng = new Prng(7);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) {
      const v = prng.int(10);
      expect(v >= 0 && v < 10 && Number.isInteger(v)).toBe(true);
      counts[v] = (counts[v] ?? 0) + 1;
    }
    for (const c of counts) expect(c > 850 && c < 1150).toBe(true);
  });

  it('handles bounds past 2^32 and float() in [0, 1)', () => {
    const prng = new Prng(8);
    for (let i = 0; i < 1000; i++) {
      const big = prng.int(2 ** 40);
      expect(big >= 0 && big < 2 ** 40 && Number.isInteger(big)).toBe(true);
      const f = prng.float();
      expect(f >= 0 && f < 1).toBe(true);
      const r = prng.range(-3, 3);
      expect(r >= -3 && r <= 3).toBe(true);
    }
  });

  it('chance(0) is never and chance(1) is always', () => {
    const prng = new Prng(9);
    for (let i = 0; i < 100; i++) {
      expect(prng.chance(0)).toBe(false);
      expect(prng.chance(1)).toBe(true);
    }
  });

  it('forks a generator that is deterministic and independent of later draws', () => {
    const a = new Prng(10);
    const b = new Prng(10);
    const fa = a.fork();
    const fb = b.fork();
    expect(fa.u32()).toBe(fb.u32());
    expect(fa.seed).not.toBe(a.seed);
  });

  it('rejects bad bounds as a bug', () => {
    const prng = new Prng(11);
    expect(() => prng.int(0)).toThrow(/assertion failed/);
    expect(() => prng.int(1.5)).toThrow(/assertion failed/);
    expect(() => new Prng(Number.NaN)).toThrow(/assertion failed/);
  });
});
