// Property tests over every type: text output parses back to an equal value,
// compareValues is a total order (reflexive, antisymmetric, transitive), and
// equal values share a hashKey (and, for these canonical keys, only they do).

import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { SqlType, TypeId } from '../../../src/sql/types/sql-type.ts';
import { T, type Value } from '../../../src/sql/types/type-info.ts';
import { Decimal } from '../../../src/sql/types/decimal.ts';
import { formatText, parseText } from '../../../src/sql/types/text-io.ts';
import { compareValues, compositeHashKey, hashKey } from '../../../src/sql/types/compare.ts';
import { toJsonb, parseJsonValue } from '../../../src/sql/types/json.ts';
import { DATE_END, DATE_MIN, TIMESTAMP_END, TIMESTAMP_MIN, DATE_POS_INFINITY, TIMESTAMP_NEG_INFINITY } from '../../../src/sql/types/calendar.ts';
import { contextFor } from './helpers/fixture.ts';

const SEED = 42;

const decimal = fc.oneof(
  { weight: 20, arbitrary: fc.record({ coef: fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), scale: fc.integer({ min: 0, max: 10 }) }).map(({ coef, scale }) => Decimal.of(coef, scale)) },
  { weight: 1, arbitrary: fc.constantFrom(Decimal.NaN, Decimal.Infinity, Decimal.NegativeInfinity) },
);

const text = fc.string({ unit: 'binary', maxLength: 12 });

// The reg* types and arrays need a catalog or an element type: tested in system-catalog.test.ts.
const ARBITRARIES: Record<Exclude<TypeId, 'unknown' | 'null' | 'regclass' | 'regtype' | 'regproc' | 'regnamespace' | 'regrole' | 'array'>, fc.Arbitrary<Value>> = {
  bool: fc.boolean(),
  int2: fc.integer({ min: -32768, max: 32767 }),
  int4: fc.integer({ min: -2147483648, max: 2147483647 }),
  int8: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
  float4: fc.float(),
  float8: fc.double(),
  numeric: decimal,
  text,
  varchar: text,
  // char(n) values as stored: trailing spaces are padding.
  bpchar: fc.tuple(text, fc.integer({ min: 0, max: 3 })).map(([s, n]) => s + ' '.repeat(n)),
  bytea: fc.uint8Array({ maxLength: 12 }),
  date: fc.oneof(fc.integer({ min: DATE_MIN, max: DATE_END - 1 }), fc.constant(DATE_POS_INFINITY)),
  timestamp: fc.oneof(fc.bigInt({ min: TIMESTAMP_MIN, max: TIMESTAMP_END - 1n }), fc.constant(TIMESTAMP_NEG_INFINITY)),
  timestamptz: fc.bigInt({ min: TIMESTAMP_MIN, max: TIMESTAMP_END - 1n }),
  interval: fc.record({
    months: fc.integer({ min: -2147483648, max: 2147483647 }),
    days: fc.integer({ min: -2147483648, max: 2147483647 }),
    micros: fc.bigInt({ min: -(2n ** 63n) + 1n, max: 2n ** 63n - 1n }),
  }),
  uuid: fc.uuid(),
  oid: fc.integer({ min: 0, max: 4294967295 }),
  jsonb: fc.jsonValue({ maxDepth: 3 }).map((v) => toJsonb(parseJsonValue(JSON.stringify(v)))),
};

const TYPES = Object.keys(ARBITRARIES) as (keyof typeof ARBITRARIES)[];

function sameValue(a: Value, b: Value, type: SqlType): boolean {
  if (compareValues(a, b, type) !== 0) return false;
  switch (type.id) {
    case 'numeric':
      return (a as Decimal).scale === (b as Decimal).scale || !(a as Decimal).isFinite();
    case 'float4':
    case 'float8':
      return Object.is(a, b);
    case 'bpchar':
    case 'text':
    case 'varchar':
      return a === b;
    default:
      return true;
  }
}

describe('text output parses back to the same value', () => {
  for (const zone of ['UTC', 'America/New_York']) {
    it.each(TYPES)(`%s (TimeZone ${zone})`, (id) => {
      const type = T[id];
      const ctx = contextFor(zone);
      fc.assert(
        fc.property(ARBITRARIES[id], (v) => {
          const back = parseText(formatText(v, type, ctx), type, ctx);
          expect(back).not.toBeNull();
          expect(sameValue(v, back as Value, type)).toBe(true);
        }),
        { seed: SEED, numRuns: id === 'timestamptz' && zone !== 'UTC' ? 200 : 1000 },
      );
    });
  }
});

describe('compareValues is a total order consistent with hashKey', () => {
  it.each(TYPES)('%s', (id) => {
    const type = T[id];
    fc.assert(
      fc.property(fc.array(ARBITRARIES[id], { minLength: 2, maxLength: 8 }), (values) => {
        for (const a of values) {
          expect(compareValues(a, a, type)).toBe(0);
          for (const b of values) {
            const ab = compareValues(a, b, type);
            expect(compareValues(b, a, type) === -ab).toBe(true);
            expect(hashKey(a, type) === hashKey(b, type)).toBe(ab === 0);
            for (const c of values) {
              if (ab <= 0 && compareValues(b, c, type) <= 0) expect(compareValues(a, c, type)).toBeLessThanOrEqual(0);
            }
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('treats PostgreSQL-equal values as one key', () => {
    expect(hashKey(-0, T.float8)).toBe(hashKey(0, T.float8));
    expect(hashKey(NaN, T.float8)).toBe(hashKey(NaN, T.float8));
    expect(hashKey(Decimal.parse('1.0'), T.numeric)).toBe(hashKey(Decimal.parse('1.00'), T.numeric));
    expect(hashKey({ months: 0, days: 1, micros: 0n }, T.interval)).toBe(hashKey({ months: 0, days: 0, micros: 86_400_000_000n }, T.interval));
    expect(hashKey({ months: 1, days: 0, micros: 0n }, T.interval)).toBe(hashKey({ months: 0, days: 30, micros: 0n }, T.interval));
    expect(hashKey('ab  ', T.bpchar)).toBe(hashKey('ab', T.bpchar));
    expect(hashKey(toJsonb(parseJsonValue('{"b":1,"a":[1.0]}')), T.jsonb)).toBe(hashKey(toJsonb(parseJsonValue('{"a":[1],"b":1}')), T.jsonb));
  });

  it('builds unambiguous composite keys', () => {
    const types = [T.text, T.text];
    expect(compositeHashKey(['a;', 'b'], types)).not.toBe(compositeHashKey(['a', ';b'], types));
    expect(compositeHashKey([null, 'x'], types)).not.toBe(compositeHashKey(['', 'x'], types));
    expect(compositeHashKey([1, 'x'], [T.int4, T.text])).not.toBe(compositeHashKey(['1', 'x'], [T.text, T.text]));
  });
});
