// The PostgreSQL protocol server driven by real clients: node-postgres
// (extended protocol with parameters, simple query with several
// statements) and postgres.js, with SCRAM-SHA-256 authentication, errors
// with their SQLSTATE and fields, transactions per connection, and bad
// input that ends one connection and leaves the server serving others.
import { spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { RoleStore } from '../../src/server/roles.ts';
import { FlintServer } from '../../src/server/server.ts';
import { psql as runPsql } from './run-psql.ts';

let db: Database;
let server: FlintServer;
const PASSWORD = 'correct horse battery staple';
const havePsql = spawnSync('psql', ['--version']).status === 0;

function client(password = PASSWORD): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port: server.port, user: 'flint', password, database: 'flint' });
}

beforeAll(async () => {
  db = Database.open(':memory:');
  const roles = RoleStore.memory();
  roles.set('flint', PASSWORD, true);
  server = await FlintServer.start({ db, port: 0, roles });
});

afterAll(async () => {
  await server.stop();
  db.close();
});

describe('PostgreSQL protocol server', () => {
  it('node-postgres: SCRAM login, DDL, parameters, typed results', async () => {
    const c = client();
    await c.connect();
    await c.query('CREATE TABLE users (id int PRIMARY KEY, name text, score numeric(5,2), born date, active boolean, big bigint)');
    await c.query('INSERT INTO users VALUES ($1, $2, $3, $4, $5, $6)', [1, 'ada', '12.50', '1815-12-10', true, '9007199254740993']);
    await c.query('INSERT INTO users VALUES ($1, $2, NULL, NULL, $3, NULL)', [2, 'bob', false]);
    const r = await c.query('SELECT id, name, score, born, active, big FROM users WHERE id = $1', [1]);
    expect(r.rows).toEqual([{ id: 1, name: 'ada', score: '12.50', born: expect.any(Date), active: true, big: '9007199254740993' }]);
    expect(r.fields.map((f) => f.dataTypeID)).toEqual([23, 25, 1700, 1082, 16, 20]);
    const all = await c.query('SELECT name FROM users ORDER BY id');
    expect(all.rows.map((x) => x.name)).toEqual(['ada', 'bob']);
    expect(all.rowCount).toBe(2);
    const ins = await c.query('INSERT INTO users (id, name) VALUES (3, $1) RETURNING id, upper(name) AS up', ['cy']);
    expect(ins.rows).toEqual([{ id: 3, up: 'CY' }]);
    expect(ins.command).toBe('INSERT');
    await c.end();
  });

  it('simple query with several statements, and errors with SQLSTATE, detail and position', async () => {
    const c = client();
    await c.connect();
    const results = await c.query('CREATE TABLE t (a int PRIMARY KEY); INSERT INTO t VALUES (1); SELECT a FROM t') as unknown as pg.QueryResult[];
    expect(results.map((x) => x.command)).toEqual(['CREATE', 'INSERT', 'SELECT']);
    expect(results[2]!.rows).toEqual([{ a: 1 }]);
    const dup = await c.query('INSERT INTO t VALUES (1)').catch((e: unknown) => e as pg.DatabaseError);
    expect(dup).toMatchObject({ code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"', detail: 'Key (a)=(1) already exists.', constraint: 't_pkey' });
    const syntax = await c.query('SELEC 1').catch((e: unknown) => e as pg.DatabaseError);
    expect(syntax).toMatchObject({ code: '42601', position: '1' });
    // The connection is still usable after errors.
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await c.end();
  });

  it('each connection has its own transaction; a rollback undoes, a failed block needs ROLLBACK', async () => {
    const a = client();
    const b = client();
    await a.connect();
    await b.connect();
    await a.query('CREATE TABLE acct (id int PRIMARY KEY, bal int)');
    await a.query('INSERT INTO acct VALUES (1, 100)');
    await a.query('BEGIN');
    await a.query('UPDATE acct SET bal = 0 WHERE id = 1');
    expect((await b.query('SELECT bal FROM acct')).rows).toEqual([{ bal: 100 }]);
    await a.query('ROLLBACK');
    expect((await b.query('SELECT bal FROM acct')).rows).toEqual([{ bal: 100 }]);
    await b.query('BEGIN');
    await b.query('SELECT 1/0').catch(() => undefined);
    const failed = await b.query('SELECT 1').catch((e: unknown) => e as pg.DatabaseError);
    expect(failed).toMatchObject({ code: '25P02' });
    await b.query('ROLLBACK');
    expect((await b.query('SELECT count(*)::int AS n FROM acct')).rows).toEqual([{ n: 1 }]);
    await a.end();
    await b.end();
  });

  it('postgres.js: tagged-template queries with parameters, and a transaction', async () => {
    const sql = postgres({ host: '127.0.0.1', port: server.port, user: 'flint', password: PASSWORD, database: 'flint', max: 1, onnotice: () => {} });
    await sql`CREATE TABLE items (id int PRIMARY KEY, label text)`;
    await sql.begin(async (tx) => {
      await tx`INSERT INTO items VALUES (${1}, ${'one'})`;
      await tx`INSERT INTO items VALUES (${2}, ${'two'})`;
    });
    const rows = await sql`SELECT id, label FROM items WHERE id > ${0} ORDER BY id`;
    expect(rows.map((r) => [r.id, r.label])).toEqual([[1, 'one'], [2, 'two']]);
    await sql.end();
  });

  it('a wrong password or an unknown user is 28P01', async () => {
    const bad = client('wrong');
    const error = await bad.connect().catch((e: unknown) => e as pg.DatabaseError);
    expect(error).toMatchObject({ code: '28P01' });
    const nobody = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'nobody', password: 'x', database: 'flint' });
    expect(await nobody.connect().catch((e: unknown) => e as pg.DatabaseError)).toMatchObject({ code: '28P01' });
  });

  it('garbage on a connection ends that connection only', async () => {
    const garbage = await new Promise<Buffer>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(Buffer.from([0, 0, 0, 8, 0xde, 0xad, 0xbe, 0xef])));
      const chunks: Buffer[] = [];
      socket.on('data', (d) => chunks.push(d));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
    });
    expect(garbage[0]).toBe('E'.charCodeAt(0));
    const huge = await new Promise<Buffer>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () => socket.write(Buffer.from([0x7f, 0xff, 0xff, 0xff])));
      const chunks: Buffer[] = [];
      socket.on('data', (d) => chunks.push(d));
      socket.on('close', () => resolve(Buffer.concat(chunks)));
    });
    expect(huge.toString('latin1')).toContain('08P01');
    const c = client();
    await c.connect();
    expect((await c.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    await c.end();
  });
});

describe('PostgreSQL protocol server on a file database', () => {
  it('concurrent clients commit through group commit: every row is there, and commits share fdatasyncs', { timeout: 60_000 }, async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'flint-group-'));
    const fileDb = Database.open(dir, { backgroundIntervalMs: 0 });
    const roles = RoleStore.memory();
    roles.set('flint', PASSWORD, true);
    const fileServer = await FlintServer.start({ db: fileDb, port: 0, roles });
    try {
      const setup = new pg.Client({ host: '127.0.0.1', port: fileServer.port, user: 'flint', password: PASSWORD });
      await setup.connect();
      await setup.query('CREATE TABLE hits (client int, n int, PRIMARY KEY (client, n))');
      await setup.end();
      const before = fileDb.engine.walStats!.syncs;
      const clients = 8;
      const each = 25;
      await Promise.all(Array.from({ length: clients }, async (_, k) => {
        const c = new pg.Client({ host: '127.0.0.1', port: fileServer.port, user: 'flint', password: PASSWORD });
        await c.connect();
        for (let n = 0; n < each; n++) await c.query('INSERT INTO hits VALUES ($1, $2)', [k, n]);
        await c.end();
      }));
      const syncs = fileDb.engine.walStats!.syncs - before;
      const check = new pg.Client({ host: '127.0.0.1', port: fileServer.port, user: 'flint', password: PASSWORD });
      await check.connect();
      expect((await check.query('SELECT count(*)::int AS n FROM hits')).rows).toEqual([{ n: clients * each }]);
      await check.end();
      // One fdatasync per commit at most; concurrent commits share them.
      expect(syncs).toBeGreaterThan(0);
      expect(syncs).toBeLessThanOrEqual(clients * each);
    } finally {
      await fileServer.stop();
      fileDb.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('writers on the same row, over the protocol', () => {
  it('the second UPDATE waits for the first transaction (READ COMMITTED) and sees its commit', async () => {
    const a = client();
    const b = client();
    await a.connect();
    await b.connect();
    await a.query('CREATE TABLE hot (id int PRIMARY KEY, n int)');
    await a.query('INSERT INTO hot VALUES (1, 0)');
    await a.query('BEGIN');
    await a.query('UPDATE hot SET n = n + 1 WHERE id = 1');
    let done = false;
    const second = b.query('UPDATE hot SET n = n + 10 WHERE id = $1 RETURNING n', [1]).then((r) => { done = true; return r; });
    await new Promise((r) => setTimeout(r, 50));
    expect(done).toBe(false);
    await a.query('COMMIT');
    expect((await second).rows).toEqual([{ n: 11 }]);
    await a.end();
    await b.end();
  });

  it('a CancelRequest (BackendKeyData process id and secret) stops a waiting statement with 57014; a wrong secret does nothing', async () => {
    const a = client();
    const b = client();
    await a.connect();
    await b.connect();
    await a.query('CREATE TABLE held (id int PRIMARY KEY, n int)');
    await a.query('INSERT INTO held VALUES (1, 0)');
    await a.query('BEGIN');
    await a.query('UPDATE held SET n = 1 WHERE id = 1');
    const keys = b as unknown as { processID: number; secretKey: number };
    const sendCancel = (secret: number) => new Promise<void>((resolve, reject) => {
      const s = connect(server.port, '127.0.0.1', () => {
        const m = Buffer.alloc(16);
        m.writeInt32BE(16, 0);
        m.writeInt32BE(80877102, 4);
        m.writeInt32BE(keys.processID, 8);
        m.writeInt32BE(secret, 12);
        s.end(m);
      });
      s.on('close', () => resolve());
      s.on('error', reject);
    });
    let settled = false;
    const waiting = b.query('UPDATE held SET n = 2 WHERE id = 1').then(() => 'done', (e: pg.DatabaseError) => e).finally(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 30));
    await sendCancel(keys.secretKey ^ 1);
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    await sendCancel(keys.secretKey);
    expect(await waiting).toMatchObject({ code: '57014', message: 'canceling statement due to user request' });
    // b's session goes on; a still holds its row and commits.
    expect((await b.query('SELECT n FROM held')).rows).toEqual([{ n: 0 }]);
    await a.query('COMMIT');
    expect((await b.query('SELECT n FROM held')).rows).toEqual([{ n: 1 }]);
    await a.end();
    await b.end();
  });
});

describe('NoticeResponse', () => {
  it("node-postgres gets PostgreSQL's NOTICEs and WARNINGs with their SQLSTATE; the statements succeed", async () => {
    const c = client();
    await c.connect();
    const notices: { severity?: string | undefined; code?: string | undefined; message?: string | undefined }[] = [];
    c.on('notice', (n) => notices.push({ severity: n.severity, code: n.code, message: n.message }));
    await c.query('DROP TABLE IF EXISTS no_such_table');
    await c.query('CREATE TABLE noticed (a int)');
    await c.query('CREATE TABLE IF NOT EXISTS noticed (a int)');
    await c.query('ALTER TABLE noticed ADD COLUMN IF NOT EXISTS a int');
    await c.query('COMMIT');
    await c.query('BEGIN');
    await c.query('BEGIN');
    await c.query('ROLLBACK');
    // The extended protocol too (a parameterized statement goes through Parse/Bind/Execute).
    await c.query({ text: 'DROP VIEW IF EXISTS no_such_view', values: [] });
    expect(notices).toEqual([
      { severity: 'NOTICE', code: '00000', message: 'table "no_such_table" does not exist, skipping' },
      { severity: 'NOTICE', code: '42P07', message: 'relation "noticed" already exists, skipping' },
      { severity: 'NOTICE', code: '42701', message: 'column "a" of relation "noticed" already exists, skipping' },
      { severity: 'WARNING', code: '25P01', message: 'there is no transaction in progress' },
      { severity: 'WARNING', code: '25001', message: 'there is already a transaction in progress' },
      { severity: 'NOTICE', code: '00000', message: 'view "no_such_view" does not exist, skipping' },
    ]);
    await c.end();
  });
});

describe('COPY over the protocol', () => {
  it('COPY FROM STDIN (text and csv) and COPY TO STDOUT through postgres.js streams; a bad row inserts nothing', { timeout: 30_000 }, async () => {
    const { pipeline } = await import('node:stream/promises');
    const { Readable } = await import('node:stream');
    const sql = postgres({ host: '127.0.0.1', port: server.port, user: 'flint', password: PASSWORD, database: 'flint', max: 1, onnotice: () => {} });
    await sql`CREATE TABLE copied (id int PRIMARY KEY, name text, note text)`;
    await pipeline(Readable.from(['1\tada\t\\N\n2\tb\\tob\tline\\nbreak\n', '3\tcy\tx\n']), await sql`COPY copied FROM STDIN`.writable());
    await pipeline(Readable.from(['id,name\n10,"a, b",\n11,"say ""hi""",""\n']), await sql`COPY copied (id, name, note) FROM STDIN WITH (FORMAT csv, HEADER)`.writable());
    // A character split across two CopyData messages.
    const utf8 = Buffer.from('12\tnaïve\t\\N\n');
    const cut = utf8.indexOf(0xc3) + 1;
    await pipeline(Readable.from([utf8.subarray(0, cut), utf8.subarray(cut)]), await sql`COPY copied FROM STDIN`.writable());
    expect((await sql`SELECT name FROM copied WHERE id = 12`)[0]!.name).toBe('naïve');
    await sql`DELETE FROM copied WHERE id = 12`;
    const rows = await sql`SELECT id, name, note FROM copied ORDER BY id`;
    expect(rows.map((r) => [r.id, r.name, r.note])).toEqual([
      [1, 'ada', null], [2, 'b\tob', 'line\nbreak'], [3, 'cy', 'x'], [10, 'a, b', null], [11, 'say "hi"', ''],
    ]);
    // (A failing COPY is tested with psql below: postgres.js's writable never
    // settles when the server rejects the data, against PostgreSQL too.)
    const chunks: string[] = [];
    for await (const chunk of await sql`COPY (SELECT id, name, note FROM copied WHERE id < 3 ORDER BY id) TO STDOUT`.readable()) chunks.push(String(chunk));
    expect(chunks.join('')).toBe('1\tada\t\\N\n2\tb\\tob\tline\\nbreak\n');
    const csv: string[] = [];
    for await (const chunk of await sql`COPY copied TO STDOUT WITH (FORMAT csv, HEADER)`.readable()) csv.push(String(chunk));
    expect(csv.join('').split('\n').slice(0, 2)).toEqual(['id,name,note', '1,ada,']);
    await sql.end();
  });
});

describe.skipIf(!havePsql)('COPY through psql', () => {
  const psql = (args: string[], input = '') => runPsql(`postgresql://flint@127.0.0.1:${server.port}/flint`, ['-At', '-v', 'ON_ERROR_STOP=1', ...args], { password: PASSWORD, input });

  it('\\copy in and out; a bad row fails the whole COPY with its SQLSTATE and the session goes on', { timeout: 30_000 }, async () => {
    expect((await psql(['-c', 'CREATE TABLE pc (id int PRIMARY KEY, v text)'])).status).toBe(0);
    const ok = await psql(['-c', '\\copy pc from pstdin with (format csv)'], '1,one\n2,"two, too"\n');
    expect(ok.stdout.trim()).toBe('COPY 2');
    const dup = await psql(['-c', '\\copy pc from pstdin'], '3\tthree\n1\tagain\n');
    expect(dup.status).not.toBe(0);
    expect(dup.stderr).toContain('duplicate key value violates unique constraint "pc_pkey"');
    const short = await psql(['-c', '\\copy pc from pstdin'], '4\n');
    expect(short.stderr).toContain('missing data for column');
    // Inside a transaction block the failed COPY aborts the block; the connection keeps serving.
    const block = await psql(['-v', 'ON_ERROR_STOP=0', '-c', 'BEGIN', '-c', '\\copy pc from pstdin', '-c', 'SELECT 1', '-c', 'ROLLBACK', '-c', 'SELECT count(*) FROM pc'], '5\tfive\n5\tfive\n');
    expect(block.stderr).toContain('current transaction is aborted');
    expect(block.stdout.trim().split('\n')).toEqual(['BEGIN', 'ROLLBACK', '2']);
    const out = await psql(['-c', '\\copy (SELECT id, v FROM pc ORDER BY id) to pstdout with (format csv, header)']);
    expect(out.stdout).toBe('id,v\n1,one\n2,"two, too"\n');
  });
});
