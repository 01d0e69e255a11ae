// Session.runAsync, the path of every server statement and of the embedded
// async API: a failure is a rejected promise (never a synchronous throw), a
// commit resolves only once durable, and a failed fdatasync fails the
// statement and leaves nothing of it visible.
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../../src/db/database.ts';
import { FlintError } from '../../../src/errors.ts';
import { createFaultVfs, createMemoryVfs } from '../../../src/storage/vfs/index.ts';

let db: Database | undefined;
afterEach(() => {
  try {
    db?.close();
  } catch {
    // A database whose WAL stopped may refuse its closing checkpoint.
  }
  db = undefined;
});

describe('Session.runAsync', () => {
  it('rejects the promise for a failing statement, rather than throwing, and the session goes on', async () => {
    db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const s = db.session();
    const insert = s.parse('INSERT INTO t VALUES ($1, $2)')[0]!.statement;
    await s.runAsync(insert, [1, 'a']);
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = s.runAsync(insert, [1, 'again']);
    }).not.toThrow();
    await expect(promise).rejects.toMatchObject({ code: '23505' });
    const bad = s.parse('SELECT 1 / 0')[0]!.statement;
    await expect(s.runAsync(bad)).rejects.toMatchObject({ code: '22012' });
    expect((await s.runAsync(insert, [2, 'b'])).rowCount).toBe(1);
    expect(db.prepare('SELECT count(*) FROM t').raw().get()).toEqual([2]);
  });

  it('resolves each statement with its own result, and runs of a prepared single-row INSERT make no continuation each', async () => {
    // Durable commits (group commit), on the in-memory VFS.
    db = Database.open('/db', { vfs: createMemoryVfs(), backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, v text)');
    const s = db.session();
    const insert = s.parse('INSERT INTO t VALUES ($1, $2)')[0]!.statement;
    const select = s.parse('SELECT v FROM t WHERE id = $1')[0]!.statement;
    // The function each runAsync's promise was made with (then()'s callback, in the call that returned it).
    const continuationOf = (run: () => Promise<unknown>): { promise: Promise<unknown>; continuation: unknown } => {
      const made = new Map<Promise<unknown>, unknown>();
      const then = Promise.prototype.then;
      Promise.prototype.then = function (this: Promise<unknown>, onFulfilled?: unknown, onRejected?: unknown) {
        const derived = then.call(this, onFulfilled as never, onRejected as never);
        made.set(derived, onFulfilled);
        return derived;
      } as typeof then;
      let promise: Promise<unknown>;
      try {
        promise = run();
      } finally {
        Promise.prototype.then = then;
      }
      expect(made.has(promise)).toBe(true);
      return { promise, continuation: made.get(promise) };
    };
    const first = continuationOf(() => s.runAsync(insert, [1, 'a']));
    expect(await first.promise).toMatchObject({ command: 'INSERT 0 1', rowCount: 1 });
    const second = continuationOf(() => s.runAsync(insert, [2, 'b']));
    expect(second.promise).not.toBe(first.promise);
    expect(second.continuation).toBe(first.continuation);
    expect(await second.promise).toMatchObject({ command: 'INSERT 0 1', rowCount: 1 });
    // A result with rows is its own, and is not kept.
    expect((await s.runAsync(select, [2])).rows).toEqual([['b']]);
    const update = s.parse('UPDATE t SET v = $1')[0]!.statement;
    expect(await s.runAsync(update, ['c'])).toMatchObject({ command: 'UPDATE 2', rowCount: 2 });
    expect(await s.runAsync(insert, [3, 'c'])).toMatchObject({ command: 'INSERT 0 1', rowCount: 1 });
    expect(db.prepare('SELECT count(*) FROM t').raw().get()).toEqual([3]);
  });

  it('runs COMMIT of a block through group commit and resolves once it is durable', async () => {
    db = Database.open(':memory:');
    db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    const s = db.session();
    const run = (sql: string) => s.runAsync(s.parse(sql)[0]!.statement);
    await run('BEGIN');
    await run('INSERT INTO t VALUES (1)');
    expect((await run('COMMIT')).command).toBe('COMMIT');
    expect(s.inTransaction).toBe(false);
    expect(db.prepare('SELECT count(*) FROM t').raw().get()).toEqual([1]);
  });

  it('fails an autocommit statement whose fdatasync fails with 58030, and nothing of it is visible', async () => {
    const vfs = createFaultVfs({ seed: 3 });
    db = Database.open('/db', { vfs, backgroundIntervalMs: 0 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY)');
    const sessions = [db.session(), db.session(), db.session()];
    const insert = sessions.map((s) => s.parse('INSERT INTO t VALUES ($1)')[0]!.statement);
    await sessions[0]!.runAsync(insert[0]!, [1]);
    vfs.failAt('sync', 1);
    const outcomes = await Promise.allSettled(sessions.map((s, i) => s.runAsync(insert[i]!, [10 + i])));
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect(((o as PromiseRejectedResult).reason as FlintError).code).toBe('58030');
    }
    expect(db.prepare('SELECT id FROM t ORDER BY id').raw().all()).toEqual([[1]]);
  });
});
