// Secondary index lookups whose columns are all numbers or booleans read
// their hinted tuples through the tuplesExtract kernel (IndexManager
// #extractedRow), TUPLES_STRIDE entries a call; the rest go through
// visitOwned and decoding as before. Whatever the kernel kind, the answers
// must be a table scan's: through updates that keep or change the key,
// deletes, rows of an open transaction (its own view and an older
// snapshot's), columns added later (the missing value), NULLs, booleans,
// small and single-precision numbers, and blocks the pool evicted (a
// small pool: the kernel skips what it does not find cached).
import { describe, expect, it } from 'vitest';
import { Database } from '../src/db/database.ts';
import type { Session } from '../src/db/session.ts';

const sortRows = (rows: unknown[]) => [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

async function bothIn(s: Session, sql: string, params: unknown[]): Promise<unknown[]> {
  await s.query('SET enable_indexscan = on');
  const indexed = (await s.query(sql, params)).rows;
  await s.query('SET enable_indexscan = off');
  const scanned = (await s.query(sql, params)).rows;
  await s.query('SET enable_indexscan = on');
  expect(sortRows(indexed)).toEqual(sortRows(scanned));
  return indexed;
}

describe.each(['wasm', 'ts'] as const)('secondary lookups read through tuplesExtract (%s kernels)', (kernels) => {
  it('answer as a table scan does through updates, deletes, open transactions, ADD COLUMN and evictions', async () => {
    const db = Database.open(':memory:', { backgroundIntervalMs: 0, kernels, poolBytes: 1 << 20 });
    db.exec('CREATE TABLE t (id int PRIMARY KEY, cat int, s smallint, f real, d double precision, b boolean, label text)');
    db.exec('CREATE INDEX t_cat ON t (cat)');
    let seed = 12345;
    const rand = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % n;
    };
    const CATS = 40;
    const rows = 12_000;
    const insert = db.prepare('INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7)');
    db.exec('BEGIN');
    for (let id = 1; id <= rows; id++) {
      const n = rand(10);
      insert.run(id, rand(CATS), n === 0 ? null : rand(60000) - 30000, n === 1 ? null : rand(1000) / 3, n === 2 ? null : rand(100000) / 7, n === 3 ? null : rand(2) === 0, 'label '.repeat(1 + rand(12)) + id);
    }
    db.exec('COMMIT');
    const main = db.session();
    const lookups = ['SELECT id, s, f FROM t WHERE cat = $1', 'SELECT id, d, b, cat FROM t WHERE cat = $1', 'SELECT * FROM t WHERE cat = $1', 'SELECT count(*), count(b), sum(s), max(d) FROM t WHERE cat = $1'];
    const check = async (s: Session) => {
      for (let c = 0; c < CATS; c += 3) for (const q of lookups) await bothIn(s, q, [c]);
    };
    await check(main);
    // Updates that keep the key (a new version: the entry's hint names the old one) and that change it, deletes.
    for (let i = 0; i < 600; i++) {
      const id = 1 + rand(rows);
      const what = rand(3);
      if (what === 0) await main.query('UPDATE t SET d = d + 1, b = NOT b WHERE id = $1', [id]);
      else if (what === 1) await main.query('UPDATE t SET cat = $2 WHERE id = $1', [id, rand(CATS)]);
      else await main.query('DELETE FROM t WHERE id = $1', [id]);
    }
    await check(main);
    // An older snapshot, and a transaction's own uncommitted changes.
    const reader = db.session();
    const writer = db.session();
    await reader.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await check(reader);
    await writer.query('BEGIN');
    for (let i = 0; i < 200; i++) {
      const id = 1 + rand(rows);
      if (rand(2) === 0) await writer.query('UPDATE t SET cat = $2, s = 7 WHERE id = $1', [id, rand(CATS)]);
      else await writer.query('DELETE FROM t WHERE id = $1', [id]);
    }
    await writer.query('INSERT INTO t VALUES ($1, 3, 1, 1.5, 2.5, true, $2)', [rows + 1, 'new']);
    await check(reader);
    await check(writer);
    await writer.query('ROLLBACK');
    await check(reader);
    await reader.query('COMMIT');
    // A column added later reads as its default in the rows written before it.
    await main.query('ALTER TABLE t ADD COLUMN x int DEFAULT 7');
    await main.query('UPDATE t SET x = 9 WHERE id % 5 = 0');
    for (let c = 0; c < CATS; c += 3) await bothIn(main, 'SELECT id, x, f FROM t WHERE cat = $1', [c]);
    expect((await main.query('SELECT x FROM t WHERE cat = $1 AND id = $2', [3, rows + 1])).rows).toEqual([]);
    db.close();
  }, 120_000);
});
