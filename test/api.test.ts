// The public API as a user imports it: from the package entry (src/index.ts,
// bundled to dist/index.js), never from internal modules.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Database, FlintError, Session, checkDatabase } from '../src/index.ts';

const repo = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..');
const isNode = typeof process !== 'undefined' && process.release?.name === 'node' && !('Bun' in globalThis) && !('Deno' in globalThis);

describe('package entry', () => {
  it('exports the SQL API', () => {
    expect(typeof Database.open).toBe('function');
    expect(typeof Session).toBe('function');
    expect(typeof checkDatabase).toBe('function');
  });

  // The README's example, run verbatim as a user would: `import … from 'flintdb'` resolves
  // through package.json's exports to the built bundle (npm ci builds it).
  it.runIf(isNode)("runs the README's library example against the built package", () => {
    const readme = readFileSync(join(repo, 'README.md'), 'utf8');
    const example = /```js\n(import \{ Database \} from 'flintdb';[\s\S]*?)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const script = `${example!.replace(/^(db\.prepare\('SELECT[^\n]*?\)\.get\(1\));.*$/m, 'console.log(JSON.stringify($1));').replace("'./data'", "':memory:'")}`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual({ id: 1, name: 'ada' });
  });
});

describe('Session: the async API', () => {
  it('runs statements, returns rows as objects, and reports the command', async () => {
    const db = Database.open(':memory:', { bigint: 'bigint' });
    const s = db.session();
    await s.query('CREATE TABLE t (id bigint PRIMARY KEY, name text, at timestamp, price numeric(6,2))');
    const inserted = await s.query('INSERT INTO t VALUES ($1, $2, $3, $4), (2, NULL, NULL, NULL) RETURNING id', [1, 'ada', '2024-05-01 10:00:00', '9.50']);
    expect(inserted.command).toBe('INSERT 0 2');
    expect(inserted.rows).toEqual([{ id: 1n }, { id: 2n }]);
    const read = await s.query('SELECT * FROM t ORDER BY id');
    expect(read.rowCount).toBe(2);
    expect(read.columns).toEqual([
      { name: 'id', type: 'int8' },
      { name: 'name', type: 'text' },
      { name: 'at', type: 'timestamp' },
      { name: 'price', type: 'numeric' },
    ]);
    expect(read.rows[0]).toEqual({ id: 1n, name: 'ada', at: new Date('2024-05-01T10:00:00Z'), price: '9.50' });
    expect(read.rows[1]).toEqual({ id: 2n, name: null, at: null, price: null });
    expect((await s.query('UPDATE t SET name = $1 WHERE id = $2', ['bob', 2])).rowCount).toBe(1);
    db.close();
  });

  it('gives FlintError with a SQLSTATE, and refuses parameters for several statements', async () => {
    const db = Database.open(':memory:');
    const s = db.session();
    await s.query('CREATE TABLE t (id int PRIMARY KEY)');
    await s.query('INSERT INTO t VALUES (1)');
    const duplicate = await s.query('INSERT INTO t VALUES (1)').catch((e: unknown) => e);
    expect(duplicate).toBeInstanceOf(FlintError);
    expect((duplicate as FlintError).code).toBe('23505');
    const several = await s.query('SELECT $1; SELECT 2', [1]).catch((e: unknown) => e);
    expect((several as FlintError).code).toBe('42601');
    const syntax = await s.query('SELEC 1').catch((e: unknown) => e);
    expect((syntax as FlintError).code).toBe('42601');
    db.close();
  });

  it('transaction(): commits when the function resolves, rolls back when it rejects, nests as savepoints', async () => {
    const db = Database.open(':memory:');
    const s = db.session();
    await s.query('CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL CHECK (balance >= 0))');
    await s.query('INSERT INTO acct VALUES (1, 100), (2, 0)');
    const transfer = (amount: number) =>
      s.transaction(async (tx) => {
        await tx.query('UPDATE acct SET balance = balance + $1 WHERE id = 2', [amount]);
        await tx.query('UPDATE acct SET balance = balance - $1 WHERE id = 1', [amount]);
      });
    await transfer(30);
    const failed = await transfer(500).catch((e: unknown) => e);
    expect((failed as FlintError).code).toBe('23514');
    expect(s.inTransaction).toBe(false);
    expect((await s.query('SELECT id, balance FROM acct ORDER BY id')).rows).toEqual([
      { id: 1, balance: 70 },
      { id: 2, balance: 30 },
    ]);

    // Inner failure undone by its savepoint; the outer work commits.
    await s.transaction(async (tx) => {
      await tx.query('UPDATE acct SET balance = 0 WHERE id = 2');
      await tx.transaction(async (inner) => {
        await inner.query('UPDATE acct SET balance = 1000 WHERE id = 1');
        throw new Error('inner gives up');
      }).catch(() => {});
    });
    expect((await s.query('SELECT id, balance FROM acct ORDER BY id')).rows).toEqual([
      { id: 1, balance: 70 },
      { id: 2, balance: 0 },
    ]);

    // A block that failed and whose error the function swallowed is not reported as committed.
    const swallowed = await s
      .transaction(async (tx) => {
        await tx.query('INSERT INTO acct VALUES (1, 1)').catch(() => {});
      })
      .catch((e: unknown) => e);
    expect((swallowed as FlintError).code).toBe('25P02');
    expect(s.inTransaction).toBe(false);
    db.close();
  });

  it('sessions writing one row wait for each other and lose no update; sessions writing their own rows share fsyncs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-api-'));
    try {
      const db = Database.open(dir);
      db.exec('CREATE TABLE counter (id int PRIMARY KEY, n int)');
      db.exec('INSERT INTO counter SELECT g, 0 FROM generate_series(0, 8) g');
      const sessions = Array.from({ length: 8 }, () => db.session());
      await Promise.all(
        sessions.map(async (s) => {
          for (let i = 0; i < 25; i++) await s.query('UPDATE counter SET n = n + 1 WHERE id = 0');
        }),
      );
      expect(db.prepare('SELECT n FROM counter WHERE id = 0').get()).toEqual({ n: 200 });
      const syncsBefore = db.engine.walStats?.syncs ?? 0;
      await Promise.all(
        sessions.map(async (s, k) => {
          for (let i = 0; i < 25; i++) await s.query('UPDATE counter SET n = n + 1 WHERE id = $1', [k + 1]);
        }),
      );
      // 200 commits of 8 sessions that never wait for each other: group commit makes them share fdatasyncs.
      expect((db.engine.walStats?.syncs ?? 0) - syncsBefore).toBeLessThan(200);
      expect(db.prepare('SELECT sum(n) AS total FROM counter').get()).toEqual({ total: 400 });
      db.close();
      const reopened = Database.open(dir);
      expect(reopened.prepare('SELECT sum(n) AS total FROM counter').get()).toEqual({ total: 400 });
      reopened.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
