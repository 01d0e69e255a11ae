// bench/commit-alloc: what one durable autocommit insert from many closed-loop
// sessions (bench:peers' 64-session workload: Session.runAsync of a prepared
// INSERT, then the next) costs the JS heap and the CPU, per insert:
//   - bytes allocated: the growth of the heap's used size over the inserts,
//     run with a young generation large enough that no GC runs meanwhile
//     (node --max-semi-space-size=256 --min-semi-space-size=256; the script
//     says when a GC ran anyway, and then the figure is a floor);
//   - scavenges and mark-compacts per 10k inserts (a PerformanceObserver on
//     'gc' entries), under the default heap sizes;
//   - CPU µs per insert: the process's (process.cpuUsage: user + system, V8's
//     compiler and GC threads and libuv's pool included) and the main
//     thread's alone (Linux: /proc/thread-self/schedstat).
// Each round inserts into a new table from `--sessions` new sessions, as
// bench:peers' rounds do (--inserts 1250 is the size of one of its 64-session
// rounds): their first statements (binding, plan caches) count.
//
//   node [flags] scripts/run-ts.mjs bench/commit-alloc.ts [--sessions 64] [--inserts 10000] [--rounds 5] [--memory]
//
// --memory puts the database on the in-memory VFS (no I/O: the statement and
// group-commit paths alone). `openBench` is exported for an A/B driver that
// bundles two trees' copies of this file into one process and alternates
// their rounds.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { Database } from '../src/db/database.ts';
import { createMemoryVfs } from '../src/storage/vfs/index.ts';
import type { SqlType } from '../src/sql/types/sql-type.ts';
import type * as ast from '../src/sql/ast.ts';
import { makeRows } from './peers/data.ts';

const COLUMNS = '(id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount DOUBLE PRECISION, cat INTEGER)';
const INSERT_VALUES = '(id, name, email, amount, cat) VALUES ($1, $2, $3, $4, $5)';

export interface AllocFigures {
  cpuUs: number;
  /** The main thread's CPU µs per insert (Linux: /proc/thread-self/schedstat; NaN elsewhere): no pool or GC helper threads. */
  mainCpuUs: number;
  wallMs: number;
  bytesPerInsert: number;
  /** Old space's growth per insert (what scavenges promoted, less what mark-compacts freed). */
  promotedPerInsert: number;
  scavenges: number;
  markCompacts: number;
  /** GC pause ms summed. */
  gcMs: number;
}

export interface Bench {
  runInserts(sessions: number): Promise<AllocFigures>;
  close(): void;
}

let gcKinds = { minor: 0, major: 0, ms: 0 };
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind: number } }).detail?.kind ?? 0;
    // perf_hooks.constants: NODE_PERFORMANCE_GC_MINOR 1, MAJOR 4, INCREMENTAL 8, WEAKCB 16.
    if (kind === 1) gcKinds.minor++;
    else if (kind === 4) gcKinds.major++;
    gcKinds.ms += e.duration;
  }
});
observer.observe({ entryTypes: ['gc'] });

const SCHEDSTAT = '/proc/thread-self/schedstat';
const hasSchedstat = existsSync(SCHEDSTAT);
/** This thread's time on a CPU so far (ns), or NaN. */
function threadCpuNs(): number {
  return hasSchedstat ? Number(readFileSync(SCHEDSTAT, 'latin1').split(' ')[0]) : Number.NaN;
}

function oldSpaceUsed(): number {
  return getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')!.space_used_size;
}

export function openBench(memory: boolean, inserts: number): Bench {
  // The rows of every round, made once (old by the time they are inserted: their promotion is no insert's).
  const rows = makeRows(inserts, Math.max(1, inserts / 20), 20261121);
  const dir = mkdtempSync(join(tmpdir(), 'flint-commit-alloc-'));
  const db = Database.open(join(dir, 'flint'), { kernels: 'wasm', synchronous: 'full', poolBytes: 256 << 20, ...(memory ? { vfs: createMemoryVfs() } : {}) });
  let tables = 0;
  return {
    async runInserts(count: number): Promise<AllocFigures> {
      const table = `d${++tables}`;
      db.exec(`CREATE TABLE ${table} ${COLUMNS}`);
      db.exec(`CREATE INDEX ${table}_cat ON ${table} (cat)`);
      const sessions = Array.from({ length: count }, () => {
        const session = db.session();
        const statement: ast.Statement = session.parse(`INSERT INTO ${table} ${INSERT_VALUES}`)[0]!.statement;
        const paramTypes: (SqlType | undefined)[] = [];
        session.describe(statement, paramTypes);
        return { session, statement, paramTypes };
      });
      // Let the observer deliver earlier entries first.
      await new Promise((r) => setImmediate(r));
      gcKinds = { minor: 0, major: 0, ms: 0 };
      let next = 0;
      const heap0 = process.memoryUsage().heapUsed;
      const old0 = oldSpaceUsed();
      const thread0 = threadCpuNs();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      // As bench/peers/timing.ts timedConcurrent and bench/peers/flint.ts FlintSession.
      const worker = async (w: number): Promise<void> => {
        const { session, statement, paramTypes } = sessions[w]!;
        while (next < inserts) {
          const row = rows[next++]!;
          await session.runAsync(statement, row, paramTypes).then((result) => {
            if (result.rowCount !== 1) throw new Error(`insert changed ${result.rowCount} rows`);
          });
          if (count > 1) await null;
        }
      };
      await Promise.all(sessions.map((_, w) => worker(w)));
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const thread = threadCpuNs() - thread0;
      const heap1 = process.memoryUsage().heapUsed;
      const old1 = oldSpaceUsed();
      await new Promise((r) => setImmediate(r));
      const gc = gcKinds;
      for (const s of sessions) s.session.close();
      return {
        cpuUs: (cpu.user + cpu.system) / inserts,
        mainCpuUs: thread / 1000 / inserts,
        wallMs,
        bytesPerInsert: (heap1 - heap0) / inserts,
        promotedPerInsert: (old1 - old0) / inserts,
        scavenges: gc.minor,
        markCompacts: gc.major,
        gcMs: gc.ms,
      };
    },
    close(): void {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const main = process.argv[1]?.endsWith('commit-alloc.ts');
if (main) {
  const arg = (name: string, fallback: string): string => {
    const i = process.argv.indexOf(name);
    return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
  };
  const sessions = Number(arg('--sessions', '64'));
  const inserts = Number(arg('--inserts', '10000'));
  const rounds = Number(arg('--rounds', '5'));
  const bench = openBench(process.argv.includes('--memory'), inserts);
  try {
    await bench.runInserts(sessions); // warm-up
    for (let r = 0; r < rounds; r++) {
      const f = await bench.runInserts(sessions);
      const per10k = 10000 / inserts;
      console.log(
        `${sessions} sessions: ${f.cpuUs.toFixed(2)} µs CPU/insert (main thread ${f.mainCpuUs.toFixed(2)}), ${((inserts * 1000) / f.wallMs).toFixed(0)} inserts/s, ${f.bytesPerInsert.toFixed(0)} B heap growth/insert${f.scavenges + f.markCompacts > 0 ? ' (a GC ran: a floor)' : ''}, old space +${f.promotedPerInsert.toFixed(0)} B/insert, per 10k inserts: ${(f.scavenges * per10k).toFixed(1)} scavenges, ${(f.markCompacts * per10k).toFixed(1)} mark-compacts, GC ${(f.gcMs * per10k).toFixed(1)} ms`,
      );
    }
  } finally {
    bench.close();
  }
}
