// bench/peers: runs every workload on every engine, side by side in one
// process, each engine through an EngineHost (host.ts: bench:peers gives
// every engine a worker thread of its own). All databases are open at once, each in its own directory under
// one temp directory (the same file system); each workload runs on every
// engine before the next one starts, and the engine order rotates from
// workload to workload, so a machine whose load drifts skews them alike.
// Workloads with rounds (Workload.rounds) run round by round: each round on
// every engine, the order rotating again, before the next round ('repeat':
// Sizes.rounds, plus a first warm-up round for the bulk load; 'split', the
// durable inserts and updates: Sizes.splitRounds, more and shorter).
// Before any of it every engine warms up on a scratch database (warmUp).
// An engine that fails a workload (wrong answer or error) is closed and
// skips the rest; the run then fails.
import { spawnSync } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WrongAnswer } from './data.ts';
import { FSYNC_FLOOR_KEY } from './fsync-floor.ts';
import type { EngineHost } from './host.ts';
import { mergeRounds, WORKLOADS, type Outcome, type RoundDiagnostics, type Sizes } from './workloads.ts';

export interface WorkloadResult {
  key: string;
  title: string;
  durable: boolean;
  /** Per engine key. */
  outcomes: Record<string, Outcome>;
  errors: Record<string, string>;
}

export interface RunResult {
  workloads: WorkloadResult[];
  failures: string[];
}

export async function runAll(hosts: readonly EngineHost[], sizes: Sizes, log: (line: string) => void): Promise<RunResult> {
  const root = mkdtempSync(join(tmpdir(), 'flint-bench-peers-'));
  for (const host of hosts) await host.prepare(sizes, root);
  await warmUp(hosts, root, log);
  const open: boolean[] = hosts.map(() => false);
  const workloads: WorkloadResult[] = [];
  const failures: string[] = [];
  const fail = async (e: number, what: string, error: unknown): Promise<string> => {
    const message = error instanceof WrongAnswer ? `WRONG ANSWER: ${error.message}` : `error: ${(error as Error).stack ?? String(error)}`;
    failures.push(`${hosts[e]!.info.label}, ${what}: ${message}`);
    log(`  ${hosts[e]!.info.label} FAILED ${what}: ${message}`);
    const wasOpen = open[e];
    open[e] = false;
    try {
      if (wasOpen) await hosts[e]!.close();
    } catch {
      // Already failing: the first error is the one reported.
    }
    return message;
  };
  try {
    for (let e = 0; e < hosts.length; e++) {
      const dir = join(root, hosts[e]!.info.key);
      mkdirSync(dir);
      try {
        open[e] = true;
        await hosts[e]!.open(dir);
      } catch (error) {
        await fail(e, 'open and create the schema', error);
      }
    }
    for (const [k, workload] of WORKLOADS.entries()) {
      const result: WorkloadResult = { key: workload.key, title: workload.title(sizes), durable: workload.durable === true, outcomes: {}, errors: {} };
      workloads.push(result);
      const t0 = performance.now();
      const rounds = workload.rounds === undefined ? 1 : workload.rounds === 'split' ? sizes.splitRounds : sizes.rounds + (workload.warmUpRound === true ? 1 : 0);
      const done: Outcome[][] = hosts.map(() => []);
      for (let r = 0; r < rounds; r++) {
        for (let j = 0; j < hosts.length; j++) {
          const e = (j + k + r) % hosts.length;
          const host = hosts[e]!;
          if (!open[e]) continue;
          if (host.info.key === FSYNC_FLOOR_KEY && workload.floor !== true) continue;
          // What the engine before left dirty in the OS cache (SQLite NORMAL's and PGlite's unsynced
          // writes, a checkpoint's pages) is written back first, so it does not slow this engine's fdatasyncs.
          if (workload.durable === true || workload.restedDisk === true) {
            flushOsCache();
            const waited = settleDisk(root);
            if (waited > SETTLE_LOG_MS) log(`    (${host.info.label}: waited ${(waited / 1000).toFixed(1)} s for the disk to keep up before round ${r + 1})`);
          }
          const before = done[e]!.reduce((n, o) => n + (o.timed?.ops ?? 0), 0);
          try {
            const outcome = await host.round(k, { index: r, count: rounds, done: before, earlier: done[e]! });
            if (outcome !== undefined) done[e]!.push(outcome);
          } catch (error) {
            result.errors[host.info.key] = await fail(e, workload.key, error);
          }
        }
      }
      for (let e = 0; e < hosts.length; e++) {
        const outcomes = done[e]!;
        if (outcomes.length === 0 || result.errors[hosts[e]!.info.key] !== undefined) continue;
        const merged = workload.rounds === undefined ? outcomes[0]! : mergeRounds(workload.rounds, outcomes);
        result.outcomes[hosts[e]!.info.key] = merged;
        if (merged.diagnostics !== undefined && hosts[e]!.info.key.startsWith('flint')) log(`    ${hosts[e]!.info.label} rounds: ${merged.diagnostics.map(describeRound).join(' | ')}`);
      }
      log(`  ${workload.key}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    for (let e = 0; e < hosts.length; e++) {
      if (!open[e]) continue;
      open[e] = false;
      try {
        await hosts[e]!.close();
      } catch (error) {
        failures.push(`close: ${(error as Error).message}`);
      }
    }
    rmSync(root, { recursive: true, force: true });
  }
  return { workloads, failures };
}

/**
 * One round of a durable workload, for the log: its rate, CPU µs an
 * operation, the collections' pause in it (major ones counted), and from
 * Flint's counters the commits a group-commit round covered and the share
 * of rounds started early (the pacing's alternating groups) and blocking.
 */
function describeRound(d: RoundDiagnostics): string {
  const c = d.counters;
  const perRound = c !== undefined && c.rounds! > 0 ? ` ${(c.roundCommits! / c.rounds!).toFixed(0)}/round ${((100 * c.earlyRounds!) / c.rounds!).toFixed(0)}%e ${((100 * c.blockingRounds!) / c.rounds!).toFixed(0)}%b` : '';
  return `${(d.rate / 1000).toFixed(1)}k ${d.cpuUsPerOp.toFixed(0)}µs gc ${d.gc.pauseMs.toFixed(1)}ms${d.gc.major > 0 ? ` (${d.gc.major} major ${d.gc.majorPauseMs.toFixed(1)}ms)` : ''}${perRound}`;
}

/** Rows each engine loads in its warm-up (warmUp). */
const WARM_UP_ROWS = 2000;
/** Durable autocommit inserts of each durable-insert workload (1, 8 and 64 sessions) in the warm-up. */
const WARM_UP_DURABLE_INSERTS = 300;

/**
 * Before anything is timed, every engine loads a few rows into a scratch
 * database of its own and reads some back (then closes and deletes it),
 * so that no engine's first workload also pays for compiling its code
 * (EngineHost.warmUp). Flint's two builds share all their JavaScript but
 * the kernels: in one isolate (`--one-isolate`) the one that ran bulk
 * insert first paid the JIT warm-up of the whole SQL-to-storage path for
 * both, and the other ran on warm code (in bench:peers --quick, 20k rows:
 * 9.3k rows/s against 21.1k). The durable-insert workloads run too, a few
 * hundred inserts each, through the same code as the timed ones: Flint's
 * sessions (Session.runAsync, group commit) run code nothing else here
 * does, and the first engine to run the 8-session workload paid its
 * compiling inside a timed round (with no I/O, the first 1,500 inserts of
 * 8 sessions took 145-256 µs of CPU each against 7-50 µs later). A
 * warm-up that fails is logged; the run itself then reports the engine's
 * failure.
 */
async function warmUp(hosts: readonly EngineHost[], root: string, log: (line: string) => void): Promise<void> {
  for (const host of hosts) {
    if (host.info.key === FSYNC_FLOOR_KEY) continue;
    // warmUp reports the engine's failures; a rejection is the host's own (a worker that died).
    const failed = await host.warmUp(join(root, `warm-up-${host.info.key}`), WARM_UP_ROWS, WARM_UP_DURABLE_INSERTS).catch((error: Error) => error.message);
    if (failed !== undefined) log(`  ${host.info.label}: warm-up failed: ${failed}`);
  }
}

/** A wait for the disk (settleDisk) longer than this is logged. */
const SETTLE_LOG_MS = 500;
/** settleDisk: probes in a row that must each take under SETTLE_FAST_MS. */
const SETTLE_PROBES = 8;
const SETTLE_FAST_MS = 1.5;
/** settleDisk gives up after this long (the round then runs on the disk as it is). */
const SETTLE_MAX_MS = 15_000;

/**
 * Wait until a 4 KiB write + fdatasync is fast again, SETTLE_PROBES in a
 * row, before a durable workload's round; returns the ms waited. The disk
 * of the machines this runs on may be rate-limited (a virtual machine's
 * block device): once a burst of writes has used up its budget, every
 * fdatasync waits for the limiter's next tick, ~4 ms each, until the budget
 * refills. Measured on the machine of session 9: after 200-240 MB written
 * (a bulk load's worth, or the dirty pages flushOsCache writes back), 4 KiB
 * + fdatasync took 3.98-4.00 ms each (against 0.13-0.25 ms rested) for
 * about 1-3 s. Without this, whichever engine ran right after the writes of
 * the engines before it (or the sync(1) of their unsynced pages) had its
 * round timed against a throttled disk.
 */
function settleDisk(root: string): number {
  const t0 = performance.now();
  const path = join(root, 'settle-probe.bin');
  const fd = openSync(path, 'w');
  const page = new Uint8Array(4096);
  try {
    let fast = 0;
    for (let i = 0; fast < SETTLE_PROBES && performance.now() - t0 < SETTLE_MAX_MS; i++) {
      const t = performance.now();
      writeSync(fd, page, 0, page.length, (i % 16) * page.length);
      fdatasyncSync(fd);
      fast = performance.now() - t < SETTLE_FAST_MS ? fast + 1 : 0;
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  return performance.now() - t0;
}

/**
 * Write back every dirty page of the OS cache (sync(1)): before a durable
 * workload, so that an engine's fdatasyncs do not also wait for the writes
 * the engines run before it left unsynced (SQLite NORMAL, PGlite with fsync
 * off, sql.js's exported image). Where there is no sync command (Windows),
 * nothing.
 */
function flushOsCache(): void {
  if (process.platform === 'win32') return;
  spawnSync('sync', { stdio: 'ignore' });
}
