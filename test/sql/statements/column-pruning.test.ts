// Column pruning (src/sql/plan/prune.ts): a table scan decodes only the
// columns the plan above it reads. Each query here reads some column only in
// a place the pruning must see (a correlated subquery, a LATERAL join, a sort
// key, an aggregate's FILTER, ON of an outer join...).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.ts';
import { memoryDb, rows } from './helpers.ts';

let db: Database;

beforeAll(() => {
  db = memoryDb();
  rows(
    db,
    `CREATE TABLE t (id int PRIMARY KEY, a int, b text, c float8, d text);
     INSERT INTO t VALUES (1, 10, 'x', 1.5, 'p'), (2, 20, 'y', 2.5, 'q'), (3, 10, NULL, 3.5, 'r');
     CREATE TABLE u (k int, v text);
     INSERT INTO u VALUES (10, 'ten'), (20, 'twenty'), (30, 'thirty');`,
  );
});

afterAll(() => db.close());

describe('column pruning', () => {
  it('reads the columns of WHERE, ORDER BY, GROUP BY, aggregates and FILTER', () => {
    expect(rows(db, "SELECT id FROM t WHERE d = 'q'")).toEqual([[2]]);
    expect(rows(db, 'SELECT id FROM t ORDER BY c DESC')).toEqual([[3], [2], [1]]);
    expect(rows(db, 'SELECT a, count(*), max(d), sum(c) FILTER (WHERE b IS NULL) FROM t GROUP BY a ORDER BY a')).toEqual([
      [10, 2, 'r', 3.5],
      [20, 1, 'q', null],
    ]);
    expect(rows(db, 'SELECT count(b) FROM t')).toEqual([[2]]);
    expect(rows(db, 'SELECT DISTINCT a FROM t ORDER BY a')).toEqual([[10], [20]]);
  });

  it('a correlated subquery reads the outer row', () => {
    expect(rows(db, 'SELECT id, (SELECT v FROM u WHERE u.k = t.a) FROM t ORDER BY id')).toEqual([[1, 'ten'], [2, 'twenty'], [3, 'ten']]);
    expect(rows(db, "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.k = t.a AND u.v = t.d || 'x') OR t.b = 'y'")).toEqual([[2]]);
    expect(rows(db, 'SELECT count(*) FROM t WHERE (SELECT count(*) FROM u WHERE u.v < t.b) > 1')).toEqual([[2]]);
  });

  it('joins: ON of outer joins, USING, LATERAL', () => {
    expect(rows(db, "SELECT t.id, u.v FROM t LEFT JOIN u ON u.k = t.a AND t.d <> 'p' ORDER BY t.id")).toEqual([[1, null], [2, 'twenty'], [3, 'ten']]);
    expect(rows(db, "SELECT u.v, t.id FROM t RIGHT JOIN u ON u.k = t.a AND t.b = 'x' ORDER BY u.v")).toEqual([['ten', 1], ['thirty', null], ['twenty', null]]);
    expect(rows(db, 'SELECT t.id, x.v FROM t, LATERAL (SELECT v FROM u WHERE u.k = t.a AND t.c > 2) x ORDER BY t.id')).toEqual([[2, 'twenty'], [3, 'ten']]);
    expect(rows(db, 'SELECT count(*) FROM t JOIN u ON u.k = t.a WHERE t.d > u.v')).toEqual([[0]]);
  });

  it('columns added later, dropped columns, UPDATE and DELETE', () => {
    rows(db, 'CREATE TABLE w (id int PRIMARY KEY, gone text, keep text)');
    rows(db, "INSERT INTO w VALUES (1, 'g1', 'k1'), (2, 'g2', 'k2')");
    rows(db, 'ALTER TABLE w DROP COLUMN gone');
    rows(db, "ALTER TABLE w ADD COLUMN extra text DEFAULT 'dflt'");
    rows(db, "INSERT INTO w VALUES (3, 'k3', 'e3')");
    expect(rows(db, 'SELECT id, extra FROM w ORDER BY id')).toEqual([[1, 'dflt'], [2, 'dflt'], [3, 'e3']]);
    expect(rows(db, "SELECT id FROM w WHERE extra = 'dflt' ORDER BY id")).toEqual([[1], [2]]);
    rows(db, "UPDATE w SET keep = keep || '!' WHERE extra = 'e3'");
    expect(rows(db, 'SELECT * FROM w ORDER BY id')).toEqual([[1, 'k1', 'dflt'], [2, 'k2', 'dflt'], [3, 'k3!', 'e3']]);
    rows(db, "DELETE FROM w WHERE keep = 'k1'");
    expect(rows(db, 'SELECT id, keep, extra FROM w ORDER BY id')).toEqual([[2, 'k2', 'dflt'], [3, 'k3!', 'e3']]);
  });

  it('set operations and CTEs', () => {
    expect(rows(db, 'SELECT a FROM t UNION SELECT k FROM u ORDER BY 1')).toEqual([[10], [20], [30]]);
    expect(rows(db, 'WITH x AS (SELECT id, d, c FROM t) SELECT id FROM x WHERE c > 2 ORDER BY d DESC')).toEqual([[3], [2]]);
  });
});
