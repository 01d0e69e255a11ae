// Shared by the engine suites: the kernel kinds every suite runs against,
// small sizes that make eviction, memtable freezes, checkpoints and WAL
// recycling happen within a few hundred rows, a table whose rows carry the
// number of the transaction that wrote them, and readers that turn a
// snapshot into a plain map for comparison with a model.
import { FlintError } from '../../src/errors.ts';
import type { KernelKind } from '../../src/kernels/index.ts';
import type { StorageValue } from '../../src/storage/tuple.ts';
import { createMemoryVfs, Prng } from '../../src/storage/vfs/index.ts';
import type { MemoryVfs, OpenOptions, Vfs, VfsFile, VfsLock } from '../../src/storage/vfs/index.ts';
import { Engine, type ColumnDef, type EngineOptions } from '../../src/txn/engine.ts';
import type { Transaction } from '../../src/txn/transaction.ts';

export const KINDS: readonly KernelKind[] = ['wasm', 'ts'];
export const DIR = '/db';
/** Explicit per-test timeout: bun's default is 5 s, and the crash suites run longer. */
export const LONG_MS = 120_000;
/** For the crash loops that recover at every sync of a workload (~300 recoveries): ~80 s alone, far more on a loaded machine or under Deno. A guard against a hang, not a measure. */
export const VERY_LONG_MS = 360_000;
/**
 * Whether the crash loops visit every sync of their workloads. They do under
 * Node, which CI runs first; under Bun and Deno they visit a fixed sample
 * (every fourth sync, and the first and last few): the same engine code runs
 * there, and what those runtimes could break (typed arrays, WASM, timers) shows
 * at any crash point, while the full sweeps cost CI ~4 minutes more.
 */
export const FULL_CRASH_SWEEPS = typeof process !== 'undefined' && process.release?.name === 'node' && !('Bun' in globalThis) && !('Deno' in globalThis);

/** The syncs 1..syncs a crash loop visits: every one under Node, else the sample FULL_CRASH_SWEEPS describes (`phase` shifts it). */
export function crashPoints(syncs: number, phase = 0): number[] {
  const points: number[] = [];
  for (let k = 1; k <= syncs; k++) {
    if (FULL_CRASH_SWEEPS || k <= 3 || k > syncs - 3 || (k + phase) % 4 === 0) points.push(k);
  }
  return points;
}

/** A row of the test table: key, number of the workload transaction that wrote it, payload. */
export interface Row {
  readonly k: bigint;
  readonly txn: number;
  readonly v: string | null;
}

export const ROW_COLUMNS: readonly ColumnDef[] = [
  { name: 'k', type: 'int64', nullable: false },
  { name: 'txn', type: 'int32', nullable: false },
  { name: 'v', type: 'text', nullable: true },
];

export function rowValues(row: Row): StorageValue[] {
  return [row.k, row.txn, row.v];
}

export function toRow(values: readonly StorageValue[]): Row {
  const [k, txn, v] = values;
  if (typeof k !== 'bigint' || typeof txn !== 'number' || !(v === null || typeof v === 'string')) {
    throw new Error(`not a test row: ${String(values)}`);
  }
  return { k, txn, v };
}

/** Sizes small enough that a few hundred rows evict, freeze memtables, switch WAL files and checkpoint. */
export function smallOptions(kind: KernelKind, vfs: Vfs, overrides: Partial<EngineOptions> = {}): EngineOptions {
  return {
    vfs,
    dir: DIR,
    kernels: kind,
    poolBytes: 1 << 20,
    memtableBytes: 64 << 10,
    maxFrozenMemtables: 2,
    walFileBytes: 64 << 10,
    checkpointWalBytes: 256 << 10,
    now: () => 1_700_000_000_000,
    // Group commit's pacing reads this clock: a fixed one makes which commits share an fdatasync, and so
    // the count of fdatasyncs the crash suites replay to, the same on every run.
    clock: () => 0,
    ...overrides,
  };
}

/** Every row of `table` visible to txn, by key (keys are unique in the tests), with its tid. */
export function readTable(db: Engine, txn: Transaction, table: string): Map<bigint, { tid: number; row: Row }> {
  const def = db.table(table);
  if (def === undefined) throw new Error(`table ${table} is missing`);
  const out = new Map<bigint, { tid: number; row: Row }>();
  db.scan(txn, def.id, (tid, values) => {
    const row = toRow(values);
    if (out.has(row.k)) throw new Error(`key ${row.k} of ${table} is visible twice (tids ${out.get(row.k)!.tid} and ${tid})`);
    out.set(row.k, { tid, row });
  });
  return out;
}

/** The committed content of `table` as key -> row, read in a fresh read-only transaction. */
export function committedRows(db: Engine, table: string): Map<bigint, Row> {
  const txn = db.begin();
  try {
    const out = new Map<bigint, Row>();
    for (const [k, { row }] of readTable(db, txn, table)) out.set(k, row);
    return out;
  } finally {
    db.commit(txn);
  }
}

/** A readable difference between two key -> row maps, '' if equal. */
export function diffRows(got: ReadonlyMap<bigint, Row>, want: ReadonlyMap<bigint, Row>, limit = 5): string {
  const lines: string[] = [];
  for (const [k, row] of want) {
    const g = got.get(k);
    if (g === undefined) lines.push(`missing ${k} (want txn ${row.txn})`);
    else if (g.txn !== row.txn || g.v !== row.v) lines.push(`key ${k}: got txn ${g.txn} v.length ${g.v?.length}, want txn ${row.txn} v.length ${row.v?.length}`);
  }
  for (const [k, row] of got) if (!want.has(k)) lines.push(`extra ${k} (txn ${row.txn})`);
  if (lines.length === 0) return '';
  return `${lines.length} differences (got ${got.size} rows, want ${want.size}): ${lines.slice(0, limit).join('; ')}`;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';
/** 8 KiB of fixed pseudo-random text that payloads are cut from. */
const TEXT = Array.from({ length: 8192 }, (_, i) => LETTERS[(i * 7919 + ((i * i) >> 3)) % LETTERS.length]).join('');

/** Deterministic text of a given length (up to 4 KiB), cut at a random place, so payload bytes differ from row to row. */
export function payload(prng: Prng, length: number): string {
  if (length > 4096) throw new Error(`payload of ${length} characters: at most 4096`);
  const at = prng.int(4096);
  return TEXT.slice(at, at + length);
}

/** Runs fn and returns the FlintError it throws (fails if it throws nothing or something else). */
export function flintError(fn: () => unknown): FlintError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FlintError) return error;
    throw error;
  }
  throw new Error('expected a FlintError, nothing was thrown');
}

export async function flintErrorAsync(fn: () => Promise<unknown>): Promise<FlintError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof FlintError) return error;
    throw error;
  }
  throw new Error('expected a FlintError, nothing was thrown');
}

/** Plain Errors with short messages: fast-check and the crash loops report them with their seed. */
export function check(ok: boolean, message: () => string): asserts ok {
  if (!ok) throw new Error(message());
}

export { Prng };

// The group-commit test vfs is shared with the WAL tests.
export { GatedVfs, settle } from '../storage/wal/wal-helpers.ts';

/** The WAL files of the database in DIR, by name. */
export function walFiles(vfs: MemoryVfs): string[] {
  return vfs.list(`${DIR}/wal`).filter((n) => n.endsWith('.wal')).sort();
}

/** Inserts rows from..from+n-1 of ROW_COLUMNS' shape (a 200-byte payload each) in one transaction. */
export function loadRows(db: Engine, table: number, from: number, n: number): void {
  const txn = db.begin();
  for (let i = from; i < from + n; i++) db.insert(txn, table, [BigInt(i), i, 'x'.repeat(200)]);
  db.commit(txn);
}

/** How many rows a new snapshot sees in the table. */
export function countRows(db: Engine, table: number): number {
  const txn = db.begin();
  let n = 0;
  db.scan(txn, table, () => {
    n++;
  });
  db.commit(txn);
  return n;
}
