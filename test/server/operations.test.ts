// Running the server: Prometheus metrics over HTTP whose values follow what
// clients did (commits, connections, statements, errors, WAL fsyncs), the
// idle timeouts that end a session (its transaction rolled back, others
// unaffected), and the connection limit.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { Database } from '../../src/db/database.ts';
import { RoleStore } from '../../src/server/roles.ts';
import { FlintServer, type ServerOptions } from '../../src/server/server.ts';
import { parseStartupOptions } from '../../src/server/connection.ts';
import { CLI, exited, serve } from './child-server.ts';

const PASSWORD = 'ops test password';
const cleanups: (() => Promise<void> | void)[] = [];

afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function startServer(options: Partial<ServerOptions> & { file?: boolean } = {}): Promise<{ server: FlintServer; db: Database }> {
  let dir: string | null = null;
  if (options.file === true) dir = mkdtempSync(join(tmpdir(), 'flint-ops-'));
  const db = Database.open(dir ?? ':memory:');
  const roles = RoleStore.memory();
  roles.set('flint', PASSWORD, true);
  const server = await FlintServer.start({ db, port: 0, roles, ...options });
  cleanups.push(async () => {
    await server.stop();
    db.close();
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  });
  return { server, db };
}

function client(server: FlintServer, extra: Partial<pg.ClientConfig> = {}): pg.Client {
  return new pg.Client({ host: '127.0.0.1', port: server.port, user: 'flint', password: PASSWORD, database: 'flint', ...extra });
}

/** One sample of the exposition text: name, labels, value. */
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/**
 * Parse Prometheus text format 0.0.4 strictly enough to catch a malformed
 * exposition: every line is a comment (# HELP / # TYPE), blank, or
 * `name{label="value",...} number`.
 */
function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (m === null) throw new Error(`bad comment line: ${line}`);
      if (m[1] === 'TYPE') {
        expect(['counter', 'gauge', 'histogram', 'summary', 'untyped']).toContain(m[3]);
        types.set(m[2]!, m[3]!);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (m === null) throw new Error(`bad sample line: ${line}`);
    const labels: Record<string, string> = {};
    if (m[2] !== undefined && m[2] !== '') {
      for (const part of m[2].matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/g)) labels[part[1]!] = part[2]!;
    }
    // Prometheus reads NaN in any case (prom-client writes the event-loop mean before any sample as "Nan").
    const value = m[3] === '+Inf' ? Infinity : m[3] === '-Inf' ? -Infinity : Number(m[3]);
    if (Number.isNaN(value) && m[3]!.toLowerCase() !== 'nan') throw new Error(`bad value: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return samples;
}

class Scrape {
  constructor(readonly samples: Sample[]) {}

  /** The value of a series; labels must match exactly those given. Missing: 0 (a labelled counter not yet seen). */
  get(name: string, labels: Record<string, string> = {}): number {
    const want = JSON.stringify(Object.entries(labels).sort());
    const s = this.samples.find((x) => x.name === name && JSON.stringify(Object.entries(x.labels).sort()) === want);
    return s?.value ?? 0;
  }

  has(name: string): boolean {
    return this.samples.some((x) => x.name === name);
  }
}

async function scrape(server: FlintServer): Promise<Scrape> {
  const res = await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return new Scrape(parseExposition(await res.text()));
}

/** Resolves once the server has seen `n` connections open (a client's end() does not wait for the server's close). */
async function connectionsBecome(server: FlintServer, n: number): Promise<void> {
  while (server.connections !== n) await new Promise((r) => setTimeout(r, 5));
}

describe('metrics', () => {
  it('GET /metrics: Prometheus text whose counters follow what clients did', async () => {
    const { server } = await startServer({ file: true, metricsPort: 0 });
    expect(server.metricsPort).toBeGreaterThan(0);
    const before = await scrape(server);
    for (const name of [
      'flint_connections', 'flint_connections_total', 'flint_transactions_total', 'flint_commits_total', 'flint_rollbacks_total',
      'flint_wal_fsyncs_total', 'flint_wal_bytes_total', 'flint_buffer_pool_hits_total', 'flint_buffer_pool_misses_total',
      'flint_vacuum_reclaimed_total', 'flint_vacuum_slices_total', 'flint_vacuum_pending_blocks', 'flint_statement_duration_seconds_count',
      'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds',
    ]) expect(before.has(name), name).toBe(true);

    const a = client(server);
    const b = client(server);
    await a.connect();
    await b.connect();
    // Statements: 1 CREATE, 3 INSERTs (extended protocol), a block of 4, 2 SELECTs, 1 failing INSERT, 1 UPDATE.
    await a.query('CREATE TABLE m (id int PRIMARY KEY, v text)');
    for (let i = 1; i <= 3; i++) await a.query('INSERT INTO m VALUES ($1, $2)', [i, `v${i}`]);
    await a.query('BEGIN');
    await a.query('INSERT INTO m VALUES (10, \'x\')');
    await a.query('INSERT INTO m VALUES (11, \'y\')');
    await a.query('COMMIT');
    expect((await b.query('SELECT count(*)::int AS n FROM m')).rows).toEqual([{ n: 5 }]);
    expect((await b.query('SELECT v FROM m WHERE id = $1', [2])).rows).toEqual([{ v: 'v2' }]);
    await expect(a.query('INSERT INTO m VALUES (1, \'dup\')')).rejects.toMatchObject({ code: '23505' });
    await a.query('UPDATE m SET v = \'z\' WHERE id = 10');
    const statements = 1 + 3 + 4 + 2 + 1 + 1;
    const commits = 1 + 3 + 1 + 1; // CREATE, 3 INSERTs, the block, the UPDATE (reads and the failed INSERT do not commit)

    const after = await scrape(server);
    const delta = (name: string, labels: Record<string, string> = {}) => after.get(name, labels) - before.get(name, labels);
    expect(after.get('flint_connections')).toBe(2);
    expect(delta('flint_connections_total')).toBe(2);
    expect(delta('flint_commits_total')).toBe(commits);
    expect(delta('flint_rollbacks_total')).toBe(1); // the duplicate key
    expect(delta('flint_transactions_total')).toBe(commits + 1);
    expect(delta('flint_statement_duration_seconds_count')).toBe(statements);
    expect(delta('flint_statement_duration_seconds_sum')).toBeGreaterThan(0);
    expect(after.get('flint_statement_duration_seconds_bucket', { le: '+Inf' })).toBe(after.get('flint_statement_duration_seconds_count'));
    expect(delta('flint_statements_total', { command: 'INSERT' })).toBe(5);
    expect(delta('flint_statements_total', { command: 'SELECT' })).toBe(2);
    expect(delta('flint_statements_total', { command: 'CREATE TABLE' })).toBe(1);
    expect(delta('flint_statements_total', { command: 'BEGIN' })).toBe(1);
    expect(delta('flint_statements_total', { command: 'COMMIT' })).toBe(1);
    expect(delta('flint_statements_total', { command: 'UPDATE' })).toBe(1);
    expect(delta('flint_errors_total', { class: '23' })).toBe(1);
    // A file database: every commit was made durable by an fdatasync of the WAL.
    expect(after.get('flint_wal_fsyncs_total')).toBeGreaterThan(0);
    expect(delta('flint_wal_fsyncs_total')).toBeGreaterThan(0);
    expect(delta('flint_wal_fsyncs_total')).toBeLessThanOrEqual(commits);
    expect(delta('flint_wal_bytes_total')).toBeGreaterThan(0);
    expect(after.get('flint_buffer_pool_hits_total') + after.get('flint_buffer_pool_misses_total')).toBeGreaterThan(0);
    expect(after.get('flint_buffer_pool_frames')).toBeGreaterThan(0);

    // Open transactions: a block left open shows, and ends with the session.
    await b.query('BEGIN');
    expect((await scrape(server)).get('flint_transactions_open')).toBe(1);
    await b.end();
    await connectionsBecome(server, 1);
    const last = await scrape(server);
    expect(last.get('flint_connections')).toBe(1);
    expect(last.get('flint_transactions_open')).toBe(0);
    await a.end();
  });

  it('vacuum progress: reclaimed versions and slices appear once vacuum has run', async () => {
    const { server, db } = await startServer({ metricsPort: 0 });
    const c = client(server);
    await c.connect();
    await c.query('CREATE TABLE vac (id int PRIMARY KEY, v int)');
    await c.query('INSERT INTO vac SELECT g, g FROM generate_series(1, 50) AS g');
    const before = await scrape(server);
    await c.query('DELETE FROM vac WHERE id <= 20');
    // The background vacuum may have reclaimed some already; a full pass now takes the rest.
    db.engine.vacuum();
    const after = await scrape(server);
    expect(after.get('flint_vacuum_reclaimed_total') - before.get('flint_vacuum_reclaimed_total')).toBeGreaterThanOrEqual(20);
    expect(after.get('flint_vacuum_slices_total')).toBeGreaterThan(before.get('flint_vacuum_slices_total'));
    expect(after.get('flint_vacuum_passes_total')).toBeGreaterThan(before.get('flint_vacuum_passes_total'));
    expect(after.get('flint_vacuum_pending_blocks')).toBe(0);
    await c.end();
  });

  it('the HTTP listener answers only /metrics, and the text is there embedded without it', async () => {
    const { server } = await startServer({ metricsPort: 0 });
    expect((await fetch(`http://127.0.0.1:${server.metricsPort}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${server.metricsPort}/metrics`, { method: 'POST' })).status).toBe(405);
    const { server: quiet } = await startServer();
    expect(quiet.metricsPort).toBeNull();
    const c = client(quiet);
    await c.connect();
    await c.query('SELECT 1');
    const text = parseExposition(await quiet.metrics.text());
    expect(text.find((s) => s.name === 'flint_statements_total' && s.labels['command'] === 'SELECT')?.value).toBe(1);
    await c.end();
  });

  it('stop() closes the metrics listener', async () => {
    const db = Database.open(':memory:');
    const roles = RoleStore.memory();
    roles.set('flint', PASSWORD, true);
    const server = await FlintServer.start({ db, port: 0, roles, metricsPort: 0 });
    const port = server.metricsPort!;
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    await server.stop();
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    db.close();
  });
});

/** The first error a client gets when the server ends its session, or 'end' if none came first. */
function ended(c: pg.Client): Promise<{ code?: string; message: string } | 'end'> {
  return new Promise((resolve) => {
    // Kept for good: pg reports the closed socket as a second error after the server's FATAL.
    c.on('error', (e: Error & { code?: string }) => resolve({ code: e.code, message: e.message }));
    c.once('end', () => resolve('end'));
  });
}

describe('idle timeouts', () => {
  it('idle_in_transaction_session_timeout ends the session with 25P03 and rolls its block back; others go on', async () => {
    const { server } = await startServer({ metricsPort: 0 });
    const bystander = client(server);
    await bystander.connect();
    await bystander.query('CREATE TABLE idle_t (id int PRIMARY KEY)');
    await bystander.query('BEGIN');
    await bystander.query('INSERT INTO idle_t VALUES (100)');

    const c = client(server);
    await c.connect();
    const gone = ended(c);
    await c.query("SET idle_in_transaction_session_timeout = '50ms'");
    // Outside a block the setting does nothing: the session stays.
    await new Promise((r) => setTimeout(r, 120));
    expect((await c.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await c.query('BEGIN');
    await c.query('INSERT INTO idle_t VALUES (1)');
    const error = await gone;
    expect(error).toMatchObject({ code: '25P03', message: 'terminating connection due to idle-in-transaction timeout' });
    await expect(c.query('SELECT 1')).rejects.toThrow();

    // The bystander's own open block is untouched (its setting is 0) and the victim's row is gone.
    await bystander.query('INSERT INTO idle_t VALUES (101)');
    await bystander.query('COMMIT');
    expect((await bystander.query('SELECT id FROM idle_t ORDER BY id')).rows).toEqual([{ id: 100 }, { id: 101 }]);
    const m = await scrape(server);
    expect(m.get('flint_sessions_terminated_total', { reason: 'idle_in_transaction_timeout' })).toBe(1);
    expect(m.get('flint_errors_total', { class: '25' })).toBe(1);
    await bystander.end();
  });

  it('a failed block counts as idle in transaction too', async () => {
    const { server } = await startServer();
    const c = client(server);
    await c.connect();
    const gone = ended(c);
    await c.query("SET idle_in_transaction_session_timeout = 40");
    await c.query('BEGIN');
    await expect(c.query('SELECT 1/0')).rejects.toMatchObject({ code: '22012' });
    expect(await gone).toMatchObject({ code: '25P03' });
  });

  it('a server-wide default (sessionSettings) applies to every session, and SET can turn it off', async () => {
    const { server } = await startServer({ sessionSettings: { idle_in_transaction_session_timeout: '50ms' } });
    const victim = client(server);
    const keeper = client(server);
    await victim.connect();
    await keeper.connect();
    await keeper.query('SET idle_in_transaction_session_timeout = 0');
    expect((await keeper.query('SHOW idle_in_transaction_session_timeout')).rows).toEqual([{ idle_in_transaction_session_timeout: '0' }]);
    expect((await victim.query('SHOW idle_in_transaction_session_timeout')).rows).toEqual([{ idle_in_transaction_session_timeout: '50ms' }]);
    await keeper.query('CREATE TABLE d (id int)');
    const gone = ended(victim);
    await victim.query('BEGIN');
    await keeper.query('BEGIN');
    await victim.query('INSERT INTO d VALUES (1)');
    expect(await gone).toMatchObject({ code: '25P03' });
    // The keeper's block outlived the victim's timeout.
    await keeper.query('INSERT INTO d VALUES (2)');
    await keeper.query('COMMIT');
    expect((await keeper.query('SELECT id FROM d')).rows).toEqual([{ id: 2 }]);
    await keeper.end();
  });

  it('idle_session_timeout ends an idle session outside a block with 57P05', async () => {
    const { server } = await startServer();
    const c = client(server);
    await c.connect();
    const gone = ended(c);
    await c.query("SET idle_session_timeout = '40ms'");
    expect(await gone).toMatchObject({ code: '57P05', message: 'terminating connection due to idle-session timeout' });
    await connectionsBecome(server, 0);
  });

  it("the startup packet's settings apply (node-postgres sends its timeouts there); a bad one is FATAL", async () => {
    const { server } = await startServer();
    const c = client(server, { idle_in_transaction_session_timeout: 50, statement_timeout: 2000, application_name: 'ops-test' });
    await c.connect();
    expect((await c.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '2000' }]);
    expect((await c.query('SHOW application_name')).rows).toEqual([{ application_name: 'ops-test' }]);
    const gone = ended(c);
    await c.query('BEGIN');
    expect(await gone).toMatchObject({ code: '25P03' });
    // node-postgres sends only numbers there, so a malformed value goes in a startup packet made by hand.
    const body = Buffer.from('\0\x03\0\0user\0flint\0idle_session_timeout\0soon\0\0', 'latin1');
    const length = Buffer.alloc(4);
    length.writeInt32BE(body.length + 4);
    const { server: trusting } = await startServer({ trustLoopback: true });
    const answer = (await rawUntilClosed(trusting.port, Buffer.concat([length, body]))).toString('latin1');
    expect(answer).toContain('FATAL');
    expect(answer).toContain('22023');
    expect(answer).toContain('invalid value for parameter "idle_session_timeout": "soon"');
  });

  it("the startup packet's options (PGOPTIONS): -c name=value and --name=value apply as SET; a bad one is FATAL", async () => {
    const { server } = await startServer();
    const c = client(server, { options: '-c statement_timeout=1234 --application-name=from\\ options -csearch_path=public' });
    await c.connect();
    expect((await c.query('SHOW statement_timeout')).rows).toEqual([{ statement_timeout: '1234' }]);
    expect((await c.query('SHOW application_name')).rows).toEqual([{ application_name: 'from options' }]);
    expect((await c.query('SHOW search_path')).rows).toEqual([{ search_path: 'public' }]);
    await c.end();
    const bad = client(server, { options: '-c statement_timeout=soon' });
    await expect(bad.connect()).rejects.toMatchObject({ code: '22023', message: 'invalid value for parameter "statement_timeout": "soon"' });
    const switches = client(server, { options: '-F' });
    await expect(switches.connect()).rejects.toMatchObject({ code: '08P01', message: 'invalid command-line argument for server process: -F' });
  });

  it('parseStartupOptions splits at unescaped spaces and reads the three spellings', () => {
    expect(parseStartupOptions('')).toEqual([]);
    expect(parseStartupOptions('  -c a=1   -cb=2 --c-d=x\\ y ')).toEqual([['a', '1'], ['b', '2'], ['c_d', 'x y']]);
    expect(() => parseStartupOptions('-c')).toThrow('requires an argument');
    expect(() => parseStartupOptions('-c novalue')).toThrow('requires a value');
    expect(() => parseStartupOptions("-c x';drop=1")).toThrow('unrecognized configuration parameter "x\';drop"');
  });

  it('SET validates the timeouts', async () => {
    const { server } = await startServer();
    const c = client(server);
    await c.connect();
    await expect(c.query("SET idle_in_transaction_session_timeout = 'soon'")).rejects.toMatchObject({ code: '22023', message: 'invalid value for parameter "idle_in_transaction_session_timeout": "soon"' });
    await expect(c.query("SET idle_session_timeout = '-1'")).rejects.toMatchObject({ code: '22023' });
    await c.query("SET idle_session_timeout = '5min'");
    expect((await c.query('SHOW idle_session_timeout')).rows).toEqual([{ idle_session_timeout: '5min' }]);
    await c.end();
  });
});

describe('max connections', () => {
  it('the client beyond the limit gets 53300 and the others keep working', async () => {
    const { server } = await startServer({ maxConnections: 3, metricsPort: 0 });
    const clients = [client(server), client(server), client(server)];
    for (const c of clients) await c.connect();
    const extra = client(server);
    await expect(extra.connect()).rejects.toMatchObject({ code: '53300', message: 'sorry, too many clients already' });
    for (const [i, c] of clients.entries()) expect((await c.query('SELECT $1::int AS i', [i])).rows).toEqual([{ i }]);
    const m = await scrape(server);
    expect(m.get('flint_connections_refused_total', { reason: 'too_many_clients' })).toBe(1);
    expect(m.get('flint_connections')).toBe(3);
    // A slot freed is a slot taken.
    await clients[0]!.end();
    await connectionsBecome(server, 2);
    const late = client(server);
    await late.connect();
    expect((await late.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await late.end();
    for (const c of clients.slice(1)) await c.end();
  });
});

/** Open a raw socket, send `bytes`, and resolve with what the server sent once it closed the connection. */
function rawUntilClosed(port: number, bytes: Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1' });
    const received: Buffer[] = [];
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received)));
    socket.on('connect', () => socket.write(bytes));
  });
}

function startupMessage(user: string): Buffer {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from(`user\0${user}\0\0`)]);
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([length, body]);
}

describe('connections still authenticating', () => {
  it('count too, up to twice the limit: beyond, a socket gets 53300 at once; a slot freed is taken again', async () => {
    const { server } = await startServer({ maxConnections: 1 });
    const session = client(server);
    await session.connect();
    // A second socket that never finishes its startup: 2 of the 2 allowed. Its SSLRequest's answer
    // shows the server has taken it; then it sends half a startup packet and waits.
    const stalled = connect({ port: server.port, host: '127.0.0.1' });
    stalled.on('error', () => {});
    await new Promise<void>((resolve) => stalled.on('connect', () => resolve()));
    const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
    await new Promise<void>((resolve) => {
      stalled.once('data', () => resolve());
      stalled.write(sslRequest);
    });
    stalled.write(startupMessage('flint').subarray(0, 5));
    // A third socket is refused before its startup.
    const answer = await rawUntilClosed(server.port, startupMessage('flint'));
    expect(String.fromCharCode(answer[0]!)).toBe('E');
    expect(answer.toString('latin1')).toContain('FATAL');
    expect(answer.toString('latin1')).toContain('sorry, too many clients already');
    expect((await session.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    const closed = new Promise((r) => stalled.on('close', r));
    stalled.destroy();
    await closed;
    await session.end();
    await connectionsBecome(server, 0);
    // The server may not have seen the stalled socket close yet: retry until its slot is free.
    let again: pg.Client;
    for (;;) {
      again = client(server);
      try {
        await again.connect();
        break;
      } catch (error) {
        expect((error as { code?: string }).code).toBe('53300');
      }
    }
    expect((await again.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    await again.end();
  });
});

describe('authentication timeout', () => {
  it('a client that never finishes the startup or the SCRAM exchange is disconnected; others are not', async () => {
    const { server } = await startServer({ authenticationTimeoutMs: 80, metricsPort: 0 });
    const working = client(server);
    await working.connect();
    // Half a startup packet: the server hangs up without a word, as PostgreSQL does.
    const half = startupMessage('flint').subarray(0, 6);
    expect((await rawUntilClosed(server.port, half)).length).toBe(0);
    // A whole startup, then silence in the SCRAM exchange: AuthenticationSASL, then FATAL 57014.
    const answer = await rawUntilClosed(server.port, startupMessage('flint'));
    expect(String.fromCharCode(answer[0]!)).toBe('R');
    expect(answer.readInt32BE(5)).toBe(10); // AuthenticationSASL
    const fatal = answer.subarray(1 + answer.readInt32BE(1));
    expect(String.fromCharCode(fatal[0]!)).toBe('E');
    expect(fatal.toString('latin1')).toContain('FATAL');
    expect(fatal.toString('latin1')).toContain('57014');
    expect(fatal.toString('latin1')).toContain('canceling authentication due to timeout');
    // The session that did authenticate is not affected by the timer, however long it lives.
    await new Promise((r) => setTimeout(r, 150));
    expect((await working.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect((await scrape(server)).get('flint_sessions_terminated_total', { reason: 'authentication_timeout' })).toBe(2);
    await working.end();
  });
});

describe('flint serve flags', () => {
  it('--metrics-port, --max-connections and --idle-in-transaction-timeout', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ops-cli-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const { child, url, lines } = await serve(dir, ['--password', 'pw', '--metrics-port', '0', '--max-connections', '2', '--idle-in-transaction-timeout', '100ms'], (line) => line.startsWith('metrics: '));
    const metrics = lines.find((line) => line.startsWith('metrics: '))!.slice('metrics: '.length);
    expect(metrics).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const a = new pg.Client({ connectionString: url });
    const b = new pg.Client({ connectionString: url });
    await a.connect();
    await b.connect();
    const c = new pg.Client({ connectionString: url });
    await expect(c.connect()).rejects.toMatchObject({ code: '53300' });
    const scraped = new Scrape(parseExposition(await (await fetch(metrics)).text()));
    expect(scraped.get('flint_connections')).toBe(2);
    expect(scraped.get('flint_connections_refused_total', { reason: 'too_many_clients' })).toBe(1);
    // The server-wide idle-in-transaction default applies.
    expect((await a.query('SHOW idle_in_transaction_session_timeout')).rows).toEqual([{ idle_in_transaction_session_timeout: '100ms' }]);
    const gone = ended(a);
    await a.query('BEGIN');
    expect(await gone).toMatchObject({ code: '25P03' });
    expect((await b.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await b.end();
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('refuses bad values with exit code 2', () => {
    for (const [flag, value] of [['--metrics-port', '70000'], ['--max-connections', '0'], ['--idle-in-transaction-timeout', 'soon'], ['--idle-session-timeout', '-5']]) {
      const out = spawnSync(process.execPath, [CLI, 'serve', '--data', join(tmpdir(), 'flint-never-created'), '--port', '0', flag!, value!], { encoding: 'utf8' });
      expect(out.status, `${flag} ${value}`).toBe(2);
      expect(out.stderr).toContain(flag);
    }
  });
});
