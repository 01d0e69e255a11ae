// UPDATE ... FROM, DELETE ... USING and multi-column SET, against
// PostgreSQL 15's join semantics.
import { describe, expect, it } from 'vitest';
import { error, memoryDb, rows, tag } from './helpers.ts';

function setup() {
  const db = memoryDb();
  rows(db, `CREATE TABLE t (id int PRIMARY KEY, v int, w text);
    CREATE TABLE u (id int, nv int);
    INSERT INTO t VALUES (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c');
    INSERT INTO u VALUES (1, 100), (3, 300), (4, 400)`);
  return db;
}

describe('UPDATE ... FROM', () => {
  it('updates the target rows that join, from the joined row', () => {
    const db = setup();
    expect(rows(db, 'UPDATE t SET v = u.nv FROM u WHERE t.id = u.id RETURNING t.id, t.v, u.nv')).toEqual([[1, 100, 100], [3, 300, 300]]);
    expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 100, 'a'], [2, 20, 'b'], [3, 300, 'c']]);
    db.close();
  });

  it('a target row matching several FROM rows is updated once', () => {
    const db = setup();
    rows(db, 'INSERT INTO u VALUES (1, 101)');
    expect(tag(db, 'UPDATE t SET v = v + 1 FROM u WHERE t.id = u.id')).toBe('UPDATE 2');
    expect(rows(db, 'SELECT v FROM t WHERE id = 1')).toEqual([[11]]);
    db.close();
  });

  it('takes an alias, several FROM items, subqueries and RETURNING *', () => {
    const db = setup();
    rows(db, "CREATE TABLE names (id int, name text); INSERT INTO names VALUES (3, 'three')");
    expect(rows(db, 'UPDATE t AS x SET w = n.name FROM u, (SELECT * FROM names) n WHERE x.id = u.id AND n.id = u.id RETURNING *')).toEqual([
      [3, 30, 'three', 3, 300, 3, 'three'],
    ]);
    db.close();
  });

  it('errors: unknown FROM table, ambiguous column', () => {
    const db = setup();
    expect(error(db, 'UPDATE t SET v = 1 FROM nope WHERE t.id = nope.id')).toMatchObject({ code: '42P01', message: 'relation "nope" does not exist' });
    expect(error(db, 'UPDATE t SET v = 1 FROM u WHERE id = 1')).toMatchObject({ code: '42702', message: 'column reference "id" is ambiguous' });
    db.close();
  });
});

describe('DELETE ... USING', () => {
  it('deletes the target rows that join', () => {
    const db = setup();
    expect(rows(db, 'DELETE FROM t USING u WHERE t.id = u.id AND u.nv > 200 RETURNING t.id, u.nv')).toEqual([[3, 300]]);
    expect(rows(db, 'SELECT id FROM t ORDER BY id')).toEqual([[1], [2]]);
    db.close();
  });

  it('a target row matching several USING rows is deleted once', () => {
    const db = setup();
    rows(db, 'INSERT INTO u VALUES (1, 101)');
    expect(tag(db, 'DELETE FROM t USING u WHERE t.id = u.id')).toBe('DELETE 2');
    expect(rows(db, 'SELECT id FROM t')).toEqual([[2]]);
    db.close();
  });

  it('with no match deletes nothing', () => {
    const db = setup();
    expect(tag(db, 'DELETE FROM t USING u WHERE t.id = u.id AND u.nv = 0')).toBe('DELETE 0');
    db.close();
  });
});

describe('multi-column SET', () => {
  it('(a, b) = (x, y) and ROW(...), with DEFAULT', () => {
    const db = memoryDb();
    rows(db, "CREATE TABLE t (a int, b int DEFAULT 7, c text); INSERT INTO t VALUES (1, 2, 'x')");
    expect(rows(db, "UPDATE t SET (a, c) = (a + 1, c || 'y') RETURNING *")).toEqual([[2, 2, 'xy']]);
    expect(rows(db, 'UPDATE t SET (b, a) = ROW(DEFAULT, 5) RETURNING *')).toEqual([[5, 7, 'xy']]);
    db.close();
  });

  it('(a, b) = (SELECT ...): correlated, NULLs when it finds no row', () => {
    const db = setup();
    expect(rows(db, "UPDATE t SET (v, w) = (SELECT nv, 'q' FROM u WHERE u.id = t.id) RETURNING *")).toEqual([
      [1, 100, 'q'], [2, null, null], [3, 300, 'q'],
    ]);
    db.close();
  });

  it('errors: count mismatch, not a row, subquery with two rows', () => {
    const db = setup();
    expect(error(db, 'UPDATE t SET (v, w) = (1, 2, 3)')).toMatchObject({ code: '42601', message: 'number of columns does not match number of values' });
    expect(error(db, 'UPDATE t SET (v, w) = (SELECT 1, 2, 3)')).toMatchObject({ code: '42601', message: 'number of columns does not match number of values' });
    expect(error(db, 'UPDATE t SET (v, w) = (1)')).toMatchObject({ code: '0A000', message: 'source for a multiple-column UPDATE item must be a sub-SELECT or ROW() expression' });
    expect(error(db, "UPDATE t SET (v, w) = (SELECT nv, 'x' FROM u)")).toMatchObject({ code: '21000', message: 'more than one row returned by a subquery used as an expression' });
    expect(error(db, 'UPDATE t SET nope = 1')).toMatchObject({ code: '42703', message: 'column "nope" of relation "t" does not exist' });
    db.close();
  });

  it('a column assigned twice takes the last value (SQLite and the sqllogictest corpus; PostgreSQL refuses)', () => {
    const db = setup();
    rows(db, 'UPDATE t SET v = 3, v = 4 WHERE id = 1');
    expect(rows(db, 'SELECT v FROM t WHERE id = 1')).toEqual([[4]]);
    db.close();
  });
});

describe('identity columns in INSERT and UPDATE', () => {
  it('GENERATED ALWAYS refuses values unless OVERRIDING SYSTEM VALUE', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY, a int)');
    expect(error(db, 'INSERT INTO t (id, a) VALUES (5, 1)')).toMatchObject({
      code: '428C9', message: 'cannot insert a non-DEFAULT value into column "id"',
      detail: 'Column "id" is an identity column defined as GENERATED ALWAYS.', hint: 'Use OVERRIDING SYSTEM VALUE to override.',
    });
    expect(rows(db, 'INSERT INTO t (id, a) VALUES (DEFAULT, 1) RETURNING id')).toEqual([[1]]);
    expect(rows(db, 'INSERT INTO t (id, a) OVERRIDING SYSTEM VALUE VALUES (7, 1) RETURNING id')).toEqual([[7]]);
    expect(rows(db, 'INSERT INTO t (id, a) OVERRIDING USER VALUE VALUES (9, 1) RETURNING id')).toEqual([[2]]);
    expect(error(db, 'UPDATE t SET id = 3')).toMatchObject({ code: '428C9', message: 'column "id" can only be updated to DEFAULT' });
    expect(rows(db, 'UPDATE t SET id = DEFAULT WHERE id = 7 RETURNING id')).toEqual([[3]]);
    expect(error(db, 'INSERT INTO t (a, a) VALUES (1, 1)')).toMatchObject({ code: '42701', message: 'column "a" specified more than once' });
    db.close();
  });
});

// Engine.update reads only the key columns of the version it replaces
// (IndexManager.keyVersion, its column plan kept per table for the table's
// column types and indexes): columns added, dropped and indexed between
// updates of the same rows.
describe('UPDATE and the indexes of a table whose columns and indexes change between updates', () => {
  it('keeps every index right across ADD COLUMN, CREATE INDEX, DROP COLUMN and DROP INDEX', () => {
    const db = memoryDb();
    rows(db, "CREATE TABLE u (id int PRIMARY KEY, s text, n int); CREATE INDEX u_n ON u (n); INSERT INTO u VALUES (1, 'a', 10), (2, 'b', 20)");
    const update = db.prepare('UPDATE u SET s = s || $2 WHERE id = $1');
    const verify = (): void => db.engine.verifyIndexes(db.engine.table('u')!.id);
    for (let i = 0; i < 3; i++) update.run(1, 'x');
    rows(db, 'ALTER TABLE u ADD COLUMN m int DEFAULT 7');
    for (let i = 0; i < 3; i++) update.run(1, 'y');
    rows(db, 'UPDATE u SET m = m + 1 WHERE id = 2');
    rows(db, 'CREATE INDEX u_m ON u (m)');
    rows(db, 'UPDATE u SET m = 9 WHERE id = 1; UPDATE u SET n = 11 WHERE id = 1');
    for (let i = 0; i < 3; i++) update.run(2, 'z');
    verify();
    expect(rows(db, 'SELECT id, s, n, m FROM u WHERE m = 9')).toEqual([[1, 'axxxyyy', 11, 9]]);
    expect(rows(db, 'SELECT id, s, n, m FROM u WHERE m = 8')).toEqual([[2, 'bzzz', 20, 8]]);
    expect(rows(db, 'SELECT id FROM u WHERE n = 11')).toEqual([[1]]);
    rows(db, 'ALTER TABLE u DROP COLUMN s');
    rows(db, 'UPDATE u SET m = 10 WHERE id = 1; UPDATE u SET n = 21 WHERE id = 2');
    rows(db, 'DROP INDEX u_n');
    rows(db, 'UPDATE u SET n = 12, m = 11 WHERE id = 1');
    verify();
    expect(rows(db, 'SELECT id, n, m FROM u WHERE m = 11')).toEqual([[1, 12, 11]]);
    expect(rows(db, 'SELECT id, n, m FROM u WHERE m = 8')).toEqual([[2, 21, 8]]);
    expect(rows(db, 'SELECT id, n, m FROM u ORDER BY id')).toEqual([[1, 12, 11], [2, 21, 8]]);
    db.close();
  });
});
