// `flint shell postgres://...`: the same shell against a server. Against
// `flint serve` (a child process) it must print what it prints on the
// directory itself; against the real PostgreSQL 15 (when one runs with its
// socket in /tmp) what psql prints, byte for byte.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { parseConnectionUrl, RemoteBackend, statusAfter } from '../../src/cli/remote-backend.ts';
import { runShell } from '../../src/cli/shell.ts';
import { buildCli, serve, type Cli } from './cli-harness.ts';

let cli: Cli;
const dirs: string[] = [];
// A socket file alone is not a server: one that was stopped without cleaning up leaves it behind.
const havePostgres =
  existsSync('/tmp/.s.PGSQL.5432') && spawnSync('psql', ['-X', '-h', '/tmp', '-U', 'postgres', '-c', 'SELECT 1', 'postgres'], { stdio: 'ignore', timeout: 10_000 }).status === 0;

beforeAll(async () => {
  cli = await buildCli();
}, 60_000);

afterAll(() => {
  cli?.remove();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const SCRIPT = [
  'CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL, price numeric(8,2));',
  'CREATE INDEX items_label ON items (label);',
  "INSERT INTO items VALUES (1, 'pen', 1.50), (2, 'ink', NULL), (3, 'two",
  "lines', 10);",
  'SELECT * FROM items ORDER BY id;',
  'BEGIN;',
  'SELECT 1/0;',
  'SELECT 1;',
  'ROLLBACK;',
  'SELECT label AS "label;x" FROM items WHERE id = 1; -- a comment; here',
  'SELECT 1 AS aaaaaaaaaaaaaaaaaaaa, 2 AS bbbbbbbbbbbbbbbbbbbbbbbbbbb, 3 AS cccccccccccccccccccccccc, nope, 4 AS ddddddddddddddddddddddddd;',
  "SELECT\t'é',\n\tnope;",
  '\\x',
  'SELECT id, label FROM items WHERE id < 3 ORDER BY id;',
  '\\x',
  '',
].join('\n');

describe('flint shell against a server', () => {
  it('prints the same against flint serve as on the directory', { timeout: 60_000 }, async () => {
    const local = mkdtempSync(join(tmpdir(), 'flint-remote-'));
    const served = mkdtempSync(join(tmpdir(), 'flint-remote-'));
    dirs.push(local, served);
    const direct = cli.run(['shell', local], SCRIPT);
    const server = await serve(cli, served, 'secret pw');
    try {
      const remote = cli.run(['shell', server.url], SCRIPT);
      expect(remote.status).toBe(0);
      expect(remote.stdout).toBe(direct.stdout);
      expect(remote.stderr).toBe(direct.stderr);
      expect(remote.stdout).toContain(' id | label | price \n----+-------+-------\n  1 | pen   |  1.50\n  2 | ink   |      \n  3 | two  +| 10.00\n    | lines | \n(3 rows)\n');
      expect(remote.stderr).toBe([
        'ERROR:  division by zero',
        'ERROR:  current transaction is aborted, commands ignored until end of transaction block',
        'ERROR:  column "nope" does not exist',
        'LINE 1: ...bbbbbbbbbbbbbbbbb, 3 AS cccccccccccccccccccccccc, nope, 4 AS...',
        '                                                             ^',
        'ERROR:  column "nope" does not exist',
        'LINE 2:  nope;',
        '         ^',
        '',
      ].join('\n'));
      // \d is SQL over pg_catalog on both: on the directory, the engine's catalog answers if that SQL fails
      // (describe.ts); a server without pg_catalog shows the error instead.
      const describedHere = cli.run(['shell', local, '-c', '\\d items']);
      expect(describedHere.stdout).toContain('Indexes:\n    "items_pkey" PRIMARY KEY, btree (id)\n    "items_label" btree (label)\n');
      const described = cli.run(['shell', server.url, '-c', '\\d items']);
      if (described.status === 0) expect(described.stdout).toBe(describedHere.stdout);
      else expect(described.stderr).toMatch(/^ERROR: {2}(relation|function) "?pg_catalog\.\w+"?(\(.*\))? does not exist\n/);
      // The password comes from $PGPASSWORD when the URL has none.
      const withoutPassword = server.url.replace(/:[^:@/]*@/, '@');
      const env = cli.run(['shell', withoutPassword, '-c', 'SELECT count(*) AS n FROM items'], '', { PGPASSWORD: 'secret pw' });
      expect(env.stdout).toBe(' n \n---\n 3\n(1 row)\n\n');
      const wrong = cli.run(['shell', withoutPassword, '-c', 'SELECT 1'], '', { PGPASSWORD: 'wrong' });
      expect(wrong.status).toBe(2);
      expect(wrong.stderr).toMatch(/^flint shell: connection to flint@127\.0\.0\.1:\d+\/flint failed: password authentication failed for user "flint" \(SQLSTATE 28P01\)\n$/);
    } finally {
      await server.stop();
    }
    const refused = cli.run(['shell', 'postgres://flint:pw@127.0.0.1:1/flint', '-c', 'SELECT 1']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('(SQLSTATE 08001)');
  });

  it.skipIf(!havePostgres)('prints what psql prints against PostgreSQL 15', { timeout: 60_000 }, () => {
    const schema = `flint_cli_${process.pid}`;
    const script = `CREATE SCHEMA ${schema};\nSET search_path = ${schema};\n${SCRIPT}\\d items\n\\d items_label\nCREATE SEQUENCE counter START 5;\n\\d counter\nDROP SCHEMA ${schema} CASCADE;\n`;
    const psql = spawnSync('psql', ['-X', '-h', '/tmp', '-U', 'postgres', 'postgres'], { input: script, encoding: 'utf8' });
    const flint = cli.run(['shell', 'postgresql://postgres@/postgres?host=/tmp'], script);
    expect(flint.status).toBe(0);
    expect(flint.stdout).toBe(psql.stdout);
    expect(flint.stderr).toBe(psql.stderr);
    expect(flint.stdout).toContain(`Table "${schema}.items"`);
  });
});

describe('flint shell against PostgreSQL, interactive', () => {
  it.skipIf(!havePostgres)('Ctrl-C cancels the statement running on the server, and the shell goes on', { timeout: 30_000 }, async () => {
    const backend = await RemoteBackend.connect('postgresql://postgres@/postgres?host=/tmp');
    const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (on: boolean) => void };
    input.isTTY = true;
    input.setRawMode = () => {};
    const output = new PassThrough();
    const errors = new PassThrough();
    let out = '';
    let err = '';
    output.on('data', (d: Buffer) => (out += d.toString()));
    errors.on('data', (d: Buffer) => (err += d.toString()));
    const done = runShell(backend, { input, output, errors }, { historyFile: null });
    const started = Date.now();
    input.write('SELECT pg_sleep(20);\r');
    await new Promise((r) => setTimeout(r, 500));
    input.write('\x03');
    while (err === '' && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 50));
    input.write('SELECT 5 AS five;\r');
    await new Promise((r) => setTimeout(r, 300));
    input.write('\x04');
    expect(await done).toBe(0);
    await backend.close();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(err).toBe('ERROR:  canceling statement due to user request\n');
    expect(out).toContain(' five \n------\n    5\n(1 row)');
    expect(out).toMatch(/\\q\n$/);
  });
});

describe('connection URLs and transaction status', () => {
  it('reads URLs as libpq does', () => {
    expect(parseConnectionUrl('postgresql://postgres@/db?host=/tmp', {})).toMatchObject({ host: '/tmp', port: 5432, user: 'postgres', database: 'db', password: undefined });
    expect(parseConnectionUrl('postgres://u:p%40ss@[::1]:6000/x?sslmode=require&application_name=a', {})).toMatchObject({ host: '::1', port: 6000, user: 'u', password: 'p@ss', database: 'x', sslmode: 'require', params: { application_name: 'a' } });
    expect(parseConnectionUrl('postgres://h', { PGPASSWORD: 'env', PGUSER: 'me' })).toMatchObject({ host: 'h', user: 'me', password: 'env', database: 'me' });
  });

  it('follows BEGIN, errors, ROLLBACK TO SAVEPOINT and COMMIT', () => {
    let s = statusAfter('I', 'BEGIN', true);
    expect(s).toBe('T');
    s = statusAfter(s, 'SELECT 1/0', false);
    expect(s).toBe('E');
    expect(statusAfter(s, 'ROLLBACK TO SAVEPOINT a', true)).toBe('T');
    expect(statusAfter(s, 'COMMIT', true)).toBe('I');
    expect(statusAfter('I', 'SELECT 1/0', false)).toBe('I');
    expect(statusAfter('T', 'start transaction', true)).toBe('T');
  });
});
