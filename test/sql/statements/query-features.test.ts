// SELECT DISTINCT ON, FULL JOIN ... USING, WITH RECURSIVE and CREATE TABLE
// AS, against PostgreSQL 15's results and errors.
import { describe, expect, it } from 'vitest';
import { error, memoryDb, rows, tag } from './helpers.ts';

describe('SELECT DISTINCT ON', () => {
  function setup() {
    const db = memoryDb();
    rows(db, "CREATE TABLE t (a int, b int, c text); INSERT INTO t VALUES (1, 2, 'x'), (1, 1, 'y'), (2, 5, 'z'), (2, 3, 'w'), (NULL, 1, 'n')");
    return db;
  }

  it('keeps the first row of each group in ORDER BY order', () => {
    const db = setup();
    expect(rows(db, 'SELECT DISTINCT ON (a) a, c FROM t ORDER BY a, b')).toEqual([[1, 'y'], [2, 'w'], [null, 'n']]);
    expect(rows(db, 'SELECT DISTINCT ON (a) a, c FROM t ORDER BY a, b DESC')).toEqual([[1, 'x'], [2, 'z'], [null, 'n']]);
    expect(rows(db, 'SELECT DISTINCT ON (a) a, c FROM t ORDER BY a DESC, b')).toEqual([[null, 'n'], [2, 'w'], [1, 'y']]);
    db.close();
  });

  it('without ORDER BY sorts by the DISTINCT ON expressions', () => {
    const db = setup();
    expect(rows(db, 'SELECT DISTINCT ON (a) a, c FROM t')).toEqual([[1, 'x'], [2, 'z'], [null, 'n']]);
    db.close();
  });

  it('accepts positions, aliases, several expressions in any leading order, LIMIT', () => {
    const db = setup();
    expect(rows(db, 'SELECT DISTINCT ON (1) a, c FROM t ORDER BY 1, b')).toEqual([[1, 'y'], [2, 'w'], [null, 'n']]);
    expect(rows(db, 'SELECT DISTINCT ON (x) a AS x, c FROM t ORDER BY x, b')).toEqual([[1, 'y'], [2, 'w'], [null, 'n']]);
    expect(rows(db, 'SELECT DISTINCT ON (a, b) a, b FROM t ORDER BY b, a, c')).toEqual([[1, 1], [null, 1], [1, 2], [2, 3], [2, 5]]);
    expect(rows(db, 'SELECT DISTINCT ON (a) * FROM t ORDER BY a, b LIMIT 1 OFFSET 1')).toEqual([[2, 3, 'w']]);
    db.close();
  });

  it('the leading ORDER BY expressions must be the DISTINCT ON ones (42P10)', () => {
    const db = setup();
    expect(error(db, 'SELECT DISTINCT ON (a) a, c FROM t ORDER BY b')).toMatchObject({
      code: '42P10', message: 'SELECT DISTINCT ON expressions must match initial ORDER BY expressions',
    });
    expect(error(db, 'SELECT DISTINCT ON (a + 0) a, c FROM t ORDER BY a, b')).toMatchObject({ code: '42P10' });
    expect(error(db, 'SELECT DISTINCT a, c FROM t ORDER BY b')).toMatchObject({
      code: '42P10', message: 'for SELECT DISTINCT, ORDER BY expressions must appear in select list',
    });
    db.close();
  });
});

describe('FULL JOIN ... USING', () => {
  function setup() {
    const db = memoryDb();
    rows(db, "CREATE TABLE a (id int, x text); CREATE TABLE b (id int, y text); INSERT INTO a VALUES (1, 'a1'), (2, 'a2'); INSERT INTO b VALUES (2, 'b2'), (3, 'b3')");
    return db;
  }

  it('the merged column is COALESCE(left, right) and comes first', () => {
    const db = setup();
    expect(rows(db, 'SELECT * FROM a FULL JOIN b USING (id) ORDER BY id')).toEqual([[1, 'a1', null], [2, 'a2', 'b2'], [3, null, 'b3']]);
    expect(rows(db, 'SELECT id, a.id, b.id FROM a FULL JOIN b USING (id) ORDER BY 1')).toEqual([[1, 1, null], [2, 2, 2], [3, null, 3]]);
    expect(rows(db, 'SELECT * FROM a NATURAL FULL JOIN b ORDER BY 1')).toEqual([[1, 'a1', null], [2, 'a2', 'b2'], [3, null, 'b3']]);
    expect(rows(db, 'SELECT a.* FROM a FULL JOIN b USING (id) ORDER BY 1')).toEqual([[1, 'a1'], [2, 'a2'], [null, null]]);
    expect(rows(db, 'SELECT count(*) FROM a FULL JOIN b USING (id) WHERE id > 1')).toEqual([[2]]);
    db.close();
  });

  it('merges columns of different types in their common type', () => {
    const db = setup();
    rows(db, 'CREATE TABLE c (id bigint); INSERT INTO c VALUES (3), (4)');
    expect(rows(db, 'SELECT id FROM a FULL JOIN c USING (id) ORDER BY id')).toEqual([[1], [2], [3], [4]]);
    expect(error(db, 'SELECT * FROM a FULL JOIN b USING (nope)')).toMatchObject({ code: '42703' });
    db.close();
  });
});

describe('WITH RECURSIVE', () => {
  it('UNION ALL iterates until a round adds nothing', () => {
    const db = memoryDb();
    expect(rows(db, 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t WHERE n < 5) SELECT * FROM t')).toEqual([[1], [2], [3], [4], [5]]);
    expect(rows(db, 'WITH RECURSIVE fib(a, b) AS (SELECT 0::int8, 1::int8 UNION ALL SELECT b, a + b FROM fib WHERE b < 30) SELECT a FROM fib')).toEqual([
      [0], [1], [1], [2], [3], [5], [8], [13], [21],
    ]);
    db.close();
  });

  it('UNION drops repeated rows, which ends a cycle', () => {
    const db = memoryDb();
    expect(rows(db, 'WITH RECURSIVE t(n) AS (SELECT 1 UNION SELECT (n + 1) % 3 FROM t) SELECT * FROM t')).toEqual([[1], [2], [0]]);
    db.close();
  });

  it('walks a graph stored in a table', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE edge (src int, dst int); INSERT INTO edge VALUES (1, 2), (2, 3), (3, 1), (3, 4), (5, 6)');
    expect(rows(db, `WITH RECURSIVE reach(node) AS (SELECT 1 UNION SELECT e.dst FROM edge e JOIN reach r ON e.src = r.node)
      SELECT node FROM reach ORDER BY node`)).toEqual([[1], [2], [3], [4]]);
    expect(rows(db, `WITH RECURSIVE path(node, depth) AS (SELECT 1, 0 UNION ALL SELECT e.dst, p.depth + 1 FROM edge e, path p WHERE e.src = p.node AND p.depth < 4)
      SELECT max(depth), count(*) FROM path`)).toEqual([[4, 6]]);
    db.close();
  });

  it('a LIMIT above stops an unbounded recursion; without one it is stopped with 54001', () => {
    const db = memoryDb();
    expect(rows(db, 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT n FROM t LIMIT 3')).toEqual([[1], [2], [3]]);
    expect(error(db, 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM t) SELECT count(*) FROM t')).toMatchObject({
      code: '54001', message: 'WITH RECURSIVE query "t" did not finish within 1000000 iterations',
    });
  }, 30_000);

  it('a CTE that does not read itself is an ordinary one; later CTEs may read a recursive one', () => {
    const db = memoryDb();
    expect(rows(db, 'WITH RECURSIVE a AS (SELECT 1 AS n), t AS (SELECT n FROM a UNION ALL SELECT n + 1 FROM t WHERE n < 3), u AS (SELECT n * 10 AS m FROM t) SELECT * FROM u')).toEqual([
      [10], [20], [30],
    ]);
    db.close();
  });

  it('errors: form, self-reference placement, column count, types', () => {
    const db = memoryDb();
    expect(error(db, 'WITH RECURSIVE t(n) AS (SELECT n FROM t) SELECT * FROM t')).toMatchObject({
      code: '42P19', message: 'recursive query "t" does not have the form non-recursive-term UNION [ALL] recursive-term',
    });
    expect(error(db, 'WITH RECURSIVE t(n) AS (SELECT n FROM t UNION ALL SELECT 1) SELECT * FROM t')).toMatchObject({
      code: '42P19', message: 'recursive reference to query "t" must not appear within its non-recursive term',
    });
    expect(error(db, 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT (SELECT n FROM t) FROM t) SELECT * FROM t')).toMatchObject({
      code: '42P19', message: 'recursive reference to query "t" must not appear within a subquery',
    });
    expect(error(db, 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT a.n FROM t a, t b) SELECT * FROM t')).toMatchObject({
      code: '42P19', message: 'recursive reference to query "t" must not appear more than once',
    });
    expect(error(db, 'WITH RECURSIVE t(n, m) AS (SELECT 1 UNION ALL SELECT 1 FROM t) SELECT * FROM t')).toMatchObject({
      code: '42P10', message: 'WITH query "t" has 1 columns available but 2 columns specified',
    });
    expect(error(db, 'WITH RECURSIVE t(n) AS (SELECT 1 UNION ALL SELECT n + 1.5 FROM t WHERE n < 3) SELECT * FROM t')).toMatchObject({
      code: '42804', message: 'recursive query "t" column 1 has type integer in non-recursive term but type numeric overall',
      hint: 'Cast the output of the non-recursive term to the correct type.',
    });
    db.close();
  });
});

describe('CREATE TABLE AS', () => {
  it('creates the table from the query: names, types, rows', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE src (id int, v numeric(5,2)); INSERT INTO src VALUES (1, 1.5), (2, 2.25)');
    expect(tag(db, "CREATE TABLE dst AS SELECT id, v * 2 AS dbl, 'x' AS tag, NULL AS nothing FROM src")).toBe('SELECT 2');
    expect(rows(db, 'SELECT * FROM dst ORDER BY id')).toEqual([[1, '3.00', 'x', null], [2, '4.50', 'x', null]]);
    const types = db.prepare('SELECT * FROM dst').columns().map((c) => c.type);
    expect(types).toEqual(['int4', 'numeric', 'text', 'text']);
    // An ordinary table afterwards.
    rows(db, "INSERT INTO dst VALUES (3, 1, 'y', 'z')");
    expect(rows(db, 'SELECT count(*) FROM dst')).toEqual([[3]]);
    db.close();
  });

  it('column names, WITH NO DATA, IF NOT EXISTS', () => {
    const db = memoryDb();
    expect(tag(db, 'CREATE TABLE c2 (p, q) AS SELECT 1, 2, 3 WITH NO DATA')).toBe('CREATE TABLE AS');
    expect(db.prepare('SELECT * FROM c2').columns().map((c) => c.name)).toEqual(['p', 'q', '?column?']);
    expect(tag(db, 'CREATE TABLE IF NOT EXISTS c2 AS SELECT 1')).toBe('CREATE TABLE AS');
    db.close();
  });

  it('errors: existing table, too many names, duplicate names', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (a int)');
    expect(error(db, 'CREATE TABLE t AS SELECT 1')).toMatchObject({ code: '42P07', message: 'relation "t" already exists' });
    expect(error(db, 'CREATE TABLE c3 (p, q, r) AS SELECT 1, 2')).toMatchObject({ code: '42601', message: 'too many column names were specified' });
    expect(error(db, 'CREATE TABLE c4 AS SELECT 1 AS a, 2 AS a')).toMatchObject({ code: '42701', message: 'column "a" specified more than once' });
    expect(db.engine.table('c4')).toBeUndefined();
    db.close();
  });
});
