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
});
