// What the statements store survives closing and reopening the database
// (a temp directory on the node file system) and a crash (the memory vfs):
// altered tables, foreign keys, sequences.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../../src/db/database.ts';
import { createMemoryVfs } from '../../../src/storage/vfs/index.ts';
import { error, rows } from './helpers.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flint-statements-'));
  dirs.push(dir);
  return dir;
}

const open = (dir: string) => Database.open(dir, { backgroundIntervalMs: 0, poolBytes: 4 << 20 });

describe('persistence across reopen', () => {
  it('ALTER TABLE: added columns with their missing values, dropped columns, renames', () => {
    const dir = tempDir();
    let db = open(dir);
    rows(db, `CREATE TABLE t (id int PRIMARY KEY, name text, gone int);
      INSERT INTO t VALUES (1, 'a', 9), (2, 'b', 9);
      ALTER TABLE t ADD COLUMN score int DEFAULT 7;
      ALTER TABLE t DROP COLUMN gone;
      ALTER TABLE t RENAME COLUMN name TO label;
      ALTER TABLE t RENAME TO items;
      ALTER TABLE items ADD CONSTRAINT score_pos CHECK (score > 0);
      ALTER TABLE items SET (compression = zstd)`);
    db.close();
    db = open(dir);
    expect(rows(db, 'SELECT * FROM items ORDER BY id')).toEqual([[1, 'a', 7], [2, 'b', 7]]);
    expect(error(db, "INSERT INTO items VALUES (3, 'c', 0)")).toMatchObject({ code: '23514', message: 'new row for relation "items" violates check constraint "score_pos"' });
    expect(error(db, "INSERT INTO items VALUES (1, 'c', 1)")).toMatchObject({ code: '23505' });
    expect((db.engine.table('items')!.meta as { options: Record<string, string> }).options).toEqual({ compression: 'zstd' });
    db.close();
  });

  it('foreign keys keep being enforced', () => {
    const dir = tempDir();
    let db = open(dir);
    rows(db, `CREATE TABLE p (id int PRIMARY KEY); CREATE TABLE c (pid int REFERENCES p ON DELETE CASCADE);
      INSERT INTO p VALUES (1), (2); INSERT INTO c VALUES (1), (2)`);
    db.close();
    db = open(dir);
    expect(error(db, 'INSERT INTO c VALUES (3)')).toMatchObject({ code: '23503', detail: 'Key (pid)=(3) is not present in table "p".' });
    rows(db, 'DELETE FROM p WHERE id = 1');
    expect(rows(db, 'SELECT * FROM c')).toEqual([[2]]);
    expect(error(db, 'DROP TABLE p')).toMatchObject({ code: '2BP01' });
    db.close();
  });

  it('sequences continue where they were after a clean close', () => {
    const dir = tempDir();
    let db = open(dir);
    rows(db, "CREATE SEQUENCE s START 100; CREATE TABLE t (id serial, v text); SELECT nextval('s'), nextval('s'); INSERT INTO t (v) VALUES ('a')");
    db.close();
    db = open(dir);
    expect(rows(db, "SELECT nextval('s')")).toEqual([[102]]);
    expect(rows(db, "INSERT INTO t (v) VALUES ('b') RETURNING id")).toEqual([[2]]);
    db.close();
  });

  it('after a crash, a sequence skips its cached values but never repeats one', () => {
    const vfs = createMemoryVfs();
    const db = Database.open('/data', { vfs, backgroundIntervalMs: 0, poolBytes: 4 << 20 });
    rows(db, "CREATE SEQUENCE s; SELECT nextval('s'), nextval('s')");
    // Power loss: the database is not closed.
    const after = Database.open('/data', { vfs: vfs.crash(), backgroundIntervalMs: 0, poolBytes: 4 << 20 });
    const [[next]] = rows(after, "SELECT nextval('s')") as [[number]];
    expect(next).toBeGreaterThan(2);
    expect(next).toBeLessThanOrEqual(33);
    after.close();
  });

  it('savepoint rollbacks survive recovery', () => {
    const vfs = createMemoryVfs();
    const db = Database.open('/data', { vfs, backgroundIntervalMs: 0, poolBytes: 4 << 20 });
    rows(db, 'CREATE TABLE t (n int); INSERT INTO t VALUES (1)');
    rows(db, 'BEGIN; SAVEPOINT a; INSERT INTO t VALUES (2); DELETE FROM t WHERE n = 1; ROLLBACK TO a; INSERT INTO t VALUES (3); COMMIT');
    const after = Database.open('/data', { vfs: vfs.crash(), backgroundIntervalMs: 0, poolBytes: 4 << 20 });
    expect(rows(after, 'SELECT n FROM t ORDER BY n')).toEqual([[1], [3]]);
    after.close();
  });
});
