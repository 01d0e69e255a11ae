// A seeded workload for the crash suites, and the check that a database
// recovered after a crash holds exactly the acknowledged commits plus any
// subset of the commits that were in flight — each of those whole or not at
// all.
//
// The workload runs transactions one after another (commit(), synchronous
// 'full') with inserts, updates and deletes over two tables, some rolled
// back, with vacuum and checkpoints in between, and every few transactions a
// batch of three concurrent transactions on disjoint keys committed together
// through commitAsync (one group-commit round). Every row carries the number
// of the transaction that last wrote it. The journal records, as the
// workload goes, which commits returned (acknowledged) and which were in
// flight when the crash struck.
import type { KernelKind } from '../../src/kernels/index.ts';
import type { Vfs } from '../../src/storage/vfs/index.ts';
import { indexScanProblems } from '../../src/txn/check.ts';
import { Engine, type EngineOptions } from '../../src/txn/engine.ts';
import type { Transaction } from '../../src/txn/transaction.ts';
import { Prng, ROW_COLUMNS, check, committedRows, diffRows, payload, rowValues, smallOptions, toRow, type Row } from './engine-helpers.ts';

export const TABLES = ['a', 'b'] as const;

/** One write of a transaction: the row a key now has, or null for a delete. */
interface Change {
  readonly table: string;
  readonly k: bigint;
  readonly row: Row | null;
}

type Model = Map<string, Map<bigint, Row>>;

export class Journal {
  /** Changes of each acknowledged commit, in commit order. */
  readonly acked: Change[][] = [];
  /** Changes of the commits that had started but not returned when the crash struck. */
  inflight: Change[][] = [];
  /** Tables whose createTable returned. */
  readonly tables = new Set<string>();
  /** Transactions acknowledged (for test statistics). */
  get ackedCount(): number {
    return this.acked.length;
  }
}

export interface WorkloadOptions {
  readonly kind: KernelKind;
  readonly seed: number;
  /** Transactions to run. */
  readonly transactions: number;
  readonly engine?: Partial<EngineOptions>;
  /** The workload's checkpoints are the CHECKPOINT statement's (Engine.checkpointTruncate): the log continues in a fresh file and the old one is removed. */
  readonly truncatingCheckpoints?: boolean;
}

export function workloadOptions(o: WorkloadOptions, vfs: Vfs): EngineOptions {
  return smallOptions(o.kind, vfs, { poolBytes: 256 << 10, memtableBytes: 32 << 10, maxFrozenMemtables: 1, checkpointWalBytes: 192 << 10, ...o.engine });
}

function applyAll(model: Model, changes: readonly Change[]): void {
  for (const c of changes) {
    let table = model.get(c.table);
    if (table === undefined) model.set(c.table, (table = new Map()));
    if (c.row === null) table.delete(c.k);
    else table.set(c.k, c.row);
  }
}

/**
 * Run the workload on vfs from an empty directory, recording into journal.
 * Returns the open engine (the caller closes it). Any error, a
 * SimulatedCrash included, propagates.
 */
export async function runWorkload(vfs: Vfs, o: WorkloadOptions, journal: Journal): Promise<Engine> {
  const prng = new Prng(o.seed);
  const db = Engine.open(workloadOptions(o, vfs));
  for (const name of TABLES) {
    // Table a is keyed on k; table b has hidden row ids and a secondary
    // index on txn: after recovery every index must agree with its table.
    const t = db.createTable(name, ROW_COLUMNS, undefined, name === 'a' ? { name: 'a_pkey', columns: [{ column: 0, key: { type: 'int64' } }] } : undefined);
    if (name === 'b') db.createIndex(t.id, { name: 'b_txn', columns: [{ column: 1, key: { type: 'int64' } }] });
    journal.tables.add(name);
  }
  /** Committed rows and the tid of their visible version. */
  const model = new Map<string, Map<bigint, { row: Row; tid: number }>>(TABLES.map((t) => [t, new Map()]));

  /**
   * One transaction's writes. It sees the committed model plus its own
   * changes (an overlay, not a copy: this runs hundreds of times a test);
   * `own` filters which existing keys it may update or delete.
   */
  const writeSome = (txn: Transaction, no: number, own: (k: bigint) => boolean): { changes: Change[]; after: () => void } => {
    const mine = new Map<string, Map<bigint, { row: Row; tid: number } | null>>(TABLES.map((t) => [t, new Map()]));
    const keys = new Map<string, bigint[]>(TABLES.map((t) => [t, [...model.get(t)!.keys()].filter(own)]));
    const changes: Change[] = [];
    const ops = 1 + prng.int(30);
    for (let i = 0; i < ops; i++) {
      const table = TABLES[prng.int(TABLES.length)]!;
      const id = db.table(table)!.id;
      const overlay = mine.get(table)!;
      const candidates = keys.get(table)!;
      const dice = prng.int(10);
      // A key this transaction still sees (it may have deleted some of the candidates).
      let k: bigint | undefined;
      for (let probe = 0; probe < 8 && k === undefined && candidates.length > 0; probe++) {
        const c = candidates[prng.int(candidates.length)]!;
        if (overlay.get(c) !== null) k = c;
      }
      if (dice < 5 || k === undefined) {
        const row: Row = { k: BigInt(no * 1000 + i), txn: no, v: prng.chance(0.1) ? null : payload(prng, prng.int(1500)) };
        const tid = db.insert(txn, id, rowValues(row));
        overlay.set(row.k, { row, tid });
        changes.push({ table, k: row.k, row });
      } else {
        const { tid } = overlay.get(k) ?? model.get(table)!.get(k)!;
        if (dice < 8) {
          const row: Row = { k, txn: no, v: payload(prng, prng.int(1500)) };
          const newTid = db.update(txn, id, tid, rowValues(row));
          overlay.set(k, { row, tid: newTid });
          changes.push({ table, k, row });
        } else {
          db.delete(txn, id, tid);
          overlay.set(k, null);
          changes.push({ table, k, row: null });
        }
      }
    }
    const after = (): void => {
      for (const [t, overlay] of mine) {
        const rows = model.get(t)!;
        for (const [k, v] of overlay) {
          if (v === null) rows.delete(k);
          else rows.set(k, v);
        }
      }
    };
    return { changes, after };
  };

  for (let no = 1; no <= o.transactions; no++) {
    if (no % 10 === 5) {
      // Three concurrent transactions on disjoint keys, committed in one group-commit round.
      const batch = [0, 1, 2].map((lane) => {
        const txn = db.begin();
        return { txn, ...writeSome(txn, no * 10 + lane, (k) => k % 3n === BigInt(lane)) };
      });
      journal.inflight = batch.map((b) => b.changes);
      const settled = await Promise.allSettled(batch.map((b) => db.commitAsync(b.txn)));
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
      for (const b of batch) {
        journal.acked.push(b.changes);
        b.after();
      }
      journal.inflight = [];
      continue;
    }
    const txn = db.begin();
    const { changes, after } = writeSome(txn, no * 10, () => true);
    if (prng.chance(0.1)) {
      db.rollback(txn);
      continue;
    }
    journal.inflight = [changes];
    db.commit(txn);
    journal.acked.push(changes);
    journal.inflight = [];
    after();
    if (prng.chance(0.1)) db.vacuum();
    if (prng.chance(0.05)) {
      if (o.truncatingCheckpoints === true) db.checkpointTruncate();
      else db.checkpoint();
    }
    if (prng.chance(0.2)) db.flushStep();
  }
  return db;
}

/** What the tables hold now, a missing table read as empty. */
export function actualContent(db: Engine): Model {
  const out: Model = new Map();
  for (const name of TABLES) out.set(name, db.table(name) === undefined ? new Map() : committedRows(db, name));
  return out;
}

/**
 * '' if `db` holds exactly the acknowledged commits plus some subset of the
 * in-flight ones, each whole; otherwise what is wrong.
 */
export function checkRecovered(db: Engine, journal: Journal): string {
  for (const name of journal.tables) if (db.table(name) === undefined) return `table ${name} was created (acknowledged) but is missing`;
  const indexes = checkIndexes(db);
  if (indexes !== '') return indexes;
  const actual = actualContent(db);
  const inflight = journal.inflight;
  let firstDiff = '';
  for (let mask = 0; mask < 1 << inflight.length; mask++) {
    const want: Model = new Map(TABLES.map((t) => [t, new Map()]));
    for (const changes of journal.acked) applyAll(want, changes);
    for (let i = 0; i < inflight.length; i++) if ((mask & (1 << i)) !== 0) applyAll(want, inflight[i]!);
    let diff = '';
    for (const name of TABLES) {
      const d = diffRows(actual.get(name)!, want.get(name)!);
      if (d !== '') diff += `table ${name}: ${d}. `;
    }
    if (diff === '') return '';
    if (mask === 0) firstDiff = diff;
  }
  return `${journal.ackedCount} acknowledged commits, ${inflight.length} in flight; against the acknowledged ones: ${firstDiff}`;
}

/** '' if every index of every table agrees with the table: entries for every version, and lookups equal to scans. */
export function checkIndexes(db: Engine): string {
  for (const name of TABLES) {
    const t = db.table(name);
    if (t === undefined) continue;
    try {
      db.verifyIndexes(t.id);
    } catch (error) {
      return `table ${name}: ${(error as Error).message}`;
    }
    const scans = indexScanProblems(db, t.id);
    if (scans.length > 0) return `table ${name}: ${scans[0]}`;
    const txn = db.begin();
    try {
      const scanned: Row[] = [];
      db.scan(txn, t.id, (_tid, values) => void scanned.push(toRow(values)));
      for (const index of db.indexes(t.id)) {
        const col = index.columns[0]?.column;
        if (col === undefined) continue;
        for (const row of scanned.slice(0, 20)) {
          const key = col === 0 ? row.k : row.txn;
          const bound = { values: [key], inclusive: true };
          let hit = 0;
          db.indexScan(txn, t.id, index.id, { lower: bound, upper: bound }, (_tid, values) => {
            if (toRow(values).k === row.k) hit++;
          });
          if (hit !== 1) return `table ${name}: index ${index.name} finds key ${key} of row ${row.k} ${hit} times`;
        }
      }
    } finally {
      db.commit(txn);
    }
  }
  return '';
}

/**
 * Reopen after a crash and check the content; unless `quick`, also vacuum,
 * write, reopen again and check that too.
 */
export function recoverAndContinue(o: WorkloadOptions, vfs: Vfs, journal: Journal, what: string, quick = false): void {
  let db: Engine;
  try {
    db = Engine.open(workloadOptions(o, vfs));
  } catch (error) {
    throw new Error(`${what}: recovery failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  const problem = checkRecovered(db, journal);
  check(problem === '', () => `${what}: ${problem}`);
  if (quick) {
    db.close();
    return;
  }
  // Vacuum after recovery finds only what the crash left dead, and changes nothing visible.
  const before = actualContent(db);
  db.vacuum();
  // New writes are accepted, in a table that may or may not have survived its creation.
  const table = db.table(TABLES[0]) ?? db.createTable(TABLES[0], ROW_COLUMNS);
  const txn = db.begin();
  db.insert(txn, table.id, [-1n, -1, 'after recovery']);
  db.commit(txn);
  before.get(TABLES[0])!.set(-1n, { k: -1n, txn: -1, v: 'after recovery' });
  db.close();
  const again = Engine.open(workloadOptions(o, vfs));
  const after = actualContent(again);
  again.close();
  for (const name of TABLES) {
    const diff = diffRows(after.get(name)!, before.get(name)!);
    check(diff === '', () => `${what}: after writing and reopening, ${name}: ${diff}`);
  }
}
