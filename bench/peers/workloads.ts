// bench/peers: the workloads, in the order they run. Each runs on every
// engine in turn before the next starts, checks its answers against the
// data generator (a wrong answer throws WrongAnswer, never looks fast), and
// reports one or more metrics; the first is the headline the chart shows.
import { catLabel, check, makeRows, near, randomInts, type Dataset } from './data.ts';
import { gcBetween, quantile, timed, timedConcurrent, whenDone, type GcTime, type Timed } from './timing.ts';
import type { PeerDb, RowTuple } from './types.ts';

export interface Sizes {
  rows: number;
  pointSelects: number;
  byCatLookups: number;
  groupBys: number;
  joins: number;
  durableInserts: number;
  updates: number;
  /** Time budget per workload per engine, ms (reads). */
  budgetMs: number;
  /** Time budget per durable-commit workload per engine, ms (split over its rounds). */
  durableBudgetMs: number;
  /**
   * Rounds of the 'repeat' workloads (Workload.rounds): each round runs on
   * every engine before the next starts, so a machine whose load drifts
   * over the minutes of a run weighs on every engine alike.
   */
  rounds: number;
  /**
   * Rounds of the 'split' workloads (the durable inserts and updates), each
   * a share of the operations, interleaved the same way. More and shorter
   * than the reads' rounds: an engine's figure is the pooled run, and a
   * stretch of slow disk (a throttled fdatasync lasts 1-3 s on the machines
   * this runs on) then falls on a smaller share of any one engine's
   * operations and on more engines.
   */
  splitRounds: number;
}

export interface Metric {
  name: string;
  unit: string;
  higherIsBetter: boolean;
  value: number;
}

export interface Outcome {
  metrics: Metric[];
  timed?: Timed;
  /** A workload run in rounds: the headline figure of each counted round, in order. */
  rounds?: number[];
  /**
   * Set on the outcome of a warm-up round (Workload.warmUpRound), which the
   * merged figure leaves out; in a merged outcome, the warm-up rounds'
   * headline figures (kept in the results, not in the figure).
   */
  warmUp?: true | number[];
  /** The engine's own counters over the round (PeerDb.counters: how they changed). */
  counters?: Record<string, number>;
  /**
   * A merged 'split' outcome: what each counted round spent, to tell why
   * rounds of one engine differ (the durable workloads' rounds spread
   * wider than the engines differ).
   */
  diagnostics?: RoundDiagnostics[];
  /**
   * The collections inside the timing, as the host found them in the
   * engine's own isolate right after the round (EngineHost.round); a
   * merged 'split' outcome keeps them per round in `diagnostics`.
   */
  gc?: GcTime;
  /**
   * A merged 'repeat' outcome: the collections inside each counted round,
   * in the order of `rounds` (when the host found them for every round), to
   * tell a round slowed by the collector from one slowed by anything else
   * (Flint's lookups by cat spread 84k-106k/s over a run's three rounds).
   */
  roundsGc?: GcTime[];
}

/** One round of a 'split' workload on one engine (Outcome.diagnostics). */
export interface RoundDiagnostics {
  /** The round's headline figure (ops/s). */
  rate: number;
  /** The process's CPU time (every thread) over the round, µs per operation. */
  cpuUsPerOp: number;
  /** Garbage collections that started inside the round, in the engine's isolate (its own in a worker; every engine's with --one-isolate: timing.ts observeGc). */
  gc: GcTime;
  /** PeerDb.counters' changes over the round, if the engine has counters. */
  counters?: Record<string, number>;
}

export interface Context {
  sizes: Sizes;
  data: Dataset;
  /** Rows of the durable-insert tables (ids 1..durableInserts + the warm-up's, warmInserts). */
  durableRows: readonly RowTuple[];
}

export interface Workload {
  key: string;
  title(sizes: Sizes): string;
  /** Commits must be durable: engines that do not make them so are marked. */
  durable?: boolean;
  /** The raw fdatasync loop takes part (durable inserts only). */
  floor?: boolean;
  /**
   * Each engine's round starts on a rested disk, as a durable workload's
   * does (the runner's flushOsCache and settleDisk): for a workload whose
   * time includes writing to the disk without being one of the durable
   * ones (the bulk load, which every durable engine ends with an fdatasync
   * of everything it wrote).
   */
  restedDisk?: boolean;
  /**
   * How the workload runs in Sizes.rounds rounds (once without this):
   * 'repeat' runs all of it each round and reports the round with the
   * median headline figure (reads: one round of 2,000 lookups lasts a
   * tenth of a second, which one stall can skew); 'split' runs a share of
   * its operations each round, continuing where the engine's last round
   * stopped, and reports them as one run (merge: inserts and updates, which
   * change the tables and cannot be run twice).
   */
  rounds?: 'repeat' | 'split';
  /**
   * A 'repeat' workload runs one round more than Sizes.rounds, and the
   * first is a warm-up: the workload marks its outcome `warmUp` and the
   * merged figure is over the later rounds (unless no later round ran).
   */
  warmUpRound?: boolean;
  /** The round's outcome, or undefined when the workload chose not to run this round (it then counts for nothing). */
  run(db: PeerDb, ctx: Context, round: Round): Promise<Outcome | undefined>;
}

/** Which round of a workload this is, and for 'split', where its share starts. */
export interface Round {
  index: number;
  count: number;
  /** 'split': operations the engine's earlier rounds of this workload did. */
  done: number;
  /** The headline figures of the engine's earlier rounds of this workload, in order. */
  earlier: readonly Outcome[];
  /**
   * Opens a new, empty database of the same engine with the benchmark's
   * schema, in a directory of its own that the runner deletes after the
   * round; the workload closes it. For a 'repeat' workload that must start
   * from empty tables each time (the bulk load).
   */
  fresh(): Promise<PeerDb>;
}

/** A 'split' round's share: how many operations, and its time budget. */
function share(total: number, budgetMs: number, round: Round): { wanted: number; budgetMs: number } {
  const end = Math.round((total * (round.index + 1)) / round.count);
  return { wanted: Math.max(0, end - round.done), budgetMs: budgetMs / round.count };
}

export const DURABLE_TABLES = ['d1', 'd8', 'd64'] as const;

const rate = (t: Timed, name: string, unit: string): Metric => ({ name, unit, higherIsBetter: true, value: (t.ops * 1000) / t.elapsedMs });

function latencyMetrics(t: Timed): Metric[] {
  return [
    rate(t, 'throughput', 'ops/s'),
    { name: 'p50', unit: 'ms', higherIsBetter: false, value: quantile(t.latenciesMs!, 0.5) },
    { name: 'p99', unit: 'ms', higherIsBetter: false, value: quantile(t.latenciesMs!, 0.99) },
  ];
}

/**
 * One engine's rounds of a workload as one outcome. 'repeat': the round
 * whose headline figure is the median (the lower middle one of an even
 * count); 'split': the rounds' operations as one run (their counts and
 * times added, their latencies pooled).
 */
export function mergeRounds(how: 'repeat' | 'split', all: readonly Outcome[]): Outcome {
  const counted = all.filter((o) => o.warmUp === undefined);
  // Only warm-up rounds ran (an engine that runs a workload once): that round is the figure.
  const outcomes = counted.length > 0 ? counted : all;
  const warmUp = counted.length > 0 && counted.length < all.length ? { warmUp: all.filter((o) => o.warmUp !== undefined).map((o) => o.metrics[0]!.value) } : {};
  const rounds = outcomes.map((o) => o.metrics[0]!.value);
  if (how === 'repeat') {
    const order = outcomes.map((_, i) => i).sort((a, b) => rounds[a]! - rounds[b]!);
    const { warmUp: _, ...median } = outcomes[order[(order.length - 1) >> 1]!]!;
    const roundsGc = outcomes.every((o) => o.gc !== undefined) ? { roundsGc: outcomes.map((o) => o.gc!) } : {};
    return { ...median, rounds, ...warmUp, ...roundsGc };
  }
  const timeds = outcomes.map((o) => o.timed!);
  const latencies = new Float64Array(timeds.reduce((n, t) => n + t.latenciesMs!.length, 0));
  let at = 0;
  for (const t of timeds) {
    latencies.set(t.latenciesMs!, at);
    at += t.latenciesMs!.length;
  }
  const t: Timed = {
    ops: timeds.reduce((n, x) => n + x.ops, 0),
    wanted: timeds.reduce((n, x) => n + x.wanted, 0),
    complete: timeds.every((x) => x.complete),
    elapsedMs: timeds.reduce((n, x) => n + x.elapsedMs, 0),
    latenciesMs: latencies.sort(),
    startedAt: timeds[0]!.startedAt,
    cpuMs: timeds.reduce((n, x) => n + x.cpuMs, 0),
  };
  const diagnostics = outcomes.map((o, i): RoundDiagnostics => {
    const x = o.timed!;
    return {
      rate: rounds[i]!,
      cpuUsPerOp: x.ops === 0 ? Number.NaN : (x.cpuMs * 1000) / x.ops,
      gc: o.gc ?? gcBetween(x.startedAt, x.startedAt + x.elapsedMs),
      ...(o.counters === undefined ? {} : { counters: o.counters }),
    };
  });
  return { metrics: latencyMetrics(t), timed: t, rounds, diagnostics, ...warmUp };
}

/** How the engine's counters (PeerDb.counters) changed since `before`, as an Outcome's `counters` field. */
function countersSince(db: PeerDb, before: Record<string, number> | undefined): { counters?: Record<string, number> } {
  const after = db.counters?.();
  if (before === undefined || after === undefined) return {};
  return { counters: Object.fromEntries(Object.entries(after).map(([k, v]) => [k, v - (before[k] ?? 0)])) };
}

async function checkTotals(db: PeerDb, table: string, count: number, idSum: number, amountSum: number): Promise<void> {
  const [n, ids, amounts] = await db.totals(table);
  check(n === count && ids === idSum && near(amounts, amountSum), () => `${table} holds count ${n}, sum(id) ${ids}, sum(amount) ${amounts}; expected ${count}, ${idSum}, ${amountSum}`);
}

/**
 * Untimed inserts each engine runs, through the same sessions and code, at
 * the start of its first round of a durable-insert workload (rows
 * durableRows[0, warm), the timed ones follow). Flint's two builds share
 * all their JavaScript but the kernels, and each workload's code path
 * (the synchronous autocommit before, Session.runAsync and the WAL's group
 * commit rounds here) changes the type feedback of the functions they
 * share: the first build to run the workload deoptimised and re-warmed
 * them for both (V8's --trace-deopt shows the WAL writer's #madeDurable,
 * sync and waitDurable deoptimised in that round), and paid it in its
 * timed round. The rotating order made that Flint (WASM) in the
 * 8-session workload's first round in every run: 14.8k ops/s against the
 * TS build's 20.0k in that round at 737c51f, level in the next.
 * Measured with bench:peers' runner restricted to the two builds and the
 * fsync loop (200k rows loaded, no reads), both orders: in the 8-session
 * workload's first round the first build's CPU per timed insert was 1.69x
 * and 2.07x the second's (later rounds 0.8-1.3x either way); with this
 * warm-up 1.28x and 1.18x. It also takes each engine's first commits on
 * the table (and Flint's first group-commit rounds of the database, whose
 * moving averages start there) out of the timing, alike for every engine.
 */
function warmInserts(sizes: Sizes): number {
  return Math.min(DURABLE_WARM_INSERTS, Math.floor(sizes.durableInserts / 10));
}
const DURABLE_WARM_INSERTS = 500;

function durableInserts(table: string, sessions: number): Workload {
  return {
    key: `insert-${sessions}`,
    title: (z) => `${z.durableInserts} durable autocommit inserts, ${sessions} session${sessions === 1 ? '' : 's'}`,
    durable: true,
    floor: true,
    rounds: 'split',
    async run(db, { sizes, durableRows }, round) {
      const conns = sessions > 1 ? db.sessions?.(sessions) : undefined;
      const { wanted, budgetMs } = share(sizes.durableInserts, sizes.durableBudgetMs, round);
      const warm = warmInserts(sizes);
      const from = warm + round.done;
      const insert = (w: number, row: RowTuple) => (conns === undefined ? db.insertAutocommit(table, row) : conns[w]!.insertAutocommit(table, row));
      try {
        if (round.index === 0 && warm > 0) await timedConcurrent(warm, Number.POSITIVE_INFINITY, sessions, (w, i) => insert(w, durableRows[i]!));
        const before = db.counters?.();
        const t = await timedConcurrent(wanted, budgetMs, sessions, (w, i) => insert(w, durableRows[from + i]!));
        const counters = countersSince(db, before);
        // Every insert started has finished: the table holds exactly the rows before from + ops (the warm-up's first).
        const done = durableRows.slice(0, from + t.ops);
        await checkTotals(db, table, done.length, done.reduce((s, r) => s + r[0], 0), done.reduce((s, r) => s + r[3], 0));
        return { metrics: latencyMetrics(t), timed: t, ...counters };
      } finally {
        for (const c of conns ?? []) c.close();
      }
    },
  };
}

/** A bulk load longer than this runs once: the repeats are for the loads that one stall can skew. */
const BULK_REPEAT_MS = 10_000;

export const WORKLOADS: Workload[] = [
  {
    key: 'bulk-insert',
    rounds: 'repeat',
    warmUpRound: true,
    restedDisk: true,
    title: (z) => `bulk insert ${z.rows} rows, 1 transaction`,
    async run(db, { data }, round) {
      // The first round loads the database every later workload reads, and
      // is a warm-up; the later rounds load a fresh database each and the
      // figure is the median of theirs (a load is one sample of about a
      // second, which the machine's load can move by a quarter). An engine
      // whose first load took longer than BULK_REPEAT_MS (PGlite: a
      // minute) runs it once, and that load is its figure.
      //
      // Why the first load is not counted: the first full-size load in a
      // process costs more CPU than the loads after it, for code that
      // compiles as it runs. In bench:peers' own runner (its warm-ups,
      // every engine), Flint (WASM)'s first load used 1.12-1.38x (median
      // ~1.2x) the user CPU of its later ones in 8 runs; V8's --trace-opt
      // shows 19-100 TurboFan compiles during it against 3-5 in the later
      // loads, and with --no-opt all loads cost the same. The cost is the
      // JavaScript's: run alone, whichever Flint build loads first pays it
      // and the other build's first load does not (WASM after a TS load:
      // 392 ms, its later loads 335-394), so the engine order, which puts
      // Flint (WASM) first in round 1, charged it to that build alone (its
      // TS twin's first load, second in the order, was level with its
      // later ones). The runner's warm-up (2,000 rows) does not reach it;
      // even a 50,000-row load before does not. Every committed run since
      // the load became a median had Flint (WASM)'s first load the
      // slowest of its three (0.52x, 0.69x SQLite FULL's round; the other
      // loads 0.89-1.03x), and the median of [cold, warm, warm] is the
      // slower warm one. Each engine's first load is now its warm-up,
      // alike for all (SQLite's first load costs it little extra CPU).
      //
      // restedDisk: each load starts on a rested disk (the runner's
      // flushOsCache and settleDisk), as a durable round does: the load of
      // every durable engine ends with an fdatasync of all it wrote (~41 MB
      // of WAL for Flint, ~27 MB for SQLite), and what the engine before
      // left unsynced was written back during it: 40-66 MB of dirty pages
      // in the OS cache at the start of each load (/proc/meminfo), 45 MB
      // before the first (PGlite's new database, opened just before).
      if (round.index > 0 && (round.earlier[0]?.timed?.elapsedMs ?? Infinity) > BULK_REPEAT_MS) return undefined;
      const target = round.index === 0 ? db : await round.fresh();
      try {
        const cpu0 = process.cpuUsage();
        const t0 = performance.now();
        await target.bulkInsert(data.rows);
        const elapsedMs = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        await checkTotals(target, 't', data.count, data.idSum, data.amountSum);
        const t: Timed = { ops: data.count, wanted: data.count, complete: true, elapsedMs, startedAt: t0, cpuMs: (cpu.user + cpu.system) / 1000 };
        const outcome: Outcome = { metrics: [rate(t, 'throughput', 'rows/s')], timed: t };
        if (round.index === 0) outcome.warmUp = true;
        return outcome;
      } finally {
        if (target !== db) await target.close();
      }
    },
  },
  {
    key: 'size',
    title: (z) => `on-disk size after loading ${z.rows} rows (after a checkpoint)`,
    async run(db) {
      const bytes = await db.sizeOnDisk();
      check(bytes > 0, () => `size on disk ${bytes}`);
      return { metrics: [{ name: 'size', unit: 'MiB', higherIsBetter: false, value: bytes / 2 ** 20 }] };
    },
  },
  {
    key: 'point-select',
    rounds: 'repeat',
    title: (z) => `${z.pointSelects} random point selects by id`,
    async run(db, { sizes, data }, round) {
      const ids = randomInts(sizes.pointSelects, data.count, 11);
      let checksum = 0;
      const add = (r: readonly unknown[] | undefined) => {
        check(r !== undefined, () => 'a point select found no row');
        checksum += (r![0] as number) + (r![4] as number) + (r![3] as number) + (r![1] as string).length + (r![2] as string).length;
      };
      const t = await timed(sizes.pointSelects, sizes.budgetMs / round.count, (i) => whenDone(db.pointSelect(ids[i]! + 1), add));
      let expected = 0;
      for (let i = 0; i < t.ops; i++) {
        const [id, name, email, amount, cat] = data.rows[ids[i]!]!;
        expected += id + cat + amount + name.length + email.length;
      }
      check(near(checksum, expected), () => `point select checksum ${checksum}, expected ${expected}`);
      return { metrics: [rate(t, 'throughput', 'ops/s')], timed: t };
    },
  },
  {
    key: 'by-cat',
    rounds: 'repeat',
    // The first round is a warm-up: in it V8 optimises Flint's secondary
    // scan (IndexManager's #scanCollected, the B-tree's collectBlocks,
    // Heap.extractTuples; the TS build's kernels too). The run's small-size
    // warm-up pass does 200 lookups an engine, too few for that, and code
    // optimised on another database deoptimises at its kernel calls (each
    // database has its own WASM instance, other call targets). At 3a4efe9 the
    // first round ran at half the rate of the later ones on both Flint builds
    // (43.5k and 32.2k lookups/s against 83-92k and 61-66k) and set the
    // median; the peers' first rounds were as fast as their later ones. Not
    // the data: a third database loaded after the others ran its first round
    // at 1.3x the CPU of its later ones, against 4x for the first database.
    warmUpRound: true,
    title: (z) => `${z.byCatLookups} secondary-index lookups (WHERE cat = $1, ~20 rows each)`,
    async run(db, { sizes, data }, round) {
      const cats = randomInts(sizes.byCatLookups, data.cats, 12);
      const t = await timed(sizes.byCatLookups, sizes.budgetMs / round.count, (i) =>
        whenDone(db.byCat(cats[i]!), (rows) => {
          const cat = cats[i]!;
          let ids = 0;
          for (const r of rows) ids += r[0] as number;
          check(rows.length === data.catCount[cat] && ids === data.catIdSum[cat], () => `cat ${cat}: ${rows.length} rows, sum(id) ${ids}; expected ${data.catCount[cat]}, ${data.catIdSum[cat]}`);
        }),
      );
      const outcome: Outcome = { metrics: [rate(t, 'throughput', 'lookups/s')], timed: t };
      if (round.index === 0) outcome.warmUp = true;
      return outcome;
    },
  },
  {
    key: 'group-by',
    rounds: 'repeat',
    title: (z) => `GROUP BY cat over ${z.rows} rows: count, sum (up to ${z.groupBys} runs)`,
    async run(db, { sizes, data }, round) {
      const groups = data.catCount.reduce((n, c) => n + (c > 0 ? 1 : 0), 0);
      const t = await timed(sizes.groupBys, sizes.budgetMs / round.count, () =>
        whenDone(db.groupBy(), (rows) => {
          check(rows.length === groups, () => `GROUP BY returned ${rows.length} groups, expected ${groups}`);
          for (const r of rows) {
            const cat = Number(r[0]);
            check(Number(r[1]) === data.catCount[cat] && near(r[2], data.catAmountSum[cat]!), () => `group ${cat}: ${JSON.stringify(r)}, expected ${data.catCount[cat]}, ${data.catAmountSum[cat]}`);
          }
        }),
      );
      return { metrics: [{ name: 'time', unit: 'ms/query', higherIsBetter: false, value: t.elapsedMs / t.ops }], timed: t };
    },
  },
  {
    key: 'join',
    rounds: 'repeat',
    title: (z) => `join t with c on cat, WHERE c.label = $1 (~20 rows; up to ${z.joins} queries)`,
    async run(db, { sizes, data }, round) {
      const cats = randomInts(sizes.joins, data.cats, 13);
      const t = await timed(sizes.joins, sizes.budgetMs / round.count, (i) => {
        const cat = cats[i]!;
        return whenDone(db.join(catLabel(cat)), (rows) => {
          let ids = 0;
          for (const r of rows) ids += r[0] as number;
          check(
            rows.length === data.catCount[cat] && ids === data.catIdSum[cat] && (rows.length === 0 || rows[0]![2] === catLabel(cat)),
            () => `join for ${catLabel(cat)}: ${rows.length} rows, sum(id) ${ids}; expected ${data.catCount[cat]}, ${data.catIdSum[cat]}`,
          );
        });
      });
      return { metrics: [rate(t, 'throughput', 'queries/s')], timed: t };
    },
  },
  durableInserts('d1', 1),
  durableInserts('d8', 8),
  durableInserts('d64', 64),
  {
    key: 'update',
    title: (z) => `${z.updates} autocommit updates by id (durable)`,
    durable: true,
    rounds: 'split',
    async run(db, { sizes, data }, round) {
      const ids = randomInts(sizes.updates, data.count, 14);
      const { wanted, budgetMs } = share(sizes.updates, sizes.durableBudgetMs, round);
      const from = round.done;
      const [, , before] = await db.totals('t');
      const changed = (n: number) => check(n === 1, () => `an update by id changed ${n} rows`);
      const counters0 = db.counters?.();
      const t = await timedConcurrent(wanted, budgetMs, 1, (_w, i) => whenDone(db.updateById(ids[from + i]! + 1), changed));
      const counters = countersSince(db, counters0);
      await checkTotals(db, 't', data.count, data.idSum, before + t.ops);
      return { metrics: latencyMetrics(t), timed: t, ...counters };
    },
  },
];

/** Rows for the durable-insert tables, from their own seed. */
export function durableRowsFor(sizes: Sizes, data: Dataset): RowTuple[] {
  return makeRows(warmInserts(sizes) + sizes.durableInserts, data.cats, 31);
}
