// bench/peers: Flint against the embedded databases an application could
// use instead, the same workloads in one process run.
//
//   npm run bench:peers [-- --quick] [-- --one-isolate] [-- --engines flint-wasm,sqlite-full,...]
//
// Every engine runs in a worker thread of its own (bench/peers/host.ts: its
// own V8 heap and JIT state, as in an application that uses it), and the
// runner takes them in turns. --one-isolate runs them all in the main
// thread instead, as before session 15 (for comparison: there the engines'
// heaps and shared call sites weigh on each other). --engines runs a
// subset (the keys of bench/peers/engines.ts; flint-wasm, which every
// ratio is against, always) and writes peers-subset-* (or
// peers-quick-subset-*), never the committed peers-latest.*.
//
// Engines (bench/peers/*.ts, one adapter each behind one interface): Flint
// embedded with the WASM kernels and with the TS kernels (synchronous
// 'full': fdatasync per commit, group commit across sessions);
// better-sqlite3 in WAL mode with synchronous FULL and NORMAL; sql.js (in
// memory); PGlite (its defaults run PostgreSQL with fsync off, so its
// commits are not durable); and, in the durable-insert workloads, a raw
// loop of 4 KiB write + fdatasync on the same file system: the floor.
//
// Workloads (bench/peers/workloads.ts) on t(id INTEGER PRIMARY KEY, name
// TEXT, email TEXT, amount <8-byte float>, cat INTEGER) with an index on
// cat: bulk insert in one transaction; on-disk size; point selects by id;
// secondary-index lookups by cat; GROUP BY cat; a join; durable autocommit
// inserts from 1, 8 and 64 sessions (Flint: group commit; the others run
// them serially); autocommit updates by id. Every workload checks its
// answers against the seeded data generator and fails the run on a wrong
// one; --quick (CI's smoke test) uses small sizes and relies on exactly
// that. Timings are printed, never asserted. Each figure is printed with
// the ratio Flint(WASM)/peer.
//
// Results: bench/results/peers-latest.{json,md,svg} (a full run; the README
// shows the table and the chart), peers-quick-latest.* for --quick.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { machineInfo, writeResults } from './harness.ts';
import { ENGINE_KEYS, engineByKey } from './peers/engines.ts';
import { inProcessHost, isEngineWorker, serveEngine, workerHost, type EngineHost } from './peers/host.ts';
import { pgliteServerVersion } from './peers/pglite.ts';
import { markdownTable, printWorkloads, svgChart } from './peers/report.ts';
import { runAll } from './peers/run.ts';
import type { Sizes } from './peers/workloads.ts';

const quick = process.argv.includes('--quick');
const oneIsolate = process.argv.includes('--one-isolate');
const enginesArg = process.argv.indexOf('--engines');
/** The engines of this run: every one, or --engines' list (in the tables' order, flint-wasm always among them). */
const engineKeys = enginesArg < 0 ? [...ENGINE_KEYS] : subsetOf(process.argv[enginesArg + 1] ?? '');
const subset = engineKeys.length < ENGINE_KEYS.length;

function subsetOf(list: string): string[] {
  const asked = new Set(list.split(',').map((k) => k.trim()).filter((k) => k !== ''));
  const unknown = [...asked].filter((k) => !(ENGINE_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0 || asked.size === 0) {
    console.error(`bench:peers --engines: ${unknown.length > 0 ? `no engine ${unknown.join(', ')}; ` : ''}the engines are ${ENGINE_KEYS.join(', ')}`);
    process.exit(2);
  }
  asked.add('flint-wasm');
  return ENGINE_KEYS.filter((k) => asked.has(k));
}

/** Joins items with '; ' into lines of at most `width` characters. */
function wrap(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last]!.length + item.length + 2 <= width) lines[last] += `; ${item}`;
    else lines.push(item);
  }
  return lines;
}

const FULL: Sizes = { rows: 200_000, pointSelects: 200_000, byCatLookups: 2_000, groupBys: 20, joins: 2_000, durableInserts: 10_000, updates: 50_000, budgetMs: 15_000, durableBudgetMs: 45_000, rounds: 3, splitRounds: 8 };
const QUICK: Sizes = { rows: 20_000, pointSelects: 20_000, byCatLookups: 500, groupBys: 3, joins: 100, durableInserts: 1_000, updates: 1_000, budgetMs: 5_000, durableBudgetMs: 20_000, rounds: 2, splitRounds: 2 };
const WARM_UP: Sizes = { rows: 2_000, pointSelects: 2_000, byCatLookups: 200, groupBys: 2, joins: 20, durableInserts: 50, updates: 50, budgetMs: 2_000, durableBudgetMs: 2_000, rounds: 1, splitRounds: 1 };
const SIZES = quick ? QUICK : FULL;
const ROUNDS_NOTE =
  `rounds: the reads (point selects, lookups, GROUP BY, join) run ${SIZES.rounds} times each, and the figure is the median run's (the lookups by cat after a first run that warms up every engine and is not counted); ` +
  `so does the bulk load, after a first load that warms up every engine and is not counted (the later loads each into a fresh database, each on a rested disk; a load that took over 10 s runs once, and counts: PGlite); ` +
  `the durable inserts and the updates run in ${SIZES.splitRounds} rounds of a share of their operations each (the budget split alike), reported as one run. ` +
  'Every round runs on every engine before the next, so the load of a shared machine drifting weighs on all of them alike.';

function flintCommit(): string {
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' });
  if (git.status !== 0) return 'unknown';
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'assembly'], { encoding: 'utf8' });
  return `${git.stdout.trim()}${dirty.stdout.trim() === '' ? '' : ' (modified)'}`;
}

async function main(): Promise<void> {
  const started = performance.now();
  const hosts: EngineHost[] = [];
  for (const key of engineKeys) hosts.push(oneIsolate ? inProcessHost(await engineByKey(key)) : await workerHost(key, new URL(import.meta.url)));
  let postgresVersion = '';
  if (engineKeys.includes('pglite')) {
    const probeDir = mkdtempSync(join(tmpdir(), 'flint-bench-pglite-'));
    postgresVersion = await pgliteServerVersion(probeDir).finally(() => rmSync(probeDir, { recursive: true, force: true }));
  }
  for (const e of hosts) {
    if (e.info.key === 'flint-wasm' || e.info.key === 'flint-ts') e.info.version = `${e.info.version} @ ${flintCommit()}`;
    if (e.info.key === 'pglite') e.info.version = `${e.info.version} (${postgresVersion})`;
  }
  const infos = hosts.map((e) => e.info);
  const machine = machineInfo();

  console.log(`bench:peers${quick ? ' (quick: a smoke test, figures are not meaningful)' : ''}: Flint embedded vs its peers, same workloads, one process`);
  for (const [k, v] of Object.entries(machine)) console.log(`  ${k}: ${v}`);
  console.log(`  temp dir: ${tmpdir()} (every database and the fdatasync loop on this file system)`);
  console.log(oneIsolate ? '  --one-isolate: every engine in the main thread (one V8 heap and JIT)' : '  every engine in a worker thread of its own (its own V8 heap and JIT), one at a time');
  for (const e of infos) console.log(`  ${e.label} ${e.version}: ${e.note}`);
  if (engineKeys.includes('pglite')) console.log('  NOTE: PGlite runs with fsync off (its defaults), so its commits are not durable.');
  if (engineKeys.includes('sqljs')) console.log('  NOTE: sql.js keeps everything in memory.');
  console.log(`  budgets: ${SIZES.budgetMs / 1000} s per read workload, ${SIZES.durableBudgetMs / 1000} s per durable workload, per engine ('*': stopped by the budget, the figure is over the operations done)`);
  console.log(`  ${ROUNDS_NOTE}`);

  const log = (line: string) => console.log(line);
  if (!quick) {
    console.log('\nwarm-up (small sizes, every engine and workload):');
    const warm = await runAll(hosts, WARM_UP, log);
    if (warm.failures.length > 0) {
      for (const f of warm.failures) console.log(f);
      console.log('bench:peers FAILED in the warm-up');
      process.exit(1);
    }
  }
  console.log('\nmeasured run:');
  const { workloads, failures } = await runAll(hosts, SIZES, log);
  for (const host of hosts) await host.dispose();
  printWorkloads(workloads, infos);
  console.log('');
  console.log('flint/peer = Flint (WASM kernels) figure / peer figure: above 1 is better for a rate, worse for a time or a size.');
  console.log("'*' stopped by the time budget; '†' the engine's commits are not durable (fsync off, synchronous=NORMAL, or in memory).");

  const subtitle = [
    `${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, ${machine.runtime}, ${String(machine.date).slice(0, 10)}${quick ? ' (--quick: small sizes, not meaningful)' : ''}`,
    ...wrap(infos.filter((e) => e.key !== 'fsync').map((e) => `${e.label} ${e.version}`), 150),
  ];
  const name = `${quick ? 'peers-quick' : 'peers'}${subset ? '-subset' : ''}`;
  // Per-operation latencies stay out of the JSON (their quantiles are among the metrics); each round's headline figure
  // stays in (rounds: the counted ones; warmUp: the bulk load's and the lookups by cat's first, uncounted one;
  // roundsGc: the collections inside each counted round).
  const stripped = workloads.map((w) => ({
    ...w,
    outcomes: Object.fromEntries(Object.entries(w.outcomes).map(([k, o]) => [k, { metrics: o.metrics, rounds: o.rounds, warmUp: o.warmUp, roundsGc: o.roundsGc, diagnostics: o.diagnostics, timed: o.timed === undefined ? undefined : { ...o.timed, latenciesMs: undefined } }])),
  }));
  const file = writeResults(name, { quick, sizes: SIZES, engines: infos, workloads: stripped, failures });
  const md = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, ${machine.runtime}. Date: ${machine.date}.`,
    '',
    `Versions: ${infos.map((e) => `${e.label} ${e.version}`).join('; ')}.`,
    '',
    'Each cell: the figure, then (Flint WASM / peer). For a rate above 1 means Flint is faster; for a time or a size, below 1 means Flint is better.',
    "`*` stopped by the time budget (the figure is over the operations done); `†` the engine's commits are not durable (PGlite: fsync off by default; SQLite: synchronous=NORMAL; sql.js: in memory).",
    '',
    `${ROUNDS_NOTE[0]!.toUpperCase()}${ROUNDS_NOTE.slice(1)}`,
    '',
    oneIsolate
      ? 'Isolation: --one-isolate, every engine in the main thread (one V8 heap and JIT for all of them).'
      : 'Isolation: every engine runs in a worker thread of its own (its own V8 heap, garbage collector and JIT state, as in an application that uses one of them); one engine runs at a time.',
    '',
    'The headline figure of each workload (the one the chart shows):',
    '',
    markdownTable(workloads, infos, true),
    '',
    'Every figure, with the latency quantiles of the commit workloads. A latency runs from the moment a session is ready for its next statement to the statement\'s end (durable for Flint, SQLite FULL and the fdatasync loop), so with 8 and 64 sessions it includes waiting: for a group commit, or, on the engines that run the sessions serially on one connection, for the other sessions\' turns.',
    '',
    markdownTable(workloads, infos),
    '',
  ].join('\n');
  const resultsDir = join(process.cwd(), 'bench', 'results');
  writeFileSync(join(resultsDir, `${name}-latest.md`), md);
  writeFileSync(join(resultsDir, `${name}-latest.svg`), svgChart(workloads, infos, subtitle));
  console.log(`results: ${file}, ${name}-latest.md, ${name}-latest.svg; ${((performance.now() - started) / 1000).toFixed(0)} s in all`);
  if (failures.length > 0) {
    for (const f of failures) console.log(f);
    console.log('bench:peers FAILED: a workload gave a wrong answer or an error (see above)');
    process.exitCode = 1;
  }
}

// This module is also the script of every engine's worker (host.ts workerHost).
if (isEngineWorker()) await serveEngine();
else await main();
