// The injected clock and randomness, and time zone settings.

import { describe, expect, it } from 'vitest';
import { NO_CONTEXT, fixedContext } from '../../../src/sql/types/eval-context.ts';
import { T } from '../../../src/sql/types/type-info.ts';
import { formatText, parseText } from '../../../src/sql/types/text-io.ts';
import { fixedOffsetZone, formatOffset, resolveTimeZone, utcOffsetAt, UTC } from '../../../src/sql/types/timezone.ts';
import { runSql } from './helpers/sql-expr.ts';
import { TEST_NOW, contextFor } from './helpers/fixture.ts';

describe('EvalContext', () => {
  it('resolves now, today, tomorrow and yesterday from the transaction timestamp', () => {
    // TEST_NOW is 2024-06-15 12:34:56.789 UTC.
    const ctx = contextFor('UTC');
    expect(runSql("'now'::timestamptz", ctx)[0]).toBe('2024-06-15 12:34:56.789+00');
    expect(runSql("'today'::timestamp", ctx)[0]).toBe('2024-06-15 00:00:00');
    expect(runSql("'tomorrow'::date", ctx)[0]).toBe('2024-06-16');
    expect(runSql("'yesterday'::timestamptz", ctx)[0]).toBe('2024-06-14 00:00:00+00');
    expect(runSql('now()', ctx)[0]).toBe('2024-06-15 12:34:56.789+00');
    expect(runSql('current_date', ctx)[0]).toBe('2024-06-15');
    expect(runSql('localtimestamp', ctx)[0]).toBe('2024-06-15 12:34:56.789');
  });

  it('reads the local date in the session zone', () => {
    // 12:34 UTC is already the next day in Pacific/Kiritimati (+14).
    const ctx = contextFor('Pacific/Kiritimati');
    expect(runSql('current_date', ctx)[0]).toBe('2024-06-16');
    expect(runSql("'today'::timestamptz", ctx)[0]).toBe('2024-06-16 00:00:00+14');
    expect(runSql('now()', ctx)[0]).toBe('2024-06-16 02:34:56.789+14');
  });

  it('separates transaction, statement and clock time', () => {
    const ctx = fixedContext({ now: TEST_NOW, statementTimestamp: TEST_NOW + 5_000_000n });
    expect(runSql('now() = transaction_timestamp()', ctx)[0]).toBe('true');
    expect(runSql('statement_timestamp() - now()', ctx)[0]).toBe('00:00:05');
    expect(runSql('clock_timestamp() = statement_timestamp()', ctx)[0]).toBe('true');
  });

  it('makes random() and gen_random_uuid() repeat from a seed', () => {
    const a = fixedContext({ now: 0n, seed: 7 });
    const b = fixedContext({ now: 0n, seed: 7 });
    const xs = Array.from({ length: 5 }, () => runSql('random()', a)[0]);
    expect(Array.from({ length: 5 }, () => runSql('random()', b)[0])).toEqual(xs);
    for (const x of xs) expect(Number(x) >= 0 && Number(x) < 1).toBe(true);
    const u = runSql('gen_random_uuid()', a)[0];
    expect(u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('refuses clock-dependent input without a context', () => {
    expect(() => parseText('now', T.timestamptz)).toThrow(/needs an EvalContext/);
    expect(() => NO_CONTEXT.random()).toThrow(/needs an EvalContext/);
    // Input that does not need the clock works without one, in UTC.
    expect(formatText(parseText('2024-01-01 00:00+02', T.timestamptz) as bigint, T.timestamptz)).toBe('2023-12-31 22:00:00+00');
  });
});

describe('time zones', () => {
  it('reads SET TIME ZONE strings the PostgreSQL way', () => {
    // POSIX offsets count west of Greenwich: '+05:30' is UTC-5:30.
    expect(resolveTimeZone('+05:30')).toMatchObject({ kind: 'fixed', offsetSeconds: -19800 });
    expect(resolveTimeZone('UTC+3')).toMatchObject({ kind: 'fixed', offsetSeconds: -10800 });
    expect(resolveTimeZone('<+05>-05')).toMatchObject({ kind: 'fixed', offsetSeconds: 18000 });
    expect(resolveTimeZone('utc')).toBe(UTC);
    expect(resolveTimeZone('Europe/Paris')).toMatchObject({ kind: 'named' });
    expect(() => resolveTimeZone('Mars/Olympus')).toThrow('invalid value for parameter "TimeZone": "Mars/Olympus"');
  });

  it('switches offsets at the exact second of a DST transition', () => {
    const ny = resolveTimeZone('America/New_York');
    const at = (iso: string): number => utcOffsetAt(ny, BigInt(Date.parse(iso)) * 1000n);
    // Warm the cache on the bucket that holds the transition first.
    expect(at('2024-03-10T07:14:59Z')).toBe(-4 * 3600);
    expect(at('2024-03-10T06:59:59Z')).toBe(-5 * 3600);
    expect(at('2024-03-10T07:00:00Z')).toBe(-4 * 3600);
    expect(at('2024-11-03T05:59:59.999Z')).toBe(-4 * 3600);
    expect(at('2024-11-03T06:00:00Z')).toBe(-5 * 3600);
    expect(at('1883-11-18T16:59:59Z')).toBe(-(4 * 3600 + 56 * 60 + 2));
    expect(at('1883-11-18T17:00:00Z')).toBe(-5 * 3600);
  });

  it('names fixed offsets like PostgreSQL shows them', () => {
    expect(fixedOffsetZone(18000).name).toBe('<+05>-05');
    expect(formatOffset(-17762)).toBe('-04:56:02');
    expect(formatOffset(19800)).toBe('+05:30');
    expect(formatOffset(0)).toBe('+00');
  });
});
