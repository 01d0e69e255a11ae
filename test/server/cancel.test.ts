// CancelRequest against a statement that is computing, on the real server
// (`flint serve` as a child process; the clients here run in the test's
// process, which must stay free while the server's thread is busy).
//
// Statements run synchronously on the server's thread, so while one
// computes, the server's own event loop accepts nothing: the cancel watcher
// (src/server/cancel-watcher.ts), a child process holding a duplicate of
// the listening socket, takes connections then, turns a CancelRequest into
// a flag the statement's interrupt check reads, and hands every other
// connection back to the server.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { RoleStore } from '../../src/server/roles.ts';
import { FlintServer } from '../../src/server/server.ts';
import { CLI, exited, serve } from './child-server.ts';
import { runChild } from './run-psql.ts';

const PASSWORD = 'cancel test password';
/** Runs for minutes unless something stops it: 10^10 pairs, counted by the join's pair loop. */
const FOREVER = 'SELECT count(*) FROM generate_series(1, 100000) a, generate_series(1, 100000) b';
/**
 * Every client here also sets this statement_timeout (ms), so that a cancel that fails ends
 * its test with that test's own error, not with a server busy for the tests after it.
 */
const SAFETY = 30_000;
const havePsql = spawnSync('psql', ['--version']).status === 0;

let dir: string;
let server: Awaited<ReturnType<typeof serve>>;
let url: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flint-cancel-'));
  server = await serve(join(dir, 'data'), ['--password', PASSWORD]);
  url = server.url;
}, 30_000);

afterAll(async () => {
  server.child.kill('SIGTERM');
  // A failed test may leave a statement computing, which a graceful shutdown would wait for.
  const killer = setTimeout(() => server.child.kill('SIGKILL'), 5000);
  await exited(server.child);
  clearTimeout(killer);
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A CancelRequest as libpq sends it: a new connection, 16 bytes, no answer. */
function sendCancel(port: number, processId: number, secretKey: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      const m = Buffer.alloc(16);
      m.writeInt32BE(16, 0);
      m.writeInt32BE(80877102, 4);
      m.writeInt32BE(processId, 8);
      m.writeInt32BE(secretKey, 12);
      s.end(m);
    });
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

describe('CancelRequest while a statement computes', () => {
  it('postgres.js query.cancel() stops it with 57014; the session and others go on', { timeout: 60_000 }, async () => {
    const sql = postgres(url, { max: 1, onnotice: () => {}, connection: { statement_timeout: SAFETY } });
    const other = postgres(url, { max: 1, connection: { statement_timeout: SAFETY } });
    try {
      await sql`SELECT 1`;
      const query = sql.unsafe(FOREVER);
      const outcome = query.then(() => 'finished', (e: { code?: string; message?: string }) => e);
      await sleep(300);
      query.cancel();
      expect(await outcome).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
      expect(await sql`SELECT 2 AS two`).toEqual([{ two: 2 }]);
      expect(await other`SELECT 3 AS three`).toEqual([{ three: 3 }]);
    } finally {
      await sql.end();
      await other.end();
    }
  });

  it('a wrong secret key does nothing; the right one cancels (node-postgres, keys from BackendKeyData)', { timeout: 60_000 }, async () => {
    const c = new pg.Client({ connectionString: url, statement_timeout: SAFETY });
    await c.connect();
    try {
      const keys = c as unknown as { processID: number; secretKey: number };
      const port = Number(new URL(url).port);
      // The statement ends by itself after 3 s, so a cancel that wrongly worked shows as 'user request'.
      await c.query("SET statement_timeout = '3s'");
      let outcome = c.query(FOREVER).then(() => 'finished', (e: pg.DatabaseError) => e);
      await sleep(300);
      await sendCancel(port, keys.processID, keys.secretKey ^ 1);
      expect(await outcome).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
      await c.query(`SET statement_timeout = ${SAFETY}`);
      outcome = c.query(FOREVER).then(() => 'finished', (e: pg.DatabaseError) => e);
      await sleep(300);
      await sendCancel(port, keys.processID, keys.secretKey);
      expect(await outcome).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await c.end();
    }
  });

  it('a client that connects meanwhile is served once the statement ends (SCRAM, queries)', { timeout: 60_000 }, async () => {
    const a = new pg.Client({ connectionString: url, statement_timeout: SAFETY });
    await a.connect();
    try {
      await a.query("SET statement_timeout = '1500ms'");
      const busy = a.query(FOREVER).then(() => 'finished', (e: pg.DatabaseError) => e);
      await sleep(300);
      // Several, so that some are surely taken by the watcher while the server's thread is busy.
      const late = [1, 2, 3].map(async (n) => {
        const b = new pg.Client({ connectionString: url, statement_timeout: SAFETY });
        await b.connect();
        try {
          return (await b.query('SELECT $1::int * 10 AS x', [n])).rows[0].x as number;
        } finally {
          await b.end();
        }
      });
      expect(await busy).toMatchObject({ code: '57014', message: 'canceling statement due to statement timeout' });
      expect(await Promise.all(late)).toEqual([10, 20, 30]);
      // A wrong password still fails, with the server's own error, for a connection taken by the watcher.
      const busyAgain = a.query(FOREVER).then(() => 'finished', (e: pg.DatabaseError) => e);
      await sleep(300);
      const u = new URL(url);
      const wrong = new pg.Client({ host: u.hostname, port: Number(u.port), user: 'flint', database: 'flint', password: 'wrong' });
      const refused = wrong.connect().then(async () => {
        await wrong.end();
        return 'connected';
      }, (e: pg.DatabaseError) => e);
      expect(await busyAgain).toMatchObject({ code: '57014' });
      expect(await refused).toMatchObject({ code: '28P01' });
    } finally {
      await a.end();
    }
  });

  it.skipIf(!havePsql)('Ctrl-C in psql (SIGINT) cancels its query', { timeout: 60_000 }, async () => {
    const u = new URL(url);
    const child = spawn('psql', ['-X', '-h', '127.0.0.1', '-p', u.port, '-U', 'flint', 'flint', '-c', FOREVER], { env: { ...process.env, PGPASSWORD: PASSWORD, PGOPTIONS: `-c statement_timeout=${SAFETY}` } });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => { stderr += String(b); });
    const code = new Promise<number | null>((resolve) => child.on('close', resolve));
    await sleep(700);
    child.kill('SIGINT');
    expect(await code).toBe(1);
    expect(stderr).toContain('canceling statement due to user request');
    const after = await runChild('psql', ['-X', '-h', '127.0.0.1', '-p', u.port, '-U', 'flint', 'flint', '-At', '-c', 'SELECT 7'], { env: { ...process.env, PGPASSWORD: PASSWORD } });
    expect(after.stdout.trim()).toBe('7');
  });
});

describe('the watcher process', () => {
  /** Whether something still listens on the port: a bind fails while any copy of the socket is open. */
  const portFree = (port: number) => new Promise<boolean>((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });

  async function eventually(check: () => Promise<boolean>): Promise<boolean> {
    for (let i = 0; i < 100; i++) {
      if (await check()) return true;
      await sleep(50);
    }
    return false;
  }

  it('ends with a server killed by SIGKILL: its copy of the socket does not keep the port', { timeout: 60_000 }, async () => {
    const d = mkdtempSync(join(tmpdir(), 'flint-cancel-kill-'));
    try {
      const s = await serve(join(d, 'data'), ['--password', PASSWORD]);
      const port = Number(new URL(s.url).port);
      s.child.kill('SIGKILL');
      await exited(s.child);
      expect(await eventually(() => portFree(port))).toBe(true);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('Ctrl-C to the process group stops a server whose statement computes: 57P01 to the client, exit 0, the data kept', { timeout: 60_000 }, async () => {
    const d = mkdtempSync(join(tmpdir(), 'flint-cancel-stop-'));
    try {
      // Its own process group, as a terminal gives a foreground job: Ctrl-C signals the group.
      const start = () => {
        const child = spawn(process.execPath, [CLI, 'serve', '--data', join(d, 'data'), '--port', '0', '--password', PASSWORD], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
        const url = new Promise<string>((resolve, reject) => {
          let out = '';
          child.stdout!.on('data', (b: Buffer) => {
            out += String(b);
            const line = out.split('\n').find((l) => l.startsWith('postgres://'));
            if (line !== undefined) resolve(line);
          });
          child.on('exit', (code) => reject(new Error(`flint serve exited with ${code}: ${out}`)));
        });
        return { child, url };
      };
      const first = start();
      const c = new pg.Client({ connectionString: await first.url, statement_timeout: SAFETY });
      await c.connect();
      c.on('error', () => {});
      await c.query('CREATE TABLE kept (n int PRIMARY KEY)');
      await c.query('INSERT INTO kept VALUES (1), (2)');
      const outcome = c.query(FOREVER).then(() => 'finished', (e: pg.DatabaseError) => e);
      await sleep(400);
      process.kill(-first.child.pid!, 'SIGINT');
      expect(await outcome).toMatchObject({ code: '57P01', message: 'terminating connection due to administrator command' });
      expect(await exited(first.child)).toBe(0);
      const second = start();
      const again = new pg.Client({ connectionString: await second.url });
      await again.connect();
      expect((await again.query('SELECT n FROM kept ORDER BY n')).rows).toEqual([{ n: 1 }, { n: 2 }]);
      await again.end();
      second.child.kill('SIGTERM');
      expect(await exited(second.child)).toBe(0);
    } finally {
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('FlintServer.stop() ends it: the port is free at once', async () => {
    const db = Database.open(':memory:');
    const roles = RoleStore.memory();
    roles.set('flint', PASSWORD, true);
    const s = await FlintServer.start({ db, port: 0, roles });
    const port = s.port;
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'flint', password: PASSWORD, database: 'flint' });
    await c.connect();
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await c.end();
    await s.stop();
    db.close();
    expect(await portFree(port)).toBe(true);
  });
});
