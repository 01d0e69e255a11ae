// Concurrency stress: bank transfers under snapshot isolation.
//
// N sessions move money between accounts. Each transfer is REPEATABLE READ
// (snapshot isolation): it reads both balances, writes the new ones as
// absolute values computed from what it read (the pattern a lost update
// breaks), and records the transfer in a history table; on 40001 it rolls
// back and retries (on 40P01 too: two transfers may lock two accounts in
// opposite orders). Meanwhile
//   - a long REPEATABLE READ read-only transaction sums the balances and
//     counts the history again and again: it must see the same consistent
//     total and the same history throughout (its snapshot never moves);
//   - READ COMMITTED readers sum the balances in one statement: always the
//     total (each statement reads one snapshot).
// At the end: the total never changed; every account's balance is its
// initial balance plus what the history says came in minus what went out
// (so no update was lost); the history holds exactly the transfers whose
// COMMIT returned; and some transfers did hit 40001 (the test exercised
// the conflict path).
//
// Embedded (Database sessions, `await s.query`) and through the server
// (FlintServer in this process, node-postgres clients). Seeded: the
// interleavings come from the seed (FLINT_BANK_SEED); a failure prints it.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { FlintServer } from '../../src/server/server.ts';
import { RoleStore } from '../../src/server/roles.ts';
import { createMemoryVfs } from '../../src/storage/vfs/index.ts';
import { Prng } from '../../src/storage/vfs/prng.ts';

const SEED = Number(process.env.FLINT_BANK_SEED ?? 7301);
const ACCOUNTS = 10;
const INITIAL = 1000;
const TOTAL = ACCOUNTS * INITIAL;

interface Client {
  query(sql: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

const num = (v: unknown): number => Number(v);

/** A pause of a random kind: none, a microtask, or a macrotask (so other sessions' statements run in between). */
async function pause(prng: Prng): Promise<void> {
  const r = prng.int(3);
  if (r === 1) await Promise.resolve();
  else if (r === 2) await new Promise((res) => setImmediate(res));
}

interface Stats {
  committed: number;
  retries: number;
  deadlocks: number;
  readerChecks: number;
  longReads: number;
}

async function setup(c: Client): Promise<void> {
  await c.query('CREATE TABLE account (id int PRIMARY KEY, balance int NOT NULL)');
  await c.query('CREATE TABLE history (id int PRIMARY KEY, src int NOT NULL, dst int NOT NULL, amount int NOT NULL)');
  await c.query(`INSERT INTO account SELECT g, ${INITIAL} FROM generate_series(1, ${ACCOUNTS}) g`);
}

/** One writer: `count` transfers, each retried on 40001 until it commits. */
async function writer(c: Client, w: number, count: number, prng: Prng, stats: Stats): Promise<void> {
  for (let n = 0; n < count; n++) {
    const src = 1 + prng.int(ACCOUNTS);
    const dst = 1 + ((src + prng.int(ACCOUNTS - 1)) % ACCOUNTS);
    const amount = 1 + prng.int(100);
    const id = w * 100_000 + n;
    for (;;) {
      try {
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
        const a = num((await c.query('SELECT balance FROM account WHERE id = $1', [src])).rows[0]!.balance);
        await pause(prng);
        const b = num((await c.query('SELECT balance FROM account WHERE id = $1', [dst])).rows[0]!.balance);
        await pause(prng);
        // Overdrafts are allowed: the point is the arithmetic, not the business rule.
        await c.query('UPDATE account SET balance = $1 WHERE id = $2', [a - amount, src]);
        await pause(prng);
        await c.query('UPDATE account SET balance = $1 WHERE id = $2', [b + amount, dst]);
        await c.query('INSERT INTO history VALUES ($1, $2, $3, $4)', [id, src, dst, amount]);
        await pause(prng);
        await c.query('COMMIT');
        stats.committed++;
        break;
      } catch (error) {
        await c.query('ROLLBACK').catch(() => undefined);
        const code = (error as { code?: string }).code;
        if (code === '40P01') stats.deadlocks++;
        else if (code === '40001') stats.retries++;
        else throw error;
      }
    }
  }
}

async function longReader(c: Client, done: () => boolean, prng: Prng, stats: Stats): Promise<void> {
  await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  const first = (await c.query('SELECT sum(balance)::int AS total, (SELECT count(*)::int FROM history) AS n, (SELECT coalesce(sum(amount), 0)::int FROM history) AS moved FROM account')).rows[0]!;
  expect(num(first.total)).toBe(TOTAL);
  while (!done()) {
    await new Promise((res) => setImmediate(res));
    await pause(prng);
    const again = (await c.query('SELECT sum(balance)::int AS total, (SELECT count(*)::int FROM history) AS n, (SELECT coalesce(sum(amount), 0)::int FROM history) AS moved FROM account')).rows[0]!;
    expect({ total: num(again.total), n: num(again.n), moved: num(again.moved) }, `seed ${SEED}: the long snapshot moved`).toEqual({ total: TOTAL, n: num(first.n), moved: num(first.moved) });
    stats.longReads++;
  }
  await c.query('COMMIT');
}

async function committedReader(c: Client, done: () => boolean, prng: Prng, stats: Stats): Promise<void> {
  while (!done()) {
    await new Promise((res) => setImmediate(res));
    await pause(prng);
    const r = (await c.query('SELECT sum(balance)::int AS total, count(*)::int AS n FROM account')).rows[0]!;
    expect({ total: num(r.total), n: num(r.n) }, `seed ${SEED}: a READ COMMITTED statement saw money appear or vanish`).toEqual({ total: TOTAL, n: ACCOUNTS });
    stats.readerChecks++;
  }
}

async function finalCheck(c: Client, stats: Stats): Promise<void> {
  const balances = new Map((await c.query('SELECT id, balance FROM account')).rows.map((r) => [num(r.id), num(r.balance)]));
  const history = (await c.query('SELECT src, dst, amount FROM history')).rows;
  expect(history.length, `seed ${SEED}: history rows vs acknowledged commits`).toBe(stats.committed);
  const want = new Map(Array.from({ length: ACCOUNTS }, (_, i) => [i + 1, INITIAL]));
  for (const h of history) {
    want.set(num(h.src), want.get(num(h.src))! - num(h.amount));
    want.set(num(h.dst), want.get(num(h.dst))! + num(h.amount));
  }
  expect(balances, `seed ${SEED}: balances vs history (a difference is a lost update)`).toEqual(want);
  let total = 0;
  for (const b of balances.values()) total += b;
  expect(total).toBe(TOTAL);
}

async function run(open: () => Promise<{ clients: Client[]; close(): Promise<void> }>, writers: number, transfers: number, seed: number): Promise<Stats> {
  const { clients, close } = await open();
  try {
    const prng = new Prng(seed);
    await setup(clients[0]!);
    const stats: Stats = { committed: 0, retries: 0, deadlocks: 0, readerChecks: 0, longReads: 0 };
    let finished = 0;
    const done = (): boolean => finished === writers;
    await Promise.all([
      ...Array.from({ length: writers }, (_, w) => writer(clients[w]!, w, transfers, prng.fork(), stats).finally(() => void finished++)),
      longReader(clients[writers]!, done, prng.fork(), stats),
      committedReader(clients[writers + 1]!, done, prng.fork(), stats),
    ]);
    await finalCheck(clients[0]!, stats);
    expect(stats.committed).toBe(writers * transfers);
    expect(stats.retries, `seed ${seed}: no transfer ever conflicted; the test did not exercise 40001`).toBeGreaterThan(0);
    expect(stats.longReads).toBeGreaterThan(5);
    return stats;
  } finally {
    await close();
  }
}

const servers: FlintServer[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

describe('bank transfers under snapshot isolation', () => {
  it('embedded: 8 sessions, 50 transfers each (two seeds), with retries on 40001; the total never changes, no update is lost', { timeout: 120_000 }, async () => {
    for (const seed of [SEED, SEED + 1]) {
      const stats = await run(
        async () => {
          const db = Database.open('/bank', { vfs: createMemoryVfs(), synchronous: 'full', backgroundIntervalMs: 0 });
          return { clients: Array.from({ length: 10 }, () => db.session() as unknown as Client), close: async () => db.close() };
        },
        8,
        50,
        seed,
      );
      console.log(`bank embedded seed ${seed}: ${stats.committed} transfers, ${stats.retries} retries on 40001 and ${stats.deadlocks} on 40P01, ${stats.longReads} reads of the long snapshot, ${stats.readerChecks} READ COMMITTED sums`);
    }
  });

  it('server: 6 node-postgres clients, 30 transfers each; the same guarantees over the wire', { timeout: 120_000 }, async () => {
    const seed = SEED + 100;
    const stats = await run(
      async () => {
        const db = Database.open('/bank', { vfs: createMemoryVfs(), synchronous: 'full', backgroundIntervalMs: 0 });
        const roles = RoleStore.memory();
        roles.set('flint', 'pw', true);
        const server = await FlintServer.start({ db, port: 0, roles });
        servers.push(server);
        const clients = Array.from({ length: 8 }, () => new pg.Client({ host: '127.0.0.1', port: server.port, user: 'flint', password: 'pw', database: 'flint' }));
        for (const c of clients) await c.connect();
        return {
          clients: clients as unknown as Client[],
          close: async () => {
            for (const c of clients) await c.end();
            await server.stop();
            servers.splice(servers.indexOf(server), 1);
            db.close();
          },
        };
      },
      6,
      30,
      seed,
    );
    console.log(`bank server seed ${seed}: ${stats.committed} transfers, ${stats.retries} retries on 40001 and ${stats.deadlocks} on 40P01, ${stats.longReads} reads of the long snapshot, ${stats.readerChecks} READ COMMITTED sums`);
  });
});
