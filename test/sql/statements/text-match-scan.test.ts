// A full scan tests `text column = parameter or constant` on the stored
// bytes before it decodes a row (run.ts textEquality, Engine.scan's match).
// The answers must be those of the filter alone: NULLs, non-ASCII text,
// varchar, parameters, constants, a column added later with a DEFAULT (rows
// stored before it hold no bytes for it), dropped columns shifting stored
// positions, and columns the pre-test must leave alone (char(n) pads).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../../src/db/database.ts';
import { memoryDb, rows, tag } from './helpers.ts';

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

// The pre-test runs a page at a time (the pageMatchColumn kernel) and
// visibility is checked only on what it lets through: the answers must stay
// those of the filter alone under MVCC, on a table of many pages, with both
// kernel kinds, and while the statement itself writes to the table.
describe('text equality tested a page at a time', () => {
  for (const kernels of ['wasm', 'ts'] as const) {
    it(`sees exactly its snapshot's rows (${kernels} kernels)`, () => {
      const d = Database.open(':memory:', { backgroundIntervalMs: 0, poolBytes: 4 << 20, kernels });
      try {
        rows(d, 'CREATE TABLE m (id int PRIMARY KEY, k text, pad text)');
        d.transaction(() => {
          const insert = d.prepare('INSERT INTO m VALUES ($1, $2, $3)');
          for (let i = 0; i < 3000; i++) insert.run(i, `k${i % 50}`, 'p'.repeat(i % 40));
        })();
        const reader = d.session();
        const writer = d.session();
        const count = (s: typeof reader, k: string) => rows(s, `SELECT count(*), sum(id) FROM m WHERE k = '${k}'`)[0];
        const reference = (s: typeof reader, k: string) => rows(s, `SELECT count(*), sum(id) FROM m WHERE k || '' = '${k}'`)[0];
        expect(count(reader, 'k7')).toEqual([60, reference(reader, 'k7')![1]]);
        rows(reader, 'BEGIN ISOLATION LEVEL REPEATABLE READ');
        expect(count(reader, 'k7')).toEqual(reference(reader, 'k7'));
        // Uncommitted and later-committed changes of another session: an insert, a delete, an update into and out of k7.
        rows(writer, "BEGIN; INSERT INTO m VALUES (5000, 'k7', ''); DELETE FROM m WHERE id = 7; UPDATE m SET k = 'k7' WHERE id = 8; UPDATE m SET k = 'k8' WHERE id = 57");
        expect(count(writer, 'k7')).toEqual([60 + 1 - 1 + 1 - 1, reference(writer, 'k7')![1]]);
        expect(count(reader, 'k7')).toEqual(reference(reader, 'k7'));
        expect(count(reader, 'k7')![0]).toBe(60);
        rows(writer, 'COMMIT');
        expect(count(reader, 'k7')![0]).toBe(60);
        rows(reader, 'COMMIT');
        expect(count(reader, 'k7')).toEqual(reference(reader, 'k7'));
        expect(rows(reader, "SELECT id FROM m WHERE k = 'k7' AND id IN (7, 8, 57, 5000) ORDER BY id")).toEqual([[8], [5000]]);
        // The statement writes to the pages it scans: each matching row once.
        expect(tag(reader, "UPDATE m SET k = 'k7', pad = pad || 'more bytes to move the row' WHERE k = 'k7'")).toBe('UPDATE 60');
        expect(count(reader, 'k7')).toEqual(reference(reader, 'k7'));
        expect(tag(reader, "DELETE FROM m WHERE k = 'k7'")).toBe('DELETE 60');
        expect(count(reader, 'k7')).toEqual([0, null]);
        // Vacuumed pages: reclaimed slots are skipped, later inserts may reuse them.
        rows(reader, 'VACUUM');
        rows(reader, "INSERT INTO m SELECT id + 10000, 'k7', '' FROM m WHERE k = 'k9'");
        expect(count(reader, 'k7')).toEqual(reference(reader, 'k7'));
        expect(count(reader, 'k7')![0]).toBe(60);
      } finally {
        d.close();
      }
    });
  }
});
