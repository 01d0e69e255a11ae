// bench/kernels-durable: what the kernel build changes in bench:peers'
// durable workloads, without the disk.
//
//   npm run bench:kernels-durable [-- --quick] [--rounds N]
//
// bench:peers times the durable workloads (autocommit inserts from 1 and 64
// sessions, autocommit updates by id) on a real disk, where a commit's
// fdatasync (~130 µs here) dwarfs the few µs of statement and kernel work,
// and the rounds' spread (group commit's pacing, the disk) is wider than
// anything the kernels do: in its committed runs the WASM/TS ratio of those
// workloads moved between 0.82x and 1.14x from run to run. This bench runs
// the same statements through the same code (Database, Session.runAsync and
// group commit, the WAL writer with its checksums, the heap, the B+-trees)
// on the in-memory VFS, so what is left is the CPU they cost: the main
// thread's (Linux: /proc/thread-self/schedstat; elsewhere the process's),
// per operation, WASM and TS kernels alternating round by round (the order
// swapped every round), and the figure is the median of the paired ratios
// TS/WASM (above 1: the WASM build is cheaper). Every round starts on a new
// database and checks its row counts. Timings are never asserted.
// Results go to bench/results/kernels-durable-*.json.
import { existsSync, readFileSync } from 'node:fs';
import { Database } from '../src/db/database.ts';
import type { KernelKind } from '../src/kernels/index.ts';
import type { SqlType } from '../src/sql/types/sql-type.ts';
import type * as ast from '../src/sql/ast.ts';
import { createMemoryVfs } from '../src/storage/vfs/index.ts';
import { formatNumber, printTable, writeResults } from './harness.ts';
import { makeRows } from './peers/data.ts';
import type { RowTuple } from './peers/types.ts';

const quick = process.argv.includes('--quick');
const roundsAt = process.argv.indexOf('--rounds');
const ROUNDS = roundsAt >= 0 ? Number(process.argv[roundsAt + 1]) : quick ? 4 : 12;
/** Operations a round of each workload (bench:peers: 10k inserts, 50k updates over 200k rows, in 8 rounds). */
const INSERTS = quick ? 2_000 : 10_000;
const UPDATES = quick ? 2_000 : 10_000;
const TABLE_ROWS = quick ? 5_000 : 50_000;

const COLUMNS = '(id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount DOUBLE PRECISION, cat INTEGER)';
const INSERT = 'INSERT INTO t (id, name, email, amount, cat) VALUES ($1, $2, $3, $4, $5)';

const SCHEDSTAT = '/proc/thread-self/schedstat';
const hasSchedstat = existsSync(SCHEDSTAT);
/** CPU ms so far: this thread's where Linux tells it, else the process's (user + system). */
function cpuMs(): number {
  if (hasSchedstat) return Number(readFileSync(SCHEDSTAT, 'latin1').split(' ')[0]) / 1e6;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Workload {
  name: string;
  ops: number;
  /** One round on a new database: returns the CPU ms of the timed part (the setup is not timed). */
  run(kernels: KernelKind): Promise<number>;
}

function open(kernels: KernelKind): Database {
  const db = Database.open('/bench', { vfs: createMemoryVfs(), kernels, synchronous: 'full', poolBytes: 128 << 20 });
  db.exec(`CREATE TABLE t ${COLUMNS}`);
  db.exec('CREATE INDEX t_cat ON t (cat)');
  return db;
}

function expectCount(db: Database, want: number, what: string): void {
  const got = Number((db.prepare('SELECT count(*) AS n FROM t').get() as { n: unknown }).n);
  if (got !== want) throw new Error(`${what}: t has ${got} rows, expected ${want}`);
}

/** Closed-loop sessions, each running a prepared INSERT through Session.runAsync (bench:peers' FlintSession). */
async function sessionInserts(db: Database, rows: readonly RowTuple[], count: number): Promise<number> {
  const sessions = Array.from({ length: count }, () => {
    const session = db.session();
    const statement: ast.Statement = session.parse(INSERT)[0]!.statement;
    const paramTypes: (SqlType | undefined)[] = [];
    session.describe(statement, paramTypes);
    return { session, statement, paramTypes };
  });
  let next = 0;
  const c0 = cpuMs();
  const worker = async (w: number): Promise<void> => {
    const { session, statement, paramTypes } = sessions[w]!;
    while (next < rows.length) {
      const result = await session.runAsync(statement, rows[next++]!, paramTypes);
      if (result.rowCount !== 1) throw new Error(`an insert changed ${result.rowCount} rows`);
    }
  };
  await Promise.all(sessions.map((_, w) => worker(w)));
  const ms = cpuMs() - c0;
  for (const s of sessions) s.session.close();
  return ms;
}

/** Inserts of `rows` from `count` closed-loop sessions, each round on a new database. */
function sessionsWorkload(name: string, rows: readonly RowTuple[], count: number): Workload {
  return {
    name,
    ops: rows.length,
    async run(kernels) {
      const db = open(kernels);
      try {
        const ms = await sessionInserts(db, rows, count);
        expectCount(db, rows.length, name);
        return ms;
      } finally {
        db.close();
      }
    },
  };
}

function workloads(): Workload[] {
  const rows = makeRows(Math.max(INSERTS, TABLE_ROWS), 1000, 20261122);
  const inserts = rows.slice(0, INSERTS);
  return [
    {
      name: 'autocommit inserts, 1 connection (prepared)',
      ops: INSERTS,
      async run(kernels) {
        const db = open(kernels);
        try {
          const insert = db.prepare(INSERT);
          const c0 = cpuMs();
          for (const r of inserts) insert.run(...r);
          const ms = cpuMs() - c0;
          expectCount(db, INSERTS, this.name);
          return ms;
        } finally {
          db.close();
        }
      },
    },
    sessionsWorkload('autocommit inserts, 1 session (runAsync)', inserts, 1),
    sessionsWorkload('autocommit inserts, 64 sessions (group commit)', inserts, 64),
    {
      name: `autocommit updates by id (${TABLE_ROWS} rows)`,
      ops: UPDATES,
      async run(kernels) {
        const db = open(kernels);
        try {
          const insert = db.prepare(INSERT);
          db.exec('BEGIN');
          for (let i = 0; i < TABLE_ROWS; i++) insert.run(...rows[i]!);
          db.exec('COMMIT');
          const update = db.prepare('UPDATE t SET amount = amount + 1 WHERE id = $1');
          const c0 = cpuMs();
          let changed = 0;
          // A stride prime to the table's size visits the ids in a scattered order.
          for (let i = 0; i < UPDATES; i++) changed += update.run(rows[(i * 7919) % TABLE_ROWS]![0]).changes;
          const ms = cpuMs() - c0;
          if (changed !== UPDATES) throw new Error(`${this.name}: ${changed} rows changed, expected ${UPDATES}`);
          return ms;
        } finally {
          db.close();
        }
      },
    },
  ];
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

interface Figure {
  workload: string;
  ops: number;
  wasmUsPerOp: number;
  tsUsPerOp: number;
  /** Median of the rounds' TS/WASM CPU ratios. */
  ratio: number;
  /** The smallest and largest paired ratio. */
  ratioMin: number;
  ratioMax: number;
  rounds: { wasmMs: number; tsMs: number }[];
}

console.log(`bench:kernels-durable${quick ? ' (quick)' : ''}: bench:peers' durable statements on the in-memory VFS, CPU by kernel build (${hasSchedstat ? 'main thread' : 'process'}), ${ROUNDS} paired rounds`);
const figures: Figure[] = [];
for (const w of workloads()) {
  // Warm-up: each build twice, so neither pays the JIT for the other.
  for (const k of ['wasm', 'ts', 'ts', 'wasm'] as const) await w.run(k);
  const rounds: { wasmMs: number; tsMs: number }[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let wasmMs: number;
    let tsMs: number;
    if (r % 2 === 0) {
      wasmMs = await w.run('wasm');
      tsMs = await w.run('ts');
    } else {
      tsMs = await w.run('ts');
      wasmMs = await w.run('wasm');
    }
    rounds.push({ wasmMs, tsMs });
  }
  const ratios = rounds.map((r) => r.tsMs / r.wasmMs);
  figures.push({
    workload: w.name,
    ops: w.ops,
    wasmUsPerOp: (median(rounds.map((r) => r.wasmMs)) * 1000) / w.ops,
    tsUsPerOp: (median(rounds.map((r) => r.tsMs)) * 1000) / w.ops,
    ratio: median(ratios),
    ratioMin: Math.min(...ratios),
    ratioMax: Math.max(...ratios),
    rounds,
  });
}
printTable(
  ['workload', 'WASM µs/op', 'TS µs/op', 'TS/WASM (median of rounds)', 'range'],
  figures.map((f) => [f.workload, formatNumber(f.wasmUsPerOp), formatNumber(f.tsUsPerOp), `${f.ratio.toFixed(3)}x`, `${f.ratioMin.toFixed(3)}-${f.ratioMax.toFixed(3)}`]),
);
console.log('above 1: the WASM kernels cost less CPU than the TS ones on the same statements');
const file = writeResults(`kernels-durable${quick ? '-quick' : ''}`, { quick, rounds: ROUNDS, cpu: hasSchedstat ? 'main thread' : 'process', figures });
console.log(`results: ${file}`);
