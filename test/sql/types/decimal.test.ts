// Decimal: property tests against exact bigint/rational references, plus the
// API details the fixtures do not reach.

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Decimal, applyTypmod, pow10, selectDivScale } from '../../../src/sql/types/decimal.ts';
import { numericPower, numericSqrt } from '../../../src/sql/types/decimal-math.ts';
import { FlintError } from '../../../src/errors.ts';

const SEED = 20240615;
const RUNS = 2000;

/** A finite Decimal from a coefficient and scale. */
const decimal = fc
  .record({ coef: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), scale: fc.integer({ min: 0, max: 12 }) })
  .map(({ coef, scale }) => Decimal.of(coef, scale));
const nonZero = decimal.filter((d) => !d.isZero());

/** Exact rational a = n / d with d > 0. */
function rational(d: Decimal): [bigint, bigint] {
  return [d.coef, pow10(d.scale)];
}

function cmpRational([an, ad]: [bigint, bigint], [bn, bd]: [bigint, bigint]): number {
  const l = an * bd;
  const r = bn * ad;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Reference rounding of n/d (d > 0) to an integer, half away from zero. */
function roundHalfAway(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const twice = 2n * (r < 0n ? -r : r);
  if (twice >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

describe('Decimal arithmetic matches exact rational arithmetic', () => {
  const opts = { seed: SEED, numRuns: RUNS };

  it('add and sub are exact at the larger scale', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const sum = a.add(b);
        const diff = a.sub(b);
        const scale = Math.max(a.scale, b.scale);
        expect(sum.scale).toBe(scale);
        expect(diff.scale).toBe(scale);
        const [an, ad] = rational(a);
        const [bn, bd] = rational(b);
        expect(cmpRational(rational(sum), [an * bd + bn * ad, ad * bd])).toBe(0);
        expect(cmpRational(rational(diff), [an * bd - bn * ad, ad * bd])).toBe(0);
      }),
      opts,
    );
  });

  it('mul is exact with the scales added', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        const p = a.mul(b);
        expect(p.scale).toBe(a.scale + b.scale);
        expect(p.coef).toBe(a.coef * b.coef);
      }),
      opts,
    );
  });

  it('div rounds the exact quotient half away from zero at select_div_scale', () => {
    fc.assert(
      fc.property(decimal, nonZero, (a, b) => {
        const q = a.div(b);
        const rscale = selectDivScale(a, b);
        expect(q.scale).toBe(rscale);
        // a/b * 10^rscale = (an * bd * 10^rscale) / (ad * bn)
        const [an, ad] = rational(a);
        const [bn, bd] = rational(b);
        let num = an * bd * pow10(rscale);
        let den = ad * bn;
        if (den < 0n) {
          num = -num;
          den = -den;
        }
        expect(q.coef).toBe(roundHalfAway(num, den));
      }),
      opts,
    );
  });

  it('mod has the dividend sign and a + (a div b) * b identity', () => {
    fc.assert(
      fc.property(decimal, nonZero, (a, b) => {
        const m = a.mod(b);
        expect(m.scale).toBe(Math.max(a.scale, b.scale));
        if (!m.isZero()) expect(m.sign()).toBe(a.sign());
        expect(m.abs().compare(b.abs())).toBe(-1);
        // a = trunc(a / b) * b + a % b
        const t = a.divTrunc(b);
        expect(t.mul(b).add(m).compare(a)).toBe(0);
      }),
      opts,
    );
  });

  it('compare agrees with rational comparison and is antisymmetric', () => {
    fc.assert(
      fc.property(decimal, decimal, (a, b) => {
        expect(a.compare(b)).toBe(cmpRational(rational(a), rational(b)));
        expect(b.compare(a)).toBe(-a.compare(b));
        expect(a.equals(b)).toBe(a.hashKey() === b.hashKey());
      }),
      opts,
    );
  });

  it('round and trunc agree with the reference at any scale, including negative ones', () => {
    fc.assert(
      fc.property(decimal, fc.integer({ min: -6, max: 14 }), (a, s) => {
        const [n, d] = rational(a);
        // value * 10^s rounded, then scaled back
        const num = s >= 0 ? n * pow10(s) : n;
        const den = s >= 0 ? d : d * pow10(-s);
        const r = a.round(s);
        const t = a.trunc(s);
        expect(r.scale).toBe(Math.max(s, 0));
        const expectR = roundHalfAway(num, den);
        const expectT = num / den;
        const back = (q: bigint): [bigint, bigint] => (s >= 0 ? [q, pow10(s)] : [q * pow10(-s), 1n]);
        expect(cmpRational(rational(r), back(expectR))).toBe(0);
        expect(cmpRational(rational(t), back(expectT))).toBe(0);
      }),
      opts,
    );
  });

  it('text round-trips exactly, scale included', () => {
    fc.assert(
      fc.property(decimal, (a) => {
        const b = Decimal.parse(a.toString());
        expect(b.coef).toBe(a.coef);
        expect(b.scale).toBe(a.scale);
        expect(Number(a.toString())).toBe(a.toNumber());
      }),
      opts,
    );
  });

  it('fromNumber keeps 15 significant digits like float8::numeric', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }), (x) => {
        const d = Decimal.fromNumber(x);
        expect(Math.abs(d.toNumber() - x)).toBeLessThanOrEqual(Math.abs(x) * 1e-14);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('sqrt of a square is exact', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), (n) => {
        const r = numericSqrt(Decimal.fromBigInt(n * n));
        expect(r.trimScale().coef).toBe(n);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('integer powers are exact (rounded to scale 16)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -999n, max: 999n }), fc.integer({ min: 0, max: 12 }), (b, e) => {
        const r = numericPower(Decimal.fromBigInt(b), Decimal.fromInt(e));
        expect(r.scale).toBe(16);
        expect(r.trimScale().coef).toBe(b ** BigInt(e));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});

describe('Decimal API', () => {
  it('keeps NaN and the infinities in a total order', () => {
    const values = ['-Infinity', '-1e100', '0', '1.5', 'Infinity', 'NaN'].map((s) => Decimal.parse(s));
    for (let i = 0; i < values.length; i++) {
      for (let j = 0; j < values.length; j++) expect(values[i]!.compare(values[j]!)).toBe(Math.sign(i - j));
    }
  });

  it('applies numeric(p, s) like apply_typmod', () => {
    expect(applyTypmod(Decimal.parse('1.55'), 5, 1).toString()).toBe('1.6');
    expect(applyTypmod(Decimal.parse('12345'), 5, -2).toString()).toBe('12300');
    expect(applyTypmod(Decimal.NaN, 3, 1).isNaN()).toBe(true);
    const err = (() => {
      try {
        applyTypmod(Decimal.parse('1234.5'), 3, 1);
      } catch (e) {
        return e as FlintError;
      }
      return undefined;
    })();
    expect(err?.code).toBe('22003');
    expect(err?.message).toBe('numeric field overflow');
    expect(err?.detail).toBe('A field with precision 3, scale 1 must round to an absolute value less than 10^2.');
  });

  it('converts to bigint with rounding and refuses NaN', () => {
    expect(Decimal.parse('2.5').toBigInt()).toBe(3n);
    expect(Decimal.parse('-2.5').toBigInt()).toBe(-3n);
    expect(() => Decimal.NaN.toBigInt('integer')).toThrow('cannot convert NaN to integer');
  });

  it('rejects absurd exponents without building huge numbers', () => {
    expect(() => Decimal.parse('1e999999999')).toThrow('value overflows numeric format');
    expect(Decimal.parse('0e999999999').isZero()).toBe(true);
  });
});
