// `flint user add | list | password | remove` and `flint serve --tls-cert`
// as users run them: child processes on a data directory, with a server
// running beside them (it re-reads the roles file, so changes apply at
// once), and the errors they exit with.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, serve as startServer } from './child-server.ts';
import { RoleStore } from '../../src/server/roles.ts';
import { makeVerifier, parseVerifier } from '../../src/server/scram.ts';

const CLI = join(process.cwd(), 'dist', 'cli.js');
const havePsql = spawnSync('psql', ['--version']).status === 0;
const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
/** util-linux script(1) runs a command on a pseudo-terminal, so the CLI asks for the password there. */
const haveScript = spawnSync('script', ['-qc', 'true', '/dev/null']).status === 0;
const dirs: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flint-user-'));
  dirs.push(dir);
  return dir;
}

/** `flint ARGS`, to completion (stdin is not a terminal). */
function flint(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Start `flint serve` (the children are killed after the tests). */
async function serve(dir: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string; lines: string[] }> {
  const started = await startServer(dir, extra);
  children.push(started.child);
  return started;
}

async function login(port: number, user: string, password: string): Promise<unknown> {
  const c = new pg.Client({ host: '127.0.0.1', port, user, password, database: 'flint' });
  try {
    await c.connect();
    return (await c.query('SELECT current_user AS who')).rows[0] ?? null;
  } catch (error) {
    return error;
  } finally {
    await c.end().catch(() => undefined);
  }
}

describe('flint user', () => {
  it('add, list, password and remove, before and while a server runs', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const added = flint(['user', 'add', 'alice', '--password', 'alice pw', '--data', dir]);
    expect(added).toMatchObject({ status: 0, stderr: '' });
    expect(added.stdout).toContain('created user "alice"');
    const server = await serve(dir, ['--password', 'admin']);
    const port = Number(new URL(server.url).port);
    expect(await login(port, 'alice', 'alice pw')).toBeTruthy();
    expect(await login(port, 'alice', 'wrong')).toMatchObject({ code: '28P01' });

    // While it runs: a new user logs in at once.
    expect(flint(['user', 'add', 'bob', '--password', 'b1', '--superuser', '--data', dir]).status).toBe(0);
    expect(await login(port, 'bob', 'b1')).toBeTruthy();
    const list = flint(['user', 'list', '--data', dir]);
    expect(list.status).toBe(0);
    expect(list.stdout.split('\n').map((l) => l.split('|').map((c) => c.trim()))).toEqual(expect.arrayContaining([
      ['name', 'superuser', 'login', 'password'],
      ['alice', 'no', 'yes', 'SCRAM-SHA-256'],
      ['bob', 'yes', 'yes', 'SCRAM-SHA-256'],
      ['flint', 'yes', 'yes', 'SCRAM-SHA-256'],
    ]));
    expect(list.stdout).not.toContain('b1');

    expect(flint(['user', 'password', 'bob', '--password', 'b2', '--data', dir]).status).toBe(0);
    expect(await login(port, 'bob', 'b1')).toMatchObject({ code: '28P01' });
    expect(await login(port, 'bob', 'b2')).toBeTruthy();

    expect(flint(['user', 'remove', 'bob', '--data', dir]).status).toBe(0);
    expect(await login(port, 'bob', 'b2')).toMatchObject({ code: '28P01' });

    // And the other way: a role created over SQL is listed by the CLI.
    const c = new pg.Client({ host: '127.0.0.1', port, user: 'flint', password: 'admin', database: 'flint' });
    await c.connect();
    await c.query("CREATE USER carol PASSWORD 'c'");
    await c.end();
    expect(flint(['user', 'list', '--data', dir]).stdout).toMatch(/carol\s*\|\s*no\s*\|\s*yes/);

    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
  });

  it('without --password and without a terminal, a password is generated and printed once', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const added = flint(['user', 'add', 'dave', '--data', dir]);
    expect(added.status).toBe(0);
    const password = /^password: (\S+)$/m.exec(added.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const changed = flint(['user', 'password', 'dave', '--data', dir]);
    const second = /^password: (\S+)$/m.exec(changed.stdout)?.[1];
    expect(second).toBeDefined();
    expect(second).not.toBe(password);
    const server = await serve(dir, ['--password', 'admin']);
    const port = Number(new URL(server.url).port);
    expect(await login(port, 'dave', password!)).toMatchObject({ code: '28P01' });
    expect(await login(port, 'dave', second!)).toBeTruthy();
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
  });

  it.skipIf(!haveScript)('on a terminal the password is asked for twice; answers that differ are refused', () => {
    const dir = tempDir();
    const onTerminal = (args: string, input: string) => spawnSync('script', ['-qec', `'${process.execPath}' '${CLI}' ${args} --data '${dir}'`, '/dev/null'], { encoding: 'utf8', input, timeout: 20_000 });
    const added = onTerminal('user add fay', 'typed secret\ntyped secret\n');
    expect(added.status).toBe(0);
    expect(added.stdout).toContain('Enter password: ');
    expect(added.stdout).toContain('Enter it again: ');
    expect(added.stdout).toContain('created user "fay"');
    expect(added.stdout).not.toMatch(/^password: /m); // nothing generated
    const stored = RoleStore.open(dir).get('fay')!.verifier!;
    const { iterations, salt } = parseVerifier(stored)!;
    expect(makeVerifier('typed secret', iterations, salt)).toBe(stored);
    const mismatch = onTerminal('user password fay', 'one\ntwo\n');
    expect(mismatch.status).toBe(1);
    expect(mismatch.stdout).toContain("flint user: passwords didn't match");
    expect(RoleStore.open(dir).get('fay')!.verifier).toBe(stored);
  });

  it('errors: an existing user, a missing user, a missing directory (exit code 1, SQLSTATE in the message)', () => {
    const dir = tempDir();
    expect(flint(['user', 'add', 'erin', '--password', 'e', '--data', dir]).status).toBe(0);
    expect(flint(['user', 'add', 'erin', '--password', 'e', '--data', dir])).toMatchObject({ status: 1, stderr: 'flint user: role "erin" already exists (42710)\n' });
    expect(flint(['user', 'remove', 'nosuch', '--data', dir])).toMatchObject({ status: 1, stderr: 'flint user: role "nosuch" does not exist (42704)\n' });
    expect(flint(['user', 'password', 'nosuch', '--password', 'x', '--data', dir])).toMatchObject({ status: 1, stderr: 'flint user: role "nosuch" does not exist (42704)\n' });
    expect(flint(['user', 'add', 'pg_monitor', '--password', 'x', '--data', dir])).toMatchObject({ status: 1, stderr: 'flint user: role name "pg_monitor" is reserved (42939)\n' });
    const missing = join(dir, 'not-here');
    expect(flint(['user', 'list', '--data', missing])).toMatchObject({ status: 1, stderr: `flint user: data directory "${missing}" does not exist (58P01)\n` });
  });
});

describe.skipIf(!haveOpenssl)('flint serve --tls-cert', () => {
  it('serves TLS (psql sslmode=require), reloads a renewed certificate on SIGHUP (keeping the old one if the new files are bad); an unreadable certificate or a lone --tls-cert exits 1 with a clear message', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    expect(spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost']).status).toBe(0);
    const data = join(dir, 'data');

    const missing = flint(['serve', '--data', data, '--port', '0', '--tls-cert', join(dir, 'nope.pem'), '--tls-key', key]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe(`flint serve: could not load server certificate file "${join(dir, 'nope.pem')}": No such file or directory (F0000)\n`);
    const lone = flint(['serve', '--data', data, '--port', '0', '--tls-cert', cert]);
    expect(lone).toMatchObject({ status: 1, stderr: 'flint serve: --tls-cert and --tls-key must be given together (F0000)\n' });

    const server = await serve(data, ['--password', 'pw', '--tls-cert', cert, '--tls-key', key]);
    const port = Number(new URL(server.url).port);
    /** The fingerprint of the certificate the server presents now. */
    const served = async () => {
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'flint', password: 'pw', database: 'flint', ssl: { rejectUnauthorized: false } });
      await c.connect();
      expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      const stream = (c as unknown as { connection: { stream: { getPeerCertificate(): { fingerprint256: string } } } }).connection.stream;
      const fingerprint = stream.getPeerCertificate().fingerprint256;
      await c.end();
      return fingerprint;
    };
    const fingerprintOf = (file: string) => new X509Certificate(readFileSync(file)).fingerprint256;
    const first = fingerprintOf(cert);
    expect(await served()).toBe(first);
    if (havePsql) {
      const out = spawnSync('psql', [`${server.url}?sslmode=require`, '-X', '-c', '\\conninfo'], { encoding: 'utf8' });
      expect(out.stderr).toBe('');
      expect(out.stdout).toContain('SSL connection (protocol: TLSv1.3');
    }
    // A renewed certificate: SIGHUP makes the server read the files again.
    const waitFor = async (text: string) => {
      for (let i = 0; i < 100 && !server.lines.some((l) => l.includes(text)); i++) await new Promise((r) => setTimeout(r, 50));
      expect(server.lines.join('\n')).toContain(text);
    };
    expect(spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '3', '-subj', '/CN=renewed']).status).toBe(0);
    const renewed = fingerprintOf(cert);
    expect(renewed).not.toBe(first);
    server.child.kill('SIGHUP');
    await waitFor(`TLS: reloaded ${cert}`);
    expect(await served()).toBe(renewed);
    // A broken file on reload: the server says so and keeps serving the certificate it has.
    writeFileSync(cert, 'not a certificate\n');
    server.child.kill('SIGHUP');
    await waitFor('keeping the previous certificate');
    expect(await served()).toBe(renewed);
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    expect(server.lines).toContain(`TLS: on with ${cert} (sslmode=require)`);
  });
});
