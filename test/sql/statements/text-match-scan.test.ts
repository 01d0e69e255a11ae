// A full scan tests `text column = parameter or constant` on the stored
// bytes before it decodes a row (run.ts textEquality, Engine.scan's match).
// The answers must be those of the filter alone: NULLs, non-ASCII text,
// varchar, parameters, constants, a column added later with a DEFAULT (rows
// stored before it hold no bytes for it), dropped columns shifting stored
// positions, and columns the pre-test must leave alone (char(n) pads).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../../src/db/database.ts';
import { memoryDb, rows } from './helpers.ts';

let db: Database;

beforeAll(() => {
  db = memoryDb();
  rows(
    db,
    `CREATE TABLE t (id int PRIMARY KEY, gone int, a text, v varchar(10), c char(4));
     INSERT INTO t VALUES (1, 0, 'x', 'é', 'ab'), (2, 0, NULL, 'x', 'x'), (3, 0, 'é', NULL, NULL), (4, 0, '', '', ''), (5, 0, 'x', 'xx', 'ab  ');
     ALTER TABLE t DROP COLUMN gone;
     ALTER TABLE t ADD COLUMN d text DEFAULT 'dflt';
     INSERT INTO t (id, a, v, c, d) VALUES (6, 'x', 'y', 'z', 'new'), (7, 'y', 'y', 'y', 'dflt'), (8, 'z', 'z', 'z', NULL);`,
  );
});

afterAll(() => db.close());

const ids = (sql: string, ...params: (string | null)[]) => db.prepare(sql).all(...params).map((r) => Object.values(r)[0]).sort((a, b) => Number(a) - Number(b));

describe('text equality tested before decoding', () => {
  it('constants and parameters, NULLs and non-ASCII text', () => {
    expect(ids("SELECT id FROM t WHERE a = 'x'")).toEqual([1, 5, 6]);
    expect(ids("SELECT id FROM t WHERE 'x' = a")).toEqual([1, 5, 6]);
    expect(ids('SELECT id FROM t WHERE a = $1', 'é')).toEqual([3]);
    expect(ids('SELECT id FROM t WHERE a = $1', '')).toEqual([4]);
    expect(ids('SELECT id FROM t WHERE a = $1', null)).toEqual([]);
    expect(ids("SELECT id FROM t WHERE a = 'x' AND id > 1")).toEqual([5, 6]);
    expect(ids("SELECT id FROM t WHERE a = 'x' OR a = 'y'")).toEqual([1, 5, 6, 7]);
    expect(ids("SELECT id FROM t WHERE a = 'nothing'")).toEqual([]);
  });

  it('varchar, and char(n), whose comparison ignores trailing blanks', () => {
    expect(ids("SELECT id FROM t WHERE v = 'é'")).toEqual([1]);
    expect(ids('SELECT id FROM t WHERE v = $1', 'xx')).toEqual([5]);
    expect(ids("SELECT id FROM t WHERE c = 'ab'")).toEqual([1, 5]);
  });

  it('a column added with a DEFAULT: rows stored before it read the default', () => {
    expect(ids("SELECT id FROM t WHERE d = 'dflt'")).toEqual([1, 2, 3, 4, 5, 7]);
    expect(ids('SELECT id FROM t WHERE d = $1', 'new')).toEqual([6]);
    expect(ids("SELECT id FROM t WHERE d = 'dflt' AND a = 'x'")).toEqual([1, 5]);
  });

  it('a join whose small side is filtered by text', () => {
    rows(db, "CREATE TABLE labels (k text, id int); INSERT INTO labels VALUES ('one', 1), ('five', 5), ('é', 3)");
    expect(db.prepare('SELECT t.id, t.a FROM t JOIN labels l ON l.id = t.id WHERE l.k = $1').all('é')).toEqual([{ id: 3, a: 'é' }]);
    expect(rows(db, "SELECT count(*) FROM t JOIN labels l ON l.id = t.id WHERE l.k = 'five'")).toEqual([[1]]);
  });
});
