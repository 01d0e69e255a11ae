// bench/statement-overhead: what the SQL and session layers cost per
// statement, beside better-sqlite3 in the same run (issue 8).
//
//   node scripts/run-ts.mjs bench/statement-overhead.ts [--rows N] [--seconds S] [--rounds R] [--only TEXT] [--kernels wasm|ts]
//
// Workloads, each timed in R rounds of S seconds after a warm-up (the best
// round counts), Flint and better-sqlite3 alternating:
//   - a prepared point select by primary key (bench:peers' table t, all five
//     columns, random ids): the prepared-statement path;
//   - the same select with the id written into the SQL text each time
//     (what pgbench -S and clients of the simple query protocol send):
//     Session.parse + Session.run, the text never seen before;
//   - pgbench's select-only statement on a pgbench_accounts-shaped table,
//     fresh literals;
//   - SELECT 1 (fresh text each time: SELECT <n>);
//   - a prepared INSERT of a bench:peers row (bench:peers' bulk insert
//     statement) and a prepared UPDATE by id, each inside one open
//     transaction per round (BEGIN before, COMMIT after, untimed), so that
//     the statement's own cost shows rather than a commit's fdatasync;
//   - the same prepared INSERT on a database whose engine.insert does
//     nothing: the SQL and session layers alone, from Statement.run down to
//     the storage call, plus this bench's building of the row's strings
//     (Flint only; a ratio to better-sqlite3 would mean nothing). It moves
//     with every change to that path, where the full INSERT moves by a
//     tenth as much.
// Every workload checks its answers. Rates are per second of this process's
// CPU time (the machine's other load skews them less than wall time); they
// are printed, never asserted. To profile, bundle it and run it under
// node --cpu-prof (docs/performance.md).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../src/db/database.ts';
import { seededRandom } from './harness.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const ROWS = Number(arg('--rows', '200000'));
const SECONDS = Number(arg('--seconds', '1'));
/** Rounds per workload; the best round counts (a shared machine's other load only ever slows a round down). */
const ROUNDS = Number(arg('--rounds', '5'));
const only = arg('--only', '');
const kernels = arg('--kernels', 'wasm') as 'wasm' | 'ts';

interface SqliteStmt {
  get(...params: unknown[]): Record<string, unknown> | undefined;
  run(...params: unknown[]): unknown;
}
interface SqliteDb {
  pragma(s: string): unknown;
  exec(s: string): void;
  prepare(s: string): SqliteStmt;
  transaction(fn: () => void): () => void;
  close(): void;
}

const dir = mkdtempSync(join(tmpdir(), 'flint-overhead-'));
const flint = Database.open(join(dir, 'flint'), { kernels, synchronous: 'full', poolBytes: 256 << 20, backgroundIntervalMs: 0 });
const Sqlite = createRequire(import.meta.url)('better-sqlite3') as new (f: string) => SqliteDb;
const sqlite = new Sqlite(join(dir, 'sqlite.db'));
sqlite.pragma('journal_mode = WAL');
sqlite.pragma('synchronous = FULL');
sqlite.pragma('cache_size = -262144');

function load(): void {
  flint.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount DOUBLE PRECISION, cat INTEGER)');
  flint.exec('CREATE TABLE pgbench_accounts (aid int NOT NULL PRIMARY KEY, bid int, abalance int, filler char(84))');
  sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount REAL, cat INTEGER)');
  sqlite.exec('CREATE TABLE pgbench_accounts (aid int NOT NULL PRIMARY KEY, bid int, abalance int, filler char(84))');
  const fi = flint.prepare('INSERT INTO t VALUES ($1, $2, $3, $4, $5)');
  const fa = flint.prepare('INSERT INTO pgbench_accounts VALUES ($1, $2, $3, $4)');
  const si = sqlite.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?)');
  const sa = sqlite.prepare('INSERT INTO pgbench_accounts VALUES (?, ?, ?, ?)');
  const rows = (insertT: (...p: unknown[]) => unknown, insertA: (...p: unknown[]) => unknown) => () => {
    for (let id = 1; id <= ROWS; id++) {
      insertT(id, `name ${id}`, `user${id}@example.com`, id / 100, id % 10_000);
      insertA(id, 1, id % 1000, '');
    }
  };
  flint.transaction(rows((...p) => fi.run(...p), (...p) => fa.run(...p)))();
  sqlite.transaction(rows((...p) => si.run(...p), (...p) => sa.run(...p)))();
}

interface Workload {
  name: string;
  flint: (id: number) => number;
  /** Absent: a Flint-only workload (printed without a ratio). */
  sqlite?: (id: number) => number;
  /** Run around each timed round (untimed): a transaction the round's statements run in. */
  around?: { flint: (round: () => number) => number; sqlite: (round: () => number) => number };
}

/** BEGIN, the round, COMMIT: `exec` runs a statement of the engine. */
const inBlock = (exec: (sql: string) => void) => (round: () => number): number => {
  exec('BEGIN');
  try {
    return round();
  } finally {
    exec('COMMIT');
  }
};

load();
const fPoint = flint.prepare('SELECT id, name, email, amount, cat FROM t WHERE id = $1');
const sPointStmt = sqlite.prepare('SELECT id, name, email, amount, cat FROM t WHERE id = ?');
const session = flint.session();
// A different text each time, as the server's simple query protocol gets it; the parse cache is a Map keyed by text.
const fresh = (sql: string): unknown[][] => session.run(session.parse(sql)[0]!.statement).rows as unknown[][];

// INSERT: new rows into a table shaped as t (with its index on cat), ids counting up past every earlier round's.
flint.exec('CREATE TABLE ins (id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount DOUBLE PRECISION, cat INTEGER)');
flint.exec('CREATE INDEX ins_cat ON ins (cat)');
sqlite.exec('CREATE TABLE ins (id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount REAL, cat INTEGER)');
sqlite.exec('CREATE INDEX ins_cat ON ins (cat)');
const fInsert = flint.prepare('INSERT INTO ins (id, name, email, amount, cat) VALUES ($1, $2, $3, $4, $5)');
const sInsert = sqlite.prepare('INSERT INTO ins (id, name, email, amount, cat) VALUES (?, ?, ?, ?, ?)');
let fNext = 1;
let sNext = 1;
const insertRow = (run: (...p: unknown[]) => unknown, id: number, n: number): number => {
  run(n, `name ${id}`, `user${id}@example.com`, id / 100, id % 10_000);
  return id;
};
// The layers alone: a second database whose engine stores nothing (its insert is a no-op), so that a run of the
// prepared INSERT is Statement.run, the session, the plan cache check and the INSERT's binding, down to the call.
const layers = Database.open(':memory:', { kernels, backgroundIntervalMs: 0 });
layers.exec('CREATE TABLE ins (id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount DOUBLE PRECISION, cat INTEGER)');
(layers.engine as unknown as { insert: () => number }).insert = () => 0;
const lInsert = layers.prepare('INSERT INTO ins (id, name, email, amount, cat) VALUES ($1, $2, $3, $4, $5)');
const fUpdate = flint.prepare('UPDATE t SET amount = amount + 1 WHERE id = $1');
const sUpdate = sqlite.prepare('UPDATE t SET amount = amount + 1 WHERE id = ?');

const workloads: Workload[] = [
  {
    name: 'prepared point select by id (5 columns)',
    flint: (id) => (fPoint.get(id) as { id: number }).id,
    sqlite: (id) => (sPointStmt.get(id) as { id: number }).id,
  },
  {
    name: 'point select by id, fresh literal (parse + run)',
    flint: (id) => fresh(`SELECT id, name, email, amount, cat FROM t WHERE id = ${id}`)[0]![0] as number,
    sqlite: (id) => (sqlite.prepare(`SELECT id, name, email, amount, cat FROM t WHERE id = ${id}`).get() as { id: number }).id,
  },
  {
    name: 'pgbench -S statement, fresh literal (parse + run)',
    flint: (id) => (fresh(`SELECT abalance FROM pgbench_accounts WHERE aid = ${id}`)[0]![0] as number) - (id % 1000) + id,
    sqlite: (id) => (sqlite.prepare(`SELECT abalance FROM pgbench_accounts WHERE aid = ${id}`).get() as { abalance: number }).abalance - (id % 1000) + id,
  },
  {
    name: 'SELECT <n>, fresh literal (parse + run)',
    flint: (id) => fresh(`SELECT ${id}`)[0]![0] as number,
    sqlite: (id) => (sqlite.prepare(`SELECT ${id} AS x`).get() as { x: number }).x,
  },
  {
    name: 'prepared INSERT of a row, in a transaction',
    flint: (id) => insertRow((...p) => fInsert.run(...p), id, fNext++),
    sqlite: (id) => insertRow((...p) => sInsert.run(...p), id, sNext++),
    around: { flint: inBlock((sql) => flint.exec(sql)), sqlite: inBlock((sql) => sqlite.exec(sql)) },
  },
  {
    name: 'prepared INSERT, engine.insert a no-op (layers only)',
    flint: (id) => insertRow((...p) => lInsert.run(...p), id, id),
    around: { flint: inBlock((sql) => layers.exec(sql)), sqlite: (round) => round() },
  },
  {
    name: 'prepared UPDATE by id, in a transaction',
    flint: (id) => (fUpdate.run(id).changes === 1 ? id : -1),
    sqlite: (id) => ((sUpdate.run(id) as { changes: number }).changes === 1 ? id : -1),
    around: { flint: inBlock((sql) => flint.exec(sql)), sqlite: inBlock((sql) => sqlite.exec(sql)) },
  },
];

/** Operations per second of CPU time (user + system): this process's own, so a loaded machine skews it less than wall time. */
function time(fn: (id: number) => number, seconds: number, seed: number): number {
  const random = seededRandom(seed);
  let ops = 0;
  const end = performance.now() + seconds * 1000;
  const cpu = process.cpuUsage();
  for (;;) {
    for (let i = 0; i < 1000; i++) {
      const id = 1 + Math.floor(random() * ROWS);
      if (fn(id) !== id) throw new Error(`wrong answer for ${id}`);
    }
    ops += 1000;
    if (performance.now() >= end) {
      const used = process.cpuUsage(cpu);
      return ops / ((used.user + used.system) / 1e6);
    }
  }
}

const fmt = (n: number): string => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0));
for (const w of workloads) {
  if (!w.name.includes(only)) continue;
  const fRound = (seconds: number, seed: number): number => (w.around?.flint ?? ((r) => r()))(() => time(w.flint, seconds, seed));
  const sqliteRun = w.sqlite;
  const sRound = (seconds: number, seed: number): number => (sqliteRun === undefined ? 0 : (w.around?.sqlite ?? ((r) => r()))(() => time(sqliteRun, seconds, seed)));
  fRound(0.3, 1);
  sRound(0.3, 1);
  let f = 0;
  let s = 0;
  for (let round = 0; round < ROUNDS; round++) {
    f = Math.max(f, fRound(SECONDS, 2 + round));
    s = Math.max(s, sRound(SECONDS, 2 + round));
  }
  if (sqliteRun === undefined) {
    console.log(`${w.name.padEnd(52)} flint ${fmt(f).padStart(7)}/s  (${(1e6 / f).toFixed(3)} µs)`);
    continue;
  }
  console.log(`${w.name.padEnd(52)} flint ${fmt(f).padStart(7)}/s  (${(1e6 / f).toFixed(1)} µs)   better-sqlite3 ${fmt(s).padStart(7)}/s   ratio ${(f / s).toFixed(2)}x`);
}
flint.close();
layers.close();
sqlite.close();
rmSync(dir, { recursive: true, force: true });
