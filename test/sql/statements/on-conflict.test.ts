// INSERT ... ON CONFLICT against PostgreSQL 15: arbiter inference, DO
// NOTHING, DO UPDATE with EXCLUDED and WHERE, RETURNING, and the errors.
import { describe, expect, it } from 'vitest';
import { error, memoryDb, rows, tag } from './helpers.ts';

function setup() {
  const db = memoryDb();
  rows(db, 'CREATE TABLE t (id int PRIMARY KEY, v text, n int UNIQUE)');
  rows(db, "INSERT INTO t VALUES (1, 'a', 1)");
  return db;
}

describe('ON CONFLICT DO NOTHING', () => {
  it('skips conflicting rows, inserts the others, counts only inserted ones', () => {
    const db = setup();
    expect(tag(db, "INSERT INTO t VALUES (1, 'x', 9), (2, 'b', 2) ON CONFLICT (id) DO NOTHING")).toBe('INSERT 0 1');
    expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'a', 1], [2, 'b', 2]]);
    db.close();
  });

  it('without a target, any unique constraint is an arbiter', () => {
    const db = setup();
    expect(tag(db, "INSERT INTO t VALUES (5, 'x', 1) ON CONFLICT DO NOTHING")).toBe('INSERT 0 0');
    expect(tag(db, "INSERT INTO t VALUES (1, 'x', 5) ON CONFLICT DO NOTHING")).toBe('INSERT 0 0');
    db.close();
  });

  it('duplicates within one command: the second is skipped; RETURNING shows inserted rows only', () => {
    const db = setup();
    expect(rows(db, "INSERT INTO t VALUES (3, 'c', 3), (3, 'd', 4) ON CONFLICT (id) DO NOTHING RETURNING id, v")).toEqual([[3, 'c']]);
    db.close();
  });

  it('a non-arbiter constraint still raises 23505', () => {
    const db = setup();
    expect(error(db, "INSERT INTO t VALUES (2, 'b', 1) ON CONFLICT (id) DO NOTHING")).toMatchObject({
      code: '23505', message: 'duplicate key value violates unique constraint "t_n_key"', detail: 'Key (n)=(1) already exists.',
    });
    db.close();
  });

  it('NOT NULL and CHECK are checked before conflicts', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE t (id int PRIMARY KEY, v int CHECK (v > 0)); INSERT INTO t VALUES (1, 1)');
    expect(error(db, 'INSERT INTO t VALUES (1, 0) ON CONFLICT DO NOTHING')).toMatchObject({ code: '23514' });
    db.close();
  });
});

describe('ON CONFLICT DO UPDATE', () => {
  it('updates the existing row from EXCLUDED; RETURNING shows the result', () => {
    const db = setup();
    expect(rows(db, "INSERT INTO t VALUES (1, 'z', 5) ON CONFLICT (id) DO UPDATE SET v = t.v || excluded.v, n = excluded.n RETURNING *")).toEqual([[1, 'az', 5]]);
    expect(tag(db, "INSERT INTO t VALUES (2, 'b', 2), (1, 'q', 6) ON CONFLICT (id) DO UPDATE SET v = excluded.v")).toBe('INSERT 0 2');
    expect(rows(db, 'SELECT * FROM t ORDER BY id')).toEqual([[1, 'q', 5], [2, 'b', 2]]);
    db.close();
  });

  it('WHERE decides whether the conflicting row is updated', () => {
    const db = setup();
    expect(rows(db, "INSERT INTO t VALUES (1, 'z', 5) ON CONFLICT (id) DO UPDATE SET v = 'new' WHERE t.n = 2 RETURNING *")).toEqual([]);
    expect(rows(db, "INSERT INTO t VALUES (1, 'z', 5) ON CONFLICT (id) DO UPDATE SET v = 'new' WHERE excluded.n = 5 RETURNING v")).toEqual([['new']]);
    db.close();
  });

  it('an alias replaces the table name; multi-column SET; ON CONSTRAINT', () => {
    const db = setup();
    expect(rows(db, "INSERT INTO t AS x VALUES (1, 'q', 7) ON CONFLICT ON CONSTRAINT t_pkey DO UPDATE SET (v, n) = (x.v || excluded.v, excluded.n) RETURNING *")).toEqual([[1, 'aq', 7]]);
    expect(error(db, "INSERT INTO t AS x VALUES (1, 'q', 7) ON CONFLICT (id) DO UPDATE SET v = t.v")).toMatchObject({ code: '42P01' });
    db.close();
  });

  it('the conflict target by a unique column; the update may change the key', () => {
    const db = setup();
    expect(rows(db, "INSERT INTO t VALUES (9, 'x', 1) ON CONFLICT (n) DO UPDATE SET id = 10 RETURNING *")).toEqual([[10, 'a', 1]]);
    db.close();
  });

  it('cannot affect the same row twice in one command (21000)', () => {
    const db = setup();
    expect(error(db, "INSERT INTO t VALUES (1, 'a', 1), (1, 'b', 2) ON CONFLICT (id) DO UPDATE SET v = excluded.v")).toMatchObject({
      code: '21000', message: 'ON CONFLICT DO UPDATE command cannot affect row a second time',
      hint: 'Ensure that no rows proposed for insertion within the same command have duplicate constrained values.',
    });
    expect(error(db, "INSERT INTO t VALUES (7, 'a', 7), (7, 'b', 8) ON CONFLICT (id) DO UPDATE SET v = excluded.v")).toMatchObject({ code: '21000' });
    expect(rows(db, 'SELECT count(*) FROM t')).toEqual([[1]]);
    db.close();
  });

  it('errors: no matching constraint, unknown constraint, missing target, ambiguous column', () => {
    const db = setup();
    expect(error(db, "INSERT INTO t VALUES (1, 'a', 1) ON CONFLICT (v) DO NOTHING")).toMatchObject({
      code: '42P10', message: 'there is no unique or exclusion constraint matching the ON CONFLICT specification',
    });
    expect(error(db, "INSERT INTO t VALUES (1, 'a', 1) ON CONFLICT (id, n) DO NOTHING")).toMatchObject({ code: '42P10' });
    expect(error(db, "INSERT INTO t VALUES (1, 'a', 1) ON CONFLICT ON CONSTRAINT nope DO NOTHING")).toMatchObject({
      code: '42704', message: 'constraint "nope" for table "t" does not exist',
    });
    expect(error(db, "INSERT INTO t VALUES (1, 'a', 1) ON CONFLICT DO UPDATE SET v = 'x'")).toMatchObject({
      code: '42601', message: 'ON CONFLICT DO UPDATE requires inference specification or constraint name', hint: 'For example, ON CONFLICT (column_name).',
    });
    expect(error(db, "INSERT INTO t VALUES (1, 'x', 1) ON CONFLICT (id) DO UPDATE SET v = v")).toMatchObject({ code: '42702', message: 'column reference "v" is ambiguous' });
    expect(error(db, "INSERT INTO t VALUES (1, 'x', 1) ON CONFLICT (nope) DO NOTHING")).toMatchObject({ code: '42703', message: 'column "nope" does not exist' });
    db.close();
  });

  it('works with a composite key and a unique index', () => {
    const db = memoryDb();
    rows(db, 'CREATE TABLE kv (a int, b int, v int, PRIMARY KEY (a, b)); CREATE UNIQUE INDEX kv_v ON kv (v)');
    rows(db, 'INSERT INTO kv VALUES (1, 1, 10)');
    expect(rows(db, 'INSERT INTO kv VALUES (1, 1, 20) ON CONFLICT (b, a) DO UPDATE SET v = kv.v + excluded.v RETURNING v')).toEqual([[30]]);
    expect(tag(db, 'INSERT INTO kv VALUES (2, 2, 30) ON CONFLICT (v) DO NOTHING')).toBe('INSERT 0 0');
    db.close();
  });
});
