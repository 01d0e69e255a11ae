// bench:peers' rounds: the bulk load's and the lookups by cat's first round is a warm-up that the
// figure leaves out, the durable workloads run Sizes.splitRounds shares,
// and every round's figure stays in the outcome (bench/peers/run.ts,
// bench/peers/workloads.ts). Runs the real runner on sql.js (in memory) at
// toy sizes; no timing is asserted.
import { describe, expect, it } from 'vitest';
import { inProcessHost, type EngineHost } from '../../bench/peers/host.ts';
import { runAll } from '../../bench/peers/run.ts';
import { sqljsEngine } from '../../bench/peers/sqljs.ts';
import { gcBetween, observeGc, type Timed } from '../../bench/peers/timing.ts';
import { mergeRounds, WORKLOADS, type Outcome, type Sizes } from '../../bench/peers/workloads.ts';

function outcome(value: number, warmUp = false, ops = 10): Outcome {
  const timed: Timed = { ops, wanted: ops, complete: true, elapsedMs: (ops * 1000) / value, latenciesMs: new Float64Array(ops).fill(1000 / value), startedAt: 0, cpuMs: ops / 100 };
  const o: Outcome = { metrics: [{ name: 'throughput', unit: 'ops/s', higherIsBetter: true, value }], timed };
  if (warmUp) o.warmUp = true;
  return o;
}

describe('bench:peers mergeRounds', () => {
  it("leaves a 'repeat' workload's warm-up round out of the median and keeps its figure apart", () => {
    // Without the warm-up left out the median of [100, 300, 200, 250] would be 200.
    const merged = mergeRounds('repeat', [outcome(100, true), outcome(300), outcome(200), outcome(250)]);
    expect(merged.metrics[0]!.value).toBe(250);
    expect(merged.rounds).toEqual([300, 200, 250]);
    expect(merged.warmUp).toEqual([100]);
  });

  it("keeps each counted 'repeat' round's collections, in the order of its figures", () => {
    const gc = (pauseMs: number) => ({ pauseMs, major: pauseMs > 5 ? 1 : 0, majorPauseMs: pauseMs > 5 ? pauseMs : 0, minor: 1 });
    const rounds = [outcome(100, true), outcome(300), outcome(200), outcome(250)];
    rounds.forEach((o, i) => (o.gc = gc(i * 3)));
    const merged = mergeRounds('repeat', rounds);
    expect(merged.roundsGc).toEqual([gc(3), gc(6), gc(9)]);
    // A round the host found no collections for: none kept.
    delete rounds[2]!.gc;
    expect(mergeRounds('repeat', rounds).roundsGc).toBeUndefined();
  });

  it('counts the warm-up round when no other round ran (an engine that loads once)', () => {
    const merged = mergeRounds('repeat', [outcome(40, true)]);
    expect(merged.metrics[0]!.value).toBe(40);
    expect(merged.rounds).toEqual([40]);
    expect(merged.warmUp).toBeUndefined();
  });

  it("pools a 'split' workload's rounds into one run", () => {
    const merged = mergeRounds('split', [outcome(100, false, 10), outcome(200, false, 20)]);
    expect(merged.timed!.ops).toBe(30);
    expect(merged.timed!.elapsedMs).toBeCloseTo(200);
    expect(merged.rounds).toEqual([100, 200]);
    expect(merged.warmUp).toBeUndefined();
  });

  it("keeps what each 'split' round spent: its rate, CPU per operation and the engine's counters", () => {
    const a = outcome(100, false, 10);
    a.counters = { rounds: 4, roundCommits: 10 };
    const merged = mergeRounds('split', [a, outcome(200, false, 20)]);
    expect(merged.diagnostics).toHaveLength(2);
    expect(merged.diagnostics![0]!.rate).toBe(100);
    // outcome() charges 0.01 ms of CPU an operation.
    expect(merged.diagnostics![0]!.cpuUsPerOp).toBeCloseTo(10);
    expect(merged.diagnostics![0]!.counters).toEqual({ rounds: 4, roundCommits: 10 });
    expect(merged.diagnostics![1]!.counters).toBeUndefined();
    expect(merged.timed!.cpuMs).toBeCloseTo(0.3);
  });
});

// Node's 'gc' performance entries; Bun and Deno have none (observeGc then records nothing).
const nodeGcEntries = typeof process.versions.bun !== 'string' && !('Deno' in globalThis);

describe.runIf(nodeGcEntries)('bench:peers gcBetween', () => {
  it('finds the collections inside a window and none outside it', async () => {
    observeGc();
    const t0 = performance.now();
    // ~100 MB of short-lived arrays: the young generation (a few MiB) fills many times over.
    let keep = 0;
    for (let i = 0; i < 200_000; i++) keep += new Array(64).fill(i).length;
    const t1 = performance.now();
    expect(keep).toBe(200_000 * 64);
    // The entries arrive after the collections, on a later turn of the event loop.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const inside = gcBetween(t0, t1);
    expect(inside.minor + inside.major).toBeGreaterThan(0);
    expect(inside.pauseMs).toBeGreaterThan(0);
    expect(gcBetween(t1 + 1e9, t1 + 2e9)).toEqual({ pauseMs: 0, major: 0, majorPauseMs: 0, minor: 0 });
  });
});

describe('bench:peers runAll rounds', () => {
  it('runs the bulk load and the lookups by cat rounds + 1 times (the first a warm-up), the split workloads splitRounds times, every figure kept', async () => {
    const sizes: Sizes = { rows: 300, pointSelects: 50, byCatLookups: 10, groupBys: 1, joins: 5, durableInserts: 60, updates: 30, budgetMs: 5_000, durableBudgetMs: 5_000, rounds: 2, splitRounds: 3 };
    const log: string[] = [];
    const { workloads, failures } = await runAll([inProcessHost(await sqljsEngine())], sizes, (line) => log.push(line));
    expect(failures).toEqual([]);
    // The runner's warm-up (300 durable inserts a workload) has rows of its own, more than the run's 60.
    expect(log.filter((line) => line.includes('warm-up failed'))).toEqual([]);
    const byKey = new Map(workloads.map((w) => [w.key, w.outcomes['sqljs']!]));
    const bulk = byKey.get('bulk-insert')!;
    expect(bulk.rounds).toHaveLength(2);
    expect(bulk.warmUp).toHaveLength(1);
    // The host reads each round's collections in the engine's own isolate (a worker's, in bench:peers).
    expect(bulk.gc).toMatchObject({ pauseMs: expect.any(Number), minor: expect.any(Number), major: expect.any(Number) });
    expect(byKey.get('point-select')!.rounds).toHaveLength(2);
    // The lookups by cat too have an uncounted first round (Flint's secondary scan is compiled again in it).
    const byCat = byKey.get('by-cat')!;
    expect(byCat.rounds).toHaveLength(2);
    expect(byCat.warmUp).toHaveLength(1);
    for (const key of ['insert-1', 'insert-8', 'insert-64', 'update']) {
      const o = byKey.get(key)!;
      expect(o.rounds, key).toHaveLength(3);
      expect(o.diagnostics, key).toHaveLength(3);
      expect(o.timed!.ops, key).toBe(key === 'update' ? sizes.updates : sizes.durableInserts);
    }
  });

  it('reports a host that dies (a worker that exited) as a failure of its engine and runs the others', async () => {
    const sizes: Sizes = { rows: 100, pointSelects: 10, byCatLookups: 5, groupBys: 1, joins: 2, durableInserts: 20, updates: 10, budgetMs: 5_000, durableBudgetMs: 5_000, rounds: 1, splitRounds: 1 };
    const healthy = inProcessHost(await sqljsEngine());
    const gone = new Error('the worker of sqljs exited (code 1)');
    const dead: EngineHost = {
      ...inProcessHost(await sqljsEngine()),
      info: { ...healthy.info, key: 'dead', label: 'dead engine' },
      warmUp: () => Promise.reject(gone),
      open: () => Promise.reject(gone),
      round: () => Promise.reject(gone),
      close: () => Promise.reject(gone),
    };
    const log: string[] = [];
    const { workloads, failures } = await runAll([dead, healthy], sizes, (line) => log.push(line));
    expect(log).toContain('  dead engine: warm-up failed: the worker of sqljs exited (code 1)');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/^dead engine, open and create the schema: error: Error: the worker of sqljs exited/);
    for (const w of workloads) {
      expect(w.outcomes['dead'], w.key).toBeUndefined();
      expect(w.outcomes['sqljs'], w.key).toBeDefined();
    }
  });

  it('starts each bulk load on a rested disk, as the durable rounds do', () => {
    expect(WORKLOADS.find((w) => w.key === 'bulk-insert')!.restedDisk).toBe(true);
  });
});
