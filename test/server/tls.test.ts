// TLS on the PostgreSQL protocol server: SSLRequest answered 'S' and the
// session carried over TLS (node-postgres and psql with sslmode=require,
// SCRAM inside), refused politely ('N') without a certificate, unencrypted
// bytes after SSLRequest refused as PostgreSQL does, a broken handshake
// ending only its own connection, TLS required for clients on other hosts,
// and unreadable certificate files refused at start.
//
// The certificate is self-signed, made with openssl in a temporary
// directory; without openssl these tests are skipped.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { RoleStore } from '../../src/server/roles.ts';
import { FlintServer } from '../../src/server/server.ts';
import { psql } from './run-psql.ts';

const haveOpenssl = spawnSync('openssl', ['version']).status === 0;
const havePsql = spawnSync('psql', ['--version']).status === 0;
const PASSWORD = 'tls pass';
const dir = mkdtempSync(join(tmpdir(), 'flint-tls-'));
const certFile = join(dir, 'cert.pem');
const keyFile = join(dir, 'key.pem');

let db: Database;
let tlsServer: FlintServer;
let plainServer: FlintServer;

function client(server: FlintServer, ssl: pg.ClientConfig['ssl'], host = '127.0.0.1'): pg.Client {
  return new pg.Client({ host, port: server.port, user: 'flint', password: PASSWORD, database: 'flint', ssl });
}

/** The bytes a raw client gets back, until the server closes or `ms` pass. */
function rawExchange(port: number, send: Buffer, ms = 2000): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket: Socket = connect(port, '127.0.0.1', () => socket.write(send));
    const finish = () => resolve(Buffer.concat(chunks));
    socket.on('data', (d) => chunks.push(d));
    socket.on('close', finish);
    socket.on('error', finish);
    setTimeout(() => socket.destroy(), ms);
  });
}

function sslRequest(): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(8, 0);
  b.writeInt32BE(80877103, 4);
  return b;
}

beforeAll(async () => {
  if (!haveOpenssl) return;
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost'], { encoding: 'utf8' });
  expect(made.status, made.stderr).toBe(0);
  db = Database.open(':memory:');
  const roles = RoleStore.memory();
  roles.set('flint', PASSWORD, true);
  tlsServer = await FlintServer.start({ db, port: 0, roles, tls: { certFile, keyFile } });
  plainServer = await FlintServer.start({ db, port: 0, roles });
});

afterAll(async () => {
  await tlsServer?.stop();
  await plainServer?.stop();
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!haveOpenssl)('TLS', () => {
  it('node-postgres with ssl: SCRAM over TLS, queries, and the socket is encrypted', async () => {
    const c = client(tlsServer, { rejectUnauthorized: false });
    await c.connect();
    const stream = (c as unknown as { connection: { stream: { encrypted?: boolean; getProtocol?(): string } } }).connection.stream;
    expect(stream.encrypted).toBe(true);
    expect(stream.getProtocol?.()).toMatch(/^TLSv1\.[23]$/);
    await c.query('CREATE TABLE secrets (id int PRIMARY KEY, body text)');
    await c.query('INSERT INTO secrets VALUES ($1, $2)', [1, 'over tls']);
    expect((await c.query('SELECT body FROM secrets')).rows).toEqual([{ body: 'over tls' }]);
    await c.end();
    // A wrong password over TLS is still 28P01.
    const bad = new pg.Client({ host: '127.0.0.1', port: tlsServer.port, user: 'flint', password: 'nope', database: 'flint', ssl: { rejectUnauthorized: false } });
    await expect(bad.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('a client that does not ask for TLS still gets in in plain text', async () => {
    const c = client(tlsServer, false);
    await c.connect();
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await c.end();
  });

  it.skipIf(!havePsql)('psql with sslmode=require connects over TLS; without a certificate configured it fails cleanly', async () => {
    const ok = await psql(`host=127.0.0.1 port=${tlsServer.port} user=flint dbname=flint sslmode=require`, ['-c', '\\conninfo', '-At', '-c', 'SELECT count(*) FROM secrets'], { password: PASSWORD });
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/SSL connection \(protocol: TLSv1\.[23]/);
    expect(ok.stdout.trim().split('\n').at(-1)).toBe('1');
    // The client can check the server's certificate: sslmode=verify-full against the certificate as its root.
    const verified = await psql(`host=localhost hostaddr=127.0.0.1 port=${tlsServer.port} user=flint dbname=flint sslmode=verify-full sslrootcert=${certFile}`, ['-At', '-c', 'SELECT 5'], { password: PASSWORD });
    expect(verified.stderr).toBe('');
    expect(verified.stdout.trim()).toBe('5');
    const refused = await psql(`host=127.0.0.1 port=${plainServer.port} user=flint dbname=flint sslmode=require`, ['-c', 'SELECT 1'], { password: PASSWORD });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('server does not support SSL, but SSL was required');
  });

  it.skipIf(!havePsql)('SCRAM-SHA-256-PLUS: psql with channel_binding=require logs in over TLS, and fails without TLS', async () => {
    const ok = await psql(`host=127.0.0.1 port=${tlsServer.port} user=flint dbname=flint sslmode=require channel_binding=require`, ['-At', '-c', 'SELECT 42'], { password: PASSWORD });
    expect(ok.stderr).toBe('');
    expect(ok.stdout.trim()).toBe('42');
    const wrong = await psql(`host=127.0.0.1 port=${tlsServer.port} user=flint dbname=flint sslmode=require channel_binding=require`, ['-At', '-c', 'SELECT 42'], { password: 'wrong' });
    expect(wrong.stderr).toContain('password authentication failed for user "flint"');
    const plain = await psql(`host=127.0.0.1 port=${plainServer.port} user=flint dbname=flint sslmode=disable channel_binding=require`, ['-At', '-c', 'SELECT 42'], { password: PASSWORD });
    expect(plain.status).toBe(2);
    expect(plain.stderr).toContain('channel binding required');
  });

  it('SCRAM-SHA-256-PLUS: node-postgres with enableChannelBinding logs in over TLS', async () => {
    const c = new pg.Client({ host: '127.0.0.1', port: tlsServer.port, user: 'flint', password: PASSWORD, database: 'flint', ssl: { rejectUnauthorized: false }, enableChannelBinding: true } as pg.ClientConfig);
    await c.connect();
    expect((await c.query('SELECT 7 AS seven')).rows).toEqual([{ seven: 7 }]);
    await c.end();
  });

  it('node-postgres asking for TLS from a server without a certificate gets a clear error', async () => {
    const c = client(plainServer, { rejectUnauthorized: false });
    await expect(c.connect()).rejects.toThrow(/does not support SSL/);
  });

  it('bytes sent after SSLRequest before the answer: FATAL 08P01 in plain text, as PostgreSQL', async () => {
    const reply = await rawExchange(tlsServer.port, Buffer.concat([sslRequest(), Buffer.from('early bytes')]));
    expect(reply[0]).toBe(0x45); // 'E', not 'S'
    const text = reply.toString('latin1');
    expect(text).toContain('SFATAL');
    expect(text).toContain('C08P01');
    expect(text).toContain('received unencrypted data after SSL request');
  });

  it('a broken handshake ends that connection only', async () => {
    const reply = await rawExchange(tlsServer.port, sslRequest(), 300);
    expect([...reply.subarray(0, 1)]).toEqual([0x53]); // 'S'
    // Now garbage instead of a ClientHello.
    const garbage = await new Promise<boolean>((resolve) => {
      const socket = connect(tlsServer.port, '127.0.0.1', () => socket.write(sslRequest()));
      socket.once('data', () => socket.write(Buffer.from('this is not a TLS ClientHello, not at all\r\n\r\n')));
      socket.on('close', () => resolve(true));
      socket.on('error', () => {});
      setTimeout(() => resolve(false), 5000);
    });
    expect(garbage).toBe(true);
    const c = client(tlsServer, { rejectUnauthorized: false });
    await c.connect();
    expect((await c.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    await c.end();
  });

  it('an unreadable certificate or key, or a key that does not fit, is refused at start (F0000)', async () => {
    const roles = RoleStore.memory();
    roles.set('flint', PASSWORD, true);
    await expect(FlintServer.start({ db, port: 0, roles, tls: { certFile: join(dir, 'missing.pem'), keyFile } }))
      .rejects.toMatchObject({ code: 'F0000', message: expect.stringContaining(`could not load server certificate file "${join(dir, 'missing.pem')}": No such file or directory`) });
    await expect(FlintServer.start({ db, port: 0, roles, tls: { certFile, keyFile: join(dir, 'missing-key.pem') } }))
      .rejects.toMatchObject({ code: 'F0000', message: expect.stringContaining('could not load private key file') });
    const otherKey = join(dir, 'other-key.pem');
    expect(spawnSync('openssl', ['genpkey', '-algorithm', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', otherKey]).status).toBe(0);
    await expect(FlintServer.start({ db, port: 0, roles, tls: { certFile, keyFile: otherKey } })).rejects.toMatchObject({ code: 'F0000' });
    const junk = join(dir, 'junk.pem');
    writeFileSync(junk, 'not a certificate\n');
    await expect(FlintServer.start({ db, port: 0, roles, tls: { certFile: junk, keyFile } })).rejects.toMatchObject({ code: 'F0000' });
    await expect(FlintServer.start({ db, port: 0, roles, tlsRequired: true })).rejects.toMatchObject({ code: 'F0000' });
  });
});

/** The backend's messages as [type, body] pairs, split from a byte stream. */
function messages(bytes: Buffer): [string, Buffer][] {
  const out: [string, Buffer][] = [];
  for (let at = 0; at + 5 <= bytes.length;) {
    const length = bytes.readInt32BE(at + 1);
    out.push([String.fromCharCode(bytes[at]!), bytes.subarray(at + 5, at + 1 + length)]);
    at += 1 + length;
  }
  return out;
}

function startupPacket(user: string): Buffer {
  const params = Buffer.from(`user\0${user}\0database\0flint\0\0`);
  const head = Buffer.alloc(8);
  head.writeInt32BE(8 + params.length, 0);
  head.writeInt32BE(196608, 4);
  return Buffer.concat([head, params]);
}

function queryMessage(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`);
  const head = Buffer.alloc(5);
  head.write('Q', 0);
  head.writeInt32BE(4 + text.length, 1);
  return Buffer.concat([head, text]);
}

describe.skipIf(!haveOpenssl)("PostgreSQL 17's direct TLS (no SSLRequest, ALPN postgresql)", () => {
  it('a client that starts the handshake at once with ALPN gets a session; without ALPN it is closed', async () => {
    const roles = RoleStore.memory();
    roles.set('flint', PASSWORD, true);
    const server = await FlintServer.start({ db, port: 0, roles, tls: { certFile, keyFile }, trustLoopback: true });
    try {
      const session = await new Promise<{ alpn: string | false; reply: Buffer }>((resolve, reject) => {
        const chunks: Buffer[] = [];
        const socket = tlsConnect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false, ALPNProtocols: ['postgresql'] }, () => socket.write(startupPacket('flint')));
        let asked = false;
        socket.on('data', (d) => {
          chunks.push(d);
          const all = messages(Buffer.concat(chunks));
          const readies = all.filter(([t]) => t === 'Z').length;
          if (readies === 1 && !asked) {
            asked = true;
            socket.write(queryMessage('SELECT 40 + 2 AS answer'));
          }
          if (readies === 2) {
            resolve({ alpn: socket.alpnProtocol ?? false, reply: Buffer.concat(chunks) });
            socket.end();
          }
        });
        socket.on('error', reject);
      });
      expect(session.alpn).toBe('postgresql');
      const row = messages(session.reply).find(([t]) => t === 'D')![1];
      // DataRow: Int16 columns, Int32 length, the text.
      expect(row.subarray(6, 6 + row.readInt32BE(2)).toString()).toBe('42');

      const withoutAlpn = await new Promise<{ secured: boolean; got: number }>((resolve) => {
        let secured = false;
        let got = 0;
        const socket = tlsConnect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false }, () => {
          secured = true;
          socket.write(startupPacket('flint'));
        });
        socket.on('data', (d) => (got += d.length));
        socket.on('error', () => {});
        socket.on('close', () => resolve({ secured, got }));
      });
      expect(withoutAlpn.got).toBe(0);
    } finally {
      await server.stop();
    }
  });
});

/** An IPv4 address of this machine that is not loopback, to be a client "on another host". */
const externalAddress = Object.values(networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal)?.address;

describe.skipIf(!haveOpenssl || externalAddress === undefined)('TLS required for clients on other hosts', () => {
  it('a plain-text client from a non-loopback address is refused with 28000; with TLS it gets in; loopback stays allowed', async () => {
    const roles = RoleStore.memory();
    roles.set('flint', PASSWORD, true);
    const server = await FlintServer.start({ db, host: externalAddress!, port: 0, roles, tls: { certFile, keyFile }, tlsRequired: true });
    try {
      const plain = client(server, false, externalAddress);
      await expect(plain.connect()).rejects.toMatchObject({ code: '28000', message: 'connection for user "flint" refused: this server requires TLS for connections from other hosts' });
      const secure = client(server, { rejectUnauthorized: false }, externalAddress);
      await secure.connect();
      expect((await secure.query('SELECT 3 AS three')).rows).toEqual([{ three: 3 }]);
      await secure.end();
    } finally {
      await server.stop();
    }
  });
});
