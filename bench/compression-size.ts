// bench/compression, part 2 (issue 7 item 6): what block compression does to
// a table on disk and to reading it.
//
// The same table, t(id int PRIMARY KEY, name text, email text, amount float8,
// cat int) with an index on cat, ROWS rows inserted in one transaction, in:
//   - Flint with compression none, lz4 and zstd (CREATE TABLE ... WITH
//     (compression = ...)), on the node file system, after CHECKPOINT and
//     close: bytes allocated on disk for heap.flint and for the whole
//     directory (the WAL included);
//   - better-sqlite3 (journal_mode WAL, after a checkpoint): the database file;
//   - PostgreSQL 15 when its binaries are there (initdb into a temporary
//     directory, a free loopback port, as bench/server.ts starts it):
//     pg_total_relation_size('t') (heap, TOAST and both indexes), after
//     VACUUM.
// Flint's heap.flint holds the table and its B+-trees, so it compares with
// SQLite's file and PostgreSQL's total relation size.
// Then, for each Flint variant (reopened, so the first reads decompress from
// disk) and for SQLite: point reads (SELECT by primary key, random ids) in
// microseconds each, and a full scan (SELECT sum(amount), count(*)) in ms.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/index.ts';
import { localPostgresMissing, startLocalPostgres, type LocalPostgres } from '../scripts/local-postgres.ts';
import { formatNumber, printTable } from './harness.ts';

export interface SizeRow {
  engine: string;
  /** The table and its indexes: heap.flint, SQLite's database file, PostgreSQL's pg_total_relation_size. */
  dataBytes: number;
  /** Everything in the data directory (the WAL included); not for PostgreSQL (a whole cluster). */
  totalBytes?: number;
  bytesPerRow: number;
  pointReadUs?: number;
  scanMs?: number;
}

const SCHEMA = 'CREATE TABLE t(id int PRIMARY KEY, name text, email text, amount float8, cat int)';

function row(i: number): [number, string, string, number, number] {
  return [i, `name ${i}`, `user${i}@example.com`, i * 1.5, i % 10000];
}

/** Bytes allocated on disk (st_blocks), not the apparent size: WAL files are preallocated sparse. */
function allocated(path: string): number {
  const s = statSync(path);
  if (!s.isDirectory()) return s.blocks * 512;
  let total = 0;
  for (const name of readdirSync(path)) total += allocated(join(path, name));
  return total;
}

function random(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

function time(body: () => void): number {
  const t0 = performance.now();
  body();
  return performance.now() - t0;
}

function flint(rows: number, compression: 'none' | 'lz4' | 'zstd', reads: number): SizeRow {
  const dir = mkdtempSync(join(tmpdir(), `flint-bench-size-${compression}-`));
  try {
    let db = Database.open(dir, { synchronous: 'normal', backgroundIntervalMs: 0 });
    db.exec(`${SCHEMA} WITH (compression = '${compression}'); CREATE INDEX t_cat ON t(cat)`);
    const ins = db.prepare('INSERT INTO t VALUES ($1, $2, $3, $4, $5)');
    db.transaction(() => { for (let i = 1; i <= rows; i++) ins.run(...row(i)); })();
    db.exec('CHECKPOINT');
    db.close();
    const dataBytes = allocated(join(dir, 'heap.flint'));
    const totalBytes = allocated(dir);
    db = Database.open(dir, { backgroundIntervalMs: 0 });
    const get = db.prepare('SELECT * FROM t WHERE id = $1');
    const next = random(42);
    const pointMs = time(() => { for (let i = 0; i < reads; i++) get.get(1 + Math.floor(next() * rows)); });
    const scan = db.prepare('SELECT sum(amount) AS s, count(*) AS n FROM t');
    scan.get();
    const scanMs = Math.min(time(() => scan.get()), time(() => scan.get()), time(() => scan.get()));
    db.close();
    return { engine: `Flint ${compression}`, dataBytes, totalBytes, bytesPerRow: dataBytes / rows, pointReadUs: (pointMs * 1000) / reads, scanMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** better-sqlite3's API, as far as this file uses it (the package ships no types). */
interface BetterStatement {
  run(...values: unknown[]): unknown;
  get(...values: unknown[]): unknown;
}
interface BetterDb {
  pragma(source: string): unknown;
  exec(sql: string): unknown;
  prepare(sql: string): BetterStatement;
  transaction(fn: () => void): () => void;
  close(): void;
}

async function sqlite(rows: number, reads: number): Promise<SizeRow | string> {
  let BetterSqlite: new (file: string) => BetterDb;
  try {
    BetterSqlite = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => BetterDb;
  } catch (error) {
    return `better-sqlite3 not available: ${String(error)}`;
  }
  const dir = mkdtempSync(join(tmpdir(), 'flint-bench-size-sqlite-'));
  try {
    const file = join(dir, 'db.sqlite');
    let db = new BetterSqlite(file);
    db.pragma('journal_mode = WAL');
    db.exec(`${SCHEMA}; CREATE INDEX t_cat ON t(cat)`);
    const ins = db.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => { for (let i = 1; i <= rows; i++) ins.run(...row(i)); })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const dataBytes = allocated(file);
    const totalBytes = allocated(dir);
    db = new BetterSqlite(file);
    const get = db.prepare('SELECT * FROM t WHERE id = ?');
    const next = random(42);
    const pointMs = time(() => { for (let i = 0; i < reads; i++) get.get(1 + Math.floor(next() * rows)); });
    const scan = db.prepare('SELECT sum(amount) AS s, count(*) AS n FROM t');
    scan.get();
    const scanMs = Math.min(time(() => scan.get()), time(() => scan.get()), time(() => scan.get()));
    db.close();
    return { engine: 'SQLite (better-sqlite3)', dataBytes, totalBytes, bytesPerRow: dataBytes / rows, pointReadUs: (pointMs * 1000) / reads, scanMs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** PostgreSQL 15 on loopback (scripts/local-postgres.ts): pg_total_relation_size of the same table. */
async function postgres(rows: number, pgBin: string): Promise<SizeRow | string> {
  const missing = localPostgresMissing(pgBin);
  if (missing !== undefined) return missing;
  let pg: typeof import('pg').default;
  try {
    pg = (await import('pg')).default;
  } catch (error) {
    return `node-postgres not available: ${String(error)}`;
  }
  let local: LocalPostgres;
  try {
    local = await startLocalPostgres([], pgBin);
  } catch (error) {
    return (error as Error).message;
  }
  try {
    const client = new pg.Client({ host: local.host, port: local.port, user: local.user, database: local.database });
    await client.connect();
    try {
      await client.query(`${SCHEMA}; CREATE INDEX t_cat ON t(cat)`);
      await client.query(`INSERT INTO t SELECT i, 'name ' || i, 'user' || i || '@example.com', i * 1.5, i % 10000 FROM generate_series(1, ${rows}) i`);
      await client.query('VACUUM t');
      const r = await client.query<{ total: string }>(`SELECT pg_total_relation_size('t') AS total`);
      const dataBytes = Number(r.rows[0]!.total);
      return { engine: 'PostgreSQL 15', dataBytes, bytesPerRow: dataBytes / rows };
    } finally {
      await client.end();
    }
  } finally {
    await local.stop();
  }
}

/** Measure and print; returns the rows for the results file. */
export async function sizeBench(quick: boolean, pgBin = '/usr/lib/postgresql/15/bin'): Promise<{ rows: number; results: SizeRow[]; skipped: string[] }> {
  const rows = quick ? 20_000 : 200_000;
  const reads = quick ? 2_000 : 20_000;
  console.log(`\nOn disk: t(id int PRIMARY KEY, name text, email text, amount float8, cat int) + index on cat, ${rows} rows`);
  const results: SizeRow[] = [];
  const skipped: string[] = [];
  for (const c of ['none', 'lz4', 'zstd'] as const) results.push(flint(rows, c, reads));
  for (const other of [await sqlite(rows, reads), await postgres(rows, pgBin)]) {
    if (typeof other === 'string') skipped.push(other);
    else results.push(other);
  }
  const mib = (n: number) => (n / 1048576).toFixed(1);
  printTable(
    ['engine', 'table + indexes MiB', 'directory MiB', 'bytes/row', 'point read µs', 'scan ms'],
    results.map((r) => [r.engine, mib(r.dataBytes), r.totalBytes === undefined ? '-' : mib(r.totalBytes), r.bytesPerRow.toFixed(0), r.pointReadUs === undefined ? '-' : formatNumber(r.pointReadUs), r.scanMs === undefined ? '-' : formatNumber(r.scanMs)]),
  );
  for (const s of skipped) console.log(`not measured: ${s}`);
  return { rows, results, skipped };
}
