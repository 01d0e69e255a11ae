// The query memory limit. A statement that materializes too much (a sort, a
// hash join's build side, GROUP BY's groups, DISTINCT, a result set) must
// fail with 53200 and leave the process, and every other session of a
// server, running: V8 running out of heap is not an exception but the end
// of the process.
//
// Statements run one at a time on the one JS thread, so whatever the heap
// grows by while one runs is that statement's doing. The executor's
// interrupt check (every few thousand rows of every scan, generated series,
// join and recursive step) asks check() here: when the heap in use passes
// the limit, a full collection runs first (where the runtime lets us ask
// for one: garbage alone must not fail a statement), and if the heap is
// still above it the statement fails. This measures real memory, costs
// nothing per row, and needs no bookkeeping of what each operator holds.
// PostgreSQL spills sorts and hashes past work_mem to disk instead; Flint
// does not spill yet, so the limit is on the whole heap (DuckDB's
// memory_limit works the same way).

import * as v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { FlintError, SqlState } from '../errors.ts';

interface HeapProbe {
  /** Bytes of JS heap in use (live and not yet collected). */
  used(): number;
  /** The heap's hard limit, or undefined if the runtime does not say. */
  limit(): number | undefined;
  /** A full collection, or null where the runtime offers none. */
  collect: (() => void) | null;
}

/** Past this share of the runtime's heap limit a statement fails (leaving room to fail cleanly). */
const DEFAULT_SHARE = 0.8;

function loadProbe(): HeapProbe | null {
  // Bun's node:v8 statistics describe JavaScriptCore's heap loosely (big
  // strings live outside what it reports) and a forced collection there
  // costs seconds: no guard under Bun rather than a wrong one.
  if ((globalThis as { Bun?: unknown }).Bun !== undefined) return null;
  try {
    let collect: (() => void) | null = null;
    try {
      // Node: V8's gc() in a fresh context, without starting the process with --expose-gc.
      v8.setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as unknown;
      if (typeof gc === 'function') collect = gc as () => void;
    } catch {
      collect = null;
    }
    const limit = v8.getHeapStatistics().heap_size_limit;
    return {
      used: () => v8.getHeapStatistics().used_heap_size,
      limit: () => (limit > 0 ? limit : undefined),
      collect,
    };
  } catch {
    return null;
  }
}

const probe: HeapProbe | null = loadProbe();
let limitBytes: number | undefined;

/** The heap limit statements are held to, in bytes (undefined: none known). */
export function memoryLimit(): number | undefined {
  if (limitBytes !== undefined) return limitBytes > 0 ? limitBytes : undefined;
  const hard = probe?.limit();
  return hard === undefined ? undefined : Math.floor(hard * DEFAULT_SHARE);
}

/** Set the limit in bytes (0: no limit; undefined: back to 80% of the runtime's heap limit). */
export function setMemoryLimit(bytes: number | undefined): void {
  if (bytes !== undefined && !(Number.isFinite(bytes) && bytes >= 0)) {
    throw new FlintError(SqlState.invalidParameterValue, `memory limit must be a number of bytes >= 0, got ${String(bytes)}`);
  }
  limitBytes = bytes;
}

/** Bytes of heap in use now (0 where the runtime does not say). */
export function heapUsed(): number {
  return probe?.used() ?? 0;
}

/** Throws 53200 if the heap is past the limit even after a full collection. */
export function checkMemory(): void {
  if (probe === null) return;
  const limit = memoryLimit();
  if (limit === undefined || probe.used() <= limit) return;
  if (probe.collect !== null) {
    probe.collect();
    if (probe.used() <= limit) return;
  }
  const mib = (n: number) => `${Math.round(n / 1048576)} MiB`;
  throw new FlintError(SqlState.outOfMemory, 'out of memory', {
    detail: `The statement holds more than the query memory limit allows: ${mib(probe.used())} of JS heap in use, limit ${mib(limit)}.`,
    hint: 'Read fewer rows into sorts, hash joins, GROUP BY or the result (add WHERE or LIMIT), or start the process with a larger heap (node --max-old-space-size).',
  });
}
