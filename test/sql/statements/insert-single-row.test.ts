// A prepared INSERT ... VALUES of one row run many times (dml-insert.ts's
// single-row path), the row encoder that hands such a row to the engine as
// it is (row-codec.ts), and the statement state made only when needed
// (DmlContext's collections, the ExecContext's subquery cache).
import { describe, expect, it } from 'vitest';
import { Database } from '../../../src/db/database.ts';
import type { SqlTable } from '../../../src/sql/catalog.ts';
import { rowEncoder } from '../../../src/sql/row-codec.ts';
import { T } from '../../../src/sql/types/type-info.ts';
import { flintError as error } from '../../helpers/flint-errors.ts';

describe('prepared single-row INSERT', () => {
  it('runs many times with parameters, DEFAULT, column defaults and a shorter VALUES list', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id int PRIMARY KEY, name text, n int DEFAULT 7, amount float8, tag text DEFAULT \'x\')');
    const insert = db.prepare('INSERT INTO t (id, name, amount, n) VALUES ($1, $2, $3, DEFAULT)');
    const noList = db.prepare('INSERT INTO t VALUES ($1, $2)');
    db.transaction(() => {
      for (let i = 1; i <= 50; i++) expect(insert.run(i, `n${i}`, i / 2)).toEqual({ changes: 1, lastInsertId: undefined });
      for (let i = 51; i <= 60; i++) noList.run(i, null);
    })();
    expect(db.prepare('SELECT count(*), sum(id), sum(amount), sum(n), min(tag), max(tag) FROM t').raw().get()).toEqual([60, 1830, 637.5, 420, 'x', 'x']);
    expect(db.prepare('SELECT * FROM t WHERE id IN (3, 55) ORDER BY id').all()).toEqual([
      { id: 3, name: 'n3', n: 7, amount: 1.5, tag: 'x' },
      { id: 55, name: null, n: 7, amount: null, tag: 'x' },
    ]);
    db.close();
  });

  it('keeps each row its own when a parameter\'s conversion runs the same statement again', () => {
    // The single-row path fills one reused row array; a run that starts inside another (here a Date whose getTime
    // inserts a row through the same prepared statement) must not write into, or clear, the outer run's row.
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id int PRIMARY KEY, name text, at timestamptz)');
    const insert = db.prepare('INSERT INTO t (id, name, at) VALUES ($1, $2, $3)');
    class ReentrantDate extends Date {
      override getTime(): number {
        insert.run(100, 'inner', new Date(1000));
        return super.getTime();
      }
    }
    db.transaction(() => {
      insert.run(1, 'first', new Date(0));
      insert.run(2, 'outer', new ReentrantDate(2000));
      insert.run(3, 'last', new Date(3000));
    })();
    const rows = db.prepare('SELECT id, name, at FROM t ORDER BY id').raw().all() as [number, string, Date][];
    expect(rows.map(([id, name, at]) => [id, name, at.getTime()])).toEqual([
      [1, 'first', 0],
      [2, 'outer', 2000],
      [3, 'last', 3000],
      [100, 'inner', 1000],
    ]);
    db.close();
  });

  it('reports constraint violations and leaves the row out', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id int PRIMARY KEY, name text NOT NULL, CHECK (id > 0))');
    const insert = db.prepare('INSERT INTO t (id, name) VALUES ($1, $2)');
    insert.run(1, 'a');
    const dup = error(() => insert.run(1, 'b'));
    expect([dup.code, dup.detail]).toEqual(['23505', 'Key (id)=(1) already exists.']);
    expect(error(() => insert.run(2, null)).code).toBe('23502');
    expect(error(() => insert.run(-1, 'c')).code).toBe('23514');
    insert.run(2, 'b');
    expect(db.prepare('SELECT id, name FROM t ORDER BY id').raw().all()).toEqual([[1, 'a'], [2, 'b']]);
    db.close();
  });

  it('checks foreign keys at the end of each statement', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE p (id int PRIMARY KEY)');
    db.exec('CREATE TABLE c (id int PRIMARY KEY, p int REFERENCES p (id))');
    db.exec('INSERT INTO p VALUES (1)');
    const insert = db.prepare('INSERT INTO c VALUES ($1, $2)');
    insert.run(1, 1);
    expect(error(() => insert.run(2, 9)).code).toBe('23503');
    insert.run(3, null);
    expect(db.prepare('SELECT id FROM c ORDER BY id').raw().all()).toEqual([[1], [3]]);
    db.close();
  });

  it('evaluates a subquery in VALUES once per run (the subquery cache of each statement)', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const insert = db.prepare('INSERT INTO t VALUES ((SELECT coalesce(max(id), 0) + 1 FROM t), $1)');
    for (const v of ['a', 'b', 'c']) insert.run(v);
    expect(db.prepare('SELECT id, v FROM t ORDER BY id').raw().all()).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
    db.close();
  });

  it('keeps RETURNING, ON CONFLICT and multi-row VALUES on the general path', () => {
    const db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id int PRIMARY KEY, n int)');
    expect(db.prepare('INSERT INTO t VALUES ($1, $2) RETURNING id, n').raw().all(1, 10)).toEqual([[1, 10]]);
    expect(db.prepare('INSERT INTO t VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET n = excluded.n').run(1, 11).changes).toBe(1);
    expect(db.prepare('INSERT INTO t VALUES ($1, 1), ($2, 2)').run(2, 3).changes).toBe(2);
    expect(db.prepare('SELECT id, n FROM t ORDER BY id').raw().all()).toEqual([[1, 11], [2, 1], [3, 2]]);
    db.close();
  });
});

describe('rowEncoder', () => {
  const table = (columns: { name: string; type: (typeof T)[keyof typeof T] }[], positions: number[], width: number): SqlTable =>
    ({ columns, positions, width }) as unknown as SqlTable;

  it('hands a row whose values are stored as they are to the engine without copying it', () => {
    const encode = rowEncoder(table([{ name: 'a', type: T.int4 }, { name: 'b', type: T.text }], [0, 1], 2));
    const row = [1, 'x'];
    expect(encode(row)).toBe(row);
    // undefined (a value nobody set) is stored as NULL, in a new array.
    const holey = [1, undefined] as unknown as [number, string];
    expect(encode(holey)).toEqual([1, null]);
    expect(encode(holey)).not.toBe(holey);
  });

  it('copies into the stored layout when a column was dropped or a type is stored differently', () => {
    const dropped = rowEncoder(table([{ name: 'a', type: T.int4 }, { name: 'c', type: T.int4 }], [0, 2], 3));
    expect(dropped([1, 3])).toEqual([1, null, 3]);
    const oid = rowEncoder(table([{ name: 'a', type: T.oid }], [0], 1));
    const row = [5];
    expect(oid(row)).toEqual([5n]);
  });
});
