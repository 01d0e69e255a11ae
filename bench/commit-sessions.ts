// bench/commit-sessions: durable autocommit inserts from 1, 8 and 64
// concurrent sessions (group commit), beside the single-session synchronous
// rate and a raw fdatasync loop in the same run, so the ratios bench:peers
// targets (issue 8: 64 sessions >= 10x one session; a single commit's p50
// <= 1.3x the fdatasync floor) are read from one run.
//
//   node scripts/run-ts.mjs bench/commit-sessions.ts [--inserts N] [--sessions 1,8,64] [--rounds R] [--kernels wasm|ts] [--synchronous full|normal|off]
//   node scripts/run-ts.mjs bench/commit-sessions.ts --profile 64 [--inserts N] [--memory]
//
// Every round runs each configuration once, in a rotating order, each into
// a new empty table shaped like bench:peers' (id primary key, name, email,
// amount, cat with an index on cat); the figures printed are medians over
// the rounds. Per configuration:
//   - inserts/s (wall time) and p50 latency;
//   - CPU µs per insert: this process's user + system CPU (process.cpuUsage)
//     over the inserts, which includes the kernel's share of writes and
//     fdatasyncs issued from the main thread, and libuv's thread pool;
//   - fdatasyncs/s and commits per fdatasync (the WAL writer's counters);
//   - idle: the share of wall time the event loop spent waiting
//     (performance.eventLoopUtilization), i.e. the JS thread had nothing to
//     run. The synchronous path blocks in fdatasync instead, counted busy;
//   - group commit (the sessions): round ms, a round's mean duration from its
//     start to the moment the thread saw its end (WalWriter stats.roundMs /
//     stats.rounds), and gap ms, the mean time between one round's end and
//     the next one's start (rounds never overlap): the statements that ran
//     with no fdatasync in flight, and the wake-ups between them. Where the
//     time of a round of commits goes, in two parts; blocking, the share of
//     rounds that blocked the thread (docs/wal.md, "Blocking rounds").
//   A last line per group-commit configuration gives each round's rate,
//   commits per round, share of rounds started early (pacing's two
//   alternating groups) and round ms, to tell its pacing modes apart.
// CPU figures of the synchronous paths are the kernel's tick-sampled
// accounting, unreliable on a VM for a thread that mostly sleeps in
// fdatasync (V8's helper threads get charged whole ticks).
// The sessions are closed-loop clients as in bench:peers (bench/peers/flint.ts
// FlintSession: Session.runAsync of a prepared INSERT, then the next one).
// Figures are printed, never asserted.
//
// --memory puts the database on the in-memory VFS, whose fdatasync does
// nothing and resolves at once: the same statement and group-commit paths
// with no I/O, for the CPU per insert alone (the fdatasync loop is skipped).
//
// --profile N instead runs N sessions once under V8's CPU profiler (after a
// warm-up) and prints the functions with the most self and inclusive time,
// as shares of the thread's busy samples (idle time left out), mapped back
// to src/ through the bundle's source map.
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { Session as Inspector } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Database } from '../src/db/database.ts';
import { createMemoryVfs } from '../src/storage/vfs/index.ts';
import type { Session } from '../src/db/session.ts';
import type { SqlType } from '../src/sql/types/sql-type.ts';
import type * as ast from '../src/sql/ast.ts';
import { makeRows } from './peers/data.ts';
import { sourceLocator } from './peers/source-map.ts';

const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const INSERTS = Number(arg('--inserts', '10000'));
const SESSIONS = arg('--sessions', '1,8,64').split(',').map(Number);
const ROUNDS = Number(arg('--rounds', '3'));
const kernels = arg('--kernels', 'wasm') as 'wasm' | 'ts';
const synchronous = arg('--synchronous', 'full') as 'full' | 'normal' | 'off';
const profileSessions = Number(arg('--profile', '0'));
const memory = process.argv.includes('--memory');

const COLUMNS = '(id INTEGER PRIMARY KEY, name TEXT, email TEXT, amount DOUBLE PRECISION, cat INTEGER)';
const INSERT_VALUES = '(id, name, email, amount, cat) VALUES ($1, $2, $3, $4, $5)';

const dir = mkdtempSync(join(tmpdir(), 'flint-commit-sessions-'));
const db = Database.open(join(dir, 'flint'), { kernels, synchronous, poolBytes: 256 << 20, ...(memory ? { vfs: createMemoryVfs() } : {}) });
const rows = makeRows(INSERTS, Math.max(1, INSERTS / 20), 20261121);
let tables = 0;

interface Figures {
  rate: number;
  p50Ms: number;
  cpuUs: number;
  syncsPerSec: number;
  commitsPerSync: number;
  idle: number;
  roundMs: number;
  gapMs: number;
  /** Share of the rounds that blocked the thread (WalWriter stats.blockingRounds / stats.rounds). */
  blocking: number;
  /** Share of the rounds started early, from waitDurable (WalWriter stats.earlyRounds / stats.rounds). */
  early: number;
  /** Commits a round covered (WalWriter stats.roundCommits / stats.rounds). */
  commitsPerRound: number;
}

function newTable(): string {
  const name = `d${++tables}`;
  db.exec(`CREATE TABLE ${name} ${COLUMNS}`);
  db.exec(`CREATE INDEX ${name}_cat ON ${name} (cat)`);
  return name;
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function p50(latencies: Float64Array): number {
  return median(Array.from(latencies));
}

/** Wraps a timed body with the counters every configuration reports. */
async function measured(body: () => Promise<Float64Array> | Float64Array): Promise<Figures> {
  const wal = db.engine.walStats!;
  const syncs0 = wal.syncs;
  const rounds0 = wal.rounds;
  const roundMs0 = wal.roundMs;
  const blocking0 = wal.blockingRounds;
  const early0 = wal.earlyRounds;
  const roundCommits0 = wal.roundCommits;
  const commits0 = db.engine.stats.commits;
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const latencies = await body();
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const elu = performance.eventLoopUtilization(elu0);
  const syncs = wal.syncs - syncs0;
  const commits = db.engine.stats.commits - commits0;
  const rounds = wal.rounds - rounds0;
  const roundMs = wal.roundMs - roundMs0;
  return {
    blocking: rounds === 0 ? Number.NaN : (wal.blockingRounds - blocking0) / rounds,
    early: rounds === 0 ? Number.NaN : (wal.earlyRounds - early0) / rounds,
    commitsPerRound: rounds === 0 ? Number.NaN : (wal.roundCommits - roundCommits0) / rounds,
    roundMs: rounds === 0 ? Number.NaN : roundMs / rounds,
    gapMs: rounds === 0 ? Number.NaN : (elapsed - roundMs) / rounds,
    rate: (INSERTS * 1000) / elapsed,
    p50Ms: p50(latencies),
    cpuUs: (cpu.user + cpu.system) / INSERTS,
    syncsPerSec: (syncs * 1000) / elapsed,
    commitsPerSync: syncs === 0 ? Number.NaN : commits / syncs,
    idle: elu.idle / (elu.idle + elu.active),
  };
}

/** The single-session synchronous path bench:peers times: Database.prepare().run(), an fdatasync per commit. */
function syncSession(): Promise<Figures> {
  const insert = db.prepare(`INSERT INTO ${newTable()} ${INSERT_VALUES}`);
  return measured(() => {
    const latencies = new Float64Array(INSERTS);
    let last = performance.now();
    for (let i = 0; i < INSERTS; i++) {
      const r = rows[i]!;
      insert.run(r[0], r[1], r[2], r[3], r[4]);
      const now = performance.now();
      latencies[i] = now - last;
      last = now;
    }
    return latencies;
  });
}

/** `count` sessions, each a closed loop of Session.runAsync(prepared INSERT) (bench/peers/flint.ts FlintSession). */
async function asyncSessions(count: number): Promise<Figures> {
  const table = newTable();
  const sessions: { session: Session; statement: ast.Statement; paramTypes: (SqlType | undefined)[] }[] = [];
  for (let s = 0; s < count; s++) {
    const session = db.session();
    const statement = session.parse(`INSERT INTO ${table} ${INSERT_VALUES}`)[0]!.statement;
    const paramTypes: (SqlType | undefined)[] = [];
    session.describe(statement, paramTypes);
    sessions.push({ session, statement, paramTypes });
  }
  try {
    return await measured(async () => {
      const latencies = new Float64Array(INSERTS);
      let next = 0;
      let done = 0;
      const t0 = performance.now();
      const worker = async (w: number): Promise<void> => {
        const { session, statement, paramTypes } = sessions[w]!;
        let readyAt = t0;
        while (next < INSERTS) {
          const r = rows[next++]!;
          const result = await session.runAsync(statement, [r[0], r[1], r[2], r[3], r[4]], paramTypes);
          if (result.rowCount !== 1) throw new Error(`insert changed ${result.rowCount} rows`);
          const end = performance.now();
          latencies[done++] = end - readyAt;
          readyAt = end;
          // As bench/peers/timing.ts timedConcurrent: let the other workers take their turn.
          if (count > 1) await null;
        }
      };
      await Promise.all(sessions.map((_, w) => worker(w)));
      return latencies;
    });
  } finally {
    for (const s of sessions) s.session.close();
  }
}

/** The floor: write 4 KiB + fdatasync per operation (bench/peers/fsync-floor.ts). */
function fsyncLoop(): Figures {
  const path = join(dir, 'fsync-loop.bin');
  const fd = openSync(path, 'w');
  const page = new Uint8Array(4096).fill(0x5a);
  const n = Math.min(INSERTS, 3000);
  const latencies = new Float64Array(n);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let last = t0;
  for (let i = 0; i < n; i++) {
    writeSync(fd, page, 0, page.length, (i % 256) * 4096);
    fdatasyncSync(fd);
    const now = performance.now();
    latencies[i] = now - last;
    last = now;
  }
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  closeSync(fd);
  rmSync(path);
  return { rate: (n * 1000) / elapsed, p50Ms: p50(latencies), cpuUs: (cpu.user + cpu.system) / n, syncsPerSec: (n * 1000) / elapsed, commitsPerSync: 1, idle: 0, roundMs: Number.NaN, gapMs: Number.NaN, blocking: Number.NaN, early: Number.NaN, commitsPerRound: Number.NaN };
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/** Profiles `body`; prints the top functions by self and inclusive time, as shares of the busy (non-idle) samples. */
async function profiled(body: () => Promise<unknown>): Promise<void> {
  const locate = sourceLocator(import.meta.url);
  const inspector = new Inspector();
  inspector.connect();
  await inspector.post('Profiler.enable');
  await inspector.post('Profiler.setSamplingInterval', { interval: 50 });
  await inspector.post('Profiler.start');
  await body();
  const { profile } = (await inspector.post('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  inspector.disconnect();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const name = (f: ProfileNode['callFrame']): string => {
    const fn = f.functionName || '(anonymous)';
    if (f.url === '' || f.url.startsWith('node:')) return f.url === '' ? fn : `${fn} [${f.url}]`;
    const at = locate(f.url, f.lineNumber, f.columnNumber);
    return at === undefined ? fn : `${fn} (${at.replace(/^.*?(src|bench)\//, '$1/')})`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(id)!.callFrame.functionName;
    if (leaf === '(idle)') {
      idle += us;
      return;
    }
    const stack: string[] = [];
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      if (byId.get(n)!.callFrame.functionName !== '(root)') stack.push(name(byId.get(n)!.callFrame));
    }
    if (stack.some((x) => x.startsWith('post [node:inspector'))) return;
    busy += us;
    self.set(stack[0]!, (self.get(stack[0]!) ?? 0) + us);
    for (const x of new Set(stack)) inclusive.set(x, (inclusive.get(x) ?? 0) + us);
  });
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).forEach(([x, us]) => console.log(`  ${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / INSERTS).toFixed(2).padStart(6)} µs/insert  ${x}`));
  console.log(`busy ${(busy / 1000).toFixed(0)} ms (${(busy / INSERTS).toFixed(1)} µs per insert), idle ${(idle / 1000).toFixed(0)} ms`);
  console.log('top self time:');
  top(self, 30);
  console.log('top inclusive time:');
  top(inclusive, 45);
}

if (profileSessions > 0) {
  try {
    await asyncSessions(profileSessions);
    await asyncSessions(profileSessions);
    await profiled(() => asyncSessions(profileSessions));
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}

const configs: { name: string; run: () => Promise<Figures> | Figures }[] = [
  ...(memory ? [] : [{ name: 'fdatasync loop', run: fsyncLoop }]),
  { name: '1 session, sync run()', run: syncSession },
  ...SESSIONS.map((n) => ({ name: `${n} session${n === 1 ? '' : 's'}, runAsync`, run: () => asyncSessions(n) })),
];
const results = new Map<string, Figures[]>(configs.map((c) => [c.name, []]));

try {
  // Warm-up (not counted): the statement paths compiled and the pool's first pages in place.
  await asyncSessions(8);
  await syncSession();
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < configs.length; k++) {
      const c = configs[(k + round) % configs.length]!;
      (globalThis as { gc?: () => void }).gc?.();
      results.get(c.name)!.push(await c.run());
    }
  }
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}

const med = (name: string, f: (x: Figures) => number): number => median(results.get(name)!.map(f));
const fmt = (v: number, d = 1): string => (Number.isFinite(v) ? v.toFixed(d) : '-');
const single = med('1 session, sync run()', (x) => x.rate);
const floorP50 = memory ? Number.NaN : med('fdatasync loop', (x) => x.p50Ms);
console.log(`commit-sessions: ${INSERTS} inserts per configuration, medians of ${ROUNDS} rounds, kernels ${kernels}, synchronous ${synchronous}${memory ? ', in-memory VFS (no I/O)' : ''}`);
console.log('| configuration | inserts/s | x 1-session sync | p50 ms | x floor p50 | CPU µs/insert | fdatasyncs/s | commits/fdatasync | idle | round ms | gap ms | blocking |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const c of configs) {
  const rate = med(c.name, (x) => x.rate);
  const p = med(c.name, (x) => x.p50Ms);
  console.log(
    `| ${c.name} | ${fmt(rate, 0)} | ${fmt(rate / single, 2)} | ${fmt(p, 3)} | ${fmt(p / floorP50, 2)} | ${fmt(med(c.name, (x) => x.cpuUs))} | ${fmt(med(c.name, (x) => x.syncsPerSec), 0)} | ${fmt(med(c.name, (x) => x.commitsPerSync), 2)} | ${fmt(100 * med(c.name, (x) => x.idle), 0)}% | ${fmt(med(c.name, (x) => x.roundMs), 3)} | ${fmt(med(c.name, (x) => x.gapMs), 3)} | ${fmt(100 * med(c.name, (x) => x.blocking), 0)}% |`,
  );
}
console.log(`rates per round: ${configs.map((c) => `${c.name}: ${results.get(c.name)!.map((x) => fmt(x.rate, 0)).join(' ')}`).join('; ')}`);
// Group commit's pacing per round: which mode each round ran in (see docs/wal.md, "Pacing").
for (const c of configs) {
  const rs = results.get(c.name)!;
  if (!rs.some((x) => Number.isFinite(x.commitsPerRound))) continue;
  console.log(`${c.name} per round (k inserts/s, commits/round, early rounds, round ms, CPU µs/insert): ${rs.map((x) => `${fmt(x.rate / 1000)} ${fmt(x.commitsPerRound)} ${fmt(100 * x.early, 0)}% ${fmt(x.roundMs, 2)} ${fmt(x.cpuUs)}`).join(' | ')}`);
}
