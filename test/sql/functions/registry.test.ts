// The function and aggregate registries' contract with the binder:
// argument casts, strictness, volatility, errors, and the aggregate protocol.

import { describe, expect, it } from 'vitest';
import { T, typeName } from '../../../src/sql/types/type-info.ts';
import { lookupFunction, requireFunction } from '../../../src/sql/functions/registry.ts';
import { isAggregateName, lookupAggregate, requireAggregate } from '../../../src/sql/functions/aggregates.ts';
import { Decimal } from '../../../src/sql/types/decimal.ts';
import { contextFor } from '../types/helpers/fixture.ts';

const ctx = contextFor('UTC');

describe('lookupFunction', () => {
  it('tells the binder what to cast each argument to', () => {
    const f = lookupFunction('round', [T.int4])!;
    expect(f.argTypes.map(typeName)).toEqual(['double precision']);
    expect(typeName(f.returnType)).toBe('double precision');
    const g = lookupFunction('ROUND', [T.numeric, T.int8]);
    expect(g).toBeNull(); // round(numeric, int8) needs an assignment cast: PostgreSQL has none either
    const h = lookupFunction('substr', [T.varchar, T.int2])!;
    expect(h.argTypes.map(typeName)).toEqual(['text', 'integer']);
  });

  it('marks strictness and volatility', () => {
    expect(lookupFunction('lower', [T.text])).toMatchObject({ strict: true, volatile: false, volatility: 'immutable' });
    expect(lookupFunction('concat', [T.text, T.int4])).toMatchObject({ strict: false });
    expect(lookupFunction('now', [])).toMatchObject({ volatile: false, volatility: 'stable' });
    expect(lookupFunction('random', [])).toMatchObject({ volatile: true, volatility: 'volatile' });
    expect(lookupFunction('date_trunc', [T.text, T.timestamptz])).toMatchObject({ volatility: 'stable' });
  });

  it('passes NULLs to non-strict functions', () => {
    const f = lookupFunction('concat_ws', [T.text, T.text, T.int4])!;
    expect(f.fn(ctx, ',', null, 5)).toBe('5');
    expect(f.fn(ctx, null, 'a', 5)).toBeNull();
  });

  it('resolves GREATEST and LEAST over the common type', () => {
    const f = lookupFunction('greatest', [T.int4, T.numeric, T.unknown])!;
    expect(typeName(f.returnType)).toBe('numeric');
    expect(f.argTypes.map(typeName)).toEqual(['numeric', 'numeric', 'numeric']);
    expect(String(f.fn(ctx, Decimal.fromInt(1), null, Decimal.parse('2.5')))).toBe('2.5');
    expect(() => lookupFunction('least', [T.int4, T.text])).toThrow('LEAST types integer and text cannot be matched');
  });

  it('raises 42883 and 42725 like PostgreSQL', () => {
    expect(() => requireFunction('nosuch', [T.int4])).toThrow('function nosuch(integer) does not exist');
    expect(() => requireFunction('lower', [T.int4])).toThrow('function lower(integer) does not exist');
    expect(() => requireFunction('trunc', [T.unknown])).toThrow('function trunc(unknown) is not unique');
    expect(() => requireFunction('to_jsonb', [T.unknown])).toThrow('could not determine polymorphic type because input has type unknown');
  });
});

describe('aggregates', () => {
  it('follows the create/step/final protocol with PostgreSQL result types', () => {
    const sum = requireAggregate('sum', [T.int4]);
    expect(typeName(sum.resultType)).toBe('bigint');
    const s = sum.create();
    sum.step(s, 2147483647);
    sum.step(s, null);
    sum.step(s, 2147483647);
    expect(sum.final(s)).toBe(4294967294n);
    expect(sum.final(sum.create())).toBeNull();
  });

  it('counts rows for count(*) and non-null values for count(x), 0 when empty', () => {
    const star = requireAggregate('count', []);
    const s = star.create();
    star.step(s);
    star.step(s);
    expect(star.final(s)).toBe(2n);
    const cx = requireAggregate('count', [T.text]);
    const t = cx.create();
    cx.step(t, null);
    expect(cx.final(t)).toBe(0n);
  });

  it('computes avg of integers with numeric division scale', () => {
    const avg = requireAggregate('avg', [T.int4]);
    const s = avg.create();
    avg.step(s, 1);
    avg.step(s, 2);
    expect(String(avg.final(s))).toBe('1.5000000000000000');
    expect(typeName(avg.resultType)).toBe('numeric');
  });

  it('keeps float sums in float arithmetic, float4 included', () => {
    const sum = requireAggregate('sum', [T.float4]);
    const s = sum.create();
    for (let i = 0; i < 10; i++) sum.step(s, Math.fround(0.1));
    expect(sum.final(s)).toBe(Math.fround(1.0000001192092896));
    expect(typeName(sum.resultType)).toBe('real');
  });

  it('resolves like PostgreSQL and reports failures', () => {
    expect(typeName(lookupAggregate('max', [T.varchar])!.resultType)).toBe('text');
    expect(typeName(lookupAggregate('max', [T.unknown])!.resultType)).toBe('text');
    expect(lookupAggregate('max', [T.uuid])).toBeNull();
    expect(() => requireAggregate('sum', [T.unknown])).toThrow('function sum(unknown) is not unique');
    expect(() => requireAggregate('sum', [T.text])).toThrow('function sum(text) does not exist');
    expect(isAggregateName('STRING_AGG')).toBe(true);
    expect(isAggregateName('lower')).toBe(false);
  });
});
