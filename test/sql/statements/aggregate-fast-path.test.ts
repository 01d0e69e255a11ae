// GROUP BY's numeric fast path (exec/run.ts, fastAggregateRunner) must give
// exactly what the aggregate definitions' step and final give: the generic
// path runs whenever a call has FILTER, so `FILTER (WHERE true)` is the
// reference for every query here.
import { describe, expect, it } from 'vitest';
import { error, memoryDb, rows } from './helpers.ts';

const AGGREGATES = ['count(*)', 'count(x)', 'count(f4)', 'sum(x)', 'avg(x)', 'sum(f4)', 'avg(f4)'];

function sameAsGeneric(db: ReturnType<typeof memoryDb>, from: string, groupBy: string): unknown[][] {
  const keys = groupBy === '' ? '' : `${groupBy}, `;
  const tail = groupBy === '' ? '' : ` GROUP BY ${groupBy} ORDER BY ${groupBy}`;
  const fast = rows(db, `SELECT ${keys}${AGGREGATES.join(', ')} FROM ${from}${tail}`);
  const generic = rows(db, `SELECT ${keys}${AGGREGATES.map((a) => `${a} FILTER (WHERE true)`).join(', ')} FROM ${from}${tail}`);
  expect(fast).toEqual(generic);
  return fast;
}

describe('GROUP BY fast path', () => {
  it('count, sum and avg of floats, with NULLs, match the generic path', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (g int, h text, x float8, f4 real)');
    rows(db, "INSERT INTO t SELECT i % 7, CASE WHEN i % 3 = 0 THEN NULL ELSE 'k' || (i % 2) END, CASE WHEN i % 5 = 0 THEN NULL ELSE i * 0.1 END, CASE WHEN i % 4 = 0 THEN NULL ELSE i / 3.0 END FROM generate_series(1, 500) AS g(i)");
    rows(db, "INSERT INTO t VALUES (NULL, NULL, 1.5, 2.5), (NULL, 'k0', NULL, NULL), (100, 'only nulls', NULL, NULL)");
    const byG = sameAsGeneric(db, 't', 'g');
    expect(byG.length).toBe(9);
    // The group of only NULL arguments: count 1, count(x) 0, sum and avg NULL.
    expect(byG.find((r) => r[0] === 100)).toEqual([100, 1, 0, 0, null, null, null, null]);
    sameAsGeneric(db, 't', 'h');
    sameAsGeneric(db, 't', 'g, h');
    sameAsGeneric(db, 't', '');
    sameAsGeneric(db, 't WHERE g = -1', '');
    expect(rows(db, 'SELECT count(*), sum(x), avg(x) FROM t WHERE g = -1')).toEqual([[0, null, null]]);
    expect(sameAsGeneric(db, 't WHERE g = -1', 'g')).toEqual([]);
    db.close();
  });

  it('special float values and overflow', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (g int, x float8, f4 real)');
    rows(db, "INSERT INTO t VALUES (1, 'NaN', 1), (1, 2, 'Infinity'), (2, '-Infinity', 3.4e38), (2, 1, -1), (3, 0.1, 0.1), (3, 0.2, 0.2)");
    sameAsGeneric(db, 't', 'g');
    rows(db, 'INSERT INTO t VALUES (4, 1e308, 3.4e38), (4, 1e308, 1)');
    expect(error(db, 'SELECT g, sum(x) FROM t GROUP BY g').code).toBe('22003');
    expect(error(db, 'SELECT g, sum(x) FILTER (WHERE true) FROM t GROUP BY g').code).toBe('22003');
    // float4 sums round to single precision at every step, as the generic path does.
    rows(db, 'DELETE FROM t WHERE g = 4');
    rows(db, 'INSERT INTO t VALUES (5, 0, 16777216), (5, 0, 1), (5, 0, 1)');
    expect(rows(db, 'SELECT sum(f4) FROM t WHERE g = 5')).toEqual(rows(db, 'SELECT sum(f4) FILTER (WHERE true) FROM t WHERE g = 5'));
    db.close();
  });
});
