// bench/index: Flint's indexes, measured in one run.
//
//   npm run bench:index [-- --quick]
//
// Part 1, the index itself, by key size (8, 32 and 128 bytes) with the WASM
// and the TS kernels side by side: rows inserted per second into a table
// whose primary key is a random key of that size (every insert is a
// uniqueness probe plus a B+-tree insert, on top of the heap insert), and
// point lookups per second through the primary index (a B+-tree descent,
// then the heap version the snapshot sees). The engine runs in memory with
// synchronous 'off', so the figures are the CPU cost of the index, not of
// fsync. The ratio column is WASM / TS (above 1.0: the WASM kernels win).
//
// Part 2, a secondary index against better-sqlite3: a table of users with
// an index on email, and a prepared `SELECT id FROM users WHERE email = ?`
// by random email; Flint goes secondary index -> primary key -> heap, SQLite
// goes index -> rowid -> table. Both are file databases (Flint synchronous
// 'full', SQLite WAL + synchronous FULL); the lookups write nothing. The
// ratio column is Flint / SQLite.
//
// Part 3, recovery: rows committed after the last checkpoint into a table
// with 0, 1 and 3 secondary indexes, then a crash; the time Engine.open takes
// to replay the WAL (index records included: no index is rebuilt).
//
// Every workload checks its answers; timings are never asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/db/database.ts';
import type { KernelKind } from '../src/kernels/index.ts';
import { createMemoryVfs } from '../src/storage/vfs/index.ts';
import { Engine } from '../src/txn/engine.ts';
import { formatNumber, machineInfo, printTable, seededRandom, writeResults } from './harness.ts';

const quick = process.argv.includes('--quick');
const ROWS = quick ? 20_000 : 200_000;
const LOOKUPS = quick ? 20_000 : 200_000;
const USERS = quick ? 20_000 : 200_000;
const KEY_SIZES = [8, 32, 128];
const KINDS: KernelKind[] = ['wasm', 'ts'];

class WrongAnswer extends Error {}

function check(ok: boolean, what: string): void {
  if (!ok) throw new WrongAnswer(what);
}

/** Random keys of `size` bytes, distinct (the first 4 bytes are a permutation of the index). */
function keys(count: number, size: number, seed: number): Uint8Array[] {
  const rand = seededRandom(seed);
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const k = new Uint8Array(size);
    for (let b = 0; b < size; b++) k[b] = Math.floor(rand() * 256);
    // Make keys unique without making them sequential: a bijective scramble of i in the first bytes.
    const x = Math.imul(i ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
    k[0] = x >>> 24;
    k[1] = (x >>> 16) & 0xff;
    k[2] = (x >>> 8) & 0xff;
    k[3] = x & 0xff;
    if (size > 4) k[4] = (i >>> 24) & 0xff;
    out.push(k);
  }
  return out;
}

interface IndexResult {
  keyBytes: number;
  kernels: KernelKind;
  insertsPerSec: number;
  lookupsPerSec: number;
}

function indexWorkload(kind: KernelKind, size: number, rows: number, lookups: number): IndexResult {
  const db = Engine.open({ vfs: createMemoryVfs(), dir: '/bench', kernels: kind, synchronous: 'off', poolBytes: 256 << 20 });
  const t = db.createTable('kv', [{ name: 'k', type: 'bytes', nullable: false }, { name: 'v', type: 'int32', nullable: false }], undefined, {
    name: 'kv_pkey', columns: [{ column: 0, key: { type: 'bytes' } }],
  });
  const primary = db.indexes(t.id)[0]!;
  const all = keys(rows, size, size * 7 + 1);
  const t0 = performance.now();
  for (let start = 0; start < rows; start += 1000) {
    const txn = db.begin();
    for (let i = start; i < Math.min(rows, start + 1000); i++) db.insert(txn, t.id, [all[i]!, i]);
    db.commit(txn);
  }
  const insertMs = performance.now() - t0;
  const rand = seededRandom(size);
  const txn = db.begin();
  let found = 0;
  const t1 = performance.now();
  for (let n = 0; n < lookups; n++) {
    const i = Math.floor(rand() * rows);
    const bound = { values: [all[i]!], inclusive: true };
    db.indexScan(txn, t.id, primary.id, { lower: bound, upper: bound }, (_tid, row) => {
      if (row[1] === i) found++;
    });
  }
  const lookupMs = performance.now() - t1;
  db.commit(txn);
  check(found === lookups, `${kind}/${size}: ${found} of ${lookups} lookups found their row`);
  db.close();
  return { keyBytes: size, kernels: kind, insertsPerSec: (rows * 1000) / insertMs, lookupsPerSec: (lookups * 1000) / lookupMs };
}

// ---- part 2: secondary index lookups against better-sqlite3 --------------------------

interface LookupDb {
  exec(sql: string): void;
  insertAll(rows: [number, string, number][]): void;
  lookup: (email: string) => number | undefined;
  close(): void;
}

interface BetterSqlite3Db {
  pragma(source: string): unknown;
  exec(sql: string): unknown;
  prepare(sql: string): { run(...p: unknown[]): unknown; get(...p: unknown[]): unknown };
  transaction(fn: () => void): () => void;
  close(): void;
}
const require = createRequire(import.meta.url);
const BetterSqlite3 = require('better-sqlite3') as new (filename: string) => BetterSqlite3Db;

const DDL = ['CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, team INTEGER)', 'CREATE INDEX users_email ON users (email)'];

function flintDb(dir: string, kernels: KernelKind): LookupDb {
  const db = Database.open(join(dir, `flint-${kernels}`), { kernels, synchronous: 'full', poolBytes: 256 << 20 });
  for (const sql of DDL) db.exec(sql);
  const insert = db.prepare('INSERT INTO users (id, email, team) VALUES ($1, $2, $3)');
  const select = db.prepare('SELECT id FROM users WHERE email = $1');
  return {
    exec: (sql) => void db.exec(sql),
    insertAll: (rows) => db.transaction(() => rows.forEach((r) => insert.run(...r)))(),
    lookup: (email) => (select.get(email) as { id: number } | undefined)?.id,
    close: () => db.close(),
  };
}

function sqliteDb(dir: string): LookupDb {
  const db = new BetterSqlite3(join(dir, 'sqlite.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('cache_size = -262144');
  for (const sql of DDL) db.exec(sql);
  const insert = db.prepare('INSERT INTO users (id, email, team) VALUES (?, ?, ?)');
  const select = db.prepare('SELECT id FROM users WHERE email = ?');
  return {
    exec: (sql) => void db.exec(sql),
    insertAll: (rows) => db.transaction(() => rows.forEach((r) => insert.run(...r)))(),
    lookup: (email) => (select.get(email) as { id: number } | undefined)?.id,
    close: () => db.close(),
  };
}

const email = (i: number) => `user${(i * 2654435761) % 4294967296}@example.com`;

function secondaryLookups(db: LookupDb, seed: number): number {
  const rand = seededRandom(seed);
  const t0 = performance.now();
  for (let n = 0; n < LOOKUPS; n++) {
    const i = Math.floor(rand() * USERS);
    const id = db.lookup(email(i));
    check(id === i, `lookup of ${email(i)} gave ${String(id)}, want ${i}`);
  }
  return (LOOKUPS * 1000) / (performance.now() - t0);
}

// ---- main --------------------------------------------------------------------------------

console.log(`bench/index ${quick ? '(quick) ' : ''}— ${formatNumber(ROWS)} keys, ${formatNumber(LOOKUPS)} lookups\n`);
console.log('Part 1: primary index by key size (engine in memory, synchronous off); ratio = wasm / ts');
const results: IndexResult[] = [];
// Warm up both kernels' code paths first, so the first measured row is not the JIT's.
for (const kind of KINDS) indexWorkload(kind, 16, 5_000, 5_000);
for (const size of KEY_SIZES) for (const kind of KINDS) results.push(indexWorkload(kind, size, ROWS, LOOKUPS));
printTable(
  ['key', 'kernels', 'inserts/s', 'lookups/s', 'insert wasm/ts', 'lookup wasm/ts'],
  results.map((r) => {
    const ts = results.find((x) => x.keyBytes === r.keyBytes && x.kernels === 'ts')!;
    const ratio = (a: number, b: number) => (r.kernels === 'wasm' ? (a / b).toFixed(2) : '');
    return [`${r.keyBytes} B`, r.kernels, formatNumber(r.insertsPerSec), formatNumber(r.lookupsPerSec), ratio(r.insertsPerSec, ts.insertsPerSec), ratio(r.lookupsPerSec, ts.lookupsPerSec)];
  }),
);

console.log(`\nPart 2: secondary index lookups, ${formatNumber(USERS)} users; ratio = Flint / better-sqlite3`);
const dir = mkdtempSync(join(tmpdir(), 'flint-bench-index-'));
const second: { engine: string; lookupsPerSec: number }[] = [];
try {
  const rows: [number, string, number][] = Array.from({ length: USERS }, (_, i) => [i, email(i), i % 50]);
  const dbs: [string, LookupDb][] = [['flint wasm', flintDb(dir, 'wasm')], ['flint ts', flintDb(dir, 'ts')], ['better-sqlite3', sqliteDb(dir)]];
  for (const [, db] of dbs) db.insertAll(rows);
  for (const [name, db] of dbs) second.push({ engine: name, lookupsPerSec: secondaryLookups(db, 99) });
  for (const [, db] of dbs) db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const sqliteRate = second.find((s) => s.engine === 'better-sqlite3')!.lookupsPerSec;
printTable(['engine', 'lookups/s', 'vs sqlite'], second.map((s) => [s.engine, formatNumber(s.lookupsPerSec), (s.lookupsPerSec / sqliteRate).toFixed(2)]));

// ---- part 3: recovery replays index records, it rebuilds nothing --------------------------

console.log(`\nPart 3: recovery after a crash (memory vfs): ${formatNumber(ROWS)} rows committed since the last checkpoint`);
const recovery: { secondaryIndexes: number; walMiB: number; records: number; recoverMs: number }[] = [];
for (const secondaries of [0, 1, 3]) {
  const vfs = createMemoryVfs();
  const options = { vfs, dir: '/bench', kernels: 'wasm' as const, synchronous: 'full' as const, poolBytes: 256 << 20, checkpointWalBytes: 2 ** 40 };
  const db = Engine.open(options);
  const t = db.createTable('r', [{ name: 'id', type: 'int64', nullable: false }, { name: 'a', type: 'text', nullable: false }, { name: 'b', type: 'int32', nullable: false }, { name: 'c', type: 'int64', nullable: false }], undefined, {
    name: 'r_pkey', columns: [{ column: 0, key: { type: 'int64' } }],
  });
  const indexed = [{ column: 1, key: { type: 'text' as const } }, { column: 2, key: { type: 'int64' as const } }, { column: 3, key: { type: 'int64' as const } }];
  for (let i = 0; i < secondaries; i++) db.createIndex(t.id, { name: `r_${i}`, columns: [indexed[i]!] });
  db.checkpoint();
  const rand = seededRandom(5);
  const startLsn = db.walLsn;
  for (let start = 0; start < ROWS; start += 1000) {
    const txn = db.begin();
    for (let i = start; i < Math.min(ROWS, start + 1000); i++) db.insert(txn, t.id, [BigInt(Math.floor(rand() * 2 ** 40) * 1000 + i), `name-${i}`, i % 1000, BigInt(i)]);
    db.commit(txn);
  }
  const walBytes = db.walLsn - startLsn;
  const crashed = vfs.crash();
  const t0 = performance.now();
  const again = Engine.open({ ...options, vfs: crashed });
  const recoverMs = performance.now() - t0;
  const txn = again.begin();
  let rows = 0;
  again.indexScan(txn, again.table('r')!.id, again.indexes(again.table('r')!.id)[0]!.id, {}, () => void rows++);
  again.commit(txn);
  check(rows === ROWS, `recovered ${rows} rows through the primary index, want ${ROWS}`);
  recovery.push({ secondaryIndexes: secondaries, walMiB: walBytes / 2 ** 20, records: again.stats.recoveredRecords, recoverMs });
  again.close();
  db.close();
}
printTable(
  ['secondary indexes', 'WAL MiB', 'records', 'recovery ms', 'MiB/s'],
  recovery.map((r) => [String(r.secondaryIndexes), r.walMiB.toFixed(1), formatNumber(r.records), r.recoverMs.toFixed(0), (r.walMiB / (r.recoverMs / 1000)).toFixed(0)]),
);

const file = writeResults('index', { quick, rows: ROWS, lookups: LOOKUPS, users: USERS, primary: results, secondary: second, recovery, machine: machineInfo() });
console.log(`\nresults: ${file}`);
