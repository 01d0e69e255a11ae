// bench/peers: timing loops that work for synchronous and asynchronous
// engines alike. An operation that returns a value is not awaited, so a
// synchronous engine's loop runs without yielding and pays no promise per
// operation; one that returns a promise is awaited.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import type { MaybePromise } from './types.ts';

export interface Timed {
  /** Operations done. */
  ops: number;
  /** Operations asked for; fewer were done if the time budget ran out. */
  wanted: number;
  complete: boolean;
  elapsedMs: number;
  /** Per-operation latencies in ms (latency workloads only), sorted. */
  latenciesMs?: Float64Array;
  /** performance.now() at the start, to find the garbage collections inside the timing (gcBetween). */
  startedAt: number;
  /** This process's CPU time (user + system, every thread) over the timing, ms. */
  cpuMs: number;
}

/** The collections' pauses inside one timing (gcBetween). */
export interface GcTime {
  /** Pause time of every collection, ms. */
  pauseMs: number;
  /** Mark-compacts (full collections): their count and pause time, ms. */
  major: number;
  majorPauseMs: number;
  /** Scavenges (young generation). */
  minor: number;
}

interface GcEntry {
  start: number;
  durationMs: number;
  major: boolean;
}

/** Every collection since observeGc(), in order: a short list (hundreds in a full run), kept for the run's length. */
const gcEntries: GcEntry[] = [];
let gcObserver: PerformanceObserver | undefined;

/**
 * Start recording V8's garbage collections (their pauses, from Node's
 * 'gc' performance entries) of this isolate, for gcBetween. In a worker
 * of its own (host.ts) they are the engine's; engines that share one
 * isolate (`--one-isolate`) share one heap, so a collection inside one
 * engine's round may be another's garbage: the figures then say where
 * the time went, not whose it was. Where the runtime has no 'gc' entries,
 * nothing is recorded.
 */
export function observeGc(): void {
  if (gcObserver !== undefined) return;
  try {
    gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const kind = (e as { detail?: { kind?: number } }).detail?.kind;
        gcEntries.push({ start: e.startTime, durationMs: e.duration, major: kind === constants.NODE_PERFORMANCE_GC_MAJOR });
      }
    });
    gcObserver.observe({ entryTypes: ['gc'] });
  } catch {
    gcObserver = undefined;
  }
}

/**
 * The collections that started between performance.now() values t0 and
 * t1. Entries arrive asynchronously, after the collection: read this once
 * the event loop has turned since t1 (the runner reads them at the end).
 */
export function gcBetween(t0: number, t1: number): GcTime {
  const out: GcTime = { pauseMs: 0, major: 0, majorPauseMs: 0, minor: 0 };
  for (const e of gcEntries) {
    if (e.start < t0 || e.start >= t1) continue;
    out.pauseMs += e.durationMs;
    if (e.major) {
      out.major++;
      out.majorPauseMs += e.durationMs;
    } else out.minor++;
  }
  return out;
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Calls f on the value, now or when the promise resolves. (Not named
 * `then`: a module that exports a function of that name is a thenable, so
 * a dynamic import of it, as vitest's module runner does, awaits it and
 * fails.)
 */
export function whenDone<T>(value: MaybePromise<T>, f: (v: T) => void): MaybePromise<void> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/**
 * Runs op(0), op(1), … until `wanted` are done or `budgetMs` has passed
 * (at least one always runs). Reads the clock every few operations once they
 * are fast, so the clock does not distort the rate and slow ones do not
 * overshoot the budget.
 */
export async function timed(wanted: number, budgetMs: number, op: (i: number) => MaybePromise<void>): Promise<Timed> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const stopAt = t0 + budgetMs;
  let ops = 0;
  let stride = 1;
  let next = 1;
  let last = t0;
  while (ops < wanted) {
    const r = op(ops++);
    if (r instanceof Promise) await r;
    if (ops < next) continue;
    const now = performance.now();
    if (now > stopAt) break;
    if (now - last < 0.05 && stride < 64) stride *= 2;
    else if (now - last > 1 && stride > 1) stride /= 2;
    last = now;
    next = ops + stride;
  }
  const elapsedMs = performance.now() - t0;
  return { ops, wanted, complete: ops === wanted, elapsedMs, startedAt: t0, cpuMs: cpuMsSince(cpu0) };
}

/**
 * `workers` concurrent loops (closed-loop clients) that together run op(0)
 * … op(wanted - 1), each taking the next index as soon as its previous
 * operation is done. An operation's latency runs from the moment its worker
 * was ready for it (its previous operation ended) to its end, so it
 * includes waiting for the other workers: with synchronous operations the
 * workers take turns (they yield after each operation), which is serial
 * execution on one connection, and each waits for the others' turns.
 */
export async function timedConcurrent(
  wanted: number,
  budgetMs: number,
  workers: number,
  op: (worker: number, i: number) => MaybePromise<void>,
): Promise<Timed> {
  const latencies = new Float64Array(wanted);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const stopAt = t0 + budgetMs;
  let nextIndex = 0;
  let done = 0;
  const worker = async (w: number) => {
    let readyAt = t0;
    while (nextIndex < wanted) {
      if (readyAt > stopAt && nextIndex > 0) break;
      const i = nextIndex++;
      const r = op(w, i);
      if (r instanceof Promise) await r;
      const end = performance.now();
      latencies[done++] = end - readyAt;
      readyAt = end;
      // Let the other workers take their turn.
      if (workers > 1) await null;
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  const elapsedMs = performance.now() - t0;
  const cpuMs = cpuMsSince(cpu0);
  const used = latencies.subarray(0, done).sort();
  return { ops: done, wanted, complete: done === wanted, elapsedMs, latenciesMs: used, startedAt: t0, cpuMs };
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}
