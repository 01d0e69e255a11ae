// Index reads that take shortcuts must answer exactly as a table scan does:
// equality on every column of the primary key is one B+-tree find
// (IndexManager.scan), index scans decode only the columns read, and a
// version chain is walked on tuple headers. Each query runs with index
// scans on and off and the answers are compared.

import { describe, expect, it } from 'vitest';
import { Database } from '../src/db/database.ts';
import { FlintError } from '../src/errors.ts';

function both(db: Database, sql: string, ...params: unknown[]): unknown[] {
  const s = db.prepare(sql).raw();
  db.exec('SET enable_indexscan = on');
  const indexed = s.all(...params);
  db.exec('SET enable_indexscan = off');
  const scanned = s.all(...params);
  db.exec('SET enable_indexscan = on');
  expect(indexed).toEqual(scanned);
  return indexed;
}

describe('point lookups and index scans', () => {
  it('answer as a scan does on a composite primary key: full key, prefix, NULL, coerced and missing values', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE k (a int, b text, v double precision, w text, PRIMARY KEY (a, b))');
    db.exec("INSERT INTO k VALUES (1, 'x', 1.5, 'one'), (1, 'xy', 2.5, 'two'), (2, 'x', 3.5, NULL), (2, '', 4.5, 'four')");
    expect(both(db, 'SELECT * FROM k WHERE a = $1 AND b = $2', 1, 'x')).toEqual([[1, 'x', 1.5, 'one']]);
    expect(both(db, 'SELECT * FROM k WHERE a = $1 AND b = $2', 2, '')).toEqual([[2, '', 4.5, 'four']]);
    expect(both(db, 'SELECT * FROM k WHERE a = $1 AND b = $2', '1', 'xy')).toEqual([[1, 'xy', 2.5, 'two']]);
    expect(both(db, 'SELECT * FROM k WHERE a = $1 AND b = $2', 1, 'z')).toEqual([]);
    expect(both(db, 'SELECT * FROM k WHERE a = $1 AND b = $2', null, 'x')).toEqual([]);
    expect(both(db, 'SELECT * FROM k WHERE a = $1 AND b = $2', 1, null)).toEqual([]);
    expect(both(db, 'SELECT b, w FROM k WHERE a = $1 ORDER BY b', 1)).toEqual([['x', 'one'], ['xy', 'two']]);
    expect(both(db, 'SELECT v FROM k WHERE a = 2 AND b = $1 AND w IS NULL', 'x')).toEqual([[3.5]]);
    let code: string | undefined;
    try {
      db.prepare('SELECT * FROM k WHERE a = $1 AND b = $2').all('one', 'x');
    } catch (error) {
      code = (error as FlintError).code;
    }
    expect(code).toBe('22P02');
    db.close();
  });

  it('see the version their snapshot sees, through updates, deletes and an open transaction', async () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, name text, cat int)');
    db.exec('CREATE INDEX t_cat ON t (cat)');
    db.exec("INSERT INTO t VALUES (1, 'a', 10), (2, 'b', 10), (3, 'c', 20)");
    db.exec("UPDATE t SET name = 'a2' WHERE id = 1");
    db.exec("UPDATE t SET name = 'a3', cat = 20 WHERE id = 1");
    db.exec('DELETE FROM t WHERE id = 2');
    expect(both(db, 'SELECT name, cat FROM t WHERE id = $1', 1)).toEqual([['a3', 20]]);
    expect(both(db, 'SELECT name FROM t WHERE id = $1', 2)).toEqual([]);
    expect(both(db, 'SELECT id FROM t WHERE cat = $1 ORDER BY id', 10)).toEqual([]);
    expect(both(db, 'SELECT id, name FROM t WHERE cat = $1 ORDER BY id', 20)).toEqual([[1, 'a3'], [3, 'c']]);

    // A repeatable-read reader keeps seeing the versions of its snapshot while another session changes them.
    const reader = db.session();
    const writer = db.session();
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect((await reader.query('SELECT name FROM t WHERE id = $1', [3])).rows).toEqual([{ name: 'c' }]);
    await writer.query("UPDATE t SET name = 'c2', cat = 30 WHERE id = 3");
    await writer.query('BEGIN');
    await writer.query("UPDATE t SET name = 'c3' WHERE id = 3");
    expect((await reader.query('SELECT name, cat FROM t WHERE id = $1', [3])).rows).toEqual([{ name: 'c', cat: 20 }]);
    expect((await reader.query('SELECT id FROM t WHERE cat = $1 ORDER BY id', [20])).rows).toEqual([{ id: 1 }, { id: 3 }]);
    expect((await writer.query('SELECT name FROM t WHERE id = $1', [3])).rows).toEqual([{ name: 'c3' }]);
    await writer.query('ROLLBACK');
    await reader.query('COMMIT');
    expect(both(db, 'SELECT name, cat FROM t WHERE id = $1', 3)).toEqual([['c2', 30]]);
    db.close();
  });

  it('read a pruned index scan as a full one: columns added later, dropped columns, expressions over unread columns', () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, name text, cat int, note text)');
    db.exec('CREATE INDEX t_cat ON t (cat)');
    db.exec("INSERT INTO t VALUES (1, 'a', 1, 'n1'), (2, 'b', 1, NULL), (3, 'c', 2, 'n3')");
    db.exec("ALTER TABLE t ADD COLUMN extra text DEFAULT 'e'");
    db.exec("INSERT INTO t VALUES (4, 'd', 1, 'n4', 'x')");
    db.exec('ALTER TABLE t DROP COLUMN name');
    expect(both(db, 'SELECT id FROM t WHERE cat = $1 ORDER BY id', 1)).toEqual([[1], [2], [4]]);
    expect(both(db, 'SELECT extra, id FROM t WHERE cat = $1 ORDER BY id', 1)).toEqual([['e', 1], ['e', 2], ['x', 4]]);
    expect(both(db, 'SELECT length(note) FROM t WHERE cat = $1 AND note IS NOT NULL ORDER BY id', 1)).toEqual([[2], [2]]);
    expect(both(db, 'SELECT * FROM t WHERE id = $1', 4)).toEqual([[4, 1, 'n4', 'x']]);
    db.close();
  });

  it('build a projection of some of a scan\'s columns in the scan itself: reordered, repeated, added later, dropped, LIMIT, whole table', () => {
    // Without a filter, `SELECT some columns FROM t [index condition]` builds each row with those columns
    // only (run.ts, projectingScanReader); with index scans off the condition is a filter and the rows
    // go through the general projection: both must give the same rows.
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE p (id int PRIMARY KEY, a text, cat int, b double precision)');
    db.exec('CREATE INDEX p_cat ON p (cat)');
    db.exec("INSERT INTO p VALUES (1, 'x', 1, 1.5), (2, 'y', 1, NULL), (3, 'z', 2, 3.5), (4, NULL, 1, 4.5)");
    db.exec('ALTER TABLE p ADD COLUMN c int DEFAULT 7');
    db.exec("INSERT INTO p VALUES (5, 'w', 1, 5.5, 8)");
    db.exec('ALTER TABLE p DROP COLUMN a');
    expect(both(db, 'SELECT b, id FROM p WHERE cat = $1', 1)).toEqual([[1.5, 1], [null, 2], [4.5, 4], [5.5, 5]]);
    expect(both(db, 'SELECT c, id, c FROM p WHERE cat = $1', 1)).toEqual([[7, 1, 7], [7, 2, 7], [7, 4, 7], [8, 5, 8]]);
    expect(both(db, 'SELECT id FROM p WHERE cat = $1 LIMIT 2', 1)).toEqual([[1], [2]]);
    expect(both(db, 'SELECT c, b FROM p WHERE id = $1', 4)).toEqual([[7, 4.5]]);
    expect(both(db, 'SELECT c, b FROM p WHERE id = $1', 5)).toEqual([[8, 5.5]]);
    expect(db.prepare('SELECT cat, id FROM p').raw().all()).toEqual([[1, 1], [1, 2], [2, 3], [1, 4], [1, 5]]);
    expect(db.prepare('SELECT c FROM p LIMIT 1').raw().all()).toEqual([[7]]);
    // Rows are the caller's own: changing one changes no other row, nor the next run's.
    const rows = db.prepare('SELECT id, b FROM p WHERE cat = $1').raw().all(1) as unknown[][];
    rows[0]![0] = 99;
    expect(rows[1]).toEqual([2, null]);
    expect(db.prepare('SELECT id, b FROM p WHERE cat = $1').raw().all(1)).toEqual([[1, 1.5], [2, null], [4, 4.5], [5, 5.5]]);
    db.close();
  });

  it('leave out of the filter only the equalities a secondary index answers exactly, and only for reads through that index', async () => {
    // `cat = $1` through the index on cat is not tested again on each row (IndexAccess.exact): the engine
    // returns a row only if its version's key is its entry's. Stale entries (a row whose cat changed since,
    // seen from an older snapshot, or changed by the reader's own transaction) must still be left out, other
    // conjuncts still tested, and a join's lookups into the same scan by another index still filtered.
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE q (id int PRIMARY KEY, cat int, grp int, f double precision, big bigint)');
    db.exec('CREATE INDEX q_cat ON q (cat)');
    db.exec('CREATE INDEX q_grp ON q (grp)');
    db.exec('CREATE INDEX q_big ON q (big)');
    db.exec('CREATE TABLE c (cat int PRIMARY KEY, label text)');
    db.exec("INSERT INTO c VALUES (1, 'one'), (2, 'two')");
    db.exec('INSERT INTO q VALUES (1, 1, 5, 1.5, 10), (2, 1, 6, 2.5, 10), (3, 2, 5, 3.5, 20), (4, 1, 5, NULL, 4294967306), (5, 2, 6, 5.5, 20)');
    expect(both(db, 'SELECT id FROM q WHERE cat = $1', 1)).toEqual([[1], [2], [4]]);
    expect(both(db, 'SELECT id FROM q WHERE cat = 1')).toEqual([[1], [2], [4]]);
    expect(both(db, 'SELECT id FROM q WHERE cat = $1 AND grp = $2', 1, 5)).toEqual([[1], [4]]);
    expect(both(db, 'SELECT id FROM q WHERE cat = $1 AND f > $2', 1, 2)).toEqual([[2]]);
    expect(both(db, 'SELECT id FROM q WHERE big = $1', 10)).toEqual([[1], [2]]);
    expect(both(db, 'SELECT id FROM q WHERE big = $1', 4294967306)).toEqual([[4]]);
    expect(both(db, 'SELECT id FROM q WHERE cat = $1', null)).toEqual([]);
    expect(both(db, 'SELECT q.id, c.label FROM c JOIN q ON q.cat = c.cat WHERE q.grp = $1 ORDER BY q.id', 5)).toEqual([[1, 'one'], [3, 'two'], [4, 'one']]);
    expect(both(db, 'SELECT q.id, c.label FROM q JOIN c ON q.cat = c.cat WHERE q.grp = $1 AND c.label = $2 ORDER BY q.id', 6, 'two')).toEqual([[5, 'two']]);

    const reader = db.session();
    const writer = db.session();
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect((await reader.query('SELECT id FROM q WHERE cat = $1', [1])).rows).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
    // Row 1 moves to cat 2 (a new entry under 2, the old one under 1 stays until vacuum).
    await writer.query('UPDATE q SET cat = 2 WHERE id = 1');
    expect((await reader.query('SELECT id FROM q WHERE cat = $1', [2])).rows).toEqual([{ id: 3 }, { id: 5 }]);
    expect((await reader.query('SELECT id FROM q WHERE cat = $1', [1])).rows).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }]);
    await reader.query('COMMIT');
    expect(both(db, 'SELECT id FROM q WHERE cat = $1', 1)).toEqual([[2], [4]]);
    expect(both(db, 'SELECT id FROM q WHERE cat = $1 ORDER BY id', 2)).toEqual([[1], [3], [5]]);
    // In one transaction: its own change, then back.
    await writer.query('BEGIN');
    await writer.query('UPDATE q SET cat = 3 WHERE id = 2');
    expect((await writer.query('SELECT id FROM q WHERE cat = $1', [1])).rows).toEqual([{ id: 4 }]);
    expect((await writer.query('SELECT id FROM q WHERE cat = $1', [3])).rows).toEqual([{ id: 2 }]);
    await writer.query('UPDATE q SET cat = 1 WHERE id = 2');
    expect((await writer.query('SELECT id FROM q WHERE cat = $1', [3])).rows).toEqual([]);
    await writer.query('ROLLBACK');
    expect(both(db, 'SELECT id FROM q WHERE cat = $1', 3)).toEqual([]);
    db.close();
  });

  it('give each lookup by primary key its own columns, alternating tables and column lists, before and after ADD COLUMN', () => {
    // The engine keeps the column plan of the last point lookup (table types, columns read): statements that
    // alternate must each get theirs.
    const db = Database.open(':memory:', { backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE a (id int PRIMARY KEY, name text, cat int, f double precision)');
    db.exec('CREATE TABLE b (id bigint PRIMARY KEY, f double precision, name text)');
    db.exec("INSERT INTO a VALUES (1, 'a1', 10, 1.5), (2, 'a2', 20, 2.5)");
    db.exec("INSERT INTO b VALUES (1, 9.5, 'b1'), (4294967296, 8.5, 'big')");
    const names = db.prepare('SELECT name FROM a WHERE id = $1').raw();
    const cats = db.prepare('SELECT cat, f FROM a WHERE id = $1').raw();
    const all = db.prepare('SELECT * FROM a WHERE id = $1').raw();
    const bs = db.prepare('SELECT name, f FROM b WHERE id = $1').raw();
    for (let round = 0; round < 3; round++) {
      expect(names.get(1)).toEqual(['a1']);
      expect(cats.get(2)).toEqual([20, 2.5]);
      expect(bs.get(1)).toEqual(['b1', 9.5]);
      expect(all.get(2)).toEqual([2, 'a2', 20, 2.5]);
      expect(bs.get(4294967296)).toEqual(['big', 8.5]);
      expect(names.get(3)).toBeUndefined();
    }
    db.exec("ALTER TABLE a ADD COLUMN note text DEFAULT 'n'");
    db.exec("INSERT INTO a VALUES (3, 'a3', 30, 3.5, 'x')");
    const notes = db.prepare('SELECT note, name FROM a WHERE id = $1').raw();
    expect(notes.get(1)).toEqual(['n', 'a1']);
    expect(notes.get(3)).toEqual(['x', 'a3']);
    expect(names.get(3)).toEqual(['a3']);
    expect(db.prepare('SELECT * FROM a WHERE id = $1').raw().get(3)).toEqual([3, 'a3', 30, 3.5, 'x']);
    db.close();
  });
});
