// Sessions that write the same row: PostgreSQL's row-lock behaviour through
// Session.runAsync (the server's path). A writer that meets a row another
// transaction in progress has changed waits for it to end; then READ
// COMMITTED runs the statement again on a new snapshot, REPEATABLE READ
// fails with 40001 if the other committed. Deadlocks are 40P01, and a wait
// ends with 57014 on the statement timeout or a cancel. The synchronous API
// cannot wait: it gets 40001 at once.
import { afterEach, describe, expect, it } from 'vitest';
import { Database } from '../../../src/db/database.ts';
import type { Session } from '../../../src/db/session.ts';

let db: Database;
afterEach(() => db?.close());

function open(): { a: Session; b: Session; c: Session } {
  db = Database.open(':memory:');
  db.exec('CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL)');
  db.exec('INSERT INTO acct VALUES (1, 100), (2, 100)');
  return { a: db.session(), b: db.session(), c: db.session() };
}

/** Run one statement the way the server does (it may wait). */
function run(s: Session, sql: string) {
  return s.runAsync(s.parse(sql)[0]!.statement);
}

/** Has the promise settled by the time the event loop has turned a few times? */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(() => { done = true; }, () => { done = true; });
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return done;
}

const balance = (s: Session, id: number) => s.execute(`SELECT balance FROM acct WHERE id = ${id}`)[0]!.rows[0]![0];

describe('a writer waits for the transaction holding its row', () => {
  it('READ COMMITTED (the default): the second UPDATE waits, then applies to the committed row', async () => {
    const { a, b } = open();
    await run(a, 'BEGIN');
    await run(a, 'UPDATE acct SET balance = balance - 30 WHERE id = 1');
    const second = run(b, 'UPDATE acct SET balance = balance + 5 WHERE id = 1 RETURNING balance');
    expect(await settled(second)).toBe(false);
    await run(a, 'COMMIT');
    const r = await second;
    expect(r.rows).toEqual([[75]]);
    expect(balance(a, 1)).toBe(75);
  });

  it('READ COMMITTED: when the holder rolls back, the waiter applies to the old row', async () => {
    const { a, b } = open();
    await run(a, 'BEGIN');
    await run(a, 'DELETE FROM acct WHERE id = 1');
    const second = run(b, 'UPDATE acct SET balance = balance + 5 WHERE id = 1');
    expect(await settled(second)).toBe(false);
    await run(a, 'ROLLBACK');
    expect((await second).rowCount).toBe(1);
    expect(balance(a, 1)).toBe(105);
  });

  it('READ COMMITTED: a row the holder deleted is gone for the waiter (0 rows), and a block goes on after waiting', async () => {
    const { a, b } = open();
    await run(b, 'BEGIN');
    await run(b, 'UPDATE acct SET balance = 1 WHERE id = 2');
    await run(a, 'BEGIN');
    await run(a, 'DELETE FROM acct WHERE id = 1');
    const waiting = run(b, 'UPDATE acct SET balance = 0 WHERE id = 1');
    expect(await settled(waiting)).toBe(false);
    await run(a, 'COMMIT');
    expect((await waiting).rowCount).toBe(0);
    // The statement was undone and run again; b's earlier write in the block is intact.
    await run(b, 'COMMIT');
    expect(b.execute('SELECT id, balance FROM acct ORDER BY id')[0]!.rows).toEqual([[2, 1]]);
  });

  it('READ COMMITTED: each statement of a block sees what committed before it (a non-repeatable read)', async () => {
    const { a, b } = open();
    await run(a, 'BEGIN');
    expect((await run(a, 'SELECT balance FROM acct WHERE id = 1')).rows).toEqual([[100]]);
    await run(b, 'UPDATE acct SET balance = 7 WHERE id = 1');
    expect((await run(a, 'SELECT balance FROM acct WHERE id = 1')).rows).toEqual([[7]]);
    expect((await run(a, 'SHOW transaction_isolation')).rows).toEqual([['read committed']]);
    await run(a, 'COMMIT');
  });

  it('REPEATABLE READ: the waiter fails with 40001 if the holder commits, and goes on if it rolls back', async () => {
    const { a, b } = open();
    await run(a, 'BEGIN');
    await run(a, 'UPDATE acct SET balance = 1 WHERE id = 1');
    await run(b, 'BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect((await run(b, 'SHOW transaction_isolation')).rows).toEqual([['repeatable read']]);
    const waiting = run(b, 'UPDATE acct SET balance = 2 WHERE id = 1');
    expect(await settled(waiting)).toBe(false);
    await run(a, 'COMMIT');
    await expect(waiting).rejects.toMatchObject({ code: '40001', message: 'could not serialize access due to concurrent update' });
    expect(b.status).toBe('E');
    await run(b, 'ROLLBACK');

    await run(a, 'BEGIN');
    await run(a, 'UPDATE acct SET balance = 3 WHERE id = 1');
    await run(b, 'BEGIN');
    await run(b, 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    const again = run(b, 'UPDATE acct SET balance = 4 WHERE id = 1');
    expect(await settled(again)).toBe(false);
    await run(a, 'ROLLBACK');
    expect((await again).rowCount).toBe(1);
    await run(b, 'COMMIT');
    expect(balance(a, 1)).toBe(4);
  });

  it('SET TRANSACTION ISOLATION LEVEL after the first query is 25001; default_transaction_isolation applies to new transactions', async () => {
    const { a } = open();
    await run(a, 'BEGIN');
    await run(a, 'SELECT 1');
    await expect(run(a, 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')).rejects.toMatchObject({ code: '25001' });
    await run(a, 'ROLLBACK');
    await run(a, "SET default_transaction_isolation = 'repeatable read'");
    await run(a, 'BEGIN');
    expect((await run(a, 'SHOW transaction_isolation')).rows).toEqual([['repeatable read']]);
    await run(a, 'COMMIT');
    await expect(run(a, "SET default_transaction_isolation = 'sometimes'")).rejects.toMatchObject({ code: '22023' });
  });

  it('a key another transaction is inserting: wait, then 23505 if it committed, success if it rolled back', async () => {
    const { a, b } = open();
    await run(a, 'BEGIN');
    await run(a, 'INSERT INTO acct VALUES (3, 0)');
    const dup = run(b, 'INSERT INTO acct VALUES (3, 1)');
    expect(await settled(dup)).toBe(false);
    await run(a, 'COMMIT');
    await expect(dup).rejects.toMatchObject({ code: '23505' });

    await run(a, 'BEGIN');
    await run(a, 'INSERT INTO acct VALUES (4, 0)');
    const ok = run(b, 'INSERT INTO acct VALUES (4, 1)');
    expect(await settled(ok)).toBe(false);
    await run(a, 'ROLLBACK');
    expect((await ok).rowCount).toBe(1);
    expect(balance(a, 4)).toBe(1);
  });

  it('concurrent increments from many sessions all apply (no lost update, no failure)', async () => {
    db = Database.open(':memory:');
    db.exec('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
    db.exec('INSERT INTO counter VALUES (1, 0)');
    const sessions = Array.from({ length: 8 }, () => db.session());
    await Promise.all(sessions.map(async (s) => {
      for (let i = 0; i < 25; i++) {
        await run(s, 'BEGIN');
        await run(s, 'UPDATE counter SET n = n + 1 WHERE id = 1');
        await new Promise((r) => setImmediate(r)); // let the others run into the held row
        await run(s, 'COMMIT');
      }
    }));
    expect(db.session().execute('SELECT n FROM counter')[0]!.rows).toEqual([[200]]);
  });
});

describe('a wait that cannot end well', () => {
  it('a deadlock fails one of the two with 40P01; the other goes on once it rolls back', async () => {
    const { a, b } = open();
    await run(a, 'BEGIN');
    await run(b, 'BEGIN');
    await run(a, 'UPDATE acct SET balance = 1 WHERE id = 1');
    await run(b, 'UPDATE acct SET balance = 2 WHERE id = 2');
    const aWaits = run(a, 'UPDATE acct SET balance = 1 WHERE id = 2');
    expect(await settled(aWaits)).toBe(false);
    await expect(run(b, 'UPDATE acct SET balance = 2 WHERE id = 1')).rejects.toMatchObject({ code: '40P01', message: 'deadlock detected' });
    expect(b.status).toBe('E');
    await run(b, 'ROLLBACK');
    expect((await aWaits).rowCount).toBe(1);
    await run(a, 'COMMIT');
    expect(a.execute('SELECT id, balance FROM acct ORDER BY id')[0]!.rows).toEqual([[1, 1], [2, 1]]);
  });

  it('statement_timeout ends a wait with 57014; a cancel request too; the holder is unaffected', async () => {
    const { a, b } = open();
    await run(a, 'BEGIN');
    await run(a, 'UPDATE acct SET balance = 1 WHERE id = 1');
    await run(b, "SET statement_timeout = '50ms'");
    await expect(run(b, 'UPDATE acct SET balance = 2 WHERE id = 1')).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
    await run(b, 'SET statement_timeout = 0');
    const waiting = run(b, 'UPDATE acct SET balance = 2 WHERE id = 1');
    expect(await settled(waiting)).toBe(false);
    b.cancel();
    await expect(waiting).rejects.toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    await run(a, 'COMMIT');
    expect(balance(b, 1)).toBe(1);
    // The cancel does not outlive its statement.
    expect((await run(b, 'UPDATE acct SET balance = 5 WHERE id = 1')).rowCount).toBe(1);
  });

  it('the synchronous API cannot wait: it gets 40001 at once', async () => {
    const { a, b } = open();
    a.execute('BEGIN');
    a.execute('UPDATE acct SET balance = 1 WHERE id = 1');
    expect(() => b.execute('UPDATE acct SET balance = 2 WHERE id = 1')).toThrow(expect.objectContaining({ code: '40001' }));
    a.execute('COMMIT');
    expect(balance(b, 1)).toBe(1);
  });
});
