// The roles file shared by two kinds of writer (the server and `flint user`
// in another process): changes under the lock are never lost, a reader sees
// another process's change at once, a writer waits for a held lock and takes
// over one left by a dead writer, and a damaged file is an error, not an
// empty role list.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RoleStore, ROLES_FILE } from '../../src/server/roles.ts';

const CLI = join(process.cwd(), 'dist', 'cli.js');
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flint-role-store-'));
  dirs.push(dir);
  return dir;
}

function exitCode(command: string, args: string[]): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => resolve(code));
  });
}

describe('the roles file', () => {
  it('a second store on the same directory sees changes at once, both ways; the file holds verifiers, not passwords', () => {
    const dir = tempDir();
    const server = RoleStore.open(dir);
    const cli = RoleStore.open(dir);
    server.set('flint', 'admin secret', true);
    expect(cli.get('flint')).toMatchObject({ superuser: true, login: true });
    cli.create('app', { login: true, password: 'app secret' });
    expect(server.get('app')).toMatchObject({ login: true, superuser: false });
    cli.alter('app', { login: false });
    expect(server.get('app')!.login).toBe(false);
    expect(cli.remove('app')).toBe(true);
    expect(server.get('app')).toBeUndefined();
    expect(server.remove('app')).toBe(false);
    const text = readFileSync(join(dir, ROLES_FILE), 'utf8');
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toEqual({ version: 1, roles: [{ name: 'flint', verifier: expect.stringMatching(/^SCRAM-SHA-256\$/), superuser: true, login: true }] });
    expect(existsSync(join(dir, `${ROLES_FILE}.lock`))).toBe(false);
  });

  it('concurrent writers in several processes lose no change', { timeout: 60_000 }, async () => {
    const dir = tempDir();
    const store = RoleStore.open(dir);
    store.set('flint', 'x', true);
    const children = Array.from({ length: 6 }, (_, i) => exitCode(process.execPath, [CLI, 'user', 'add', `child${i}`, '--password', `p${i}`, '--data', dir]));
    // Meanwhile this process writes too, spread over the time the children run.
    for (let i = 0; i < 20; i++) {
      store.create(`local${i}`, { login: true, password: `l${i}` });
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    expect(await Promise.all(children)).toEqual([0, 0, 0, 0, 0, 0]);
    const names = RoleStore.open(dir).list().map((r) => r.name);
    expect(names).toHaveLength(27);
    for (let i = 0; i < 6; i++) expect(names).toContain(`child${i}`);
    for (let i = 0; i < 20; i++) expect(names).toContain(`local${i}`);
  });

  it('a writer waits while another holds the lock, and takes over a lock left by a dead writer', async () => {
    const dir = tempDir();
    const store = RoleStore.open(dir);
    const lock = join(dir, `${ROLES_FILE}.lock`);
    // Held by "another process" that lets go after 300 ms.
    writeFileSync(lock, '12345');
    const release = exitCode('sh', ['-c', `sleep 0.3; rm -f '${lock}'`]);
    const started = Date.now();
    store.set('waited', 'w');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(await release).toBe(0);
    // Left behind a minute ago by a writer that died: taken over at once.
    writeFileSync(lock, '12345');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const again = Date.now();
    store.set('taken', 't');
    expect(Date.now() - again).toBeLessThan(1000);
    expect(store.list().map((r) => r.name)).toEqual(['taken', 'waited']);
    expect(existsSync(lock)).toBe(false);
  });

  it('a damaged roles file is F0000 naming the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, ROLES_FILE), '{"version": 1, "roles": [');
    expect(() => RoleStore.open(dir)).toThrow(expect.objectContaining({ code: 'F0000', message: `${join(dir, ROLES_FILE)} is not a valid roles file` }));
    writeFileSync(join(dir, ROLES_FILE), '{"version": 7, "roles": []}');
    expect(() => RoleStore.open(dir)).toThrow(expect.objectContaining({ code: 'F0000' }));
  });
});
