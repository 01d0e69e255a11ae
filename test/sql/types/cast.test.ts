// canCast contexts (pg_cast), castValue details and common-type resolution.

import { describe, expect, it } from 'vitest';
import type { TypeId } from '../../../src/sql/types/sql-type.ts';
import { T, bpcharType, numericType, typeName, varcharType } from '../../../src/sql/types/type-info.ts';
import { bigintToFloat4, canCast, castValue, commonSupertype, resolveCommonType } from '../../../src/sql/types/cast.ts';
import { Decimal } from '../../../src/sql/types/decimal.ts';
import { contextFor } from './helpers/fixture.ts';

describe('canCast follows pg_cast contexts', () => {
  // [from, to, weakest context] as PostgreSQL 15's pg_cast has them ('-' = no cast).
  const table: [TypeId, TypeId, 'implicit' | 'assignment' | 'explicit' | '-'][] = [
    ['int2', 'int4', 'implicit'],
    ['int4', 'int2', 'assignment'],
    ['int8', 'int4', 'assignment'],
    ['int4', 'numeric', 'implicit'],
    ['numeric', 'int4', 'assignment'],
    ['int4', 'float8', 'implicit'],
    ['float8', 'int8', 'assignment'],
    ['numeric', 'float8', 'implicit'],
    ['float8', 'numeric', 'assignment'],
    ['float4', 'float8', 'implicit'],
    ['float8', 'float4', 'assignment'],
    ['int4', 'bool', 'explicit'],
    ['bool', 'int4', 'explicit'],
    ['int8', 'bool', '-'],
    ['text', 'varchar', 'implicit'],
    ['bpchar', 'text', 'implicit'],
    ['int4', 'text', 'assignment'],
    ['date', 'varchar', 'assignment'],
    ['text', 'int4', 'explicit'],
    ['text', 'date', 'explicit'],
    ['date', 'timestamp', 'implicit'],
    ['date', 'timestamptz', 'implicit'],
    ['timestamp', 'timestamptz', 'implicit'],
    ['timestamptz', 'timestamp', 'assignment'],
    ['timestamp', 'date', 'assignment'],
    ['jsonb', 'int4', 'explicit'],
    ['jsonb', 'text', 'assignment'],
    ['text', 'jsonb', 'explicit'],
    ['uuid', 'text', 'assignment'],
    ['text', 'uuid', 'explicit'],
    ['uuid', 'jsonb', '-'],
    ['interval', 'int4', '-'],
    ['date', 'int4', '-'],
    ['unknown', 'date', 'implicit'],
    ['null', 'jsonb', 'implicit'],
  ];
  it.each(table)('%s -> %s: %s', (from, to, weakest) => {
    const order = ['implicit', 'assignment', 'explicit'] as const;
    for (const context of order) {
      const allowed = weakest !== '-' && order.indexOf(context) >= order.indexOf(weakest);
      expect(canCast(T[from], T[to], context)).toBe(allowed);
    }
  });
});

describe('castValue', () => {
  const ctx = contextFor('UTC');
  it('truncates over-long strings only on explicit casts', () => {
    expect(castValue('abcdef', T.text, varcharType(3), true)).toBe('abc');
    expect(() => castValue('abcdef', T.text, varcharType(3), false)).toThrow('value too long for type character varying(3)');
    expect(castValue('abc   ', T.text, varcharType(3), false)).toBe('abc');
    expect(castValue('ab', T.text, bpcharType(4), false)).toBe('ab  ');
    expect(() => castValue('abcde', T.unknown, bpcharType(4), false)).toThrow('value too long for type character(4)');
    // Characters, not UTF-16 units.
    expect(castValue('😀😀😀', T.text, varcharType(2), true)).toBe('😀😀');
    expect(castValue('😀😀', T.text, varcharType(2), false)).toBe('😀😀');
  });

  it('applies numeric typmods on every path', () => {
    expect(String(castValue(Decimal.parse('1.555'), T.numeric, numericType(5, 2), false))).toBe('1.56');
    expect(String(castValue(7, T.int4, numericType(5, 2), false))).toBe('7.00');
    expect(String(castValue(1.005, T.float8, numericType(5, 2), false))).toBe('1.01');
    expect(() => castValue(1000, T.int4, numericType(5, 2), false)).toThrow('numeric field overflow');
  });

  it('rounds int8 to float4 once', () => {
    // 2^53 + 2^29 + 1 is just above a float32 tie: double rounding would land on the tie and go to even.
    const v = 2n ** 53n + 2n ** 29n + 1n;
    expect(bigintToFloat4(v)).toBe(2 ** 53 + 2 ** 30);
    expect(Math.fround(Number(v))).toBe(2 ** 53);
  });

  it('reports missing casts as 42846', () => {
    expect(() => castValue(1, T.int4, T.date, true, ctx)).toThrow('cannot cast type integer to date');
  });

  it('passes NULL through every cast', () => {
    for (const t of Object.values(T)) expect(castValue(null, T.int4, t, true, ctx)).toBeNull();
  });
});

describe('commonSupertype', () => {
  const cases: [TypeId[], string | null][] = [
    [['unknown', 'unknown'], 'text'],
    [['null'], 'text'],
    [['int2', 'int4'], 'integer'],
    [['int4', 'int8', 'numeric'], 'numeric'],
    [['numeric', 'float4'], 'real'],
    [['float4', 'numeric'], 'real'],
    [['int4', 'float8', 'numeric'], 'double precision'],
    [['unknown', 'int4'], 'integer'],
    [['varchar', 'text'], 'character varying'],
    [['text', 'varchar'], 'text'],
    [['bpchar', 'varchar'], 'character'],
    [['date', 'timestamp'], 'timestamp without time zone'],
    [['timestamptz', 'date'], 'timestamp with time zone'],
    [['int4', 'text'], null],
    [['jsonb', 'uuid'], null],
    [['bool', 'int4'], null],
  ];
  it.each(cases)('%j -> %s', (ids, expected) => {
    const r = commonSupertype(ids.map((id) => T[id]));
    expect(r === null ? null : typeName(r)).toBe(expected);
  });

  it('keeps a modifier only when every input has it', () => {
    expect(typeName(commonSupertype([varcharType(3), varcharType(3), T.unknown])!)).toBe('character varying(3)');
    expect(typeName(commonSupertype([varcharType(3), varcharType(5)])!)).toBe('character varying');
  });

  it('raises PostgreSQL errors with the caller context', () => {
    expect(() => resolveCommonType([T.int4, T.text], 'UNION')).toThrow('UNION types integer and text cannot be matched');
    expect(() => resolveCommonType([T.jsonb, T.uuid], 'CASE')).toThrow('CASE could not convert type uuid to jsonb');
  });
});
