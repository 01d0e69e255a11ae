// bench/sql: Flint against better-sqlite3, the same SQL workloads, one run.
//
//   npm run bench:sql [-- --quick]
//
// Three engines run every workload in this process: Flint with the WASM
// kernels, Flint with the TS kernels, and better-sqlite3 (the yardstick).
// Each is a file database in its own temp dir with durable commits (Flint:
// synchronous 'full'; SQLite: journal_mode=WAL, synchronous=FULL). The three
// databases are open side by side and each workload runs on all three before
// the next one starts, so a machine whose load drifts skews them alike. The
// table prints each rate and the ratio Flint/SQLite (above 1.0: Flint is
// faster).
//
// Every workload checks its answer (row counts and a checksum computed from
// the data generator), so a wrong answer fails the run instead of looking
// fast. Slow workloads stop at a time budget: the rate is then over the
// operations done, and the cell is marked '*'. Timings are never asserted.
// Results go to bench/results/sql-*.json.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Database } from '../src/db/database.ts';
import { formatNumber, machineInfo, printTable, seededRandom, writeResults } from './harness.ts';
import { catLabel as peersLabel, makeDataset, type Dataset } from './peers/data.ts';

const quick = process.argv.includes('--quick');
/** `--only TEXT`: time only the workloads whose name contains TEXT (setup steps still run). */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? (process.argv[onlyAt + 1] ?? '') : null;

/** Sizes of one run (the warm-up uses tiny ones). */
interface Sizes {
  /** Rows of the small keyed table s (point select, update by key). */
  small: number;
  /** Rows of the big table t (join, GROUP BY); loading it is the no-PK bulk insert. */
  big: number;
  pointSelects: number;
  durableInserts: number;
  bulkPkRows: number;
  updates: number;
  /** Most queries of the join and GROUP BY workloads (the budget usually stops them first). */
  queries: number;
  /** Time budget per workload per engine, ms. */
  budgetMs: number;
  /** Rows of bench:peers' table pt (PRIMARY KEY id, index on cat, rows / 20 cats) for its join and GROUP BY. */
  peers: number;
}

const SIZES: Sizes = quick
  ? { small: 2_000, big: 100_000, pointSelects: 20_000, durableInserts: 200, bulkPkRows: 20_000, updates: 20_000, queries: 200, budgetMs: 2_000, peers: 200_000 }
  : { small: 2_000, big: 1_000_000, pointSelects: 200_000, durableInserts: 2_000, bulkPkRows: 200_000, updates: 200_000, queries: 1_000, budgetMs: 10_000, peers: 200_000 };
const WARM_UP: Sizes = { small: 200, big: 5_000, pointSelects: 2_000, durableInserts: 10, bulkPkRows: 2_000, updates: 2_000, queries: 20, budgetMs: 300, peers: 5_000 };
const CATS = 100;
const POOL_BYTES = 256 << 20;

// ---- engines -------------------------------------------------------------------

interface Stmt {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
}

interface SqlDb {
  exec(sql: string): void;
  prepare(sql: string): Stmt;
  transaction(fn: () => void): () => void;
  close(): void;
}

interface EngineSpec {
  key: 'flint-wasm' | 'flint-ts' | 'sqlite';
  label: string;
  /** The column type of t.amount (double precision in both). */
  doubleType: string;
  open(dir: string): SqlDb;
}

/** better-sqlite3's API, as far as this file uses it (the package ships no types). */
interface BetterSqlite3Db {
  pragma(source: string): unknown;
  exec(sql: string): unknown;
  prepare(sql: string): { run(...p: unknown[]): { changes: number }; get(...p: unknown[]): unknown; all(...p: unknown[]): unknown[] };
  transaction(fn: () => void): () => void;
  close(): void;
}
type BetterSqlite3 = new (filename: string) => BetterSqlite3Db;

const require = createRequire(import.meta.url);
const BetterSqlite3 = require('better-sqlite3') as BetterSqlite3;

function flint(kernels: 'wasm' | 'ts'): EngineSpec {
  return {
    key: kernels === 'wasm' ? 'flint-wasm' : 'flint-ts',
    label: `flint ${kernels}`,
    doubleType: 'double precision',
    open(dir) {
      const db = Database.open(join(dir, 'flint'), { kernels, synchronous: 'full', poolBytes: POOL_BYTES });
      return {
        exec: (sql) => void db.exec(sql),
        prepare(sql) {
          const s = db.prepare(sql);
          return {
            run: (...p) => s.run(...p),
            get: (...p) => s.get(...p) as Record<string, unknown> | undefined,
            all: (...p) => s.all(...p) as Record<string, unknown>[],
          };
        },
        transaction: (fn) => db.transaction(fn),
        close: () => db.close(),
      };
    },
  };
}

const sqlite: EngineSpec = {
  key: 'sqlite',
  label: 'better-sqlite3',
  doubleType: 'REAL',
  open(dir) {
    const db = new BetterSqlite3(join(dir, 'sqlite.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma(`cache_size = -${POOL_BYTES >> 10}`);
    return {
      exec: (sql) => void db.exec(sql),
      prepare(sql) {
        const s = db.prepare(sql);
        return {
          run: (...p) => s.run(...p),
          get: (...p) => s.get(...p) as Record<string, unknown> | undefined,
          all: (...p) => s.all(...p) as Record<string, unknown>[],
        };
      },
      transaction: (fn) => db.transaction(fn),
      close: () => db.close(),
    };
  },
};

const ENGINES: EngineSpec[] = [flint('wasm'), flint('ts'), sqlite];

// ---- data and expected answers ------------------------------------------------

/** Row i of every table: [id, name, email, amount, cat]. */
function row(i: number): [number, string, string, number, number] {
  return [i, `name ${i}`, `user${i}@example.com`, ((i * 7919) % 100_000) / 100, (i * 31) % CATS];
}

const catLabel = (cat: number) => `cat ${cat}`;

interface CatTotals {
  count: number[];
  idSum: number[];
  amountSum: number[];
}

function catTotals(rows: number): CatTotals {
  const t: CatTotals = { count: new Array(CATS).fill(0), idSum: new Array(CATS).fill(0), amountSum: new Array(CATS).fill(0) };
  for (let i = 0; i < rows; i++) {
    const [, , , amount, cat] = row(i);
    t.count[cat]!++;
    t.idSum[cat]! += i;
    t.amountSum[cat]! += amount;
  }
  return t;
}

class WrongAnswer extends Error {}

function check(ok: boolean, what: string): void {
  if (!ok) throw new WrongAnswer(what);
}

function near(a: unknown, b: number): boolean {
  return typeof a === 'number' && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
}

// ---- timing --------------------------------------------------------------------

interface Timed {
  ops: number;
  elapsedMs: number;
  /** Operations per second. */
  rate: number;
  /** False if the time budget stopped the workload before `wanted` operations. */
  complete: boolean;
  wanted: number;
}

/**
 * Runs op(i) for i = 0, 1, … until `wanted` operations are done or the
 * budget is spent (at least one always runs). `wrap`, if given, runs the
 * whole loop (a transaction) and is timed with it.
 */
function timed(wanted: number, budgetMs: number, op: (i: number) => void, wrap?: (loop: () => void) => void): Timed {
  let ops = 0;
  const t0 = performance.now();
  const loop = () => {
    const stopAt = t0 + budgetMs;
    // Read the clock after every op while ops are slow, every few ops once
    // they are fast, so neither the clock nor an overshoot distorts the rate.
    let stride = 1;
    let next = 1;
    let last = t0;
    while (ops < wanted) {
      op(ops++);
      if (ops < next) continue;
      const now = performance.now();
      if (now > stopAt) break;
      if (now - last < 0.05 && stride < 64) stride *= 2;
      else if (now - last > 1 && stride > 1) stride /= 2;
      last = now;
      next = ops + stride;
    }
  };
  if (wrap === undefined) loop();
  else wrap(loop);
  const elapsedMs = performance.now() - t0;
  return { ops, elapsedMs, rate: (ops * 1000) / elapsedMs, complete: ops === wanted, wanted };
}

// ---- workloads -----------------------------------------------------------------

/**
 * One step of the run, done on every engine in turn before the next step
 * starts, so that all three are measured within seconds of each other on a
 * machine whose load drifts. A step with a name reports its timing.
 */
interface Step {
  name?: (sizes: Sizes) => string;
  unit?: string;
  run(db: SqlDb, engine: EngineSpec, sizes: Sizes, state: EngineState): Timed | void;
}

/** What one engine's steps pass on to later steps. */
interface EngineState {
  rand: () => number;
  totals?: CatTotals;
  /** The rows of pt and pc (bench:peers' t and c). */
  peers?: Dataset;
}

function columnsDdl(engine: EngineSpec, primaryKey: boolean): string {
  return `(id INTEGER ${primaryKey ? 'PRIMARY KEY' : 'NOT NULL'}, name TEXT, email TEXT, amount ${engine.doubleType}, cat INTEGER)`;
}

const INSERT_COLUMNS = '(id, name, email, amount, cat) VALUES (?, ?, ?, ?, ?)';
const sumTo = (n: number) => (n * (n - 1)) / 2;
const totalsOf = (db: SqlDb, table: string) => db.prepare(`SELECT count(*) AS n, sum(id) AS ids, sum(amount) AS amounts FROM ${table}`).get()!;

const STEPS: Step[] = [
  {
    // Bulk insert without a primary key: this also loads t for the join and GROUP BY.
    name: (z) => `bulk insert, 1 txn, no PRIMARY KEY (loads t: ${formatNumber(z.big)} rows)`,
    unit: 'rows/s',
    run(db, engine, z) {
      db.exec(`CREATE TABLE t ${columnsDdl(engine, false)}`);
      db.exec('CREATE TABLE cats (cat INTEGER PRIMARY KEY, label TEXT)');
      const insertCat = db.prepare('INSERT INTO cats (cat, label) VALUES (?, ?)');
      db.transaction(() => {
        for (let c = 0; c < CATS; c++) insertCat.run(c, catLabel(c));
      })();
      const insert = db.prepare(`INSERT INTO t ${INSERT_COLUMNS}`);
      const t = timed(z.big, Number.POSITIVE_INFINITY, (i) => insert.run(...row(i)), (loop) => db.transaction(loop)());
      const c = totalsOf(db, 't');
      check(c.n === z.big && c.ids === sumTo(z.big), `t holds ${String(c.n)} rows after loading ${z.big}`);
      return t;
    },
  },
  {
    name: (z) => `bulk insert, 1 txn, PRIMARY KEY (up to ${formatNumber(z.bulkPkRows)} rows)`,
    unit: 'rows/s',
    run(db, engine, z) {
      db.exec(`CREATE TABLE b ${columnsDdl(engine, true)}`);
      const insert = db.prepare(`INSERT INTO b ${INSERT_COLUMNS}`);
      const t = timed(z.bulkPkRows, z.budgetMs, (i) => insert.run(...row(i)), (loop) => db.transaction(loop)());
      const c = totalsOf(db, 'b');
      check(c.n === t.ops && c.ids === sumTo(t.ops), `b holds ${String(c.n)} rows after inserting ${t.ops}`);
      return t;
    },
  },
  {
    name: () => 'insert 1 row, autocommit, durable (PRIMARY KEY table)',
    unit: 'rows/s',
    run(db, engine, z) {
      db.exec(`CREATE TABLE d ${columnsDdl(engine, true)}`);
      const insert = db.prepare(`INSERT INTO d ${INSERT_COLUMNS}`);
      const t = timed(z.durableInserts, z.budgetMs, (i) => check(insert.run(...row(i)).changes === 1, 'insert changed no row'));
      const c = totalsOf(db, 'd');
      check(c.n === t.ops && c.ids === sumTo(t.ops), `d holds ${String(c.n)} rows after ${t.ops} inserts`);
      return t;
    },
  },
  {
    // The small keyed table s, for point selects and updates by key (not timed).
    run(db, engine, z) {
      db.exec(`CREATE TABLE s ${columnsDdl(engine, true)}`);
      const insert = db.prepare(`INSERT INTO s ${INSERT_COLUMNS}`);
      db.transaction(() => {
        for (let i = 0; i < z.small; i++) insert.run(...row(i));
      })();
    },
  },
  {
    name: (z) => `point select by PK, ${formatNumber(z.small)}-row table`,
    unit: 'rows/s',
    run(db, _engine, z, state) {
      const select = db.prepare('SELECT id, name, email, amount, cat FROM s WHERE id = ?');
      const ids = Array.from({ length: z.pointSelects }, () => (state.rand() * z.small) | 0);
      let checksum = 0;
      const t = timed(z.pointSelects, z.budgetMs, (i) => {
        const r = select.get(ids[i]);
        checksum += (r!.id as number) + (r!.cat as number) + (r!.amount as number) + (r!.name as string).length + (r!.email as string).length;
      });
      let expected = 0;
      for (let i = 0; i < t.ops; i++) {
        const [id, name, email, amount, cat] = row(ids[i]!);
        expected += id + cat + amount + name.length + email.length;
      }
      check(Math.abs(checksum - expected) <= 1e-6 * expected, `point select checksum ${checksum}, expected ${expected}`);
      return t;
    },
  },
  {
    name: (z) => `update by PK, ${formatNumber(z.small)}-row table, 1 txn`,
    unit: 'rows/s',
    run(db, _engine, z, state) {
      const update = db.prepare('UPDATE s SET amount = amount + 1 WHERE id = ?');
      const before = totalsOf(db, 's');
      const ids = Array.from({ length: z.updates }, () => (state.rand() * z.small) | 0);
      const t = timed(z.updates, z.budgetMs, (i) => check(update.run(ids[i]).changes === 1, 'update changed no row'), (loop) => db.transaction(loop)());
      const after = totalsOf(db, 's');
      const expected = (before.amounts as number) + t.ops;
      check(after.n === z.small && near(after.amounts, expected), `after ${t.ops} updates sum(amount) is ${String(after.amounts)}, expected ${expected}`);
      return t;
    },
  },
  {
    name: (z) => `join t (${formatNumber(z.big)} rows) with cats on cat, WHERE label = ? (~1% out)`,
    unit: 'queries/s',
    run(db, _engine, z, state) {
      const totals = (state.totals ??= catTotals(z.big));
      const join = db.prepare('SELECT t.id, t.amount, c.label FROM t JOIN cats c ON c.cat = t.cat WHERE c.label = ?');
      return timed(z.queries, z.budgetMs, (i) => {
        const cat = (i * 37) % CATS;
        const rows = join.all(catLabel(cat));
        let ids = 0;
        for (const r of rows) ids += r.id as number;
        check(
          rows.length === totals.count[cat] && ids === totals.idSum[cat] && rows[0]?.label === catLabel(cat),
          `join for ${catLabel(cat)} returned ${rows.length} rows, expected ${totals.count[cat]}`,
        );
      });
    },
  },
  {
    name: (z) => `GROUP BY cat: count, sum, avg over ${formatNumber(z.big)} rows`,
    unit: 'queries/s',
    run(db, _engine, z, state) {
      const totals = (state.totals ??= catTotals(z.big));
      const groupBy = db.prepare('SELECT cat, count(*) AS n, sum(amount) AS s, avg(amount) AS a FROM t GROUP BY cat');
      return timed(z.queries, z.budgetMs, () => {
        const rows = groupBy.all();
        check(rows.length === CATS, `GROUP BY returned ${rows.length} groups, expected ${CATS}`);
        for (const r of rows) {
          const cat = r.cat as number;
          const n = totals.count[cat]!;
          const s = totals.amountSum[cat]!;
          check(r.n === n && near(r.s, s) && near(r.a, s / n), `GROUP BY group ${cat}: ${JSON.stringify(r)}, expected n=${n} s=${s}`);
        }
      });
    },
  },
  {
    // bench:peers' tables (its t and c, here pt and pc): PRIMARY KEY id, an
    // index on cat, rows / 20 cats; loaded in one transaction, not timed.
    run(db, engine, z, state) {
      const data = (state.peers = makeDataset(z.peers));
      db.exec(`CREATE TABLE pt ${columnsDdl(engine, true)}`);
      db.exec('CREATE INDEX pt_cat ON pt (cat)');
      db.exec('CREATE TABLE pc (cat INTEGER PRIMARY KEY, label TEXT)');
      const insert = db.prepare(`INSERT INTO pt ${INSERT_COLUMNS}`);
      const insertCat = db.prepare('INSERT INTO pc (cat, label) VALUES (?, ?)');
      db.transaction(() => {
        for (const r of data.rows) insert.run(...r);
        for (const [cat, label] of data.catRows) insertCat.run(cat, label);
      })();
    },
  },
  {
    name: (z) => `peers point select by id: pt (${formatNumber(z.peers)} rows), all 5 columns`,
    unit: 'rows/s',
    run(db, _engine, z, state) {
      const data = state.peers!;
      const select = db.prepare('SELECT id, name, email, amount, cat FROM pt WHERE id = ?');
      return timed(z.pointSelects, z.budgetMs, (i) => {
        const r = data.rows[(i * 7919) % data.rows.length]!;
        const got = select.get(r[0]);
        check(got !== undefined && got.id === r[0] && got.name === r[1] && got.cat === r[4] && near(got.amount, r[3]), `peers point select for id ${r[0]}: ${JSON.stringify(got)}`);
      });
    },
  },
  {
    name: (z) => `peers secondary-index lookup: pt WHERE cat = ? (index on cat, ~20 of ${formatNumber(z.peers)} rows)`,
    unit: 'queries/s',
    run(db, _engine, z, state) {
      const data = state.peers!;
      const byCat = db.prepare('SELECT id, amount FROM pt WHERE cat = ?');
      return timed(z.queries * 20, z.budgetMs, (i) => {
        const cat = (i * 7919) % data.cats;
        const rows = byCat.all(cat);
        let ids = 0;
        for (const r of rows) ids += r.id as number;
        check(rows.length === data.catCount[cat] && ids === data.catIdSum[cat], `peers lookup of cat ${cat} returned ${rows.length} rows, expected ${data.catCount[cat]}`);
      });
    },
  },
  {
    name: (z) => `peers join: pt (${formatNumber(z.peers)} rows, index on cat) with pc on cat, WHERE pc.label = ? (~20 rows)`,
    unit: 'queries/s',
    run(db, _engine, z, state) {
      const data = state.peers!;
      const join = db.prepare('SELECT t.id, t.amount, c.label FROM pt t JOIN pc c ON c.cat = t.cat WHERE c.label = ?');
      return timed(z.queries * 20, z.budgetMs, (i) => {
        const cat = (i * 7919) % data.cats;
        const rows = join.all(peersLabel(cat));
        let ids = 0;
        for (const r of rows) ids += r.id as number;
        check(rows.length === data.catCount[cat] && ids === data.catIdSum[cat], `peers join for ${peersLabel(cat)} returned ${rows.length} rows, expected ${data.catCount[cat]}`);
      });
    },
  },
  {
    name: () => 'peers join: pt with pc on cat, WHERE pt.id = ? (1 row)',
    unit: 'queries/s',
    run(db, _engine, z, state) {
      const data = state.peers!;
      const join = db.prepare('SELECT t.id, t.amount, c.label FROM pt t JOIN pc c ON c.cat = t.cat WHERE t.id = ?');
      return timed(z.pointSelects, z.budgetMs, (i) => {
        const r = data.rows[(i * 7919) % data.rows.length]!;
        const rows = join.all(r[0]);
        check(rows.length === 1 && rows[0]!.label === peersLabel(r[4]), `peers join for id ${r[0]}: ${JSON.stringify(rows)}`);
      });
    },
  },
  {
    name: (z) => `peers GROUP BY cat over pt (${formatNumber(z.peers)} rows, ${formatNumber(Math.floor(z.peers / 20))} groups): count, sum`,
    unit: 'queries/s',
    run(db, _engine, z, state) {
      const data = state.peers!;
      const groupBy = db.prepare('SELECT cat, count(*) AS n, sum(amount) AS s FROM pt GROUP BY cat');
      const groups = data.catCount.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
      return timed(z.queries, z.budgetMs, () => {
        const rows = groupBy.all();
        check(rows.length === groups, `peers GROUP BY returned ${rows.length} groups, expected ${groups}`);
        for (const r of rows) {
          const cat = r.cat as number;
          check(r.n === data.catCount[cat] && near(r.s, data.catAmountSum[cat]!), `peers GROUP BY group ${cat}: ${JSON.stringify(r)}`);
        }
      });
    },
  },
];

type EngineKey = EngineSpec['key'];

interface WorkloadRow {
  name: string;
  unit: string;
  results: Partial<Record<EngineKey, Timed>>;
  errors: Partial<Record<EngineKey, string>>;
}

/**
 * Runs every step on every engine (each in its own temp dir). The engine
 * order rotates from step to step so that none is always measured first.
 * An engine that fails a step (wrong answer or error) skips the rest.
 */
function runAll(sizes: Sizes): { rows: WorkloadRow[]; failures: string[] } {
  const dirs = ENGINES.map(() => mkdtempSync(join(tmpdir(), 'flint-bench-sql-')));
  const dbs: (SqlDb | null)[] = [];
  const rows: WorkloadRow[] = [];
  const failures: string[] = [];
  try {
    ENGINES.forEach((engine, e) => dbs.push(engine.open(dirs[e]!)));
    const states: EngineState[] = ENGINES.map(() => ({ rand: seededRandom(42) }));
    STEPS.forEach((step, k) => {
      if (only !== null && step.name !== undefined && !step.name(sizes).includes(only)) return;
      const row: WorkloadRow | null = step.name === undefined ? null : { name: step.name(sizes), unit: step.unit!, results: {}, errors: {} };
      if (row !== null) rows.push(row);
      for (let j = 0; j < ENGINES.length; j++) {
        const e = (j + k) % ENGINES.length;
        const engine = ENGINES[e]!;
        const db = dbs[e];
        if (db === null || db === undefined) continue;
        try {
          const t = step.run(db, engine, sizes, states[e]!);
          if (row !== null && t !== undefined) row.results[engine.key] = t;
        } catch (error) {
          const message = error instanceof WrongAnswer ? `WRONG ANSWER: ${error.message}` : `error: ${(error as Error).message}`;
          failures.push(`${engine.label}: ${message}`);
          if (row !== null) row.errors[engine.key] = message;
          db.close();
          dbs[e] = null;
        }
      }
    });
  } finally {
    for (const db of dbs) db?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  return { rows, failures };
}

// ---- run -----------------------------------------------------------------------

function versions(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version: string };
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' });
  const commit = git.status === 0 ? `${git.stdout.trim()}${dirty.stdout.trim() === '' ? '' : ' (modified)'}` : 'unknown';
  const bsq = require('better-sqlite3/package.json') as { version: string };
  const probe = new BetterSqlite3(':memory:');
  const sqliteVersion = (probe.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  probe.close();
  return { flint: `${pkg.version} @ ${commit}`, 'better-sqlite3': bsq.version, sqlite: sqliteVersion, node: process.versions.node, v8: process.versions.v8 };
}

const info = { ...machineInfo(), ...versions() };
console.log(`bench:sql${quick ? ' (quick)' : ''}: Flint (WASM and TS kernels) vs better-sqlite3, same workloads, same run`);
for (const [k, v] of Object.entries(info)) console.log(`  ${k}: ${v}`);
console.log(
  `  config: file databases in temp dirs; Flint synchronous 'full', pool ${POOL_BYTES >> 20} MiB; ` +
    `SQLite journal_mode=WAL, synchronous=FULL, cache_size ${POOL_BYTES >> 20} MiB; time budget ${SIZES.budgetMs / 1000} s per workload per engine`,
);
console.log('');

// Warm-up: every engine runs a small version of every workload first, so the
// JIT has compiled the shared JS before anything is measured.
let t0 = performance.now();
const warm = runAll(WARM_UP);
console.log(`warm-up: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const f of warm.failures) console.log(`warm-up failed on ${f}`);
t0 = performance.now();
const { rows, failures } = runAll(SIZES);
console.log(`measured run: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const f of failures) console.log(f);
const failed = warm.failures.length + failures.length > 0;
console.log('');

const cell = (r: WorkloadRow, key: EngineKey) => {
  const t = r.results[key];
  if (t === undefined) return r.errors[key] === undefined ? 'skipped' : 'FAILED';
  return `${formatNumber(t.rate)}${t.complete ? '' : '*'}`;
};
const ratio = (a: Timed | undefined, b: Timed | undefined) => (a === undefined || b === undefined ? '-' : `${(a.rate / b.rate).toPrecision(3)}x`);
printTable(
  ['workload', 'unit', 'flint wasm', 'flint ts', 'sqlite', 'wasm/sqlite', 'ts/sqlite'],
  rows.map((r) => [
    r.name,
    r.unit,
    cell(r, 'flint-wasm'),
    cell(r, 'flint-ts'),
    cell(r, 'sqlite'),
    ratio(r.results['flint-wasm'], r.results.sqlite),
    ratio(r.results['flint-ts'], r.results.sqlite),
  ]),
);
console.log('');
console.log('ratio = Flint rate / better-sqlite3 rate (above 1.0: Flint is faster).');
console.log("Tables t and cats have no index on cat; pt and pc are bench:peers' tables,");
console.log('with an index on pt.cat: the peers joins probe an index per row of the small side.');
const cut = rows.flatMap((r) =>
  ENGINES.flatMap((e) => {
    const t = r.results[e.key];
    return t !== undefined && !t.complete ? [`  ${e.label}, ${r.name}: ${t.ops} of ${t.wanted} in ${(t.elapsedMs / 1000).toFixed(1)} s`] : [];
  }),
);
if (cut.length > 0) {
  console.log('* stopped by the time budget; the rate is over the operations done:');
  for (const line of cut) console.log(line);
}
const file = writeResults('sql', {
  quick,
  sizes: SIZES,
  versions: info,
  workloads: rows.map((r) => {
    const sqliteRate = r.results.sqlite?.rate;
    return {
      name: r.name,
      unit: r.unit,
      results: r.results,
      errors: r.errors,
      ratioToSqlite: Object.fromEntries(
        Object.entries(r.results)
          .filter(([k]) => k !== 'sqlite')
          .map(([k, t]) => [k, sqliteRate === undefined ? null : t.rate / sqliteRate]),
      ),
    };
  }),
  failures: [...warm.failures, ...failures],
});
console.log(`results: ${file}`);
if (failed) {
  console.log('bench:sql FAILED: a workload gave a wrong answer or an error (see above)');
  process.exitCode = 1;
}
