// Runs golden SQL scripts (test/golden/**/*.sql) against a real PostgreSQL
// and reports every case whose output differs from the script's expected
// output. It is how the expected outputs are reviewed: a golden holds
// PostgreSQL's answer, so Flint and PostgreSQL must both print it.
//
//   node scripts/run-ts.mjs scripts/golden-postgres.ts [--host /tmp] [--port 5432] [--user postgres] [--write] [FILES_OR_DIRS…]
//
// --write replaces each checked case's expected output with PostgreSQL's
// (for writing the known-differences scripts, whose goldens are PostgreSQL's
// answers that Flint does not give yet).
//
// Each script runs in a fresh database (created and dropped here) with the
// session settings Flint starts with (UTC, ISO dates, READ COMMITTED). Each
// golden session is one connection. Cases after `# pg-check: off` are
// skipped; `[restart]` is ignored; a case marked `# KNOWN DIFFERENCE` is
// counted apart when it differs. lock_timeout is short, because PostgreSQL
// waits for a concurrent writer where the golden runner (Flint's synchronous
// API, which cannot wait) fails at once with 40001.
//
// A minimal client of the PostgreSQL protocol (v3, simple query, trust
// authentication) is included so that the tool needs no driver.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { DEFAULT_SESSION, parseGolden, renderError, renderResult, rewriteGolden, sameOutput, type StatementOutput } from '../test/golden/golden-format.ts';

interface Options {
  host: string;
  port: number;
  user: string;
  paths: string[];
  write: boolean;
}

function parseArgs(argv: string[]): Options {
  const options: Options = { host: '/tmp', port: 5432, user: 'postgres', paths: [], write: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--host') options.host = argv[++i]!;
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--user') options.user = argv[++i]!;
    else if (arg === '--write') options.write = true;
    else options.paths.push(arg);
  }
  if (options.paths.length === 0) options.paths.push('test/golden');
  return options;
}

// --- protocol -----------------------------------------------------------------

interface PgError {
  code: string;
  message: string;
  detail?: string;
  position?: number;
}

type QueryResult = { ok: StatementOutput[] } | { ok: StatementOutput[]; error: PgError };

/** psql right-aligns these types: int8, int2, int4, oid, float4, float8, money, numeric. */
const NUMERIC_OIDS = new Set([20, 21, 23, 26, 700, 701, 790, 1700]);

class PgConnection {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #closed = false;

  private constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('close', () => {
      this.#closed = true;
      this.#wake();
    });
  }

  static async open(options: Options, database: string): Promise<PgConnection> {
    const socket = options.host.startsWith('/')
      ? connect(join(options.host, `.s.PGSQL.${options.port}`))
      : connect(options.port, options.host);
    await new Promise<void>((done, fail) => socket.once('connect', () => done()).once('error', fail));
    const conn = new PgConnection(socket);
    const params: Record<string, string> = {
      user: options.user, database, TimeZone: 'UTC', DateStyle: 'ISO, MDY', IntervalStyle: 'postgres',
      lc_messages: 'C', extra_float_digits: '1', client_min_messages: 'error',
      default_transaction_isolation: 'read committed', lock_timeout: '2s',
    };
    const body = [int32(196608)];
    for (const [k, v] of Object.entries(params)) body.push(cstr(k), cstr(v));
    body.push(Buffer.from([0]));
    const payload = Buffer.concat(body);
    socket.write(Buffer.concat([int32(payload.length + 4), payload]));
    for (;;) {
      const msg = await conn.#next();
      if (msg.type === 'R' && msg.body.readInt32BE(0) !== 0) throw new Error('only trust authentication is supported');
      if (msg.type === 'E') throw new Error(`connect: ${parseError(msg.body).message}`);
      if (msg.type === 'Z') return conn;
    }
  }

  async query(sql: string): Promise<QueryResult> {
    const payload = cstr(sql);
    this.#socket.write(Buffer.concat([Buffer.from('Q'), int32(payload.length + 4), payload]));
    const ok: StatementOutput[] = [];
    let error: PgError | undefined;
    let columns: { name: string; numeric: boolean }[] = [];
    let rows: (string | null)[][] = [];
    for (;;) {
      const msg = await this.#next();
      switch (msg.type) {
        case 'T': {
          columns = [];
          rows = [];
          let at = 2;
          for (let n = msg.body.readInt16BE(0); n > 0; n--) {
            const end = msg.body.indexOf(0, at);
            const name = msg.body.toString('utf8', at, end);
            const oid = msg.body.readInt32BE(end + 7);
            columns.push({ name, numeric: NUMERIC_OIDS.has(oid) });
            at = end + 19;
          }
          break;
        }
        case 'D': {
          const row: (string | null)[] = [];
          let at = 2;
          for (let n = msg.body.readInt16BE(0); n > 0; n--) {
            const len = msg.body.readInt32BE(at);
            at += 4;
            if (len < 0) row.push(null);
            else {
              row.push(msg.body.toString('utf8', at, at + len));
              at += len;
            }
          }
          rows.push(row);
          break;
        }
        case 'C':
          ok.push({ command: msg.body.toString('utf8', 0, msg.body.length - 1), columns, rows });
          columns = [];
          rows = [];
          break;
        case 'E':
          error = parseError(msg.body);
          break;
        case 'Z':
          return error === undefined ? { ok } : { ok, error };
        default:
          break; // notices, parameter status, empty query
      }
    }
  }

  close(): void {
    this.#socket.end(Buffer.concat([Buffer.from('X'), int32(4)]));
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }

  async #next(): Promise<{ type: string; body: Buffer }> {
    for (;;) {
      if (this.#buffer.length >= 5) {
        const len = this.#buffer.readInt32BE(1);
        if (this.#buffer.length >= len + 1) {
          const type = String.fromCharCode(this.#buffer[0]!);
          const body = this.#buffer.subarray(5, len + 1);
          this.#buffer = this.#buffer.subarray(len + 1);
          return { type, body };
        }
      }
      if (this.#closed) throw new Error('connection closed');
      await new Promise<void>((wake) => this.#waiters.push(wake));
    }
  }
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]);
}

function parseError(body: Buffer): PgError {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const key = String.fromCharCode(body[at]!);
    const end = body.indexOf(0, at + 1);
    fields.set(key, body.toString('utf8', at + 1, end));
    at = end + 1;
  }
  const error: PgError = { code: fields.get('C') ?? '?????', message: fields.get('M') ?? '' };
  if (fields.has('D')) error.detail = fields.get('D')!;
  if (fields.has('P')) error.position = Number(fields.get('P'));
  return error;
}

// --- scripts ------------------------------------------------------------------

function scripts(path: string): string[] {
  if (!statSync(path).isDirectory()) return path.endsWith('.sql') ? [path] : [];
  return readdirSync(path).sort().flatMap((name) => scripts(join(path, name)));
}

async function checkScript(options: Options, path: string, admin: PgConnection): Promise<{ cases: number; differ: number; known: number }> {
  const name = relative(process.cwd(), path);
  const script = parseGolden(readFileSync(path, 'utf8'), name);
  const database = `golden_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${database}`);
  const created = await admin.query(`CREATE DATABASE ${database} TEMPLATE template0`);
  if ('error' in created) throw new Error(`CREATE DATABASE: ${created.error.message}`);
  const sessions = new Map<string, PgConnection>();
  let cases = 0;
  let differ = 0;
  let known = 0;
  const outputs: string[][] = [];
  try {
    for (const step of script.steps) {
      if (step.kind !== 'case') continue;
      outputs.push([...step.expected]);
      if (!step.pgCheck) continue;
      let conn = sessions.get(step.session);
      if (conn === undefined) {
        conn = await PgConnection.open(options, database);
        sessions.set(step.session, conn);
      }
      const result = await conn.query(step.sql);
      const output = result.ok.flatMap(renderResult);
      if ('error' in result) output.push(...renderError(result.error));
      cases++;
      outputs[outputs.length - 1] = output;
      if (!sameOutput(output, step.expected)) {
        if (step.knownDifference) {
          known++;
          continue;
        }
        differ++;
        const prefix = step.session === DEFAULT_SESSION ? '' : `[${step.session}] `;
        console.log(`${name}:${step.line}\n${step.sql.split('\n').map((l) => `${prefix}> ${l}`).join('\n')}`);
        console.log(`--- golden\n${step.expected.join('\n')}\n--- postgresql\n${output.join('\n')}\n`);
      }
    }
  } finally {
    for (const conn of sessions.values()) conn.close();
    await new Promise((done) => setTimeout(done, 50));
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
  if (options.write) writeFileSync(path, rewriteGolden(script, outputs));
  return { cases, differ, known };
}

const options = parseArgs(process.argv.slice(2));
const admin = await PgConnection.open(options, 'postgres');
let total = 0;
let differing = 0;
let knownTotal = 0;
for (const path of options.paths.flatMap((p) => scripts(resolve(p)))) {
  const { cases, differ, known } = await checkScript(options, path, admin);
  total += cases;
  differing += differ;
  knownTotal += known;
  console.log(`${relative(process.cwd(), path)}: ${cases} cases, ${differ} differ${known > 0 ? `, ${known} known differences` : ''}`);
}
admin.close();
console.log(`golden-postgres: ${total} cases checked, ${differing} differ from PostgreSQL, ${knownTotal} known differences (marked # KNOWN DIFFERENCE)`);
process.exitCode = differing === 0 ? 0 : 1;
