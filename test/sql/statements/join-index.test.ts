// Index nested loop joins (src/sql/plan/join-select.ts): every query runs
// with index scans on (where the planner probes an index per outer row) and
// off (SET enable_indexscan = off: hash joins over sequential scans), and
// both must give the same rows. EXPLAIN shows which plan was chosen.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.ts';
import { memoryDb, rows } from './helpers.ts';

let db: Database;

beforeAll(() => {
  db = memoryDb();
  rows(
    db,
    `CREATE TABLE c (cat int PRIMARY KEY, label text);
     INSERT INTO c SELECT i, CASE WHEN i % 50 = 7 THEN NULL ELSE 'label ' || i END FROM generate_series(0, 499) AS g(i);
     CREATE TABLE t (id int PRIMARY KEY, cat int, k2 int, amount float8, name text);
     CREATE INDEX t_cat ON t (cat);
     INSERT INTO t SELECT i, CASE WHEN i % 97 = 0 THEN NULL ELSE i % 600 END, i % 7, i * 0.5, 'n' || i FROM generate_series(1, 6000) AS g(i);
     CREATE TABLE m (a int, b int, v text, PRIMARY KEY (a, b));
     INSERT INTO m SELECT i % 40, i / 40, 'v' || i FROM generate_series(0, 3999) AS g(i);
     CREATE TABLE p (id int PRIMARY KEY, a int, b int);
     INSERT INTO p SELECT i, i % 45, CASE WHEN i % 11 = 0 THEN NULL ELSE i % 120 END FROM generate_series(1, 300) AS g(i);
     CREATE TABLE c8 (cat bigint PRIMARY KEY, label text);
     INSERT INTO c8 SELECT i, 'big ' || i FROM generate_series(0, 499) AS g(i);
     CREATE TABLE cn (cat numeric PRIMARY KEY, label text);
     INSERT INTO cn SELECT i, 'num ' || i FROM generate_series(0, 499) AS g(i);
     CREATE TABLE s (id int PRIMARY KEY, cat2 smallint);
     INSERT INTO s SELECT i, i % 300 FROM generate_series(1, 50) AS g(i);
     CREATE INDEX s_cat2 ON s (cat2);
     CREATE TABLE w (code varchar(10), n int);
     CREATE INDEX w_code ON w (code);
     INSERT INTO w SELECT 'label ' || (i % 500), i FROM generate_series(1, 2000) AS g(i);`,
  );
});

afterAll(() => db.close());

const sorted = (r: unknown[][]) => r.map((x) => JSON.stringify(x)).sort();

/** The rows with index scans on and off (which must agree), and the plan chosen with them on. */
function both(sql: string, params: readonly unknown[] = []): { result: unknown[][]; plan: string } {
  const run = (q: string) => (params.length === 0 ? rows(db, q) : db.prepare(q).raw().all(...params) as unknown[][]);
  rows(db, 'SET enable_indexscan = off');
  const off = run(sql);
  const planOff = rows(db, `EXPLAIN ${sql.replace(/\$1/g, 'NULL')}`).map((r) => r[0]).join('\n');
  rows(db, 'SET enable_indexscan = on');
  const on = run(sql);
  const plan = rows(db, `EXPLAIN ${sql.replace(/\$1/g, params.length > 0 ? literal(params[0]) : 'NULL')}`).map((r) => r[0]).join('\n');
  expect(planOff).not.toContain('Index Scan');
  expect(sorted(on)).toEqual(sorted(off));
  return { result: on, plan };
}

const literal = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));

describe('index nested loop join', () => {
  it('probes t_cat per row of the filtered small side (the bench:peers join)', () => {
    const { result, plan } = both("SELECT t.id, t.amount, c.label FROM t JOIN c ON c.cat = t.cat WHERE c.label = 'label 42'");
    expect(result.length).toBe(10);
    expect(plan).toContain('Nested Loop');
    expect(plan).toContain('Seq Scan on c');
    expect(plan).toContain('Index Scan using t_cat on t');
    expect(plan).toContain('Index Cond: (cat = c.cat)');
  });

  it('with a parameter, and FROM in the other order', () => {
    for (const label of ['label 3', 'label 499', 'nothing']) {
      both('SELECT t.id, c.label FROM c JOIN t ON t.cat = c.cat WHERE c.label = $1', [label]);
    }
    expect(both('SELECT t.id, c.label FROM c JOIN t ON t.cat = c.cat WHERE c.label = $1', ['label 3']).plan).toContain('Index Scan using t_cat on t');
  });

  it('the filter on the big side: a primary key lookup of t, then c probed by its primary key', () => {
    const { result, plan } = both('SELECT t.id, t.amount, c.label FROM t JOIN c ON c.cat = t.cat WHERE t.id = 1234');
    expect(result).toEqual([[1234, 617, 'label 34']]);
    expect(plan).toContain('Index Scan using t_pkey on t');
    expect(plan).toContain('Index Scan using c_pkey on c');
    expect(plan).toContain('Index Cond: (cat = t.cat)');
  });

  it('NULL join keys never match', () => {
    // t.id 97 has cat NULL; c rows with a NULL label do not match label = anything.
    expect(both('SELECT t.id, c.cat FROM t JOIN c ON c.cat = t.cat WHERE t.id IN (97, 194, 98)').result).toEqual(expect.arrayContaining([[98, 98]]));
    expect(both('SELECT t.id, c.cat FROM t JOIN c ON c.cat = t.cat WHERE t.id IN (97, 194)').result).toEqual([]);
    const left = both('SELECT t.id, c.cat FROM t LEFT JOIN c ON c.cat = t.cat WHERE t.id IN (97, 98, 550)');
    expect(sorted(left.result)).toEqual(sorted([[97, null], [98, 98], [550, null]]));
    expect(left.plan).toContain('Nested Loop Left');
  });

  it('LEFT JOIN keeps outer rows without a match, with NULLs', () => {
    // cats 500..599 are not in c.
    const r = both('SELECT t.id, t.cat, c.label FROM t LEFT JOIN c ON c.cat = t.cat WHERE t.id BETWEEN 495 AND 505');
    expect(r.result).toContainEqual([500, 500, null]);
    expect(r.result).toContainEqual([499, 499, 'label 499']);
    expect(r.result.length).toBe(11);
    // The outer side is c: every label 7 row (cat 7, 57, ...: NULL labels) has matches in t.
    const fromC = both("SELECT c.cat, t.id FROM c LEFT JOIN t ON t.cat = c.cat AND t.k2 = 3 WHERE c.label = 'label 8'");
    expect(fromC.plan).toContain('Nested Loop Left');
    expect(fromC.plan).toContain('Join Filter: (k2 = 3)');
    // A cat whose t rows all fail the extra ON condition is kept once, with NULLs.
    const none = both("SELECT c.cat, t.id FROM c LEFT JOIN t ON t.cat = c.cat AND t.k2 = 99 WHERE c.label = 'label 8'");
    expect(none.result).toEqual([[8, null]]);
  });

  it('RIGHT JOIN probes from the right side', () => {
    const r = both("SELECT t.id, c.label FROM t RIGHT JOIN c ON c.cat = t.cat WHERE c.label IN ('label 8', 'label 9')");
    expect(r.result.length).toBe(20);
    expect(r.plan).toContain('Nested Loop Right');
  });

  it('a multi-column primary key probed by both columns, or by its first column only', () => {
    const full = both('SELECT p.id, m.v FROM p JOIN m ON m.a = p.a AND m.b = p.b WHERE p.id < 40');
    expect(full.plan).toContain('Index Scan using m_pkey on m');
    expect(full.plan).toContain('Index Cond: (a = p.a) AND (b = p.b)');
    expect(full.result.length).toBeGreaterThan(0);
    const prefix = both('SELECT p.id, m.v FROM p JOIN m ON m.a = p.a WHERE p.id < 3');
    expect(prefix.plan).toContain('Index Cond: (a = p.a)');
    expect(prefix.result.length).toBe(200);
    // Only the second column joined: the index cannot be probed, a hash join it is.
    expect(both('SELECT p.id, m.v FROM p JOIN m ON m.b = p.b WHERE p.id < 3').plan).not.toContain('Index Scan using m_pkey');
    // The first column fixed by a constant, the second joined.
    expect(both('SELECT p.id, m.v FROM p JOIN m ON m.b = p.b WHERE m.a = 5 AND p.id < 20').result.length).toBeGreaterThan(0);
    const mixed = both('SELECT p.id, m.v FROM p JOIN m ON m.b = p.b WHERE m.a = 5 AND p.id = 7');
    expect(mixed.result).toEqual([[7, 'v285']]);
    expect(mixed.plan).toContain('Index Cond: (a = 5) AND (b = p.b)');
    const left = both('SELECT p.id, m.v FROM p LEFT JOIN m ON m.a = p.a AND m.b = p.b WHERE p.id < 60');
    expect(left.result.length).toBe(59);
  });

  it('join keys of different integer types: the index is probed only where the encoding is exact', () => {
    // int4 t.cat against int8 c8.cat: the int4 side is widened, c8's int8 index is probed with it.
    const wide = both('SELECT t.id, c8.label FROM t JOIN c8 ON c8.cat = t.cat WHERE t.id = 1234');
    expect(wide.result).toEqual([[1234, 'big 34']]);
    expect(wide.plan).toContain('Index Scan using c8_pkey on c8');
    // int8 c8.cat against int4 t.cat: t_cat (int4, stored as int64 keys) probed with int8 values.
    const narrow = both("SELECT t.id FROM c8 JOIN t ON t.cat = c8.cat WHERE c8.label = 'big 7'");
    expect(narrow.result.length).toBe(9); // 10 rows have cat 7, and t.id 3007 has cat NULL
    // smallint against int, both ways.
    both('SELECT s.id, t.id FROM s JOIN t ON t.cat = s.cat2 WHERE s.id < 5');
    both('SELECT s.id, t.id FROM t JOIN s ON t.cat = s.cat2 WHERE t.id < 30');
    // numeric against int: compared as numeric; c's int index cannot take numeric probes, cn's numeric one can.
    const numeric = both('SELECT t.id, cn.label FROM t JOIN cn ON cn.cat = t.cat WHERE t.id = 1234');
    expect(numeric.result).toEqual([[1234, 'num 34']]);
    const toInt = both("SELECT cn.cat, t.id FROM cn JOIN t ON t.cat = cn.cat WHERE cn.label = 'num 5'");
    expect(toInt.result.length).toBe(10);
    expect(toInt.plan).not.toContain('Index Scan using t_cat');
    // varchar against text.
    const text = both("SELECT c.cat, w.n FROM c JOIN w ON w.code = c.label WHERE c.cat = 12");
    expect(text.result.length).toBe(4);
  });

  it('three tables: the probes chain', () => {
    const r = both("SELECT t.id, c.label, c8.label FROM c JOIN t ON t.cat = c.cat JOIN c8 ON c8.cat = t.cat WHERE c.label = 'label 77'");
    expect(r.result.length).toBe(10);
    expect(r.plan).toContain('Index Scan using t_cat on t');
    expect(r.plan).toContain('Index Scan using c8_pkey on c8');
  });

  it('LIMIT stops the probes early; ORDER BY over the join', () => {
    expect(both("SELECT t.id FROM c JOIN t ON t.cat = c.cat WHERE c.label = 'label 1' LIMIT 3").result.length).toBe(3);
    const ordered = rows(db, "SELECT t.id FROM c JOIN t ON t.cat = c.cat WHERE c.label = 'label 1' ORDER BY t.id DESC");
    expect(ordered[0]).toEqual([5401]);
  });

  it('EXISTS / IN over a join, and a correlated subquery inside the outer side', () => {
    both('SELECT c.cat FROM c WHERE c.cat < 5 AND EXISTS (SELECT 1 FROM t JOIN c8 ON c8.cat = t.cat WHERE t.cat = c.cat AND t.id < 20)');
    both('SELECT t.id, c.label FROM t JOIN c ON c.cat = t.cat WHERE t.id < 10 AND c.cat IN (SELECT cat FROM c8 WHERE cat < 5)');
  });

  it('UPDATE ... FROM and DELETE ... USING through an index lookup', () => {
    rows(db, 'CREATE TABLE u (id int PRIMARY KEY, cat int, note text); CREATE INDEX u_cat ON u (cat)');
    rows(db, 'INSERT INTO u SELECT i, i % 100, NULL FROM generate_series(1, 2000) AS g(i)');
    rows(db, "UPDATE u SET note = c.label FROM c WHERE c.cat = u.cat AND c.label = 'label 42'");
    expect(rows(db, "SELECT count(*) FROM u WHERE note = 'label 42'")).toEqual([[20]]);
    rows(db, "DELETE FROM u USING c WHERE c.cat = u.cat AND c.label = 'label 43'");
    expect(rows(db, 'SELECT count(*) FROM u WHERE cat = 43')).toEqual([[0]]);
    expect(rows(db, 'SELECT count(*) FROM u')).toEqual([[1980]]);
  });

  it('rows inserted in the same transaction are found by the probe', () => {
    rows(db, 'BEGIN');
    rows(db, "INSERT INTO c VALUES (600, 'label 600')");
    expect(both("SELECT count(*) FROM t JOIN c ON c.cat = t.cat WHERE c.label = 'label 600'").result).toEqual([[0]]);
    rows(db, "INSERT INTO t VALUES (10001, 600, 0, 1, 'new')");
    expect(both("SELECT t.id FROM t JOIN c ON c.cat = t.cat WHERE c.label = 'label 600'").result).toEqual([[10001]]);
    rows(db, 'ROLLBACK');
  });
});
