// SAVEPOINT, RELEASE SAVEPOINT and ROLLBACK TO SAVEPOINT, with PostgreSQL's
// transaction-block rules, and the engine calls underneath.
import { describe, expect, it } from 'vitest';
import { error, memoryDb, rows, sessionOf, tag } from './helpers.ts';

describe('savepoints', () => {
  it('ROLLBACK TO undoes inserts, updates and deletes made since the savepoint', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, \'a\'), (2, \'b\')');
    rows(db, "BEGIN; INSERT INTO t VALUES (3, 'c')");
    expect(tag(db, 'SAVEPOINT s1')).toBe('SAVEPOINT');
    rows(db, "INSERT INTO t VALUES (4, 'd'); UPDATE t SET v = 'changed' WHERE id IN (1, 3); DELETE FROM t WHERE id = 2");
    expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'changed'], [3, 'changed'], [4, 'd']]);
    expect(tag(db, 'ROLLBACK TO SAVEPOINT s1')).toBe('ROLLBACK');
    expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    // The savepoint stays: roll back to it again after more work.
    rows(db, "UPDATE t SET v = 'again' WHERE id = 1");
    rows(db, 'ROLLBACK TO s1');
    expect(rows(db, 'SELECT v FROM t WHERE id = 1')).toEqual([['a']]);
    // The undone key may be taken again.
    rows(db, "INSERT INTO t VALUES (4, 'd2')");
    rows(db, 'COMMIT');
    expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'a'], [2, 'b'], [3, 'c'], [4, 'd2']]);
    db.close();
  });

  it('after ROLLBACK TO and COMMIT the undone update leaves the row where every index finds it, and its key stays unique', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE acct (id int PRIMARY KEY, balance int); CREATE INDEX acct_balance ON acct (balance)');
    rows(db, 'INSERT INTO acct VALUES (1, 100), (2, 0)');
    rows(db, 'BEGIN; SAVEPOINT a; UPDATE acct SET balance = 1000 WHERE id = 1; ROLLBACK TO SAVEPOINT a; COMMIT');
    expect(rows(db, 'SELECT balance FROM acct WHERE id = 1')).toEqual([[100]]);
    expect(rows(db, 'SELECT id FROM acct WHERE balance = 100')).toEqual([[1]]);
    expect(rows(db, 'SELECT id FROM acct WHERE balance = 1000')).toEqual([]);
    expect(error(db, 'INSERT INTO acct VALUES (1, 1)')).toMatchObject({ code: '23505' });
    expect(rows(db, 'SELECT count(*) FROM acct')).toEqual([[2]]);
    db.close();
  });

  it('nested savepoints; RELEASE keeps the work and forgets later savepoints', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (n int)');
    rows(db, 'BEGIN; INSERT INTO t VALUES (1); SAVEPOINT a; INSERT INTO t VALUES (2); SAVEPOINT b; INSERT INTO t VALUES (3)');
    rows(db, 'ROLLBACK TO b');
    expect(rows(db, 'SELECT n FROM t ORDER BY n')).toEqual([[1], [2]]);
    expect(tag(db, 'RELEASE SAVEPOINT a')).toBe('RELEASE');
    expect(error(db, 'ROLLBACK TO b')).toMatchObject({ code: '3B001', message: 'savepoint "b" does not exist' });
    rows(db, 'ROLLBACK');
    expect(rows(db, 'SELECT count(*) FROM t')).toEqual([[0]]);
    db.close();
  });

  it('a savepoint name may repeat: the newest is used', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (n int)');
    rows(db, 'BEGIN; SAVEPOINT x; INSERT INTO t VALUES (1); SAVEPOINT x; INSERT INTO t VALUES (2); ROLLBACK TO x');
    expect(rows(db, 'SELECT n FROM t')).toEqual([[1]]);
    rows(db, 'RELEASE x; ROLLBACK TO x');
    expect(rows(db, 'SELECT count(*) FROM t')).toEqual([[0]]);
    rows(db, 'COMMIT');
    db.close();
  });

  it('ROLLBACK TO clears a failed transaction block', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (id int PRIMARY KEY)');
    rows(db, 'BEGIN; INSERT INTO t VALUES (1); SAVEPOINT s');
    expect(error(db, 'INSERT INTO t VALUES (1)')).toMatchObject({ code: '23505' });
    expect(error(db, 'SELECT 1')).toMatchObject({ code: '25P02', message: 'current transaction is aborted, commands ignored until end of transaction block' });
    expect(error(db, 'SAVEPOINT t')).toMatchObject({ code: '25P02' });
    expect(error(db, 'RELEASE s')).toMatchObject({ code: '25P02' });
    rows(db, 'ROLLBACK TO s');
    rows(db, 'INSERT INTO t VALUES (2)');
    expect(tag(db, 'COMMIT')).toBe('COMMIT');
    expect(rows(db, 'SELECT id FROM t ORDER BY id')).toEqual([[1], [2]]);
    db.close();
  });

  it('undoes the partial work of the statement that failed', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (id int PRIMARY KEY)');
    rows(db, 'BEGIN; SAVEPOINT s');
    // The first rows are written before the duplicate fails the statement.
    expect(error(db, 'INSERT INTO t VALUES (1), (2), (1)')).toMatchObject({ code: '23505' });
    rows(db, 'ROLLBACK TO s; INSERT INTO t VALUES (1); COMMIT');
    expect(rows(db, 'SELECT id FROM t')).toEqual([[1]]);
    db.close();
  });

  it('errors outside a transaction block (25P01) and for unknown names (3B001, which fails the block)', () => {
    const db = memoryDb();
    expect(error(db, 'SAVEPOINT a')).toMatchObject({ code: '25P01', message: 'SAVEPOINT can only be used in transaction blocks' });
    expect(error(db, 'RELEASE SAVEPOINT a')).toMatchObject({ code: '25P01', message: 'RELEASE SAVEPOINT can only be used in transaction blocks' });
    expect(error(db, 'ROLLBACK TO SAVEPOINT a')).toMatchObject({ code: '25P01', message: 'ROLLBACK TO SAVEPOINT can only be used in transaction blocks' });
    rows(db, 'BEGIN');
    expect(error(db, 'RELEASE nope')).toMatchObject({ code: '3B001', message: 'savepoint "nope" does not exist' });
    expect(error(db, 'SELECT 1')).toMatchObject({ code: '25P02' });
    expect(tag(db, 'COMMIT')).toBe('ROLLBACK');
    db.close();
  });

  it('other sessions never see undone versions, before or after COMMIT', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (n int); INSERT INTO t VALUES (0)');
    const a = sessionOf(db);
    const b = db.session();
    rows(a, 'BEGIN; SAVEPOINT s; INSERT INTO t VALUES (1); UPDATE t SET n = 10 WHERE n = 0; ROLLBACK TO s; INSERT INTO t VALUES (2)');
    expect(rows(b, 'SELECT n FROM t ORDER BY n')).toEqual([[0]]);
    rows(a, 'COMMIT');
    expect(rows(b, 'SELECT n FROM t ORDER BY n')).toEqual([[0], [2]]);
    // The row the undone UPDATE had claimed can be changed by others again.
    rows(b, 'UPDATE t SET n = 5 WHERE n = 0');
    expect(rows(a, 'SELECT n FROM t ORDER BY n')).toEqual([[2], [5]]);
    rows(db, 'VACUUM');
    expect(rows(a, 'SELECT n FROM t ORDER BY n')).toEqual([[2], [5]]);
    db.close();
  });

  it('Database.transaction nests through savepoints: an inner throw undoes only the inner work', () => {
    const db = memoryDb();
    db.exec('CREATE TABLE t (n int PRIMARY KEY)');
    const insert = db.prepare('INSERT INTO t VALUES ($1)');
    const inner = db.transaction((n: number) => {
      insert.run(n);
      insert.run(n); // duplicate key: throws
    });
    const outer = db.transaction(() => {
      insert.run(1);
      expect(() => inner(2)).toThrow(/duplicate key/);
      insert.run(3);
    });
    outer();
    expect(db.prepare('SELECT n FROM t ORDER BY n').raw().all()).toEqual([[1], [3]]);
    expect(db.inTransaction).toBe(false);
    db.close();
  });

  it('the engine API: savepoint markers and rollbackToSavepoint', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (n int)');
    const engine = db.engine;
    const id = engine.table('t')!.id;
    const txn = engine.begin();
    const tid = engine.insert(txn, id, [1]);
    const m1 = engine.savepoint(txn);
    const tid2 = engine.update(txn, id, tid, [2]);
    engine.insert(txn, id, [3]);
    const m2 = engine.savepoint(txn);
    engine.delete(txn, id, tid2);
    const seen = () => {
      const out: unknown[] = [];
      engine.scan(txn, id, (_tid, row) => void out.push(row[0]));
      return out.sort();
    };
    expect(seen()).toEqual([3]);
    engine.rollbackToSavepoint(txn, m2);
    expect(seen()).toEqual([2, 3]);
    engine.rollbackToSavepoint(txn, m1);
    expect(seen()).toEqual([1]);
    engine.commit(txn);
    expect(rows(db, 'SELECT n FROM t')).toEqual([[1]]);
    db.close();
  });
});
