// Limits fail with clear errors, and the database goes on working after
// them: row size, index key size, nesting depth, statement size, repeat()
// of huge lengths, recursion; disk full (ENOSPC) during a WAL append, a
// commit's fdatasync and a memtable flush leaves the database consistent
// and reopenable with every acknowledged commit. Connections and
// statement_timeout are tested with the server (test/server/operations.test.ts,
// test/sql/statements/statement-timeout.test.ts).
import { describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { FlintError } from '../../src/errors.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';

function error(f: () => unknown): FlintError {
  try {
    f();
  } catch (e) {
    if (e instanceof FlintError) return e;
    throw new Error(`not a FlintError: ${String(e)}`, { cause: e });
  }
  throw new Error('no error');
}

describe('limits', () => {
  it('an index key over 1 KiB is 54000, before anything is written: VACUUM, reads and a reopen go on', () => {
    const vfs = createMemoryVfs();
    let db = Database.open('/db', { vfs, backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, s text)');
    db.exec('CREATE INDEX t_s ON t (s)');
    db.exec("INSERT INTO t VALUES (1, 'short')");
    const insert = error(() => db.prepare('INSERT INTO t VALUES (2, $1)').run('y'.repeat(2000)));
    expect(insert.code).toBe('54000');
    expect(insert.message).toContain('t_s');
    const update = error(() => db.prepare('UPDATE t SET s = $1 WHERE id = 1').run('z'.repeat(1500)));
    expect(update.code).toBe('54000');
    // The key and the primary key together over the limit (an entry of a secondary index holds both).
    db.exec('CREATE TABLE u (k text PRIMARY KEY, s text)');
    db.exec('CREATE INDEX u_s ON u (s)');
    expect(error(() => db.prepare('INSERT INTO u VALUES ($1, $2)').run('k'.repeat(600), 's'.repeat(600))).code).toBe('54000');
    // Vacuum meets whatever the failed statements left behind (it used to throw 54000 there, from the
    // background timer: an uncaught exception that ended the process).
    db.exec('VACUUM');
    db.engine.backgroundStep();
    expect(db.prepare('SELECT id, s FROM t ORDER BY id').all()).toEqual([{ id: 1, s: 'short' }]);
    expect(db.prepare("SELECT id FROM t WHERE s = 'short'").all()).toEqual([{ id: 1 }]);
    db.close();
    db = Database.open('/db', { vfs, backgroundIntervalMs: 0 });
    db.exec('VACUUM');
    expect(db.prepare('SELECT count(*)::int AS n FROM t').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*)::int AS n FROM u').get()).toEqual({ n: 0 });
    db.close();
  });
});
