// Roles managed over SQL through the server: CREATE ROLE / CREATE USER,
// ALTER ROLE (password, LOGIN, RENAME TO), DROP ROLE, with PostgreSQL's
// errors and SQLSTATEs; logins checked with SCRAM from node-postgres (and
// psql's \password, which sends a SCRAM verifier); the roles file surviving
// a restart; an embedded Session refusing role statements.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { RoleStore } from '../../src/server/roles.ts';
import { makeVerifier } from '../../src/server/scram.ts';
import { FlintServer } from '../../src/server/server.ts';
import { psql } from './run-psql.ts';

const havePsql = spawnSync('psql', ['--version']).status === 0;
const ADMIN_PASSWORD = 'admin pass';
const dirs: string[] = [];

let db: Database;
let roles: RoleStore;
let server: FlintServer;

function as(user: string, password: string, target: FlintServer = server): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port: target.port, user, password, database: 'flint' });
}

/** Log in and run one query; the error (with its SQLSTATE) if any step fails. */
async function login(user: string, password: string, target: FlintServer = server): Promise<unknown> {
  const c = as(user, password, target);
  try {
    await c.connect();
    const r = await c.query('SELECT 1 AS ok');
    return r.rows[0];
  } catch (error) {
    return error;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function admin<T>(run: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = as('flint', ADMIN_PASSWORD);
  await c.connect();
  try {
    return await run(c);
  } finally {
    await c.end();
  }
}

function failure(promise: Promise<unknown>): Promise<pg.DatabaseError> {
  return promise.then(() => {
    throw new Error('expected an error');
  }, (e: unknown) => e as pg.DatabaseError);
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flint-roles-'));
  dirs.push(dir);
  db = Database.open(':memory:');
  roles = RoleStore.open(dir);
  roles.set('flint', ADMIN_PASSWORD, true);
  server = await FlintServer.start({ db, port: 0, roles });
});

afterAll(async () => {
  await server.stop();
  db.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('roles over SQL', () => {
  it('CREATE USER ... PASSWORD: the user logs in with SCRAM; a wrong password is 28P01; only a verifier is stored', async () => {
    await admin((c) => c.query("CREATE USER alice WITH PASSWORD 'alice pw'"));
    expect(await login('alice', 'alice pw')).toEqual({ ok: 1 });
    expect(await login('alice', 'not it')).toMatchObject({ code: '28P01', message: 'password authentication failed for user "alice"' });
    const file = readFileSync(roles.path!, 'utf8');
    expect(file).not.toContain('alice pw');
    expect(roles.get('alice')).toMatchObject({ login: true, superuser: false, verifier: expect.stringMatching(/^SCRAM-SHA-256\$4096:/) });
  });

  it('ALTER ROLE ... PASSWORD: the old password fails, the new one works; a given SCRAM verifier is stored as is', async () => {
    await admin((c) => c.query("CREATE ROLE bob LOGIN PASSWORD 'old'"));
    expect(await login('bob', 'old')).toEqual({ ok: 1 });
    await admin((c) => c.query("ALTER ROLE bob WITH PASSWORD 'new'"));
    expect(await login('bob', 'old')).toMatchObject({ code: '28P01' });
    expect(await login('bob', 'new')).toEqual({ ok: 1 });
    // What psql's \password sends: the verifier, made on the client.
    const verifier = makeVerifier('hashed by the client', 10000);
    await admin((c) => c.query(`ALTER USER bob PASSWORD '${verifier}'`));
    expect(roles.get('bob')!.verifier).toBe(verifier);
    expect(await login('bob', 'hashed by the client')).toEqual({ ok: 1 });
    // Text that only looks like a verifier (keys of the wrong size) is a plain password, as in PostgreSQL.
    await admin((c) => c.query("ALTER USER bob PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$YWJj:ZGVm'"));
    expect(roles.get('bob')!.verifier).not.toBe('SCRAM-SHA-256$4096:c2FsdA==$YWJj:ZGVm');
    expect(await login('bob', 'SCRAM-SHA-256$4096:c2FsdA==$YWJj:ZGVm')).toEqual({ ok: 1 });
  });

  it('DROP ROLE: the role can no longer log in; IF EXISTS skips a missing one with a NOTICE, as an empty password does', async () => {
    await admin((c) => c.query("CREATE USER carol PASSWORD 'c'"));
    expect(await login('carol', 'c')).toEqual({ ok: 1 });
    const notices: string[] = [];
    await admin(async (c) => {
      c.on('notice', (n) => notices.push(`${n.severity} ${n.code} ${n.message}`));
      expect((await c.query('DROP ROLE carol')).command).toBe('DROP');
      await c.query('DROP ROLE IF EXISTS carol');
      await c.query("CREATE ROLE empty_pw PASSWORD ''");
    });
    expect(notices).toEqual(['NOTICE 00000 role "carol" does not exist, skipping', 'NOTICE 00000 empty string is not a valid password, clearing password']);
    expect(roles.get('empty_pw')!.verifier).toBeNull();
    expect(await login('carol', 'c')).toMatchObject({ code: '28P01' });
  });

  it('ALTER ROLE ... RENAME TO keeps the password; NOLOGIN refuses a login with 28000; PASSWORD NULL leaves no password', async () => {
    await admin(async (c) => {
      await c.query("CREATE USER dave PASSWORD 'd'");
      await c.query('ALTER ROLE dave RENAME TO david');
    });
    expect(await login('dave', 'd')).toMatchObject({ code: '28P01' });
    expect(await login('david', 'd')).toEqual({ ok: 1 });
    await admin((c) => c.query('ALTER ROLE david NOLOGIN'));
    expect(await login('david', 'd')).toMatchObject({ code: '28000', severity: 'FATAL', message: 'role "david" is not permitted to log in' });
    await admin((c) => c.query('ALTER ROLE david LOGIN PASSWORD NULL'));
    expect(await login('david', 'd')).toMatchObject({ code: '28P01' });
    // CREATE ROLE without LOGIN cannot log in either.
    await admin((c) => c.query("CREATE ROLE group_role PASSWORD 'g'"));
    expect(await login('group_role', 'g')).toMatchObject({ code: '28000' });
  });

  it("errors with PostgreSQL's SQLSTATEs: 42710, 42704, 42601, 42939, 0A000, 55006, 25001", async () => {
    await admin(async (c) => {
      await c.query('CREATE ROLE erin');
      expect(await failure(c.query('CREATE ROLE erin'))).toMatchObject({ code: '42710', message: 'role "erin" already exists' });
      expect(await failure(c.query('CREATE USER erin'))).toMatchObject({ code: '42710' });
      expect(await failure(c.query("ALTER ROLE nosuch PASSWORD 'x'"))).toMatchObject({ code: '42704', message: 'role "nosuch" does not exist' });
      expect(await failure(c.query('DROP ROLE nosuch'))).toMatchObject({ code: '42704', message: 'role "nosuch" does not exist' });
      expect(await failure(c.query('ALTER ROLE nosuch RENAME TO other'))).toMatchObject({ code: '42704' });
      expect(await failure(c.query('ALTER ROLE erin RENAME TO flint'))).toMatchObject({ code: '42710', message: 'role "flint" already exists' });
      expect(await failure(c.query('CREATE ROLE frank LOGIN NOLOGIN'))).toMatchObject({ code: '42601', message: 'conflicting or redundant options', position: '25' });
      expect(await failure(c.query('CREATE ROLE public'))).toMatchObject({ code: '42939', message: 'role name "public" is reserved' });
      expect(await failure(c.query('CREATE ROLE pg_mine'))).toMatchObject({ code: '42939', detail: 'Role names starting with "pg_" are reserved.' });
      expect(await failure(c.query('CREATE ROLE frank CREATEDB'))).toMatchObject({ code: '0A000', message: 'role option CREATEDB is not supported' });
      expect(await failure(c.query('CREATE ROLE frank IN ROLE erin'))).toMatchObject({ code: '0A000' });
      expect(await failure(c.query('DROP ROLE flint'))).toMatchObject({ code: '55006', message: 'current user cannot be dropped' });
      expect(await failure(c.query('DROP ROLE current_user'))).toMatchObject({ code: '55006' });
      expect(await failure(c.query('ALTER ROLE flint RENAME TO boss'))).toMatchObject({ code: '0A000', message: 'session user cannot be renamed' });
      // DROP ROLE of several names is all or nothing.
      expect(await failure(c.query('DROP ROLE erin, nosuch'))).toMatchObject({ code: '42704' });
      expect(roles.get('erin')).toBeDefined();
      // Role changes are not transactional in Flint: refused inside a block, which is then failed.
      await c.query('BEGIN');
      expect(await failure(c.query('CREATE ROLE inblock'))).toMatchObject({ code: '25001', message: 'CREATE ROLE cannot run inside a transaction block' });
      expect(await failure(c.query('SELECT 1'))).toMatchObject({ code: '25P02' });
      await c.query('ROLLBACK');
      expect(roles.get('inblock')).toBeUndefined();
      // Defaults that Flint accepts so pg_dumpall scripts load.
      await c.query("CREATE ROLE grace WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN NOREPLICATION NOBYPASSRLS CONNECTION LIMIT -1 VALID UNTIL 'infinity'");
      expect(await failure(c.query("ALTER ROLE grace VALID UNTIL '2030-01-01'"))).toMatchObject({ code: '0A000', message: 'role option VALID UNTIL is not supported' });
      expect(roles.get('grace')).toMatchObject({ login: true, superuser: false, verifier: null });
    });
  });

  it('only superusers manage roles (42501); a role may change its own password', async () => {
    await admin((c) => c.query("CREATE USER henry PASSWORD 'h'"));
    const c = as('henry', 'h');
    await c.connect();
    expect(await failure(c.query('CREATE ROLE x'))).toMatchObject({ code: '42501', message: 'permission denied to create role' });
    expect(await failure(c.query("ALTER ROLE flint PASSWORD 'mine now'"))).toMatchObject({ code: '42501', message: 'permission denied' });
    expect(await failure(c.query('ALTER ROLE henry SUPERUSER'))).toMatchObject({ code: '42501' });
    expect(await failure(c.query('DROP ROLE flint'))).toMatchObject({ code: '42501', message: 'permission denied to drop role' });
    expect(await failure(c.query('ALTER ROLE flint RENAME TO x'))).toMatchObject({ code: '42501' });
    await c.query("ALTER USER CURRENT_USER PASSWORD 'h2'");
    await c.end();
    expect(await login('henry', 'h')).toMatchObject({ code: '28P01' });
    expect(await login('henry', 'h2')).toEqual({ ok: 1 });
    // A superuser created over SQL manages roles too.
    await admin((a) => a.query("CREATE ROLE ivy SUPERUSER LOGIN PASSWORD 'i'"));
    const ivy = as('ivy', 'i');
    await ivy.connect();
    await ivy.query('DROP ROLE henry');
    await ivy.end();
    expect(await login('henry', 'h2')).toMatchObject({ code: '28P01' });
  });

  it('ParameterStatus is_superuser says whether the role is a superuser (psql shows # or > by it)', async () => {
    await admin((c) => c.query("CREATE USER mona PASSWORD 'm'"));
    for (const [user, password, expected] of [['mona', 'm', 'off'], ['flint', ADMIN_PASSWORD, 'on']] as const) {
      const sql = postgres({ host: '127.0.0.1', port: server.port, user, password, database: 'flint', fetch_types: false, max: 1 });
      await sql`SELECT 1`;
      expect((sql as unknown as { parameters: Record<string, string> }).parameters['is_superuser']).toBe(expected);
      await sql.end();
    }
  });

  it.skipIf(!havePsql)("psql's \\password sends a SCRAM verifier, which is stored as is and logs in", { timeout: 30_000 }, async () => {
    await admin((c) => c.query("CREATE USER jack PASSWORD 'before'"));
    // Without a controlling terminal (setsid), psql reads the new password twice from stdin.
    const out = await psql(`postgresql://jack@127.0.0.1:${server.port}/flint`, ['-c', '\\password jack'], { password: 'before', input: 'after psql\nafter psql\n', detached: true });
    expect(out.stderr).not.toMatch(/error/i);
    expect(out.status).toBe(0);
    expect(roles.get('jack')!.verifier).toMatch(/^SCRAM-SHA-256\$4096:/);
    expect(await login('jack', 'before')).toMatchObject({ code: '28P01' });
    expect(await login('jack', 'after psql')).toEqual({ ok: 1 });
  });

  it('roles persist in the data directory across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-roles-restart-'));
    dirs.push(dir);
    const first = RoleStore.open(dir);
    first.set('flint', ADMIN_PASSWORD, true);
    const one = await FlintServer.start({ db, port: 0, roles: first });
    const c = as('flint', ADMIN_PASSWORD, one);
    await c.connect();
    await c.query("CREATE USER kate PASSWORD 'k1'");
    await c.query("CREATE USER liam PASSWORD 'l'");
    await c.query('DROP USER liam');
    await c.query("ALTER USER kate PASSWORD 'k2'");
    await c.end();
    await one.stop();
    const two = await FlintServer.start({ db, port: 0, roles: RoleStore.open(dir) });
    try {
      expect(await login('kate', 'k2', two)).toEqual({ ok: 1 });
      expect(await login('kate', 'k1', two)).toMatchObject({ code: '28P01' });
      expect(await login('liam', 'l', two)).toMatchObject({ code: '28P01' });
    } finally {
      await two.stop();
    }
  });
});

describe('role statements without a server', () => {
  it('an embedded Session refuses them with 0A000', () => {
    const local = Database.open(':memory:');
    try {
      const session = local.session();
      expect(() => session.execute("CREATE ROLE x PASSWORD 'y'")).toThrow(expect.objectContaining({ code: '0A000' }));
      expect(() => session.execute('DROP ROLE x')).toThrow(expect.objectContaining({ code: '0A000' }));
    } finally {
      local.close();
    }
  });
});
